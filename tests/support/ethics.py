"""Principals and a small organisation for the ethics service tests, built through the real services."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.factories import Org, make_org
from workflow.accounts.roles import Grant, Principal, Role
from workflow.ids import AccountId, StaffId, UnitId
from workflow.runtime import Runtime

_SHARED_HASH: dict[str, str] = {}


@dataclass
class People:
    org: Org
    unit: UnitId
    office: Principal
    office2: Principal
    head: Principal
    staff: dict[StaffId, Principal]
    organizer: Principal
    auditor: Principal


async def principal(
    rt: Runtime,
    username: str,
    role: Role,
    *,
    unit: UnitId | None = None,
    department: int | None = None,
    staff: StaffId | None = None,
) -> Principal:
    grant = Grant(
        role,
        unit if role == Role.UNIT_ADMIN else None,
        department if role == Role.DEPARTMENT_HEAD else None,  # type: ignore[arg-type]
    )
    account = await quick_account(username, grant, staff if role == Role.STAFF else None)
    return Principal(AccountId(account), username, username, staff if role == Role.STAFF else None, (grant,))


async def make_people(rt: Runtime, *, staff_per_unit: int = 6, units: int = 1) -> People:
    org = await make_org(rt, units=units, staff_per_unit=staff_per_unit)
    unit = org.units[0]
    staff_ids = org.staff[unit]
    return People(
        org=org,
        unit=unit,
        office=await principal(rt, "office", Role.UNIT_ADMIN, unit=unit),
        office2=await principal(rt, "office2", Role.UNIT_ADMIN, unit=unit),
        head=await principal(rt, "head", Role.DEPARTMENT_HEAD, department=org.departments[unit][0]),
        staff={s: await principal(rt, f"staff{s}", Role.STAFF, staff=s) for s in staff_ids},
        organizer=await principal(rt, "organizer", Role.ORGANIZER),
        auditor=await principal(rt, "auditor", Role.AUDITOR),
    )


async def quick_account(username: str, grant: Grant, staff: StaffId | None) -> int:
    """An account with one grant and the shared test password, hashed once for the whole session.

    Test set-up only: inserted directly, so the org log does not record it. Logging in still goes
    through ``/api/auth/login`` and verifies the hash like any login.
    """
    from tests.support.factories import PASSWORD
    from workflow.accounts.passwords import hash_password
    from workflow.accounts.tables import Account, RoleGrant

    if "hash" not in _SHARED_HASH:
        _SHARED_HASH["hash"] = hash_password(PASSWORD)
    account = Account(
        username=username, display_name=username, password_hash=_SHARED_HASH["hash"], staff=staff
    )
    await account.save()
    await RoleGrant(
        account=account.id, role=grant.role, unit=grant.unit_id, department=grant.department_id
    ).save()
    return int(account.id)


async def quick_staff_accounts(staff: list[StaffId], prefix: str = "s") -> dict[StaffId, str]:
    """Staff accounts (role ``staff``), see :func:`quick_account`."""
    names: dict[StaffId, str] = {}
    for staff_id in staff:
        username = f"{prefix}{staff_id}"
        await quick_account(username, Grant(Role.STAFF), staff_id)
        names[staff_id] = username
    return names
