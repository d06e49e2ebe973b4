"""Reading a unit's staff list from CSV, as exported by Excel in China (GBK) or saved as UTF-8.

Pure: bytes in, validated rows and per-line errors out. Whether a row creates or updates a staff
member is decided later against the database (see ``workflow.org.imports``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, TypeVar

from workflow.org.states import Gender, LicenceType, StaffStatus

MAX_ROWS = 20_000
T = TypeVar("T")

# Accepted header spellings → field name. Chinese first: that is what units' spreadsheets carry.
HEADERS: dict[str, str] = {
    "工号": "staff_no",
    "staff_no": "staff_no",
    "姓名": "name",
    "name": "name",
    "性别": "gender",
    "gender": "gender",
    "科室": "department",
    "科室编码": "department",
    "department": "department",
    "职称": "title",
    "title": "title",
    "执业证号": "licence_no",
    "执业证书编号": "licence_no",
    "licence_no": "licence_no",
    "执业类别": "licence_type",
    "licence_type": "licence_type",
    "入职日期": "hire_date",
    "hire_date": "hire_date",
    "状态": "status",
    "status": "status",
}
REQUIRED = ("staff_no", "name", "gender")

GENDERS = {
    "男": Gender.MALE,
    "女": Gender.FEMALE,
    "male": Gender.MALE,
    "female": Gender.FEMALE,
    "m": Gender.MALE,
    "f": Gender.FEMALE,
}
LICENCE_TYPES = {
    "执业医师": LicenceType.PHYSICIAN,
    "执业助理医师": LicenceType.ASSISTANT_PHYSICIAN,
    "护士": LicenceType.NURSE,
    "药师": LicenceType.PHARMACIST,
    "技师": LicenceType.TECHNICIAN,
    "乡村医生": LicenceType.RURAL_DOCTOR,
    "无": LicenceType.NONE,
    "": LicenceType.NONE,
    **{t.value: t for t in LicenceType},
}
STATUSES = {
    "在岗": StaffStatus.ACTIVE,
    "休假": StaffStatus.ON_LEAVE,
    "进修": StaffStatus.ON_LEAVE,
    "调离": StaffStatus.LEFT,
    "离职": StaffStatus.LEFT,
    "退休": StaffStatus.RETIRED,
    "": StaffStatus.ACTIVE,
    **{s.value: s for s in StaffStatus},
}

_STAFF_NO = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
_LENGTHS = {"name": 50, "title": 50, "licence_no": 40, "department": 100}


@dataclass(frozen=True)
class StaffRow:
    line: int
    staff_no: str
    name: str
    gender: Gender
    department: str  # department code or name, resolved against the unit later
    title: str
    licence_no: str
    licence_type: LicenceType
    hire_date: date | None
    status: StaffStatus

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["hire_date"] = self.hire_date.isoformat() if self.hire_date else None
        return data


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


@dataclass
class ParsedFile:
    encoding: str
    rows: list[StaffRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (with or without BOM), else GB18030 (a GBK superset)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else "gbk"
        except UnicodeDecodeError:
            continue
    raise ValueError("the file is neither UTF-8 nor GBK text")


def _parse_date(raw: str) -> date:
    cleaned = raw.strip().replace("/", "-").replace(".", "-")
    for suffix in ("年", "月"):
        cleaned = cleaned.replace(suffix, "-")
    cleaned = cleaned.replace("日", "").strip("-")
    parts = cleaned.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(raw)
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def parse(data: bytes, *, today: date) -> ParsedFile:
    """Parse and validate every row, collecting all problems instead of stopping at the first."""
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        return ParsedFile("unknown", errors=[RowError(0, "file", str(exc))])
    result = ParsedFile(encoding)
    if "\x00" in text:
        result.errors.append(RowError(0, "file", "the file is binary, not CSV (save the sheet as CSV)"))
        return result
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        columns = _columns(reader, result)
        if columns:
            _rows(reader, columns, today, result)
    except csv.Error as exc:
        result.errors.append(RowError(reader.line_num, "file", f"malformed CSV: {exc}"))
    return result


def _columns(reader: Iterator[list[str]], result: ParsedFile) -> list[str]:
    """Field names of the header's columns, or [] after recording why the header is unusable."""
    header = next(reader, None)
    if header is None:
        result.errors.append(RowError(1, "header", "the file is empty"))
        return []
    columns = [HEADERS.get(h.strip().lower(), HEADERS.get(h.strip(), "")) for h in header]
    missing = [f for f in REQUIRED if f not in columns]
    unknown = [h for h, c in zip(header, columns, strict=True) if not c and h.strip()]
    if missing:
        result.errors.append(RowError(1, "header", f"missing column(s): {', '.join(missing)}"))
    if unknown:
        result.errors.append(RowError(1, "header", f"unknown column(s): {', '.join(unknown)}"))
    return [] if missing or unknown else columns


