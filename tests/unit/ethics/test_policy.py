"""The policy: national defaults exactly as domain-rules.md states them, and refusal of inconsistent ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import msgspec
import pytest

from tests.unit.ethics.builders import D
from workflow.errors import InvalidInput
from workflow.ethics.policy import (
    DEFAULT_POLICY,
    NATIONAL_ITEMS,
    ConductCategory,
    ContentItem,
    CycleSchedule,
    DayUnit,
    DeductionBasis,
    EthicsPolicy,
    ExcellentQuota,
    FeedbackPolicy,
    Grade,
    GradeBand,
    QuotaRounding,
    QuotaScope,
    SatisfactionFormula,
    SocialMode,
    TiePolicy,
    VetoCondition,
    YearDay,
    fmt,
)


def test_national_defaults_match_domain_rules() -> None:
    p = DEFAULT_POLICY
    assert p.base_score == 100
    assert [(i.code, i.max_score, i.cap) for i in p.items] == [
        ("I1", 10, 10), ("I2", 15, 15), ("I3", 15, 15), ("I4", 20, 20),
        ("I5", 20, 20), ("I6", 10, 10), ("I7", 10, 10),
    ]  # fmt: skip
    assert p.items[3].title == "遵纪守法，廉洁行医"
    assert p.bonus_cap == 10
    assert p.deduction_basis is DeductionBasis.RAW
    assert [(b.grade, b.min_score, b.deductions_below, b.requires_no_deduction) for b in p.grade_bands] == [
        (Grade.EXCELLENT, 90, None, True),
        (Grade.GOOD, 80, 15, False),
        (Grade.FAIR, 60, 30, False),
    ]
    assert p.quota == ExcellentQuota(
        hard_ratio=D("0.15"),
        soft_ratio=D("0.10"),
        rounding=QuotaRounding.FLOOR,
        minimum_places=0,
        tie_policy=TiePolicy.COMMITTEE,
        scope=QuotaScope.UNIT,
    )
    assert [v.code for v in p.veto_conditions] == [f"V{i}" for i in range(1, 9)]
    assert p.veto_conditions[0].title.startswith("在医疗服务活动中索要患者")
    assert [c.code for c in p.categories if c.scheme.startswith("九项准则")] == [
        f"JX{i}" for i in range(1, 10)
    ]
    assert p.auto_veto_categories == ("JX1", "JX2", "JX8", "JX9")
    assert (p.publicity.length, p.publicity.unit) == (5, DayUnit.WORKING)
    assert (p.appeal_window.length, p.appeal_review.length) == (5, 10)
    fb = p.feedback
    assert (fb.mode, fb.weight, fb.formula) == (SocialMode.RECORDS, 0, SatisfactionFormula.RATE)
    assert (fb.min_sms_replies, fb.min_inpatient_ratings, fb.veto_below) == (30, 5, None)
    assert fb.answer_points == (100, 80, 60)
    assert p.schedule.self_deadline.on(2025) == date(2025, 12, 20)
    assert p.schedule.unit_deadline.on(2025) == date(2026, 1, 15)
    assert p.schedule.archive_by.on(2025) == date(2026, 1, 31)
    assert p.schedule.report_by is None
    jiangsu = CycleSchedule(  # year-end report: every step moved before 12-31
        self_deadline=YearDay(month=12, day=10),
        department_deadline=YearDay(month=12, day=20),
        unit_deadline=YearDay(month=12, day=28),
        report_by=YearDay(month=12, day=31),
    )
    assert jiangsu.report_by is not None


def test_grade_labels_and_order() -> None:
    assert [g.label for g in Grade] == ["优秀", "良好", "一般", "较差"]
    assert Grade.GOOD.at_least(Grade.FAIR)
    assert Grade.GOOD.at_least(Grade.GOOD)
    assert not Grade.POOR.at_least(Grade.FAIR)


def test_policy_round_trips_through_json() -> None:
    assert EthicsPolicy.from_json(DEFAULT_POLICY.to_json()) == DEFAULT_POLICY


def test_a_partial_json_policy_takes_the_defaults() -> None:
    p = EthicsPolicy.from_json('{"bonus_cap": null, "quota": {"tie_policy": "ordered"}}')
    assert p.bonus_cap is None
    assert p.quota.tie_policy is TiePolicy.ORDERED
    assert p.quota.hard_ratio == D("0.15")


@pytest.mark.parametrize(
    "text",
    [
        "{",
        '{"base_score": "abc"}',
        '{"quota": {"tie_policy": "coin_flip"}}',
        '{"base_score": 90}',
        '{"quota": {"soft_ratio": 0.2}}',
    ],
)
def test_bad_json_policies_are_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInput):
        EthicsPolicy.from_json(text)


def _items(**caps: str) -> tuple[ContentItem, ...]:
    return tuple(
        msgspec.structs.replace(i, deduction_cap=D(caps[i.code])) if i.code in caps else i
        for i in NATIONAL_ITEMS
    )


def _bands(*bands: GradeBand) -> Callable[[], EthicsPolicy]:
    return lambda: EthicsPolicy(grade_bands=bands)


EX = GradeBand(grade=Grade.EXCELLENT, min_score=D(90), requires_no_deduction=True)
GO = GradeBand(grade=Grade.GOOD, min_score=D(80), deductions_below=D(15))
FA = GradeBand(grade=Grade.FAIR, min_score=D(60), deductions_below=D(30))
FA_LIKE_GO = GradeBand(grade=Grade.FAIR, min_score=D(80), deductions_below=D(15))

INCONSISTENT: dict[str, Callable[[], object]] = {
    "base differs from the item weights": lambda: EthicsPolicy(base_score=D(80)),
    "duplicate item code": lambda: EthicsPolicy(
        items=(*NATIONAL_ITEMS[:6], NATIONAL_ITEMS[0]), base_score=D(100)
    ),
    "no items": lambda: EthicsPolicy(items=(), base_score=D(1)),
    "item cap above its weight": lambda: ContentItem(
        code="X", title="x", max_score=D(10), deduction_cap=D(11)
    ),
    "item cap of zero": lambda: ContentItem(code="X", title="x", max_score=D(10), deduction_cap=D(0)),
    "item weight of zero": lambda: ContentItem(code="X", title="x", max_score=D(0)),
    "three decimals": lambda: ContentItem(code="X", title="x", max_score=D("10.125")),
    "non-ascii code": lambda: ContentItem(code="一", title="x", max_score=D(10)),
    "negative bonus cap": lambda: EthicsPolicy(bonus_cap=D(-1)),
    "bands out of order": _bands(GO, EX, FA),
    "band missing": _bands(EX, GO),
    "良好 needs more than 优秀": _bands(EX, msgspec.structs.replace(GO, min_score=D(91)), FA),
    "一般 needs more than 良好": _bands(EX, GO, msgspec.structs.replace(FA, min_score=D(81))),
    "良好 shadowed by a lenient 优秀": _bands(
        msgspec.structs.replace(EX, min_score=D(80), requires_no_deduction=False, deductions_below=D(20)),
        GO,
        FA,
    ),
    "一般 identical to 良好": _bands(
        EX, GO, msgspec.structs.replace(FA, min_score=D(80), deductions_below=D(15))
    ),
    "unlimited 一般 shadowed by unlimited 良好": _bands(
        EX,
        msgspec.structs.replace(GO, deductions_below=None),
        msgspec.structs.replace(FA, min_score=D(80), deductions_below=None),
    ),
    "no-deduction 良好 shadowed by 优秀": _bands(
        msgspec.structs.replace(EX, min_score=D(80)),
        msgspec.structs.replace(GO, requires_no_deduction=True),
        FA,
    ),
    "优秀 unreachable": _bands(msgspec.structs.replace(EX, min_score=D(111)), GO, FA),
    "zero deduction limit": _bands(EX, msgspec.structs.replace(GO, deductions_below=D(0)), FA),
    "soft quota above hard": lambda: ExcellentQuota(hard_ratio=D("0.10"), soft_ratio=D("0.15")),
    "hard quota above 100%": lambda: ExcellentQuota(hard_ratio=D("1.5")),
    "negative quota": lambda: ExcellentQuota(hard_ratio=D("-0.1"), soft_ratio=None),
    "negative minimum places": lambda: ExcellentQuota(minimum_places=-1),
    "records mode with a weight": lambda: FeedbackPolicy(weight=D("0.2")),
    "weighted mode without a weight": lambda: FeedbackPolicy(mode=SocialMode.WEIGHTED),
    "weight above 1": lambda: FeedbackPolicy(mode=SocialMode.WEIGHTED, weight=D("1.1")),
    "不满意 worth more than 满意": lambda: FeedbackPolicy(answer_points=(D(60), D(80), D(100))),
    "answer points above 100": lambda: FeedbackPolicy(answer_points=(D(120), D(80), D(60))),
    "zero minimum sample": lambda: FeedbackPolicy(min_sms_replies=0),
    "satisfaction veto above 100%": lambda: FeedbackPolicy(veto_below=D("1.2")),
    "satisfaction veto of zero": lambda: FeedbackPolicy(veto_below=D(0)),
    "complaint item unknown": lambda: EthicsPolicy(feedback=FeedbackPolicy(complaint_item="I9")),
    "auto-veto category unknown": lambda: EthicsPolicy(auto_veto_categories=("JX10",)),
    "duplicate veto code": lambda: EthicsPolicy(
        veto_conditions=(VetoCondition(code="V1", title="a"), VetoCondition(code="V1", title="b"))
    ),
    "reserved veto code": lambda: EthicsPolicy(
        veto_conditions=(VetoCondition(code="SATISFACTION", title="x"),)
    ),
    "duplicate category": lambda: EthicsPolicy(
        categories=(
            ConductCategory(code="A", title="a", scheme="s"),
            ConductCategory(code="A", title="b", scheme="s"),
        ),
        auto_veto_categories=(),
    ),
    "deadlines out of order": lambda: CycleSchedule(self_deadline=YearDay(month=1, day=20, next_year=True)),
    "report before the unit evaluation": lambda: CycleSchedule(report_by=YearDay(month=12, day=31)),
    "29 February": lambda: YearDay(month=2, day=29),
    "13th month": lambda: YearDay(month=13, day=1),
}


@pytest.mark.parametrize("build", INCONSISTENT.values(), ids=INCONSISTENT.keys())
def test_inconsistent_policies_are_refused(build: Callable[[], object]) -> None:
    with pytest.raises(InvalidInput):
        build()


CONSISTENT_BANDS: dict[str, tuple[GradeBand, ...]] = {
    # ydda seed data (§1.4): 优秀 ≥95 无扣分, 良好 80–94 no deduction rule, 一般 70–79 且扣分 <20.
    "ydda": (
        msgspec.structs.replace(EX, min_score=D(95)),
        msgspec.structs.replace(GO, deductions_below=None),
        msgspec.structs.replace(FA, min_score=D(70), deductions_below=D(20)),
    ),
    "上高县 as published": (EX, GO, msgspec.structs.replace(FA, deductions_below=D(25))),
    "一般 stricter than 良好 on deductions": (EX, GO, msgspec.structs.replace(FA, deductions_below=D(10))),
    "优秀 allows some deductions": (
        msgspec.structs.replace(EX, requires_no_deduction=False, deductions_below=D(5)),
        GO,
        FA,
    ),
}


@pytest.mark.parametrize("bands", CONSISTENT_BANDS.values(), ids=CONSISTENT_BANDS.keys())
def test_real_world_band_schemes_are_accepted(bands: tuple[GradeBand, ...]) -> None:
    assert EthicsPolicy(grade_bands=bands).grade_bands == bands


def test_lenient_but_consistent_policies_are_accepted() -> None:
    policy = EthicsPolicy(
        items=_items(I4="10"),
        bonus_cap=None,
        grade_bands=(
            GradeBand(grade=Grade.EXCELLENT, min_score=D(95)),
            GradeBand(grade=Grade.GOOD, min_score=D(80), deductions_below=D(15)),
            GradeBand(grade=Grade.FAIR, min_score=D(80), deductions_below=D(30)),
        ),
        quota=ExcellentQuota(hard_ratio=None, soft_ratio=None),
        feedback=FeedbackPolicy(mode=SocialMode.WEIGHTED, weight=D("0.2"), veto_below=D("0.6")),
        auto_veto_categories=(),
    )
    assert policy.items[3].cap == 10
    assert policy.grade_bands[0].admits(D(200), D(50))  # an 优秀 band with no deduction rule at all


@pytest.mark.parametrize(
    ("act", "codes"),
    [
        (date(2021, 11, 11), "JBZ"),  # acts before the 2021 准则 took effect: 九不准
        (date(2021, 11, 12), "JX"),
        (date(2025, 6, 1), "JX"),
    ],
)
def test_category_scheme_follows_the_act_date(act: date, codes: str) -> None:
    found = DEFAULT_POLICY.categories_on(act)
    assert len(found) == 9
    assert all(c.code.startswith(codes) and c.code[len(codes) :].isdigit() for c in found)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D(90), "90"),
        (D("89.50"), "89.5"),
        (D("0.25"), "0.25"),
        (D(0), "0"),
        (D("1E+2"), "100"),
        (D("-3.0"), "-3"),
    ],
)
def test_fmt(value: Decimal, text: str) -> None:
    assert fmt(value) == text


def test_band_descriptions_read_like_the_rules() -> None:
    assert [b.description for b in DEFAULT_POLICY.grade_bands] == [
        "总分≥90 且 无扣分",
        "总分≥80 且 扣分<15",
        "总分≥60 且 扣分<30",
    ]
