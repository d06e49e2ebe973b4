"""Who may see and change which part of the organisation.

The API's guards say which roles may call an endpoint at all; these functions say which units,
departments and staff a caller of that role reaches. Out-of-scope reads answer "not found" so that
a unit admin cannot probe another unit's staff numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.accounts.roles import Principal, Role
from workflow.errors import NotFound, PermissionDenied
from workflow.ids import DepartmentId, StaffId, UnitId

ORG_WIDE_READERS = frozenset({Role.ORGANIZER, Role.AUDITOR})


@dataclass(frozen=True)
class StaffScope:
    """The staff a principal may read: everyone, some units, some departments, or only themself."""

    everyone: bool = False
    units: frozenset[UnitId] = frozenset()
    departments: frozenset[DepartmentId] = frozenset()
    self_id: StaffId | None = None

    def allows(self, unit_id: UnitId, department_id: DepartmentId | None, staff_id: StaffId) -> bool:
        return (
            self.everyone
            or unit_id in self.units
            or (department_id is not None and department_id in self.departments)
            or staff_id == self.self_id
        )


def staff_scope(p: Principal) -> StaffScope:
    return StaffScope(
        everyone=bool(p.roles & ORG_WIDE_READERS),
        units=p.units(Role.UNIT_ADMIN),
        departments=p.departments(Role.DEPARTMENT_HEAD),
        self_id=p.staff_id if p.has(Role.STAFF) else None,
    )


def can_manage_unit(p: Principal, unit_id: UnitId) -> bool:
    return p.has(Role.ORGANIZER) or unit_id in p.units(Role.UNIT_ADMIN)


def require_manage_unit(p: Principal, unit_id: UnitId) -> None:
    if not can_manage_unit(p, unit_id):
        raise PermissionDenied("you do not administer this unit", unit_id=unit_id)


def require_read_staff(
    p: Principal, unit_id: UnitId, department_id: DepartmentId | None, staff_id: StaffId
) -> None:
    if not staff_scope(p).allows(unit_id, department_id, staff_id):
        raise NotFound("no such staff member")


# --- 医德医风 files ---------------------------------------------------------------------------------
#
# Individual files are more private than the staff list: the unit admin acts as the unit's ethics
# office (医德医风办公室) and sees the unit's files; a department head sees the department's; a staff
# member their own; the auditor (纪检) reads every file and changes none. Organizers see aggregates
# across units (distributions, counts), never an individual file.


def ethics_file_scope(p: Principal) -> StaffScope:
    """The files a principal may read: like ``staff_scope`` but without the organizer."""
    return StaffScope(
        everyone=p.has(Role.AUDITOR),
        units=p.units(Role.UNIT_ADMIN),
        departments=p.departments(Role.DEPARTMENT_HEAD),
        self_id=p.staff_id if p.has(Role.STAFF) else None,
    )


def require_read_file(
    p: Principal, unit_id: UnitId, department_id: DepartmentId | None, staff_id: StaffId
) -> None:
    if not ethics_file_scope(p).allows(unit_id, department_id, staff_id):
        raise NotFound("no such ethics file")


def is_ethics_office(p: Principal, unit_id: UnitId) -> bool:
    return unit_id in p.units(Role.UNIT_ADMIN)


def require_ethics_office(p: Principal, unit_id: UnitId) -> None:
    """Approving records, unit evaluation, 公示 and appeal decisions belong to the unit's ethics office."""
    if not is_ethics_office(p, unit_id):
        raise PermissionDenied("only the unit's ethics office (unit admin) may do this", unit_id=unit_id)


def can_submit_records(p: Principal, unit_id: UnitId, department_id: DepartmentId | None) -> bool:
    """Daily records come from the person's department head or the unit's ethics office."""
    heads = p.departments(Role.DEPARTMENT_HEAD)
    return is_ethics_office(p, unit_id) or (department_id is not None and department_id in heads)


def require_department_head(p: Principal, department_id: DepartmentId | None) -> None:
    if department_id is None or department_id not in p.departments(Role.DEPARTMENT_HEAD):
        raise PermissionDenied("only the head of this person's department may do this")


def can_read_unit_aggregates(p: Principal, unit_id: UnitId) -> bool:
    """Counts and distributions: the bureau (organizers), the auditor and the unit's own office."""
    return p.has(Role.ORGANIZER, Role.AUDITOR) or is_ethics_office(p, unit_id)
