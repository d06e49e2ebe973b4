from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from api.access import SIGNED_IN, roles
from api.schemas.common import IdParam, LimitParam, OptionalIdParam, Page
from api.schemas.org import (
    DepartmentIn,
    DepartmentOut,
    RegionIn,
    RegionOut,
    StaffOut,
    StaffPatch,
    UnitIn,
    UnitOut,
)
from workflow.accounts.roles import Principal, Role
from workflow.ids import DepartmentId, RegionId, StaffId, UnitId
from workflow.org import service as org
from workflow.pagination import DEFAULT_LIMIT
from workflow.runtime import Runtime

STAFF_READERS = roles(Role.ORGANIZER, Role.AUDITOR, Role.UNIT_ADMIN, Role.DEPARTMENT_HEAD, Role.STAFF)


class RegionController(Controller):
    path = "/api/regions"
    tags = ["organisation"]

    @get("/", guards=[SIGNED_IN], operation_id="ListRegions")
    async def list_regions(self) -> list[RegionOut]:
        return [RegionOut.of(r) for r in await org.list_regions()]

    @post("/", guards=[roles(Role.ORGANIZER)], operation_id="CreateRegion")
    async def create_region(
        self, data: JSONBody[RegionIn], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> dict[str, int]:
        region_id = await org.create_region(
            rt,
            code=data.code,
            name=data.name,
            level=data.level,
            parent_id=RegionId(data.parent_id) if data.parent_id else None,
            actor=principal.ledger_actor,
        )
        return {"id": region_id}


class UnitController(Controller):
    path = "/api/units"
    tags = ["organisation"]

    @get("/", guards=[SIGNED_IN], operation_id="ListUnits")
    async def list_units(
        self, cursor: FromQuery[str | None] = None, limit: FromQuery[LimitParam] = DEFAULT_LIMIT
    ) -> Page[UnitOut]:
        page = await org.list_units(cursor=cursor, limit=limit)
        return Page([UnitOut.of(r) for r in page.items], page.next_cursor)

    @post("/", guards=[roles(Role.ORGANIZER)], operation_id="CreateUnit")
    async def create_unit(
        self, data: JSONBody[UnitIn], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> UnitOut:
        unit_id = await org.create_unit(
            rt,
            code=data.code,
            name=data.name,
            kind=data.kind,
            region_id=RegionId(data.region_id),
            actor=principal.ledger_actor,
        )
        return UnitOut.of(await org.get_unit(unit_id))

    @get("/{unit_id:int}", guards=[SIGNED_IN], operation_id="GetUnit")
    async def get_unit(self, unit_id: FromPath[IdParam]) -> UnitOut:
        return UnitOut.of(await org.get_unit(UnitId(unit_id)))

    @get("/{unit_id:int}/departments", guards=[SIGNED_IN], operation_id="ListDepartments")
    async def list_departments(self, unit_id: FromPath[IdParam]) -> list[DepartmentOut]:
        return [DepartmentOut.of(d) for d in await org.list_departments(UnitId(unit_id))]

    @post(
        "/{unit_id:int}/departments",
        guards=[roles(Role.ORGANIZER, Role.UNIT_ADMIN)],
        operation_id="CreateDepartment",
    )
    async def create_department(
        self,
        unit_id: FromPath[IdParam],
        data: JSONBody[DepartmentIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> dict[str, int]:
        """Add a department to a unit (organizers anywhere, unit admins in their own unit)."""
        department_id = await org.create_department(
            rt, principal, unit_id=UnitId(unit_id), code=data.code, name=data.name
        )
        return {"id": department_id}

    @get("/{unit_id:int}/staff", guards=[STAFF_READERS], operation_id="ListStaff")
    async def list_staff(
        self,
        unit_id: FromPath[IdParam],
        principal: NamedDependency[Principal],
        department_id: FromQuery[OptionalIdParam] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[LimitParam] = DEFAULT_LIMIT,
    ) -> Page[StaffOut]:
        """The unit's staff, narrowed to what the caller may see (a department head: their department)."""
        page = await org.list_staff(
            principal,
            unit_id=UnitId(unit_id),
            department_id=DepartmentId(department_id) if department_id else None,
            cursor=cursor,
            limit=limit,
        )
        return Page([StaffOut.of(r) for r in page.items], page.next_cursor)


class StaffController(Controller):
    path = "/api/staff"
    tags = ["organisation"]

    @get("/{staff_id:int}", guards=[STAFF_READERS], operation_id="GetStaff")
    async def get_staff(self, staff_id: FromPath[IdParam], principal: NamedDependency[Principal]) -> StaffOut:
        return StaffOut.of(await org.get_staff(principal, StaffId(staff_id)))

    @patch("/{staff_id:int}", guards=[roles(Role.ORGANIZER, Role.UNIT_ADMIN)], operation_id="UpdateStaff")
    async def update_staff(
        self,
        staff_id: FromPath[IdParam],
        data: JSONBody[StaffPatch],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> StaffOut:
        """Change a staff member's fields; ``version`` must match the version read (else 409)."""
        changes = org.StaffChanges(
            name=data.name,
            gender=data.gender,
            department_id=DepartmentId(data.department_id) if data.department_id else None,
            title=data.title,
            licence_no=data.licence_no,
            licence_type=data.licence_type,
            hire_date=data.hire_date,
            status=data.status,
        )
        row = await org.update_staff(
            rt, principal, StaffId(staff_id), expected_version=data.version, changes=changes
        )
        return StaffOut.of(row)
