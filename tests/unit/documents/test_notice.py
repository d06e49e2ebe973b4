from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date

import pytest

from tests.unit.documents import samples
from tests.unit.documents.pdftools import cjk_fonts
from workflow.documents.layout import root_b64
from workflow.documents.notice import (
    CandidatePerson,
    NoticeRow,
    display_width,
    notice_markdown,
    notice_pdf,
    notice_text,
    round_score,
    rows_from_tally,
)
from workflow.errors import InvalidInput
from workflow.ledger.note import Checkpoint, VerifierKey
from workflow.selection.credentials import fingerprint
from workflow.selection.tally import CandidateResult, TallyResult


def test_pdf_prints_every_part_of_the_notice(open_pdf) -> None:
    notice = samples.notice()
    pdf = open_pdf(notice_pdf(notice))
    assert cjk_fonts(pdf) and all(embedded for _, embedded in cjk_fonts(pdf))
    text = pdf.flat_text()
    expected = [
        notice.title,
        notice.campaign_title,
        notice.campaign_uid,
        "名次", "姓名", "单位", "科室", "得票", "专家评分", "综合得分",
        "2026年8月10日至2026年8月14日（5个工作日）",
        "匿名或超过公示期限的异议不予受理",
        "实名",
        *("".join(line.split()) for line in notice.objection.lines()),
        notice.checkpoint.origin,
        str(notice.checkpoint.size),
        root_b64(notice.checkpoint),
        notice.result_hash,
        notice.log_url,
        fingerprint(VerifierKey.parse(notice.log_keys[0]).public_key),
        notice.log_keys[0],
        notice.issuer,
        *("".join(f.split()) for f in notice.footnotes),
    ]  # fmt: skip
    missing = [e for e in expected if e not in text]
    assert not missing
    rows = pdf.table_rows()
    for r in notice.rows:
        cells = [str(r.rank), r.name, r.unit, r.department, str(r.votes), r.expert_score, r.combined]
        assert [*cells, "是"] in rows if r.winner else cells in rows
    assert pdf.qr_codes(page=pdf.pages()) == [notice.log_url]
    pdf.artifact("notice")


def test_a_long_table_continues_with_its_header_on_every_page(open_pdf) -> None:
    notice = samples.notice(rows=80)
    pdf = open_pdf(notice_pdf(notice))
    assert pdf.pages() >= 3
    for page in range(1, pdf.pages()):
        assert "专家评分" in pdf.flat_text(page)
    rows = pdf.table_rows()
    assert all(
        [str(r.rank), r.name, r.unit, r.department, str(r.votes)] == row[:5]
        for r, row in zip(
            notice.rows, [row for row in rows if row[0].isdigit() and len(row) >= 7], strict=True
        )
    )


def test_winner_column_only_when_the_table_mixes_winners_and_others(open_pdf) -> None:
    notice = samples.notice(rows=3)
    all_winners = replace(notice, rows=[replace(r, winner=True) for r in notice.rows])
    assert "拟表彰" not in notice_markdown(all_winners)
    mixed = replace(notice, rows=[*all_winners.rows[:2], replace(all_winners.rows[2], winner=False)])
    assert "| 名次 | 姓名 | 单位 | 科室 | 得票 | 专家评分 | 综合得分 | 拟表彰 |" in notice_markdown(mixed)


def test_markdown_has_the_table_and_escapes_markup() -> None:
    notice = samples.notice(rows=2)
    odd = replace(notice, rows=[replace(notice.rows[0], name="A|B *张*"), notice.rows[1]])
    md = notice_markdown(odd)
    assert md.startswith(f"# {notice.title}\n")
    assert "| 1 | A\\|B \\*张\\* | 某某市第一人民医院（东院区） | 心血管内科 | 1000 | 90.00 | 88.00 |" in md
    assert "|---:|---|---|---|---:|---:|---:|" in md
    assert f"- 计票结果哈希（SHA-256）：{notice.result_hash}" in md
    assert "## 异议受理" in md and "## 公示期" in md


def _column_starts(line: str) -> list[int]:
    return [display_width(line[: m.start()]) for m in re.finditer(r"\S+", line)]


def test_plain_text_aligns_columns_by_display_width() -> None:
    notice = samples.notice(rows=12)
    lines = notice_text(notice).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("名次"))
    header, rows = lines[start], lines[start + 1 : start + 1 + len(notice.rows)]
    starts = _column_starts(header)
    assert len(starts) == 8
    for row in rows:
        assert _column_starts(row) == starts[: len(row.split())]
    assert display_width("医德a（") == 7


def test_checkpoint_from_the_ledger_fits_as_is(open_pdf) -> None:
    checkpoint = Checkpoint(origin="yide.local/campaign-12", size=7, root_hash=hashlib.sha256(b"r").digest())
    notice = replace(samples.notice(rows=1), checkpoint=checkpoint)
    assert root_b64(checkpoint) in open_pdf(notice_pdf(notice)).flat_text()


def test_bad_notices_are_refused() -> None:
    notice = samples.notice(rows=1)
    with pytest.raises(InvalidInput, match="ends before"):
        replace(notice, period_end=date(2026, 8, 9))
    with pytest.raises(InvalidInput, match="hex"):
        replace(notice, result_hash="ABC")
    with pytest.raises(InvalidInput, match="row"):
        replace(notice, rows=[])


def _candidate(cid: str, position: int, rank: int, *, winner: bool, expert: str | None) -> CandidateResult:
    return CandidateResult(
        candidate=cid, position=position, rank=rank, winner=winner, staff_ballots=10, staff_votes=12,
        public_votes=30, staff_score="100.000000", public_score="50.000000", vote_score="75.000000",
        experts=5 if expert else 0, expert_score=expert, combined="87.333333", tie_break="none",
    )  # fmt: skip


def _result(*candidates: CandidateResult) -> TallyResult:
    return TallyResult(
        domain="yide/tally/v1", campaign="campaign-12", rules="0" * 64, seal="1" * 64, turnout=(),
        candidates=candidates, disqualified=(), winners=tuple(c.candidate for c in candidates if c.winner),
        tie_seed=None, tie_lots=(),
    )  # fmt: skip


def test_rows_from_tally_follow_positions_and_round_for_print() -> None:
    result = _result(
        _candidate("c2", 2, 2, winner=False, expert=None),
        _candidate("c1", 1, 1, winner=True, expert="90.125000"),
    )
    people = {
        "c1": CandidatePerson(name="李华", unit="一院", department="儿科"),
        "c2": CandidatePerson(name="王芳", unit="二院"),
    }
    rows = rows_from_tally(result, people)
    assert rows == [
        NoticeRow(rank=1, name="李华", unit="一院", department="儿科", votes=42, expert_score="90.12",
                  combined="87.33", winner=True),
        NoticeRow(rank=2, name="王芳", unit="二院", department="", votes=42, expert_score=None,
                  combined="87.33", winner=False),
    ]  # fmt: skip
    assert [r.name for r in rows_from_tally(result, people, winners_only=True)] == ["李华"]
    with pytest.raises(InvalidInput, match="no person"):
        rows_from_tally(result, {"c1": people["c1"]})


def test_round_score_is_half_to_even() -> None:
    assert round_score("87.335000", 2) == "87.34"
    assert round_score("87.325000", 2) == "87.32"
    assert round_score("100.000000", 1) == "100.0"
