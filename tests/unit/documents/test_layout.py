from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from tests.unit.documents import samples
from workflow.documents.layout import (
    MARGIN,
    PAGE_WIDTH,
    FooterMark,
    LogCheckpoint,
    build_pdf,
    date_zh,
    esc,
    num,
    para,
    styles,
    table,
)
from workflow.errors import InvalidInput


def test_without_cjk_wrapping_chinese_runs_off_the_page_and_the_check_sees_it(open_pdf) -> None:
    """The negative control for every overflow assertion: the detector does catch the bug."""
    base = styles().body
    unwrapped = ParagraphStyle("plain", parent=base, wordWrap=None, splitLongWords=0)
    story = [FooterMark("对照"), Paragraph(samples.LONG_TEXT, unwrapped)]
    assert open_pdf(build_pdf(story, title="t", subject="s")).overflowing(MARGIN, PAGE_WIDTH - MARGIN)
    wrapped = [FooterMark("对照"), para(samples.LONG_TEXT, base)]
    assert not open_pdf(build_pdf(wrapped, title="t", subject="s")).overflowing(MARGIN, PAGE_WIDTH - MARGIN)


def test_every_table_cell_is_in_the_cjk_font(open_pdf) -> None:
    grid = table(
        [["姓名", "单位"], ["欧阳明远", "某某市第一人民医院"]], [80, 200]
    )  # plain strings, no Paragraph
    pdf = open_pdf(build_pdf([grid], title="t", subject="s"))
    assert ["欧阳明远", "某某市第一人民医院"] in pdf.table_rows()
    assert all(name.split("+")[-1].startswith("WenQuanYi") for name, _ in pdf.fonts())


def test_same_input_gives_the_same_bytes() -> None:
    story = [FooterMark("页脚"), para("医德考评", styles().body)]
    assert build_pdf(story, title="t", subject="s") == build_pdf(
        [FooterMark("页脚"), para("医德考评", styles().body)], title="t", subject="s"
    )


def test_small_formatters() -> None:
    values = [Decimal("10.00"), Decimal("2.50"), Decimal("-0"), 3, None, "87.33"]
    assert [num(v) for v in values] == ["10", "2.5", "0", "3", "", "87.33"]
    assert num(Decimal("1E+1")) == "10"
    assert date_zh(date(2026, 1, 5)) == "2026年1月5日"
    assert esc("A&B <b>\n下一行") == "A&amp;B &lt;b&gt;<br/>下一行"


def test_checkpoint_needs_a_32_byte_root() -> None:
    with pytest.raises(InvalidInput):
        LogCheckpoint(origin="o", size=1, root_hash=b"short")
    with pytest.raises(InvalidInput):
        LogCheckpoint(origin="", size=1, root_hash=bytes(32))
