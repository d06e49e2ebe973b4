from __future__ import annotations

from datetime import date

from workflow.org.staff_csv import parse
from workflow.org.states import Gender, LicenceType, StaffStatus

TODAY = date(2026, 11, 27)
HEADER = "工号,姓名,性别,科室,职称,执业证号,执业类别,入职日期,状态\n"


def test_gbk_and_utf8_files_read_the_same() -> None:
    text = HEADER + "A001,张三,男,内科,主治医师,1101,执业医师,2015年9月1日,在岗\n"
    gbk, utf8 = parse(text.encode("gbk"), today=TODAY), parse(text.encode("utf-8-sig"), today=TODAY)
    assert (gbk.encoding, utf8.encoding) == ("gbk", "utf-8")
    assert gbk.rows == utf8.rows
    row = gbk.rows[0]
    assert (row.gender, row.licence_type, row.status, row.hire_date) == (
        Gender.MALE,
        LicenceType.PHYSICIAN,
        StaffStatus.ACTIVE,
        date(2015, 9, 1),
    )


def test_english_headers_semicolons_and_blank_lines() -> None:
    text = "staff_no;name;gender\nB1;Li Na;female\n\n;;\nB2;王芳;女\n"
    parsed = parse(text.encode(), today=TODAY)
    assert [r.staff_no for r in parsed.rows] == ["B1", "B2"] and not parsed.errors


def test_every_problem_is_reported_with_its_line() -> None:
    text = HEADER + (
        "A001,张三,男,,,,,,\n"
        "A001,李四,女,,,,,,\n"
        "bad no,王五,男,,,,,,\n"
        "A004,赵六,男,,,,飞行员,2015-13-01,休眠\n"
        "A005,钱七,女\n"
    )
    errors = {(e.line, e.field) for e in parse(text.encode(), today=TODAY).errors}
    assert errors == {
        (3, "staff_no"),
        (4, "staff_no"),
        (5, "licence_type"),
        (5, "hire_date"),
        (5, "status"),
        (6, "row"),
    }


def test_overlong_fields_are_refused() -> None:
    text = HEADER + "A001," + "张" * 51 + ",男,,,,,,\n"
    assert [(e.field, e.line) for e in parse(text.encode(), today=TODAY).errors] == [("name", 2)]


def test_a_file_that_is_not_text_is_one_clear_error() -> None:
    parsed = parse(bytes(range(256)) * 4, today=TODAY)
    assert parsed.rows == [] and len(parsed.errors) == 1 and parsed.errors[0].field == "file"
