"""Account and staff administration from the server's shell."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from workflow.accounts import service as accounts
from workflow.accounts.roles import OPERATOR, Grant, Role
from workflow.cli.app import cli, run_async, runtime
from workflow.errors import InvalidInput, NotFound
from workflow.ids import DepartmentId, StaffId, UnitId
from workflow.migrate import require_migrated
from workflow.org import imports
from workflow.org.tables import Department, Staff, Unit


async def unit_by_code(code: str) -> UnitId:
    row = await Unit.select(Unit.id).where(Unit.code == code).first()
    if row is None:
        raise NotFound(f"no unit with code {code!r}")
    return UnitId(row["id"])


@cli.group("user")
def user_group() -> None:
    """Manage accounts."""


@user_group.command("create")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="Display name, e.g. 张三.")
@click.option(
    "--role", "role_names", multiple=True, required=True, type=click.Choice([r.value for r in Role])
)
@click.option(
    "--unit", "unit_code", help="Unit code (for unit_admin, and department_head with --department)."
)
@click.option("--department", "department_code", help="Department code within --unit (for department_head).")
@click.option("--staff-no", help="Link the account to this staff number within --unit (for staff).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_create(
    username: str,
    display_name: str,
    role_names: tuple[str, ...],
    unit_code: str | None,
    department_code: str | None,
    staff_no: str | None,
    password_stdin: bool,
) -> None:
    """Create an account with one or more roles."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    rt = runtime()

    async def work() -> int:
        await require_migrated()
        unit_id = await unit_by_code(unit_code) if unit_code else None
        department_id = staff_id = None
        if department_code:
            if unit_id is None:
                raise InvalidInput("--department needs --unit")
            dep = (
                await Department.select(Department.id)
                .where((Department.unit == unit_id) & (Department.code == department_code))
                .first()
            )
            if dep is None:
                raise NotFound(f"no department {department_code!r} in unit {unit_code!r}")
            department_id = DepartmentId(dep["id"])
        if staff_no:
            if unit_id is None:
                raise InvalidInput("--staff-no needs --unit")
            st = (
                await Staff.select(Staff.id)
                .where((Staff.unit == unit_id) & (Staff.staff_no == staff_no))
                .first()
            )
            if st is None:
                raise NotFound(f"no staff number {staff_no!r} in unit {unit_code!r}")
            staff_id = StaffId(st["id"])
        grants = [
            Grant(
                Role(r),
                unit_id if Role(r) == Role.UNIT_ADMIN else None,
                department_id if Role(r) == Role.DEPARTMENT_HEAD else None,
            )
            for r in role_names
        ]
        return await accounts.create_account(
            rt,
            username=username,
            display_name=display_name,
            password=password,
            grants=grants,
            staff_id=staff_id,
            actor=OPERATOR.ledger_actor,
        )

    account_id = run_async(work)
    click.echo(f"created account {username} (id {account_id}) with role(s) {', '.join(role_names)}")


@cli.group("staff")
def staff_group() -> None:
    """Manage staff lists."""


@staff_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", required=True, help="Code of the unit the staff belong to.")
@click.option("--commit", is_flag=True, help="Apply the file if it has no errors (default: preview only).")
def staff_import(file: Path, unit_code: str, commit: bool) -> None:
    """Preview (and with --commit apply) a staff CSV in UTF-8 or GBK."""
    rt = runtime()

    content = file.read_bytes()

    async def work() -> dict[str, Any]:
        await require_migrated()
        unit_id = await unit_by_code(unit_code)
        view = await imports.preview(rt, OPERATOR, unit_id=unit_id, filename=file.name, data=content)
        if commit and not view["report"]["errors"]:
            view = await imports.commit(rt, OPERATOR, view["id"], expected_version=view["version"])
        return view

    view = run_async(work)
    report = view["report"]
    click.echo(
        f"{file.name} ({report['encoding']}): {report['create']} to create, {report['update']} to update, "
        f"{report['unchanged']} unchanged, {len(report['errors'])} error(s)"
    )
    for error in report["errors"]:
        click.echo(f"  line {error['line']}: {error['field']}: {error['message']}", err=True)
    if report["errors"]:
        raise click.ClickException("the file has errors; nothing was imported")
    click.echo(
        "committed" if view["status"] == "committed" else "preview only; run again with --commit to apply"
    )
