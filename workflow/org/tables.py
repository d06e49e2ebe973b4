"""Tables of the organisation model.

Composite unique keys (department code per unit, staff number per unit) live in a raw migration:
Piccolo emits ``ALTER TABLE … ADD CONSTRAINT`` for them, which SQLite cannot run.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LazyTableReference,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from workflow.org.states import Gender, ImportStatus, LicenceType, RegionLevel, StaffStatus, UnitKind


class Region(Table):
    """A region and the health bureau (卫健委) that governs it."""

    id = Serial(primary_key=True)
    code = Varchar(length=12, unique=True)  # 行政区划代码, e.g. 110113
    name = Varchar(length=100)
    level = Varchar(length=12, choices=RegionLevel)
    parent: ForeignKey[Region] = ForeignKey("self", null=True)


class Unit(Table):
    """A hospital, health centre, CDC … that employs staff."""

    id = Serial(primary_key=True)
    code = Varchar(length=32, unique=True)
    name = Varchar(length=100)
    kind = Varchar(length=24, choices=UnitKind)
    region = ForeignKey(Region)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Department(Table):
    id = Serial(primary_key=True)
    unit = ForeignKey(Unit)
    code = Varchar(length=32)
    name = Varchar(length=100)


class Staff(Table):
    """One staff member; the staff number (工号) is unique within a unit and is the import key."""

    id = Serial(primary_key=True)
    unit = ForeignKey(Unit)
    department = ForeignKey(Department, null=True)
    staff_no = Varchar(length=32)
    name = Varchar(length=50)
    gender = Varchar(length=8, choices=Gender)
    title = Varchar(length=50, default="")  # 职称
    licence_no = Varchar(length=40, default="")
    licence_type = Varchar(length=24, choices=LicenceType, default=LicenceType.NONE)
    hire_date = Date(null=True, default=None)
    status = Varchar(length=16, choices=StaffStatus, default=StaffStatus.ACTIVE)
    version = Integer(default=1)
    updated_at = Timestamptz(default=TimestamptzNow())


class StaffImport(Table):
    """An uploaded staff file between its preview and its commit (or discard)."""

    id = Serial(primary_key=True)
    unit = ForeignKey(Unit)
    status = Varchar(length=16, choices=ImportStatus, default=ImportStatus.PREVIEWED)
    version = Integer(default=1)
    filename = Varchar(length=200)
    file_sha256 = Varchar(length=64)
    encoding = Varchar(length=16)
    rows = Text()  # JSON: {"rows": parsed valid rows, "parse_errors": [...]}
    report = Text()  # JSON: counts and per-row errors shown in the preview
    # null when the CLI operator ran the import
    created_by: ForeignKey[Table] = ForeignKey(
        LazyTableReference("Account", module_path="workflow.accounts.tables"), null=True
    )
    created_at = Timestamptz(default=TimestamptzNow())
    decided_at = Timestamptz(null=True, default=None)
