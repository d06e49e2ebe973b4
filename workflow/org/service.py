"""Regions, units, departments and staff: creation, scoped reading, optimistic updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from workflow.accounts.roles import Principal
from workflow.db import for_update, read_transaction, write_transaction
from workflow.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflow.ids import DepartmentId, RegionId, StaffId, UnitId
from workflow.ledger.events import EventType
from workflow.ledger.scopes import ORG
from workflow.ledger.service import Record, append, scope_pseudonym
from workflow.org.access import StaffScope, require_manage_unit, require_read_staff, staff_scope
from workflow.org.states import Gender, LicenceType, RegionLevel, StaffStatus, UnitKind
from workflow.org.tables import Department, Region, Staff, Unit
from workflow.pagination import Page, check_limit, decode_cursor, page_of
from workflow.runtime import Runtime
from workflow.stateful import check_version


async def create_region(
    rt: Runtime, *, code: str, name: str, level: RegionLevel, parent_id: RegionId | None, actor: str
) -> RegionId:
    async with write_transaction():
        if parent_id is not None and not await Region.exists().where(Region.id == parent_id):
            raise InvalidInput("no such parent region", field="parent_id")
        if await Region.exists().where(Region.code == code):
            raise Conflict(f"region code {code} exists", field="code")
        row = Region(code=code, name=name, level=level, parent=parent_id)
        await row.save()
    return RegionId(row.id)


async def list_regions() -> list[dict[str, Any]]:
    return list(await Region.select().order_by(Region.id))


async def create_unit(
    rt: Runtime, *, code: str, name: str, kind: UnitKind, region_id: RegionId, actor: str
) -> UnitId:
    async with write_transaction():
        if not await Region.exists().where(Region.id == region_id):
            raise InvalidInput("no such region", field="region_id")
        if await Unit.exists().where(Unit.code == code):
            raise Conflict(f"unit code {code} exists", field="code")
        row = Unit(code=code, name=name, kind=kind, region=region_id)
        await row.save()
        await append(
            ORG,
            Record(
                EventType.UNIT_CREATED, actor, {"unit": row.id, "code": code, "name": name, "kind": str(kind)}
            ),
            at=rt.clock.now(),
        )
    return UnitId(row.id)


async def list_units(*, cursor: str | None, limit: int) -> Page[dict[str, Any]]:
    after = decode_cursor(cursor)
    rows = await Unit.select().where(Unit.id > after).order_by(Unit.id).limit(check_limit(limit) + 1)
    return page_of(list(rows), limit, key=lambda r: int(r["id"]))


async def get_unit(unit_id: UnitId) -> dict[str, Any]:
    row = await Unit.select().where(Unit.id == unit_id).first()
    if row is None:
        raise NotFound("no such unit")
    return dict(row)


async def create_department(
    rt: Runtime, p: Principal, *, unit_id: UnitId, code: str, name: str
) -> DepartmentId:
    await get_unit(unit_id)
    require_manage_unit(p, unit_id)
    async with write_transaction():
        if await Department.exists().where((Department.unit == unit_id) & (Department.code == code)):
            raise Conflict(f"department code {code} exists in this unit", field="code")
        row = Department(unit=unit_id, code=code, name=name)
        await row.save()
        await append(
            ORG,
            Record(
                EventType.DEPARTMENT_CREATED,
                p.ledger_actor,
                {"unit": unit_id, "department": row.id, "code": code, "name": name},
            ),
            at=rt.clock.now(),
        )
    return DepartmentId(row.id)


async def list_departments(unit_id: UnitId) -> list[dict[str, Any]]:
    await get_unit(unit_id)
    return list(await Department.select().where(Department.unit == unit_id).order_by(Department.id))


STAFF_COLUMNS = (
    Staff.id,
    Staff.unit,
    Staff.department,
    Staff.staff_no,
    Staff.name,
    Staff.gender,
    Staff.title,
    Staff.licence_no,
    Staff.licence_type,
    Staff.hire_date,
    Staff.status,
    Staff.version,
)


async def list_staff(
    p: Principal,
    *,
    unit_id: UnitId,
    department_id: DepartmentId | None,
    cursor: str | None,
    limit: int,
) -> Page[dict[str, Any]]:
    """A unit's staff as far as the caller may see them: everyone, their department, or themself."""
    await get_unit(unit_id)
    scope = staff_scope(p)
    where = (Staff.unit == unit_id) & (Staff.id > decode_cursor(cursor))
    if department_id is not None:
        where &= Staff.department == department_id
    if not (scope.everyone or unit_id in scope.units):
        if unit_id not in await _units_reached(scope):
            raise PermissionDenied("you have no staff to see in this unit", unit_id=unit_id)
        reach: Any = Staff.id == (scope.self_id or -1)
        if scope.departments:
            reach |= Staff.department.is_in(list(scope.departments))
        where &= reach
    rows = await Staff.select(*STAFF_COLUMNS).where(where).order_by(Staff.id).limit(check_limit(limit) + 1)
    return page_of(list(rows), limit, key=lambda r: int(r["id"]))