def _rows(reader: Any, columns: list[str], today: date, result: ParsedFile) -> None:
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(result.rows) + len(result.errors) > MAX_ROWS:
            result.errors.append(RowError(line, "file", f"more than {MAX_ROWS} rows; split the file"))
            return
        row_errors: list[RowError] = []
        if len(record) != len(columns):
            row_errors.append(RowError(line, "row", "wrong number of cells"))
        cells = {k: v.strip() for k, v in zip(columns, record, strict=False)}
        row = _parse_row(_Cells(line, cells, row_errors), seen, today)
        if row is None or row_errors:
            result.errors.extend(row_errors)
        else:
            result.rows.append(row)


@dataclass
class _Cells:
    """One CSV line being checked: its cells and the problems found so far."""

    line: int
    cells: dict[str, str]
    errors: list[RowError]

    def get(self, name: str) -> str:
        return self.cells.get(name, "")

    def fail(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.line, name, message))

    def lookup(self, name: str, table: dict[str, T], message: str) -> T | None:
        value = table.get(self.get(name).lower() if name == "gender" else self.get(name))
        if value is None:
            self.fail(name, message.format(self.get(name)))
        return value


def _staff_no(row: _Cells, seen: dict[str, int]) -> str:
    staff_no = row.get("staff_no")
    if not _STAFF_NO.match(staff_no):
        row.fail("staff_no", "staff number must be 1–32 letters, digits, - or _")
    elif staff_no in seen:
        row.fail("staff_no", f"staff number {staff_no} repeats line {seen[staff_no]}")
    else:
        seen[staff_no] = row.line
    return staff_no


def _hire_date(row: _Cells, today: date) -> date | None:
    if not row.get("hire_date"):
        return None
    try:
        hired = _parse_date(row.get("hire_date"))
    except ValueError:
        row.fail("hire_date", "hire date must look like 2015-09-01")
        return None
    if not date(1950, 1, 1) <= hired <= today:
        row.fail("hire_date", "hire date is out of range")
    return hired


def _parse_row(row: _Cells, seen: dict[str, int], today: date) -> StaffRow | None:
    """Check every cell of one line, recording all problems on ``row``."""
    staff_no = _staff_no(row, seen)
    if not row.get("name"):
        row.fail("name", "name is empty")
    for name, limit in _LENGTHS.items():
        if len(row.get(name)) > limit:
            row.fail(name, f"longer than {limit} characters")
    gender = row.lookup("gender", GENDERS, "gender must be 男 or 女")
    licence_type = row.lookup("licence_type", LICENCE_TYPES, "unknown licence type {!r}")
    status = row.lookup("status", STATUSES, "unknown status {!r}")
    hire_date = _hire_date(row, today)
    if gender is None or licence_type is None or status is None:
        return None
    return StaffRow(
        line=row.line,
        staff_no=staff_no,
        name=row.get("name"),
        gender=gender,
        department=row.get("department"),
        title=row.get("title"),
        licence_no=row.get("licence_no"),
        licence_type=licence_type,
        hire_date=hire_date,
        status=status,
    )
