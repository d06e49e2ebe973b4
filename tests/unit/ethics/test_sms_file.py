"""The SMS follow-up parser: CSV in GBK or UTF-8 and Excel, every problem with its line, nothing guessed."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from workflow.ethics.feedback import Answer
from workflow.ethics.sms_file import parse, split_reply

HEADER = "回访编号,工号,回复日期,回复内容"


def csv(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *rows]).encode(encoding)


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("text", "answer", "comment"),
    [
        ("1", Answer.SATISFIED, ""),
        ("３ 医生态度差", Answer.DISSATISFIED, "医生态度差"),
        ("3医生态度差", Answer.DISSATISFIED, "医生态度差"),
        ("基本满意 还行", Answer.FAIRLY_SATISFIED, "还行"),
        ("好", None, "好"),
        ("12", None, "12"),
    ],
)
def test_a_reply_splits_into_answer_and_comment(text: str, answer: Answer | None, comment: str) -> None:
    assert split_reply(text) == (answer, comment)


def test_gbk_csv_with_an_extra_phone_column_is_read_and_the_column_ignored() -> None:
    data = csv(
        "M1,N001,2025-03-02,1,13800000000", "M2,N002,2025/3/3,3 太慢,13800000001", header=HEADER + ",手机号"
    )
    parsed = parse(data.decode().encode("gbk"))
    assert parsed.encoding == "gbk" and parsed.file_format == "csv" and not parsed.errors
    assert parsed.ignored_columns == ["手机号"]
    assert [(r.message_id, r.staff_no, r.received_on, r.answer, r.comment) for r in parsed.rows] == [
        ("M1", "N001", date(2025, 3, 2), Answer.SATISFIED, ""),
        ("M2", "N002", date(2025, 3, 3), Answer.DISSATISFIED, "太慢"),
    ]
    assert "13800000000" not in repr(parsed.rows)


def test_english_headers_a_comment_column_and_duplicates_in_the_file() -> None:
    data = csv(
        "M1,N001,2025年3月2日,2,排队久",
        "M1,N001,2025-03-02,2,",
        header="message_id,staff_no,received_on,reply,comment",
    )
    parsed = parse(data)
    assert len(parsed.rows) == 1 and parsed.duplicates_in_file == 1
    assert parsed.rows[0].comment == "排队久"


def test_every_bad_line_is_reported() -> None:
    parsed = parse(
        csv("M 1,N001,2025-03-02,1", "M2,,2025-03-02,1", "M3,N003,03/02,1", "M4,N004,2025-02-30,", "")
    )
    found = sorted((e.line, e.field) for e in parsed.errors)
    assert found == [
        (2, "message_id"),
        (3, "staff_no"),
        (4, "received_on"),
        (5, "received_on"),
        (5, "reply"),
    ]
    assert parsed.rows == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01binary", "binary"),
        ("工号,回复内容\nN1,1".encode(), "missing column"),
        (b"\xff\xfe\xfa", "neither UTF-8 nor GBK"),
        (b"PK\x03\x04 not a zip", "not a readable .xlsx"),
    ],
)
def test_unusable_files_are_one_clear_error(data: bytes, message: str) -> None:
    parsed = parse(data)
    assert parsed.rows == [] and message in parsed.errors[0].message


def test_excel_cells_of_every_type_are_read() -> None:
    data = xlsx(
        [
            ["回访编号", "工号", "回复日期", "回复内容"],
            [1001, "N001", datetime(2025, 3, 2, 10, 30), 1],
            [1002.0, "N002", date(2025, 3, 3), "不满意 等太久"],
            [None, None, None, None],
        ]
    )
    parsed = parse(data)
    assert parsed.file_format == "xlsx" and not parsed.errors
    assert [(r.message_id, r.received_on, r.answer) for r in parsed.rows] == [
        ("1001", date(2025, 3, 2), Answer.SATISFIED),
        ("1002", date(2025, 3, 3), Answer.DISSATISFIED),
    ]


def test_rows_survive_their_json_form() -> None:
    from workflow.ethics.sms_file import SmsRow

    row = parse(csv("M1,N001,2025-03-02,3 差"))
    assert [SmsRow.from_json(r.as_json()) for r in row.rows] == row.rows
