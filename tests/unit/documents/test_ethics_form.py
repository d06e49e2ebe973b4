from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from tests.unit.documents import samples
from tests.unit.documents.pdftools import cjk_fonts
from workflow.documents.ethics_form import (
    RECORD_LINES_SHOWN,
    SELF_SUMMARY_EXCERPT_CHARS,
    ItemLine,
    Opinion,
    RecordKind,
    RecordLine,
    Satisfaction,
    ethics_form_pdf,
    ethics_forms_pdf,
    excerpt,
    grade_label,
)
from workflow.documents.layout import MARGIN, PAGE_WIDTH, root_b64
from workflow.errors import InvalidInput


def _flat(text: str) -> str:
    return "".join(text.split())


def test_form_prints_header_items_totals_records_comments_and_verification(open_pdf) -> None:
    form = samples.ethics_form()
    pdf = open_pdf(ethics_form_pdf(form))
    assert cjk_fonts(pdf) and all(embedded for _, embedded in cjk_fonts(pdf))
    text = pdf.flat_text()
    staff = form.staff
    expected = [
        "2025年度医务人员医德考评表",
        staff.unit, staff.department, staff.name, staff.gender, staff.title, staff.staff_number,
        *(item.title for item in form.items),
        "基础分", "扣分合计", "加分计入", "总分", "等次", "97", "良好", "有扣分记录，不符合优秀条件",
        "表扬1条，加分2；批评、投诉、处罚2条，扣分5",
        *(_flat(r.description) for r in [*form.praise, *form.penalties]),
        "满意", "基本满意", "有效回复", "满意率",
        _flat(excerpt(form.self_summary)),
        _flat(form.department.text), "科室负责人签字", "单位（盖章）", "本人签字",
        "同意科室评价意见。", "科主任王建国，2025年12月26日",
        *(_flat(line) for line in form.explanation),
        form.verification.checkpoint.origin, root_b64(form.verification.checkpoint),
        form.verification.entry_hash, form.verification.url,
    ]  # fmt: skip
    assert [e for e in expected if e not in text] == []
    rows = pdf.table_rows()
    assert ["3", "文明礼貌，优质服务，构建和谐医患关系", "15", "-2", "13"] in rows
    assert ["182", "11", "3", "196", "98.5%"] in rows
    last = pdf.pages()
    assert pdf.qr_codes(page=last) == [form.verification.url]
    assert pdf.overflowing(MARGIN, PAGE_WIDTH - MARGIN) == []
    pdf.artifact("ethics-form")
    pdf.artifact("ethics-form-page-2", page=2)


def test_veto_is_printed_prominently_and_forces_the_poor_grade(open_pdf) -> None:
    form = samples.ethics_form(veto=True)
    text = open_pdf(ethics_form_pdf(form)).flat_text()
    assert "一票否决（等次定为较差）" in text and _flat(form.vetoes[0]) in text
    assert "扣分（否决）" in text and "较差" in text
    with pytest.raises(InvalidInput, match="一票否决"):
        replace(form, grade="良好")


def test_long_chinese_text_wraps_within_the_margins_and_flows_onto_the_next_page(open_pdf) -> None:
    comment = samples.LONG_TEXT * 10  # ~1,500 characters, no spaces
    summary = samples.LONG_TEXT * 3  # under the excerpt limit: printed whole
    assert len(summary) < SELF_SUMMARY_EXCERPT_CHARS
    form = replace(
        samples.ethics_form(summary=summary),
        department=Opinion(text=comment, grade="良好"),
        unit=Opinion(text="经考评委员会审议：" + comment),
    )
    pdf = open_pdf(ethics_form_pdf(form))
    text = pdf.flat_text()
    assert _flat(summary) in text
    assert text.count(_flat(comment)) == 2
    assert pdf.pages() >= 3
    assert pdf.overflowing(MARGIN, PAGE_WIDTH - MARGIN) == []


def test_a_long_self_summary_is_cut_to_an_excerpt() -> None:
    long = "甲" * (SELF_SUMMARY_EXCERPT_CHARS + 50)
    cut = excerpt(long)
    assert cut.startswith("甲" * SELF_SUMMARY_EXCERPT_CHARS) and cut.endswith("（节选，全文见本人医德档案）")
    assert excerpt("  短文  ") == "短文"


def test_many_records_are_counted_and_the_rest_referred_to_the_file(open_pdf) -> None:
    praise = [
        RecordLine(day=date(2025, 1, 1 + i), kind=RecordKind.PRAISE, item="救死扶伤，全心全意为人民服务",
                   points=Decimal(1), description=f"第{i + 1}封表扬信")
        for i in range(RECORD_LINES_SHOWN + 5)
    ]  # fmt: skip
    form = replace(samples.ethics_form(), praise=praise)
    text = open_pdf(ethics_form_pdf(form)).flat_text()
    assert f"表扬{len(praise)}条，加分{len(praise)}" in text
    assert "另有5条记录未列出，详见本人医德档案。" in text
    assert f"第{RECORD_LINES_SHOWN}封表扬信" in text and f"第{RECORD_LINES_SHOWN + 1}封表扬信" not in text


def test_batch_numbers_each_persons_pages_from_one(open_pdf) -> None:
    forms = [samples.ethics_form(i) for i in range(3)]
    pdf = open_pdf(ethics_forms_pdf(forms))
    firsts = [p for p in range(1, pdf.pages() + 1) if re.search(r"第\s*1\s*页", pdf.text(p))]
    assert len(firsts) == 3
    for page, form in zip(firsts, forms, strict=True):
        assert f"{form.staff.name}（{form.staff.staff_number}）" in pdf.flat_text(page)
    with pytest.raises(InvalidInput, match="no forms"):
        ethics_forms_pdf([])


def test_grade_codes_from_the_ethics_rules_print_as_labels(open_pdf) -> None:
    form = replace(samples.ethics_form(), grade="excellent", grade_note="")
    assert grade_label("excellent") == "优秀" and grade_label("较差") == "较差"
    assert "优秀" in open_pdf(ethics_form_pdf(form)).flat_text()
    with pytest.raises(InvalidInput, match="unknown grade"):
        replace(form, grade="A")
    with pytest.raises(InvalidInput, match="unknown grade"):
        replace(form, department=Opinion(text="", grade="B"))


def test_missing_parts_print_as_such(open_pdf) -> None:
    form = replace(
        samples.ethics_form(), satisfaction=None, department=None, unit=None, explanation=(),
        verification=None, praise=(), penalties=(), self_summary="", self_evaluation=None,
    )  # fmt: skip
    pdf = open_pdf(ethics_form_pdf(form))
    text = pdf.flat_text()
    assert "本年度无患者评价数据。" in text and text.count("（未填写）") == 3
    assert pdf.qr_codes(page=pdf.pages()) == []


def test_item_score_and_satisfaction_rate_default_sensibly() -> None:
    item = ItemLine(code="3", title="文明礼貌", max_score=Decimal(15), deductions=Decimal("2.5"))
    assert item.item_score == Decimal("12.5")
    assert Satisfaction(satisfied=182, fairly_satisfied=11, dissatisfied=3).rate_text() == "98.5%"
    assert Satisfaction(satisfied=0, fairly_satisfied=0, dissatisfied=0).rate_text() == "—"
    assert Satisfaction(satisfied=1, fairly_satisfied=0, dissatisfied=0, rate="96%").rate_text() == "96%"
    with pytest.raises(InvalidInput, match="items"):
        replace(samples.ethics_form(), items=[])
