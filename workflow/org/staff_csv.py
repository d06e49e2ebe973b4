"""Reading a unit's staff list from CSV, as exported by Excel in China (GBK) or saved as UTF-8.

Pure: bytes in, validated rows and per-line errors out. Whether a row creates or updates a staff
member is decided later against the database (see ``workflow.org.imports``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, field
from datetime import date

from workflow.org.states import Gender, LicenceType, StaffStatus

MAX_ROWS = 20_000

# Accepted header spellings → field name. Chinese first: that is what units' spreadsheets carry.
HEADERS: dict[str, str] = {
    "工号": "staff_no", "staff_no": "staff_no",
    "姓名": "name", "name": "name",
    "性别": "gender", "gender": "gender",
    "科室": "department", "科室编码": "department", "department": "department",
    "职称": "title", "title": "title",
    "执业证号": "licence_no", "执业证书编号": "licence_no", "licence_no": "licence_no",
    "执业类别": "licence_type", "licence_type": "licence_type",
    "入职日期": "hire_date", "hire_date": "hire_date",
    "状态": "status", "status": "status",
}  # fmt: skip
REQUIRED = ("staff_no", "name", "gender")

GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "male": Gender.MALE, "female": Gender.FEMALE,
           "m": Gender.MALE, "f": Gender.FEMALE}  # fmt: skip
LICENCE_TYPES = {
    "执业医师": LicenceType.PHYSICIAN, "执业助理医师": LicenceType.ASSISTANT_PHYSICIAN,
    "护士": LicenceType.NURSE, "药师": LicenceType.PHARMACIST, "技师": LicenceType.TECHNICIAN,
    "乡村医生": LicenceType.RURAL_DOCTOR, "无": LicenceType.NONE, "": LicenceType.NONE,
    **{t.value: t for t in LicenceType},
}  # fmt: skip
STATUSES = {"在岗": StaffStatus.ACTIVE, "休假": StaffStatus.ON_LEAVE, "进修": StaffStatus.ON_LEAVE,
            "调离": StaffStatus.LEFT, "离职": StaffStatus.LEFT, "退休": StaffStatus.RETIRED,
            "": StaffStatus.ACTIVE, **{s.value: s for s in StaffStatus}}  # fmt: skip

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
        header = next(reader)
    except (StopIteration, csv.Error):
        result.errors.append(RowError(1, "header", "the file is empty"))
        return result
    columns = [HEADERS.get(h.strip().lower(), HEADERS.get(h.strip(), "")) for h in header]
    missing = [f for f in REQUIRED if f not in columns]
    unknown = [h for h, c in zip(header, columns, strict=True) if not c and h.strip()]
    if missing:
        result.errors.append(RowError(1, "header", f"missing column(s): {', '.join(missing)}"))
    if unknown:
        result.errors.append(RowError(1, "header", f"unknown column(s): {', '.join(unknown)}"))
    if missing or unknown:
        return result
    seen: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(result.rows) + len(result.errors) > MAX_ROWS:
                result.errors.append(RowError(line, "file", f"more than {MAX_ROWS} rows; split the file"))
                break
            _parse_row(line, dict(zip(columns, record, strict=False)), len(record) == len(columns), seen, today,
                       result)  # fmt: skip
    except csv.Error as exc:
        result.errors.append(RowError(reader.line_num, "file", f"malformed CSV: {exc}"))
    return result


def _parse_row(
    line: int, cells: dict[str, str], complete: bool, seen: dict[str, int], today: date, out: ParsedFile
) -> None:
    errors: list[RowError] = []
    if not complete:
        errors.append(RowError(line, "row", "wrong number of cells"))
    get = {k: v.strip() for k, v in cells.items()}
    staff_no = get.get("staff_no", "")
    if not _STAFF_NO.match(staff_no):
        errors.append(RowError(line, "staff_no", "staff number must be 1–32 letters, digits, - or _"))
    elif staff_no in seen:
        errors.append(RowError(line, "staff_no", f"staff number {staff_no} repeats line {seen[staff_no]}"))
    else:
        seen[staff_no] = line
    if not get.get("name"):
        errors.append(RowError(line, "name", "name is empty"))
    for name, limit in _LENGTHS.items():
        if len(get.get(name, "")) > limit:
            errors.append(RowError(line, name, f"longer than {limit} characters"))
    gender = GENDERS.get(get.get("gender", "").lower())
    if gender is None:
        errors.append(RowError(line, "gender", "gender must be 男 or 女"))
    licence_type = LICENCE_TYPES.get(get.get("licence_type", ""))
    if licence_type is None:
        errors.append(RowError(line, "licence_type", f"unknown licence type {get.get('licence_type')!r}"))
    status = STATUSES.get(get.get("status", ""))
    if status is None:
        errors.append(RowError(line, "status", f"unknown status {get.get('status')!r}"))
    hire_date: date | None = None
    if get.get("hire_date"):
        try:
            hire_date = _parse_date(get["hire_date"])
        except ValueError:
            errors.append(RowError(line, "hire_date", "hire date must look like 2015-09-01"))
        else:
            if not date(1950, 1, 1) <= hire_date <= today:
                errors.append(RowError(line, "hire_date", "hire date is out of range"))
    if errors or gender is None or licence_type is None or status is None:
        out.errors.extend(errors)
        return
    out.rows.append(
        StaffRow(
            line=line,
            staff_no=staff_no,
            name=get["name"],
            gender=gender,
            department=get.get("department", ""),
            title=get.get("title", ""),
            licence_no=get.get("licence_no", ""),
            licence_type=licence_type,
            hire_date=hire_date,
            status=status,
        )
    )
