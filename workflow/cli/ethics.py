"""``yide ethics …`` and ``yide calendar …``: the annual 医德考评 from the server's shell.

The shell operator acts as the bureau and as the named unit's ethics office, and is logged as
``operator`` (shell access is outside what accounts can express; see ``accounts.roles.OPERATOR``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from workflow.accounts.roles import OPERATOR_ACCOUNT, Grant, Principal, Role
from workflow.cli.admin import unit_by_code
from workflow.cli.app import cli, run_async, runtime
from workflow.errors import NotFound
from workflow.ids import RegionId, UnitId
from workflow.migrate import require_migrated


def office_operator(unit_id: UnitId) -> Principal:
    """The shell operator as the bureau and as ``unit_id``'s ethics office."""
    return Principal(
        OPERATOR_ACCOUNT,
        "operator",
        "命令行操作员",
        None,
        (Grant(Role.ORGANIZER), Grant(Role.UNIT_ADMIN, unit_id)),
    )


async def _year_id(unit_code: str, year: int) -> tuple[UnitId, int]:
    from workflow.ethics.common import year_of  # noqa: PLC0415

    unit_id = await unit_by_code(unit_code)
    return unit_id, int((await year_of(unit_id, year)).id)


@cli.group("ethics")
def ethics_group() -> None:
    """医德医风 files and the annual 医德考评."""


@ethics_group.command("open-year")
@click.option("--unit", "unit_code", required=True, help="Unit code.")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
def open_year(unit_code: str, year: int) -> None:
    """Open a unit's evaluation year (freezing the policy), or add files for staff who joined since."""
    from workflow.ethics import service_files  # noqa: PLC0415

    rt = runtime()

    async def work() -> dict[str, Any]:
        await require_migrated()
        unit_id = await unit_by_code(unit_code)
        return await service_files.open_year(rt, office_operator(unit_id), unit_id=unit_id, year=year)

    result = run_async(work)
    state = "opened" if result["created"] else "already open"
    click.echo(f"{year} evaluation of {unit_code}: {state}; {result['files_added']} file(s) added")


