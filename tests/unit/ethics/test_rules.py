"""Scoring and grading tables: every grade boundary, every cap, every veto condition, every tie case.

Each table row is one line of domain-rules.md (§1.3 caps, §1.4 thresholds, §1.5 quota, §1.6 veto,
§3 categories, §6 feedback) tested just below, at and just above its number.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal

import msgspec
import pytest

from tests.unit.ethics.builders import D, deduction, praise, scored
from workflow.errors import InvalidInput
from workflow.ethics.feedback import ChannelStats, FeedbackSummary
from workflow.ethics.policy import (
    DEFAULT_POLICY,
    NATIONAL_ITEMS,
    DeductionBasis,
    EthicsPolicy,
    FeedbackPolicy,
    Grade,
    RecordKind,
    Severity,
    SocialMode,
)
from workflow.ethics.rules import EthicsRecord, VetoBasis, band_grade, score_person
from workflow.ethics.states import RecordState
from workflow.ids import EthicsRecordId, StaffId

EX, GO, FA, PO = Grade.EXCELLENT, Grade.GOOD, Grade.FAIR, Grade.POOR


# --- §1.4 thresholds, on the figures themselves --------------------------------------------------

BOUNDARIES = [
    # (total, deductions, grade, rule)
    ("89.99", "0", GO, "优秀 total ≥ 90: just below"),
    ("90", "0", EX, "优秀 total ≥ 90: at"),
    ("90.01", "0", EX, "优秀 total ≥ 90: just above"),
    ("95", "0", EX, "优秀 needs no deduction: none"),
    ("95", "0.01", GO, "优秀 needs no deduction: the smallest one"),
    ("110", "0", EX, "bonus above 100 keeps 优秀"),
    ("79.99", "0", FA, "良好 total ≥ 80: just below"),
    ("80", "0", GO, "良好 total ≥ 80: at"),
    ("80.01", "0", GO, "良好 total ≥ 80: just above"),
    ("85", "14.99", GO, "良好 deductions < 15: just below"),
    ("85", "15", FA, "良好 deductions < 15: at"),
    ("85", "15.01", FA, "良好 deductions < 15: just above"),
    ("90", "14.99", GO, "high total with deductions is 良好"),
    ("79.99", "14.99", FA, "both 良好 conditions just missed on score"),
    ("59.99", "0", PO, "一般 total ≥ 60: just below → 较差"),
    ("60", "0", FA, "一般 total ≥ 60: at"),
    ("60.01", "0", FA, "一般 total ≥ 60: just above"),
    ("70", "29.99", FA, "一般 deductions < 30: just below"),
    ("70", "30", PO, "较差 deductions ≥ 30: at"),
    ("70", "30.01", PO, "较差 deductions ≥ 30: just above"),
    ("60", "29.99", FA, "both 一般 limits at once"),
    ("0", "100", PO, "floor"),
]


@pytest.mark.parametrize(("total", "deductions", "grade", "rule"), BOUNDARIES, ids=[b[3] for b in BOUNDARIES])
def test_grade_thresholds(total: str, deductions: str, grade: Grade, rule: str) -> None:
    assert band_grade(D(total), D(deductions), DEFAULT_POLICY.grade_bands)[0] is grade, rule


# --- the same thresholds reached through records ------------------------------------------------

RECORD_CASES = [
    # (deductions as (item, points), praise points, total, grade, rule)
    ((), "0", "100", EX, "clean year"),
    ((), "5", "105", EX, "praise on top of the base"),
    ((("I1", "0.01"),), "0", "99.99", GO, "any deduction blocks 优秀"),
    ((("I4", "14.99"),), "0", "85.01", GO, "deductions just below 15"),
    ((("I4", "15"),), "0", "85", FA, "deductions at 15"),
    ((("I4", "15.01"),), "0", "84.99", FA, "deductions just above 15"),
    ((("I4", "19.99"), ("I5", "10")), "0", "70.01", FA, "deductions just below 30"),
    ((("I4", "20"), ("I5", "10")), "0", "70", PO, "deductions at 30"),
    ((("I4", "20"), ("I5", "10.01")), "0", "69.99", PO, "deductions just above 30"),
    ((("I4", "14.99"),), "10", "95.01", GO, "praise does not wash out a deduction"),
    ((("I4", "10"), ("I2", "10"), ("I5", "10"), ("I3", "10")), "0", "60", PO, "total 60 but deductions 40"),
]


@pytest.mark.parametrize(
    ("deductions", "bonus", "total", "grade", "rule"), RECORD_CASES, ids=[c[4] for c in RECORD_CASES]
)
def test_grades_from_records(
    deductions: tuple[tuple[str, str], ...], bonus: str, total: str, grade: Grade, rule: str
) -> None:
    records = [deduction(item, pts) for item, pts in deductions]
    if D(bonus):
        records.append(praise(bonus))
    score = scored(records)
    assert (score.total, score.grade) == (D(total), grade), rule


CAPPED = msgspec.structs.replace(DEFAULT_POLICY, deduction_basis=DeductionBasis.CAPPED)


@pytest.mark.parametrize(
    ("raw", "policy", "total", "grade_deductions", "grade"),
    [
        # I1 weighs 10: the score loses at most 10, but the raw basis still counts all of it.
        ("14.99", DEFAULT_POLICY, "90", "14.99", GO),
        ("15", DEFAULT_POLICY, "90", "15", FA),
        ("30", DEFAULT_POLICY, "90", "30", PO),
        ("14.99", CAPPED, "90", "10", GO),
        ("15", CAPPED, "90", "10", GO),
        ("30", CAPPED, "90", "10", GO),
    ],
)
def test_deduction_basis_raw_versus_capped(
    raw: str, policy: EthicsPolicy, total: str, grade_deductions: str, grade: Grade
) -> None:
    score = scored([deduction("I1", raw)], policy=policy)
    assert (score.total, score.grade_deductions, score.grade) == (D(total), D(grade_deductions), grade)
    assert score.raw_deductions == D(raw)
    assert score.deductions == D(10) if D(raw) >= 10 else D(raw)


def _summary(social: str | None = None, rate: str | None = None, staff: int = 1) -> FeedbackSummary:
    return FeedbackSummary(
        staff_id=StaffId(staff),
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        sms=ChannelStats(minimum=30),
        inpatient=ChannelStats(minimum=5),
        social_score=None if social is None else D(social),
        satisfaction_rate=None if rate is None else D(rate),
    )


SOCIAL_ONLY = msgspec.structs.replace(
    DEFAULT_POLICY, feedback=FeedbackPolicy(mode=SocialMode.WEIGHTED, weight=D(1))
)


@pytest.mark.parametrize(
    ("social", "grade"),
    [("89.99", GO), ("90", EX), ("79.99", FA), ("80", GO), ("59.99", PO), ("60", FA)],
)
def test_score_thresholds_without_deductions_through_weighted_feedback(social: str, grade: Grade) -> None:
    """With base 100 a clean record is ≥ 100; only a weighted 社会评价 can put it near a score line."""
    score = score_person(StaffId(1), 2025, [], SOCIAL_ONLY, feedback=_summary(social))
    assert (score.total, score.grade_deductions, score.grade) == (D(social), 0, grade)


def test_weighted_feedback_blends_and_explains() -> None:
    policy = msgspec.structs.replace(
        DEFAULT_POLICY, feedback=FeedbackPolicy(mode=SocialMode.WEIGHTED, weight=D("0.2"))
    )
    score = score_person(StaffId(1), 2025, [deduction("I3", "5")], policy, feedback=_summary("80"))
    assert score.record_score == 95
    assert score.total == D("92.00")  # 95 × 80% + 80 × 20%
    assert score.feedback_adjustment == D(-3)
    assert any(e.rule == "feedback" and "95 × 80% + 80 × 20% = 92" in e.text for e in score.explanation)


def test_weighted_feedback_with_too_small_a_sample_changes_nothing() -> None:
    score = score_person(StaffId(1), 2025, [], SOCIAL_ONLY, feedback=_summary(None))
    assert (score.total, score.feedback_adjustment) == (100, 0)
    assert [e.rule for e in score.explanation][-2] == "feedback-sample-too-small"


def test_records_mode_ignores_the_summary_in_the_total() -> None:
    score = score_person(StaffId(1), 2025, [], DEFAULT_POLICY, feedback=_summary("10"))
    assert score.total == 100


# --- §1.3 caps --------------------------------------------------------------------------------------


def _cap_cases() -> list[tuple[str, Decimal, Decimal, bool]]:
    cases = []
    for item in NATIONAL_ITEMS:
        for raw, taken, capped in (
            (item.cap - D("0.01"), item.cap - D("0.01"), False),
            (item.cap, item.cap, False),
            (item.cap + D("0.01"), item.cap, True),
            (item.cap * 2, item.cap, True),
        ):
            cases.append((item.code, raw, taken, capped))
    return cases


@pytest.mark.parametrize(("item", "raw", "taken", "capped"), _cap_cases())
def test_every_item_deduction_cap(item: str, raw: Decimal, taken: Decimal, capped: bool) -> None:
    score = scored([deduction(item, str(raw))], policy=CAPPED)
    result = next(i for i in score.items if i.code == item)
    assert (result.raw_deductions, result.deductions, result.capped) == (raw, taken, capped)
    assert result.score == result.max_score - taken
    assert score.total == 100 - taken
    assert any(e.rule == ("item-cap" if capped else "item-deduction") for e in score.explanation)


def test_a_configured_item_cap_below_the_weight() -> None:
    items = tuple(
        msgspec.structs.replace(i, deduction_cap=D(8)) if i.code == "I4" else i for i in NATIONAL_ITEMS
    )
    policy = msgspec.structs.replace(DEFAULT_POLICY, items=items)
    score = scored([deduction("I4", "7.99"), deduction("I4", "5")], policy=policy)
    result = score.items[3]
    assert (result.raw_deductions, result.deductions, result.score, result.capped) == (
        D("12.99"),
        D(8),
        D(12),
        True,
    )


def test_deductions_add_up_within_an_item_before_the_cap() -> None:
    score = scored([deduction("I6", "4"), deduction("I6", "4"), deduction("I6", "4")], policy=CAPPED)
    assert (score.items[5].deductions, score.total) == (D(10), D(90))


@pytest.mark.parametrize(
    ("raw", "cap", "bonus", "capped"),
    [
        ("9.99", "10", "9.99", False),
        ("10", "10", "10", False),
        ("10.01", "10", "10", True),
        ("50", "10", "10", True),
        ("50", None, "50", False),
        ("3", "0", "0", True),
    ],
)
def test_bonus_cap(raw: str, cap: str | None, bonus: str, capped: bool) -> None:
    policy = msgspec.structs.replace(DEFAULT_POLICY, bonus_cap=None if cap is None else D(cap))
    split = (D(raw) / 2).quantize(D("0.01"), rounding=ROUND_DOWN)
    score = scored([praise(str(split), "I1"), praise(str(D(raw) - split), "I7")], policy=policy)
    assert (score.raw_bonus, score.bonus, score.total) == (D(raw), D(bonus), 100 + D(bonus))
    assert any(e.rule == "bonus-cap" for e in score.explanation) is capped


def test_praise_and_deduction_together() -> None:
    score = scored([deduction("I3", "3"), praise("4", "I3"), praise("8", "I1")])
    assert (score.deductions, score.bonus, score.total, score.grade) == (D(3), D(10), D(107), GO)
    assert score.items[2].praise == 4


# --- §1.6 一票否决 and §3 categories --------------------------------------------------------------


@pytest.mark.parametrize("code", [v.code for v in DEFAULT_POLICY.veto_conditions])
def test_every_national_veto_condition_forces_poor(code: str) -> None:
    record = deduction("I4", "1", veto=code)
    score = scored([record, praise("10")])
    assert score.total == 109  # the score is still shown
    assert score.grade is PO
    assert [(v.code, v.basis, v.record_id) for v in score.vetoes] == [(code, VetoBasis.CONDITION, record.id)]
    assert any(e.rule == "veto" and code in e.text for e in score.explanation)


@pytest.mark.parametrize(
    ("category", "severity", "vetoed"),
    [
        *[(f"JX{i}", Severity.GRAVE, True) for i in (1, 2, 8, 9)],
        *[(f"JX{i}", Severity.SERIOUS, False) for i in (1, 2, 8, 9)],
        *[(f"JX{i}", Severity.MINOR, False) for i in (1, 2, 8, 9)],
        *[(f"JX{i}", None, False) for i in (1, 2, 8, 9)],
        *[(f"JX{i}", Severity.GRAVE, False) for i in (3, 4, 5, 6, 7)],
        ("JBZ9", Severity.GRAVE, False),  # legacy 九不准: veto only by an explicit condition code
    ],
)
def test_automatic_veto_by_category_and_severity(
    category: str, severity: Severity | None, vetoed: bool
) -> None:
    score = scored([deduction("I4", "2", category=category, severity=severity)])
    assert score.vetoed is vetoed
    assert score.grade is (PO if vetoed else GO)
    if vetoed:
        assert score.vetoes[0].basis is VetoBasis.CATEGORY


def test_a_bureau_can_add_auto_veto_categories() -> None:
    policy = msgspec.structs.replace(DEFAULT_POLICY, auto_veto_categories=("JX5",))
    assert scored([deduction("I2", "2", category="JX5", severity=Severity.GRAVE)], policy=policy).vetoed
    assert not scored([deduction("I4", "2", category="JX8", severity=Severity.GRAVE)], policy=policy).vetoed


def test_explicit_and_automatic_vetoes_are_both_reported() -> None:
    score = scored([deduction("I4", "2", category="JX8", severity=Severity.GRAVE, veto="V1")])
    assert [v.basis for v in score.vetoes] == [VetoBasis.CONDITION, VetoBasis.CATEGORY]


@pytest.mark.parametrize(
    ("rate", "floor", "vetoed"),
    [("0.5999", "0.60", True), ("0.6", "0.60", False), ("0.6001", "0.60", False), (None, "0.60", False)],
)
def test_satisfaction_veto(rate: str | None, floor: str, vetoed: bool) -> None:
    policy = msgspec.structs.replace(DEFAULT_POLICY, feedback=FeedbackPolicy(veto_below=D(floor)))
    score = score_person(StaffId(1), 2025, [], policy, feedback=_summary("99", rate))
    assert score.vetoed is vetoed
    assert score.grade is (PO if vetoed else EX)
    if vetoed:
        assert score.vetoes[0].basis is VetoBasis.SATISFACTION


def test_satisfaction_veto_is_off_by_default() -> None:
    assert not score_person(StaffId(1), 2025, [], feedback=_summary("10", "0.10")).vetoed


# --- only approved records count -----------------------------------------------------------------


@pytest.mark.parametrize("state", [RecordState.submitted, RecordState.rejected, RecordState.superseded])
def test_records_that_are_not_approved_never_count(state: RecordState) -> None:
    pending = deduction("I4", "20", veto="V1", state=state)
    pending_praise = praise("5", state=state)
    score = scored([pending, pending_praise])
    assert (score.total, score.grade, score.vetoes) == (D(100), EX, ())
    assert score.skipped == (pending.id, pending_praise.id)
    assert score.counted == ()
    assert score.explanation[1].rule == "skipped-record"
    assert state.label in score.explanation[1].text


def test_a_correction_replaces_the_superseded_record() -> None:
    wrong = deduction("I4", "20", state=RecordState.superseded)
    right = deduction("I4", "2")
    score = scored([wrong, right])
    assert (score.total, score.counted, score.skipped) == (D(98), (right.id,), (wrong.id,))


# --- bad input -----------------------------------------------------------------------------------


def _rec(**kw: object) -> EthicsRecord:
    fields: dict[str, object] = {"id": EthicsRecordId(999), "kind": RecordKind.DEDUCTION, "item": "I1"}
    fields["points"] = D(1)
    fields.update(kw)
    return EthicsRecord(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "build",
    [
        lambda: _rec(points=D(-1)),
        lambda: _rec(points=D("0.001")),
        lambda: _rec(points=D("NaN")),
        lambda: _rec(points=D("1E+30")),
        lambda: _rec(kind=RecordKind.PRAISE, veto="V1"),
        lambda: _rec(kind=RecordKind.PRAISE, category="JX1"),
        lambda: _rec(kind=RecordKind.PRAISE, severity=Severity.MINOR),
        lambda: scored([_rec(item="I8")]),
        lambda: scored([_rec(category="JX10")]),
        lambda: scored([_rec(veto="V9")]),
        lambda: scored([_rec(), _rec()]),
        lambda: score_person(StaffId(1), 2025, [], feedback=_summary(staff=2)),
    ],
    ids=[
        "negative points",
        "three decimals",
        "not a number",
        "absurdly large",
        "praise with veto",
        "praise with category",
        "praise with severity",
        "unknown item",
        "unknown category",
        "unknown veto",
        "duplicate record id",
        "someone else's feedback",
    ],
)
def test_bad_records_are_invalid_input(build: object) -> None:
    with pytest.raises(InvalidInput):
        build()  # type: ignore[operator]


def test_records_decode_from_json_with_validation() -> None:
    text = (
        b'{"id": 5, "kind": "deduction", "item": "I4", "points": "2.50",'
        b' "category": "JX8", "severity": "grave"}'
    )
    record = msgspec.json.decode(text, type=EthicsRecord)
    assert (record.points, record.severity, record.state) == (D("2.5"), Severity.GRAVE, RecordState.approved)
    with pytest.raises(InvalidInput):
        msgspec.json.decode(
            b'{"id": 5, "kind": "praise", "item": "I4", "points": 1, "veto": "V1"}', type=EthicsRecord
        )


# --- the explanation printed on the 医德考评表 ---------------------------------------------------


def test_explanation_reads_like_the_form() -> None:
    score = scored([deduction("I1", "12"), praise("12")], policy=CAPPED)
    assert [e.rule for e in score.explanation] == ["base", "item-cap", "bonus-cap", "grade"]
    texts = [e.text for e in score.explanation]
    assert texts[0] == "基础分 100 分（7 项考评内容满分之和）"
    assert texts[1] == "「救死扶伤，全心全意为人民服务」扣分合计 12 分，超过本项扣分上限 10 分，按 10 分计"
    assert texts[2] == "加分合计 12 分，超过年度加分上限 10 分，按 10 分计"
    assert texts[3] == ("总分 100、扣分 10：不符合优秀（总分≥90 且 无扣分）；符合良好（总分≥80 且 扣分<15）")


def test_raw_basis_is_explained_when_it_differs_from_the_score() -> None:
    score = scored([deduction("I1", "16")])
    assert score.grade is FA
    assert "不受单项上限影响" in score.explanation[-1].text


def test_excellent_is_marked_as_subject_to_the_quota() -> None:
    assert scored([]).explanation[-1].text.endswith("优秀须经单位比例核定")


def test_poor_by_thresholds_is_explained() -> None:
    score = scored([deduction("I4", "20"), deduction("I5", "10")])
    assert score.explanation[-1].text.endswith("定为较差")
