from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from workflow.documents.excel import (
    OVERVIEW_HEADERS,
    UNIT_GRADE_HEADERS,
    EthicsGradeRow,
    UnitGradeSummary,
    bureau_overview_xlsx,
    sheet_name,
    unit_grades_xlsx,
    write_table,
)
from workflow.errors import InvalidInput


def _open(data: bytes) -> openpyxl.Workbook:
    assert data.startswith(b"PK\x03\x04")  # an .xlsx is a zip
    return openpyxl.load_workbook(io.BytesIO(data))


def _values(sheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_write_table_round_trips_every_kind_of_value() -> None:
    headers = ["姓名", "分数", "整数", "日期", "通过", "空", "备注"]
    rows = [
        ["欧阳明远", Decimal("97.5"), 3, date(2025, 12, 31), True, None, "=1+1"],
        ["李秀英", 88.25, -1, date(2026, 1, 2), False, None, "http://example.org"],
    ]
    book = _open(write_table(headers, rows, sheet="考评", title="测试导出"))
    sheet = book["考评"]
    values = _values(sheet)
    assert values[0] == headers
    assert values[1][:5] == ["欧阳明远", 97.5, 3, values[1][3], True]
    assert values[1][3].date() == date(2025, 12, 31)
    assert values[1][5] is None
    assert sheet["G2"].value == "=1+1" and sheet["G2"].data_type == "s"  # text, never a formula
    assert sheet["G3"].hyperlink is None
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G3"
    assert book.properties.title == "测试导出"


def test_rows_must_match_the_headers() -> None:
    with pytest.raises(InvalidInput, match="row length"):
        write_table(["a", "b"], [["x"]])
    with pytest.raises(InvalidInput, match="headers"):
        write_table([], [])


def test_chinese_columns_are_wide_enough() -> None:
    book = _open(write_table(["单位"], [["某某市第一人民医院（东院区）"]]))
    assert book.active.column_dimensions["A"].width >= 28


GRADE_ROWS = [
    EthicsGradeRow(
        staff_number="E001",
        name="欧阳明远",
        department="心血管内科",
        title="主治医师",
        total=Decimal("97"),
        deductions=Decimal("5"),
        bonus=Decimal("2"),
        grade="良好",
        state="已归档",
    ),
    EthicsGradeRow(
        staff_number="E002",
        name="李秀英",
        department="儿科",
        title="主任医师",
        total=Decimal("100"),
        deductions=Decimal("0"),
        bonus=Decimal("0"),
        grade="excellent",
        state="已归档",
    ),
    EthicsGradeRow(
        staff_number="E003",
        name="张伟",
        department="儿科",
        total=Decimal("82"),
        deductions=Decimal("20"),
        bonus=Decimal("2"),
        grade="poor",
        vetoed=True,
        note="收受红包",
    ),
    EthicsGradeRow(staff_number="E004", name="王芳", department="急诊科", state="自评中"),
]


def test_unit_export_has_one_row_per_staff_member_with_chinese_headers() -> None:
    book = _open(unit_grades_xlsx("某某市第一人民医院", 2025, GRADE_ROWS))
    [sheet] = book.worksheets
    assert sheet.title == "2025年度医德考评结果-某某市第一人民医院"
    values = _values(sheet)
    assert tuple(values[0]) == UNIT_GRADE_HEADERS
    assert values[1] == [
        1,
        "E001",
        "欧阳明远",
        "心血管内科",
        "主治医师",
        97,
        5,
        2,
        "良好",
        None,
        "已归档",
        None,
    ]
    assert values[2][8] == "优秀"
    assert values[3][8:10] == ["较差", "是"] and values[3][11] == "收受红包"
    assert values[4][5:9] == [None, None, None, None] and values[4][10] == "自评中"
    assert len(values) == 5


def test_summary_counts_grades_from_rows() -> None:
    summary = UnitGradeSummary.from_rows("一院", GRADE_ROWS)
    assert (summary.headcount, summary.excellent, summary.good, summary.fair, summary.poor) == (4, 1, 1, 0, 1)
    assert (summary.vetoed, summary.graded, summary.ungraded) == (1, 3, 1)
    assert summary.excellent_share == pytest.approx(1 / 3)
    assert UnitGradeSummary(unit="空", headcount=2).excellent_share is None
    with pytest.raises(InvalidInput, match="more grades"):
        UnitGradeSummary(unit="错", headcount=1, good=2)
    with pytest.raises(InvalidInput, match="negative"):
        UnitGradeSummary(unit="错", headcount=-1)


def test_bureau_overview_has_a_line_per_unit_a_total_and_detail_sheets() -> None:
    units = [
        UnitGradeSummary(
            unit="某某市第一人民医院", headcount=120, excellent=12, good=90, fair=15, poor=1, vetoed=1
        ),
        UnitGradeSummary(unit="某某区妇幼保健院", headcount=40, excellent=4, good=30, fair=6),
        UnitGradeSummary(unit="新成立社区卫生服务中心", headcount=5),
    ]
    details = {"某某市第一人民医院": GRADE_ROWS, "a/b:c*d?[e]": GRADE_ROWS[:1], "A/B:C*D?[E]": GRADE_ROWS[:1]}
    book = _open(bureau_overview_xlsx(2025, units, details=details))
    overview = book.worksheets[0]
    assert overview.title == "2025年度医德考评等次分布"
    values = _values(overview)
    assert tuple(values[0]) == OVERVIEW_HEADERS
    assert values[1] == ["某某市第一人民医院", 120, 12, 90, 15, 1, 2, pytest.approx(12 / 118), 1]
    assert values[3] == ["新成立社区卫生服务中心", 5, 0, 0, 0, 0, 5, None, 0]
    assert values[4] == ["合计", 165, 16, 120, 21, 1, 7, pytest.approx(16 / 158), 1]
    assert overview["H2"].number_format == "0.0%"
    assert [s.title for s in book.worksheets[1:]] == ["某某市第一人民医院", "a_b_c_d__e_", "A_B_C_D__E_~2"]
    assert tuple(_values(book.worksheets[1])[0]) == UNIT_GRADE_HEADERS


def test_sheet_names_obey_excel_rules() -> None:
    assert sheet_name("x" * 40) == "x" * 31
    assert sheet_name("'a[b]'") == "a_b_"
    assert sheet_name("") == "Sheet1"


def test_unknown_grade_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown grade"):
        EthicsGradeRow(staff_number="E9", name="甲", department="乙", grade="甲等")