@ethics_group.command("close-year")
@click.option("--unit", "unit_code", required=True, help="Unit code.")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the whole summary as JSON.")
def close_year(unit_code: str, year: int, as_json: bool) -> None:
    """Grade a whole unit for a year and summarize it (year-end batch)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn  # noqa: PLC0415

    from workflow.ethics import service_grading  # noqa: PLC0415

    rt = runtime()
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        disable=as_json,
    )
    task = progress.add_task("scoring", total=None)

    def advance(phase: str, done: int, total: int) -> None:
        progress.update(task, description=phase, completed=done, total=total)

    async def work() -> dict[str, Any]:
        await require_migrated()
        unit_id, year_id = await _year_id(unit_code, year)
        with progress:
            return await service_grading.close_year(rt, office_operator(unit_id), year_id, progress=advance)

    summary = run_async(work)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
        return
    _print_summary(summary)


def _print_summary(summary: dict[str, Any]) -> None:
    labels = {"excellent": "优秀", "good": "良好", "fair": "一般", "poor": "较差", "pending": "待定"}
    counts = summary["grade_counts"]
    click.echo(
        f"{summary['year']}: {summary['files']} file(s) graded — "
        + ", ".join(f"{labels[k]} {counts[k]}" for k in labels)
    )
    click.echo("\nper department:")
    for d in summary["departments"]:
        grades = " ".join(f"{labels[k]}{d['grades'][k]}" for k in labels if d["grades"][k])
        click.echo(
            f"  {d['name']:<12} {d['headcount']:>4} staff  {grades}  否决 {d['vetoed']}  未自评 "
            f"{d['missing_self_evaluations']}"
        )
    for group in summary["groups"]:
        click.echo(
            f"\n优秀 quota ({group['label']}): {group['places']} place(s)"
            f" for {group['candidates']} candidate(s); {group['excellent']} 优秀"
        )
        for note in group["notes"]:
            click.echo(f"  {note}")
        boundary = group["boundary"]
        if boundary is not None:
            at = ", ".join(f"{p['name']}({p['staff_no']}) {p['total']}" for p in boundary["at_cutoff"])
            below = ", ".join(f"{p['name']}({p['staff_no']}) {p['total']}" for p in boundary["first_below"])
            click.echo(f"  at the cut-off {boundary['cutoff_score']}: {at or '—'}")
            click.echo(f"  first below: {below or '—'}")
        if group["pending"]:
            click.echo(
                f"  ! {len(group['pending'])} tied at the cut-off: the committee decides (tie-decision)"
            )
    click.echo(f"\nvetoes (一票否决): {len(summary['vetoes'])}")
    for v in summary["vetoes"]:
        reasons = "; ".join(f"{r['code']} {r['title']}" for r in v["reasons"])
        click.echo(f"  {v['name']}({v['staff_no']}) {v['department']}: {reasons}")
    missing = summary["missing_self_evaluations"]
    click.echo(f"missing self-evaluations (deadline {summary['self_deadline']}): {len(missing)}")
    for m in missing:
        mark = "marked 未自评" if m["marked"] else "still open"
        click.echo(f"  {m['name']}({m['staff_no']}) {m['department']}: {mark}")


@ethics_group.command("import-sms")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", required=True)
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option(
    "--commit", is_flag=True, help="Store the replies if the file has no errors (default: preview)."
)
def import_sms(file: Path, unit_code: str, year: int, commit: bool) -> None:
    """Preview (and with --commit store) an SMS follow-up export, CSV or .xlsx."""
    from workflow.ethics import service_feedback  # noqa: PLC0415

    rt = runtime()
    content = file.read_bytes()

    async def work() -> dict[str, Any]:
        await require_migrated()
        unit_id, year_id = await _year_id(unit_code, year)
        p = office_operator(unit_id)
        view = await service_feedback.preview_sms(rt, p, year_id, filename=file.name, data=content)
        if commit and not view["report"]["errors_total"]:
            view = await service_feedback.commit_sms(rt, p, view["id"], expected_version=view["version"])
        return view

    view = run_async(work)
    r = view["report"]
    click.echo(
        f"{file.name} ({r['file_format']}): {r['rows']} row(s), {r['new']} new,"
        f" {r['already_imported']} already imported, {r['duplicates_in_file']} duplicate(s) in the file,"
        f" {r['tickets']} comment(s) to verify, {r['errors_total']} error(s)"
    )
    if r["ignored_columns"]:
        click.echo(f"ignored (not stored): {', '.join(r['ignored_columns'])}")
    for error in r["errors"]:
        click.echo(f"  line {error['line']}: {error['field']}: {error['message']}", err=True)
    if r["errors_total"]:
        raise click.ClickException("the file has errors; nothing was imported")
    click.echo("committed" if view["status"] == "committed" else "preview only; run again with --commit")


@ethics_group.group("policy")
def policy_group() -> None:
    """A bureau's (region's) ethics policy."""


async def _region(code: str) -> RegionId:
    from workflow.org.tables import Region  # noqa: PLC0415

    row = await Region.select(Region.id).where(Region.code == code).first()
    if row is None:
        raise NotFound(f"no region with code {code!r}")
    return RegionId(row["id"])


@policy_group.command("show")
@click.option("--region", "region_code", required=True, help="Region code, e.g. 110113.")
def policy_show(region_code: str) -> None:
    """Print the policy units of the region follow now (JSON)."""
    from workflow.ethics import service_policy  # noqa: PLC0415

    async def work() -> dict[str, Any]:
        await require_migrated()
        return await service_policy.get_policy(await _region(region_code))

    click.echo(json.dumps(run_async(work), ensure_ascii=False, indent=2, default=str))


@policy_group.command("set")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", "region_code", required=True)
@click.option("--note", default="", help="Why the policy changes (kept with the version).")
def policy_set(file: Path, region_code: str, note: str) -> None:
    """Publish a policy (JSON, fields of EthicsPolicy) as the region's next version."""
    from workflow.accounts.roles import OPERATOR  # noqa: PLC0415
    from workflow.ethics import service_policy  # noqa: PLC0415

    rt = runtime()
    data = file.read_bytes()

    async def work() -> dict[str, Any]:
        await require_migrated()
        region = await _region(region_code)
        return await service_policy.publish_policy(rt, OPERATOR, region_id=region, data=data, note=note)

    result = run_async(work)
    click.echo(f"region {region_code}: policy version {result['version']} ({result['sha256'][:16]}…)")


@cli.group("calendar")
def calendar_group() -> None:
    """The holiday calendar working-day deadlines are counted on."""


@calendar_group.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def calendar_load(file: Path) -> None:
    """Load a year's State Council holiday arrangement (yide-holidays/1 JSON, docs/ethics-rules.md §7)."""
    from workflow.calendar import service  # noqa: PLC0415

    rt = runtime()
    data = file.read_bytes()

    async def work() -> list[int]:
        await require_migrated()
        return await service.load(data, actor="operator", at=rt.clock.now())

    changed = run_async(work)
    click.echo(f"loaded {', '.join(map(str, changed))}" if changed else "nothing new: those years are loaded")


@calendar_group.command("show")
def calendar_show() -> None:
    """Which years the calendar covers, shipped and loaded."""
    from workflow.calendar import service  # noqa: PLC0415

    async def work() -> list[dict[str, Any]]:
        await require_migrated()
        return await service.loaded_years()

    loaded = run_async(work)
    click.echo(f"shipped: {', '.join(map(str, service.shipped_years()))}")
    for row in loaded:
        click.echo(
            f"loaded:  {row['year']}  {row['source']}  ({row['sha256'][:12]}…, {row['loaded_at']:%Y-%m-%d})"
        )
    if not loaded:
        click.echo("loaded:  none")