async def _units_reached(scope: StaffScope) -> set[int]:
    """Units in which a department head's departments or a staff member's own record lie."""
    units: set[int] = set()
    if scope.departments:
        rows = await Department.select(Department.unit).where(Department.id.is_in(list(scope.departments)))
        units.update(r["unit"] for r in rows)
    if scope.self_id is not None:
        row = await Staff.select(Staff.unit).where(Staff.id == scope.self_id).first()
        if row:
            units.add(row["unit"])
    return units


async def get_staff(p: Principal, staff_id: StaffId) -> dict[str, Any]:
    row = await Staff.select(*STAFF_COLUMNS).where(Staff.id == staff_id).first()
    if row is None:
        raise NotFound("no such staff member")
    require_read_staff(p, UnitId(row["unit"]), row["department"], staff_id)
    return dict(row)


@dataclass(frozen=True)
class StaffChanges:
    """Fields a unit admin may change by hand; None means "leave as is"."""

    name: str | None = None
    gender: Gender | None = None
    department_id: DepartmentId | None = None
    title: str | None = None
    licence_no: str | None = None
    licence_type: LicenceType | None = None
    hire_date: date | None = None
    status: StaffStatus | None = None


_CHANGE_COLUMNS = {
    "name": Staff.name,
    "gender": Staff.gender,
    "department_id": Staff.department,
    "title": Staff.title,
    "licence_no": Staff.licence_no,
    "licence_type": Staff.licence_type,
    "hire_date": Staff.hire_date,
    "status": Staff.status,
}


async def update_staff(
    rt: Runtime, p: Principal, staff_id: StaffId, *, expected_version: int, changes: StaffChanges
) -> dict[str, Any]:
    async with write_transaction():
        row = await for_update(Staff.objects().where(Staff.id == staff_id)).first()
        if row is None:
            raise NotFound("no such staff member")
        require_read_staff(p, UnitId(row.unit), row.department, staff_id)
        require_manage_unit(p, UnitId(row.unit))
        check_version(row, expected_version)
        if changes.department_id is not None and not await Department.exists().where(
            (Department.id == changes.department_id) & (Department.unit == row.unit)
        ):
            raise InvalidInput("no such department in this unit", field="department_id")
        changed = {k: v for k, v in vars(changes).items() if v is not None}
        if not changed:
            raise InvalidInput("nothing to change")
        values: dict[Any, Any] = {_CHANGE_COLUMNS[k]: v for k, v in changed.items()}
        values[Staff.version] = row.version + 1
        values[Staff.updated_at] = rt.clock.now()
        await Staff.update(values).where(Staff.id == staff_id)
        await append(
            ORG,
            Record(
                EventType.STAFF_UPDATED,
                p.ledger_actor,
                {
                    "unit": row.unit,
                    "staff": await scope_pseudonym(ORG, "staff", f"{row.unit}:{row.staff_no}"),
                    "fields": sorted(changed),
                },
            ),
            at=rt.clock.now(),
        )
    async with read_transaction():
        return await get_staff(p, staff_id)
