"""Properties of scoring, grading, the quota, feedback and working days that no table can exhaust."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import msgspec
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workflow.errors import InvalidInput
from workflow.ethics.eligibility import YearResult, check_eligibility
from workflow.ethics.feedback import Answer, SmsReply, summarize_feedback
from workflow.ethics.policy import (
    DEFAULT_POLICY,
    NATIONAL_ITEMS,
    EthicsPolicy,
    ExcellentQuota,
    FeedbackPolicy,
    Grade,
    GradeBand,
    QuotaRounding,
    RecordKind,
    SatisfactionFormula,
    Severity,
    TiePolicy,
)
from workflow.ethics.rules import EthicsRecord, QuotaOutcome, Score, band_grade, grade_unit, score_person
from workflow.ethics.states import RecordState
from workflow.ids import EthicsRecordId, StaffId
from workflow.workdays import SHANGHAI, Period, national_calendar

ITEMS = [i.code for i in NATIONAL_ITEMS]
points = st.integers(min_value=0, max_value=2500).map(lambda cents: Decimal(cents).scaleb(-2))
small_points = st.integers(min_value=1, max_value=1500).map(lambda cents: Decimal(cents).scaleb(-2))


@st.composite
def records(draw: st.DrawFn, *, max_size: int = 25, vetoes: bool = True) -> list[EthicsRecord]:
    n = draw(st.integers(min_value=0, max_value=max_size))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from(RecordKind))
        deduction = kind is RecordKind.DEDUCTION
        out.append(
            EthicsRecord(
                id=EthicsRecordId(i + 1),
                kind=kind,
                item=draw(st.sampled_from(ITEMS)),
                points=draw(points),
                category=draw(st.none() | st.sampled_from(["JX1", "JX3", "JX8", "JBZ2"]))
                if deduction
                else None,
                severity=draw(st.none() | st.sampled_from(Severity)) if deduction else None,
                veto=draw(st.none() | st.sampled_from(["V1", "V7"]))
                if deduction and vetoes and i % 7 == 3
                else None,
                state=draw(st.sampled_from(RecordState)),
            )
        )
    return out


def extra(kind: RecordKind, amount: Decimal, item: str = "I2", **kw: object) -> EthicsRecord:
    return EthicsRecord(id=EthicsRecordId(10_000), kind=kind, item=item, points=amount, **kw)  # type: ignore[arg-type]


# --- one person ---------------------------------------------------------------------------------------


@given(records(), small_points)
def test_praise_raises_the_total_by_at_most_the_remaining_cap(
    recs: list[EthicsRecord], amount: Decimal
) -> None:
    before = score_person(StaffId(1), 2025, recs)
    after = score_person(StaffId(1), 2025, [*recs, extra(RecordKind.PRAISE, amount)])
    room = (DEFAULT_POLICY.bonus_cap or Decimal(0)) - before.bonus
    assert after.total - before.total == min(amount, room)
    assert after.grade.rank >= before.grade.rank
    if before.raw_bonus >= (DEFAULT_POLICY.bonus_cap or Decimal(0)):
        assert after.total == before.total  # past the cap praise changes nothing


@given(records(), small_points, st.sampled_from(ITEMS))
def test_a_deduction_never_helps(recs: list[EthicsRecord], amount: Decimal, item: str) -> None:
    before = score_person(StaffId(1), 2025, recs)
    after = score_person(StaffId(1), 2025, [*recs, extra(RecordKind.DEDUCTION, amount, item)])
    assert after.total <= before.total
    assert after.grade.rank <= before.grade.rank
    assert after.raw_deductions == before.raw_deductions + amount


@given(records(), st.sampled_from([v.code for v in DEFAULT_POLICY.veto_conditions]), points)
def test_a_veto_always_yields_poor(recs: list[EthicsRecord], code: str, amount: Decimal) -> None:
    score = score_person(StaffId(1), 2025, [*recs, extra(RecordKind.DEDUCTION, amount, veto=code)])
    assert score.grade is Grade.POOR
    assert code in {v.code for v in score.vetoes}


@given(records(), st.randoms(use_true_random=False))
def test_score_does_not_depend_on_record_order(recs: list[EthicsRecord], rnd: object) -> None:
    shuffled = list(recs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    a, b = score_person(StaffId(1), 2025, recs), score_person(StaffId(1), 2025, shuffled)
    assert (a.total, a.grade, a.items, a.bonus) == (b.total, b.grade, b.items, b.bonus)
    assert sorted(v.record_id or 0 for v in a.vetoes) == sorted(v.record_id or 0 for v in b.vetoes)


@given(records())
def test_total_stays_within_its_bounds(recs: list[EthicsRecord]) -> None:
    score = score_person(StaffId(1), 2025, recs)
    assert Decimal(0) <= score.total <= DEFAULT_POLICY.base_score + (DEFAULT_POLICY.bonus_cap or Decimal(0))
    assert score.deductions <= score.raw_deductions
    assert all(Decimal(0) <= i.score <= i.max_score for i in score.items)
    assert set(score.counted) | set(score.skipped) == {r.id for r in recs}


bands = st.tuples(
    st.lists(st.integers(0, 110), min_size=3, max_size=3, unique=True).map(
        lambda xs: sorted(xs, reverse=True)
    ),
    st.integers(1, 60),
    st.integers(1, 60),
)


@given(bands, st.booleans(), points, points, small_points, small_points)
def test_any_valid_band_policy_grades_monotonically(
    b: tuple[list[int], int, int],
    no_deduction: bool,
    total: Decimal,
    deds: Decimal,
    up: Decimal,
    more: Decimal,
) -> None:
    (ex, go, fa), go_limit, fa_limit = b
    try:
        policy = EthicsPolicy(
            grade_bands=(
                GradeBand(grade=Grade.EXCELLENT, min_score=Decimal(ex), requires_no_deduction=no_deduction),
                GradeBand(grade=Grade.GOOD, min_score=Decimal(go), deductions_below=Decimal(go_limit)),
                GradeBand(grade=Grade.FAIR, min_score=Decimal(fa), deductions_below=Decimal(fa_limit)),
            )
        )
    except InvalidInput:
        assume(False)
        return
    base, _ = band_grade(total, deds, policy.grade_bands)
    higher, _ = band_grade(total + up, deds, policy.grade_bands)
    worse, _ = band_grade(total, deds + more, policy.grade_bands)
    assert higher.rank >= base.rank
    assert worse.rank <= base.rank


# --- one unit -----------------------------------------------------------------------------------------


@st.composite
def unit_scores(draw: st.DrawFn) -> list[Score]:
    size = draw(st.integers(min_value=1, max_value=40))
    scores = []
    for staff in range(1, size + 1):
        bonus = draw(st.integers(0, 4)) * Decimal("2.5")  # coarse values make ties common
        ded = draw(st.sampled_from([None, Decimal(1), Decimal(20)]))
        recs = [] if not bonus else [extra(RecordKind.PRAISE, bonus)]
        if ded is not None:
            recs.append(EthicsRecord(id=EthicsRecordId(2), kind=RecordKind.DEDUCTION, item="I4", points=ded))
        scores.append(score_person(StaffId(staff), 2025, recs))
    return scores


quotas = st.builds(
    ExcellentQuota,
    hard_ratio=st.sampled_from([Decimal("0.15"), Decimal("0.2"), Decimal("0.3"), Decimal(1)]),
    soft_ratio=st.just(None),
    rounding=st.sampled_from(QuotaRounding),
    tie_policy=st.sampled_from(TiePolicy),
    minimum_places=st.integers(0, 2),
)


@given(unit_scores(), quotas)
def test_quota_never_exceeds_its_places_except_by_an_included_tie(
    scores: list[Score], quota: ExcellentQuota
) -> None:
    policy = msgspec.structs.replace(DEFAULT_POLICY, quota=quota)
    g = grade_unit(scores, policy)
    assert g.places is not None
    kept = [e for e in g.entries if e.grade is Grade.EXCELLENT]
    if quota.tie_policy is TiePolicy.INCLUDE_ALL and g.boundary is not None and g.boundary.tie:
        assert len(kept) == g.places + len(g.boundary.at_cutoff) - g.boundary.open_places
        assert g.over_hard_limit == len(kept) - g.places
    else:
        assert len(kept) <= g.places
        assert g.over_hard_limit == 0
    if quota.rounding is QuotaRounding.FLOOR and quota.minimum_places == 0 and g.over_hard_limit == 0:
        assert len(kept) <= quota.hard_ratio * g.headcount  # type: ignore[operator]
    if g.pending:
        assert g.boundary is not None
        assert len(kept) + g.boundary.open_places == g.places


@given(unit_scores(), quotas)
def test_quota_respects_the_ranking(scores: list[Score], quota: ExcellentQuota) -> None:
    g = grade_unit(scores, msgspec.structs.replace(DEFAULT_POLICY, quota=quota))
    kept = [e.total for e in g.entries if e.grade is Grade.EXCELLENT]
    out = [e.total for e in g.entries if e.provisional is Grade.EXCELLENT and e.grade is not Grade.EXCELLENT]
    if kept and out:
        assert max(out) <= min(kept)
    for e in g.entries:
        if e.outcome is QuotaOutcome.NOT_CANDIDATE:
            assert e.grade is e.provisional
        elif e.grade is not None:
            assert e.grade in {Grade.EXCELLENT, e.fallback}


@given(unit_scores(), quotas, st.randoms(use_true_random=False))
def test_grading_is_independent_of_input_order(
    scores: list[Score], quota: ExcellentQuota, rnd: object
) -> None:
    policy = msgspec.structs.replace(DEFAULT_POLICY, quota=quota)
    shuffled = list(scores)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert grade_unit(scores, policy) == grade_unit(shuffled, policy)


# --- feedback and eligibility ------------------------------------------------------------------------


@given(st.lists(st.none() | st.sampled_from(Answer), max_size=80), st.sampled_from(SatisfactionFormula))
def test_feedback_figures_stay_in_range(answers: list[Answer | None], formula: SatisfactionFormula) -> None:
    replies = [
        SmsReply(id=str(i), staff_id=StaffId(1), received_on=date(2025, 6, 1), answer=a)
        for i, a in enumerate(answers)
    ]
    policy = FeedbackPolicy(formula=formula, min_sms_replies=10)
    s = summarize_feedback(
        StaffId(1), start=date(2025, 1, 1), end=date(2025, 12, 31), policy=policy, sms=replies
    )
    assert s.sms.valid + s.sms.invalid == len(answers)
    if s.sms.rate is not None:
        assert Decimal(0) <= s.sms.rate <= 1
    if s.social_score is not None:
        assert Decimal(60) <= s.social_score <= 100 or formula is SatisfactionFormula.RATE
        assert Decimal(0) <= s.social_score <= 100
    assert (s.social_score is not None) is (s.sms.valid >= 10)


@given(st.dictionaries(st.integers(2019, 2025), st.sampled_from(Grade), max_size=7))
def test_eligible_means_no_poor_in_the_window(grades: dict[int, Grade]) -> None:
    history = [YearResult(year=y, grade=g) for y, g in grades.items()]
    result = check_eligibility(history, latest_year=2025)
    if result.eligible:
        assert all(g is not Grade.POOR for y, g in grades.items() if y >= 2023)
        assert grades.get(2025, Grade.POOR).at_least(Grade.GOOD)


# --- working days -------------------------------------------------------------------------------------


@settings(max_examples=200)
@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30)),
    st.integers(min_value=0, max_value=23),
    st.integers(min_value=1, max_value=20),
)
def test_working_day_windows(day: date, hour: int, n: int) -> None:
    cal = national_calendar()
    posted = datetime.combine(day, time(hour), tzinfo=SHANGHAI)
    w = cal.window(posted, Period(length=n))
    assert cal.is_working_day(w.first_day)
    assert cal.is_working_day(w.last_day)
    assert w.first_day >= day
    assert (w.first_day == day) is (cal.is_working_day(day) and hour < 12)
    assert cal.working_days_between(w.first_day, w.last_day + timedelta(days=1)) == n
    assert w.contains(posted)
    assert not w.contains(w.closes_at)
    if n > 1:
        assert cal.window(posted, Period(length=n - 1)).last_day < w.last_day


@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
)
def test_working_days_between_adds_up(a: date, b: date, c: date) -> None:
    cal = national_calendar()
    assert cal.working_days_between(a, b) + cal.working_days_between(b, c) == cal.working_days_between(a, c)
    assert cal.working_days_between(a, b) == -cal.working_days_between(b, a)


_answers = st.lists(st.sampled_from([*Answer, None]), max_size=80)


@given(sms_answers=_answers, inpatient_answers=st.lists(st.sampled_from(list(Answer)), max_size=20))
@settings(max_examples=150, deadline=None)
def test_counts_summarize_exactly_like_replies(
    sms_answers: list[Answer | None], inpatient_answers: list[Answer]
) -> None:
    """The year-end batch's GROUP BY counts give the very summary the reply-by-reply function gives."""
    from collections import Counter

    from workflow.ethics.feedback import InpatientRating, summary_from_counts

    policy = FeedbackPolicy(min_sms_replies=10, min_inpatient_ratings=3)
    day = date(2025, 6, 1)
    replies = [
        SmsReply(id=str(i), staff_id=StaffId(1), received_on=day, answer=a) for i, a in enumerate(sms_answers)
    ]
    rated = [
        InpatientRating(id=str(i), staff_id=StaffId(1), rated_on=day, answer=a)
        for i, a in enumerate(inpatient_answers)
    ]
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    expected = summarize_feedback(
        StaffId(1), start=start, end=end, policy=policy, sms=replies, inpatient=rated
    )
    got = summary_from_counts(
        StaffId(1),
        start=start,
        end=end,
        policy=policy,
        sms=Counter(sms_answers),
        inpatient=Counter[Answer | None](inpatient_answers),
    )
    assert got == expected
