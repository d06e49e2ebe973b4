"""Ledger commands: export an audit bundle, verify one offline."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import click

from workflow.cli.app import cli, run_async, runtime
from workflow.ledger.bundle import bundle_chunks, plan_bundle
from workflow.ledger.store import scope_head
from workflow.ledger.verifier import Status, VerifyReport, verify_bundle
from workflow.migrate import require_migrated


@cli.command("export")
@click.option("--scope", "scope_name", required=True, help="The scope to export, e.g. campaign-12 or org.")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Bundle file to write (zip).",
)
def export_command(scope_name: str, out: Path) -> None:
    """Write a scope's audit bundle: entries, checkpoints with cosignatures, keys and a report.

    Streams from the database, so a log of any size exports in constant memory. Shell access counts
    as auditor access: internal scopes export too.
    """
    rt = runtime()
    partial = out.with_name(out.name + ".part")
    digest = hashlib.sha256()

    async def work() -> tuple[int, str]:
        await require_migrated()
        plan = await plan_bundle(rt, await scope_head(scope_name))
        with partial.open("wb") as handle:
            async for chunk in bundle_chunks(rt, plan):
                handle.write(chunk)
                digest.update(chunk)
        return plan.checkpoint.size, plan.header.origin

    try:
        size, origin = run_async(work)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out)
    click.echo(f"wrote {out}: {origin}, {size} entries, sha256 {digest.hexdigest()}")


_MARK = {Status.PASS: ("PASS", "green"), Status.FAIL: ("FAIL", "red"), Status.SKIP: ("SKIP", "yellow")}
PROGRESS_FROM = 50_000
"""Bundles with at least this many entries show a progress bar on a terminal."""


def _print_report(report: VerifyReport) -> None:
    click.echo(f"bundle  {report.bundle}")
    if report.origin:
        click.echo(
            f"log     {report.origin}: {report.entries:,} entries, {report.checkpoints:,} signed checkpoints"
        )
    for result in report.results:
        word, colour = _MARK[result.status]
        notes = f"  ({'; '.join(result.notes)})" if result.notes else ""
        click.echo(f"{click.style(word, fg=colour, bold=True)}  {result.id:<5} {result.title}{notes}")
        if result.first is not None:
            more = f" (and {result.failures - 1} more)" if result.failures > 1 else ""
            at = f"entry {result.first.index}: " if result.first.index is not None else ""
            click.echo(f"             first failure: {at}{result.first.message}{more}")
    if report.ok:
        click.echo(click.style("verified: every check passed", fg="green", bold=True))
    else:
        click.echo(click.style("FAILED: " + ", ".join(report.failed()), fg="red", bold=True))


@cli.command("verify")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A signed checkpoint obtained elsewhere (public page, 公示 notice, a witness): must be consistent.",
)
@click.option("--log-key", "log_keys", multiple=True, help="A log vkey you trust; replaces the bundle's own.")
@click.option("--witness-key", "witness_keys", multiple=True, help="A witness vkey you trust.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: large bundles on a terminal).",
)
def verify_command(
    bundle: Path,
    checkpoint_file: Path | None,
    log_keys: tuple[str, ...],
    witness_keys: tuple[str, ...],
    as_json: bool,
    progress: bool | None,
) -> None:
    """Check an audit bundle offline: numbered checks E4, A1-A5 (and domain checks), pass or fail each.

    Exits 0 when every check passes, 1 when any fails. Needs no database and no network.
    """
    from rich.console import Console  # noqa: PLC0415 - only the verifier draws progress
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn  # noqa: PLC0415

    console = Console(stderr=True)
    bars: list[Progress] = []

    def advance(done: int, total: int) -> None:
        show = progress if progress is not None else (console.is_terminal and total >= PROGRESS_FROM)
        if not show:
            return
        if not bars:
            bar = Progress(
                BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console, transient=True
            )
            bar.add_task("verifying", total=total)
            bar.start()
            bars.append(bar)
        bars[0].update(bars[0].task_ids[0], completed=done, total=total)

    checkpoint = checkpoint_file.read_bytes() if checkpoint_file else None
    try:
        report = verify_bundle(
            bundle, checkpoint=checkpoint, log_keys=log_keys, witness_keys=witness_keys, progress=advance
        )
    finally:
        for bar in bars:
            bar.stop()
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    sys.exit(0 if report.ok else 1)
