from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec

from api.schemas.common import Code, Id, Name, Struct, Version
from workflow.org.states import Gender, LicenceType, RegionLevel, StaffStatus, UnitKind


class RegionIn(Struct):
    code: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{6,12}$")]
    name: Name
    level: RegionLevel
    parent_id: Id | None = None


class RegionOut(msgspec.Struct):
    id: int
    code: str
    name: str
    level: RegionLevel
    parent_id: int | None

    @classmethod
    def of(cls, r: dict[str, Any]) -> RegionOut:
        return cls(r["id"], r["code"], r["name"], r["level"], r["parent"])


class UnitIn(Struct):
    code: Code
    name: Name
    kind: UnitKind
    region_id: Id


class UnitOut(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: UnitKind
    region_id: int
    active: bool

    @classmethod
    def of(cls, r: dict[str, Any]) -> UnitOut:
        return cls(r["id"], r["code"], r["name"], r["kind"], r["region"], r["active"])


class DepartmentIn(Struct):
    code: Code
    name: Name


class DepartmentOut(msgspec.Struct):
    id: int
    unit_id: int
    code: str
    name: str

    @classmethod
    def of(cls, r: dict[str, Any]) -> DepartmentOut:
        return cls(r["id"], r["unit"], r["code"], r["name"])


class StaffOut(msgspec.Struct):
    id: int
    unit_id: int
    department_id: int | None
    staff_no: str
    name: str
    gender: Gender
    title: str
    licence_no: str
    licence_type: LicenceType
    hire_date: dt.date | None
    status: StaffStatus
    version: int

    @classmethod
    def of(cls, r: dict[str, Any]) -> StaffOut:
        return cls(
            id=r["id"],
            unit_id=r["unit"],
            department_id=r["department"],
            staff_no=r["staff_no"],
            name=r["name"],
            gender=r["gender"],
            title=r["title"],
            licence_no=r["licence_no"],
            licence_type=r["licence_type"],
            hire_date=r["hire_date"],
            status=r["status"],
            version=r["version"],
        )


class StaffPatch(Struct):
    version: Version
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | None = None
    gender: Gender | None = None
    department_id: Id | None = None
    title: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    licence_no: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    licence_type: LicenceType | None = None
    hire_date: dt.date | None = None
    status: StaffStatus | None = None


class ImportRowError(msgspec.Struct):
    line: int
    field: str
    message: str


class ImportChange(msgspec.Struct):
    line: int
    staff_no: str
    action: str
    fields: list[str]


class ImportReport(msgspec.Struct):
    encoding: str
    create: int
    update: int
    unchanged: int
    errors: list[ImportRowError]
    changes: list[ImportChange]


class StaffImportOut(msgspec.Struct):
    id: int
    unit_id: int
    status: str
    version: int
    filename: str
    file_sha256: str
    report: ImportReport
    allowed_actions: list[str]
