"""Reading an SMS follow-up export (短信随访): CSV (UTF-8 or GBK) or Excel (.xlsx).

Pure: bytes in, validated rows and per-line errors out. Which staff member a row names and whether
its message was imported before is decided later against the database
(``workflow.ethics.service_feedback``).

Columns (header names in Chinese or English, any order; docs/ethics.md lists them):

- message id (required, the import key): 回访编号, 短信编号, 消息编号, message_id;
- staff number (required, the doctor or nurse the message asked about): 工号, staff_no;
- reply date (required; 2025-03-02, 2025/3/2 or 2025年3月2日, a time is ignored): 回复日期, 回复时间,
  日期, received_on;
- reply (required; ``1``/``2``/``3`` or 满意/基本满意/不满意, optionally followed by a comment):
  回复内容, 回复, reply;
- comment (optional, appended to the comment): 意见, 备注, comment.

Any other column (a phone number, a name) is ignored, named in the preview, and never stored.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from workflow.ethics.feedback import Answer, parse_sms_answer
from workflow.org.staff_csv import RowError, decode

MAX_ROWS: Final = 200_000
MAX_COMMENT: Final = 500
MAX_XLSX_UNCOMPRESSED: Final = 200 * 1024 * 1024

HEADERS: Final[dict[str, str]] = {
    "回访编号": "message_id",
    "短信编号": "message_id",
    "消息编号": "message_id",
    "message_id": "message_id",
    "工号": "staff_no",
    "staff_no": "staff_no",
    "回复日期": "received_on",
    "回复时间": "received_on",
    "日期": "received_on",
    "received_on": "received_on",
    "回复内容": "reply",
    "回复": "reply",
    "reply": "reply",
    "意见": "comment",
    "备注": "comment",
    "comment": "comment",
}
REQUIRED: Final = ("message_id", "staff_no", "received_on", "reply")

_MESSAGE_ID = re.compile(r"^[0-9A-Za-z_.:-]{1,64}$")
_STAFF_NO = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
_TOKENS: Final = frozenset({"1", "2", "3", "满意", "基本满意", "不满意"})


@dataclass(frozen=True)
class SmsRow:
    line: int
    message_id: str
    staff_no: str
    received_on: date
    answer: Answer | None
    """``None``: the reply could not be read; it is kept and counted as invalid."""
    comment: str

    def as_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "message_id": self.message_id,
            "staff_no": self.staff_no,
            "received_on": self.received_on.isoformat(),
            "answer": None if self.answer is None else self.answer.value,
            "comment": self.comment,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SmsRow:
        return cls(
            line=data["line"],
            message_id=data["message_id"],
            staff_no=data["staff_no"],
            received_on=date.fromisoformat(data["received_on"]),
            answer=None if data["answer"] is None else Answer(data["answer"]),
            comment=data["comment"],
        )


@dataclass
class ParsedSms:
    file_format: str
    encoding: str = ""
    rows: list[SmsRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    duplicates_in_file: int = 0


def split_reply(text: str) -> tuple[Answer | None, str]:
    """The answer and the comment of a reply: ``3 医生态度差`` → (不满意, ``医生态度差``)."""
    answer = parse_sms_answer(text)
    normalized = unicodedata.normalize("NFKC", text).strip()
    if answer is None:
        return None, normalized
    parts = normalized.split(maxsplit=1)
    rest = parts[1] if len(parts) > 1 else ""
    if parts[0] in _TOKENS:
        return answer, rest.strip()
    return answer, f"{parts[0][1:]} {rest}".strip()


def parse(data: bytes) -> ParsedSms:
    """Parse and validate every row, collecting all problems instead of stopping at the first."""
    if data.startswith(b"PK\x03\x04"):
        return _parse_table(_xlsx_rows(data), ParsedSms("xlsx"))
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        return ParsedSms("csv", errors=[RowError(0, "file", str(exc))])
    if "\x00" in text:
        return ParsedSms("csv", errors=[RowError(0, "file", "the file is binary, neither CSV nor .xlsx")])
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    result = ParsedSms("csv", encoding=encoding)
    try:
        return _parse_table(((reader.line_num, row) for row in reader), result)
    except csv.Error as exc:
        result.errors.append(RowError(reader.line_num, "file", f"malformed CSV: {exc}"))
        return result


class _BadFile(Exception):
    pass


def _xlsx_rows(data: bytes) -> Any:
    """(line, cells) of the first sheet; a broken or oversized workbook is one file error."""
    import openpyxl  # noqa: PLC0415 - only Excel uploads need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise _BadFile("the workbook unpacks to more than 200 MB")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _BadFile:
        raise
    except Exception as exc:  # openpyxl raises many types for broken files
        raise _BadFile(f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_cell_text(c) for c in row]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_table(lines: Any, result: ParsedSms) -> ParsedSms:
    try:
        header = next(lines, None)
        if header is None:
            result.errors.append(RowError(1, "header", "the file is empty"))
            return result
        columns = _columns(header[1], result)
        if not columns:
            return result
        seen: set[str] = set()
        for line, cells in lines:
            if not any(str(c).strip() for c in cells):
                continue
            if len(result.rows) + len(result.errors) >= MAX_ROWS:
                result.errors.append(RowError(line, "file", f"more than {MAX_ROWS} rows; split the file"))
                return result
            row = _row(line, dict(zip(columns, cells, strict=False)), result.errors)
            if row is None:
                continue
            if row.message_id in seen:
                result.duplicates_in_file += 1
                continue
            seen.add(row.message_id)
            result.rows.append(row)
    except _BadFile as exc:
        result.errors.append(RowError(0, "file", str(exc)))
    return result


def _columns(header: list[str], result: ParsedSms) -> list[str]:
    names = [str(h).strip() for h in header]
    columns = [HEADERS.get(n.lower(), HEADERS.get(n, "")) for n in names]
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        result.errors.append(RowError(1, "header", f"missing column(s): {', '.join(missing)}"))
        return []
    result.ignored_columns = [n for n, c in zip(names, columns, strict=True) if not c and n]
    return columns


def _row(line: int, cells: dict[str, str], errors: list[RowError]) -> SmsRow | None:
    found: list[RowError] = []
    message_id = str(cells.get("message_id", "")).strip()
    staff_no = str(cells.get("staff_no", "")).strip()
    if not _MESSAGE_ID.match(message_id):
        found.append(RowError(line, "message_id", "message id must be 1–64 letters, digits or _.:-"))
    if not _STAFF_NO.match(staff_no):
        found.append(RowError(line, "staff_no", "staff number must be 1–32 letters, digits, - or _"))
    received = _date(str(cells.get("received_on", "")))
    if received is None:
        found.append(RowError(line, "received_on", "reply date must look like 2025-03-02"))
    reply = str(cells.get("reply", ""))
    if not reply.strip():
        found.append(RowError(line, "reply", "the reply is empty"))
    if found or received is None:
        errors.extend(found)
        return None
    answer, comment = split_reply(reply)
    extra = str(cells.get("comment", "")).strip()
    comment = f"{comment} {extra}".strip() if extra else comment
    return SmsRow(line, message_id, staff_no, received, answer, comment[:MAX_COMMENT])


def _date(raw: str) -> date | None:
    cleaned = raw.strip().split(" ")[0].split("T")[0]
    cleaned = cleaned.replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-")
    parts = cleaned.replace("日", "").strip("-").split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None
