"""The 优秀 quota per unit (domain-rules §1.5): places, the cut-off, and every tie case."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import msgspec
import pytest

from tests.unit.ethics.builders import D, deduction, praise, scored
from workflow.errors import Conflict, InvalidInput
from workflow.ethics.feedback import ChannelStats, FeedbackSummary
from workflow.ethics.policy import (
    DEFAULT_BANDS,
    DEFAULT_POLICY,
    EthicsPolicy,
    ExcellentQuota,
    FeedbackPolicy,
    Grade,
    QuotaRounding,
    SocialMode,
    TiePolicy,
)
from workflow.ethics.rules import QuotaOutcome, Score, grade_unit, quota_places, resolve_tie, score_person
from workflow.ids import StaffId

EX, GO, FA, PO = Grade.EXCELLENT, Grade.GOOD, Grade.FAIR, Grade.POOR
Q = QuotaOutcome


def with_tie_policy(tie: TiePolicy, **quota: object) -> EthicsPolicy:
    return msgspec.structs.replace(
        DEFAULT_POLICY, quota=msgspec.structs.replace(DEFAULT_POLICY.quota, tie_policy=tie, **quota)
    )


def unit(candidate_totals: list[str], *, headcount: int = 20) -> list[Score]:
    """Staff 1..k are 优秀 candidates with the given totals (100 + praise); the rest are 良好 fillers."""
    scores = [
        scored([praise(str(D(t) - 100))] if D(t) > 100 else [], staff=i + 1)
        for i, t in enumerate(candidate_totals)
    ]
    fillers = [scored([deduction("I7", "1")], staff=i + 1) for i in range(len(scores), headcount)]
    return scores + fillers


def outcomes(grading_entries: object, staff: list[int]) -> list[tuple[QuotaOutcome, Grade | None]]:
    entries = {e.staff_id: e for e in grading_entries}  # type: ignore[attr-defined]
    return [(entries[s].outcome, entries[s].grade) for s in staff]


# --- places ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headcount", "ratio", "rounding", "minimum", "places"),
    [
        (0, "0.15", QuotaRounding.FLOOR, 0, 0),
        (6, "0.15", QuotaRounding.FLOOR, 0, 0),  # 0.9 → 0: small units get no 优秀 by default
        (7, "0.15", QuotaRounding.FLOOR, 0, 1),  # 1.05
        (13, "0.15", QuotaRounding.FLOOR, 0, 1),  # 1.95
        (20, "0.15", QuotaRounding.FLOOR, 0, 3),  # exactly 3
        (21, "0.15", QuotaRounding.FLOOR, 0, 3),  # 3.15
        (13, "0.15", QuotaRounding.HALF_UP, 0, 2),  # 1.95 → 2
        (10, "0.15", QuotaRounding.HALF_UP, 0, 2),  # 1.5 → 2 (exceeds 15%: documented)
        (9, "0.15", QuotaRounding.HALF_UP, 0, 1),  # 1.35
        (6, "0.15", QuotaRounding.FLOOR, 1, 1),  # a configured minimum place
        (3, "0.15", QuotaRounding.FLOOR, 5, 3),  # never more places than people
        (20, "0.10", QuotaRounding.FLOOR, 0, 2),  # the soft 10%
        (20, "0", QuotaRounding.FLOOR, 0, 0),
    ],
)
def test_quota_places(headcount: int, ratio: str, rounding: QuotaRounding, minimum: int, places: int) -> None:
    assert quota_places(headcount, D(ratio), rounding, minimum) == places


# --- the quota does not bind ----------------------------------------------------------------------


def test_fewer_candidates_than_places_all_keep_excellent() -> None:
    g = grade_unit(unit(["105", "104", "103"]))
    assert (g.headcount, g.places, g.soft_places, g.candidates, g.excellent) == (20, 3, 2, 3, 3)
    assert g.boundary is None
    assert outcomes(g.entries, [1, 2, 3]) == [(Q.KEPT, EX)] * 3
    assert g.soft_exceeded  # 3 > 10% of 20: a warning, not a block
    assert g.over_hard_limit == 0
    assert g.resolved


@pytest.mark.parametrize(("candidates", "exceeded"), [(1, False), (2, False), (3, True)])
def test_soft_quota_warns_only_above_its_places(candidates: int, exceeded: bool) -> None:
    g = grade_unit(unit(["105", "104", "103"][:candidates]))
    assert (g.soft_places, g.excellent, g.soft_exceeded) == (2, candidates, exceeded)


def test_no_quota_configured() -> None:
    policy = with_tie_policy(TiePolicy.COMMITTEE, hard_ratio=None, soft_ratio=None)
    g = grade_unit(unit(["101"] * 10, headcount=10), policy)
    assert (g.places, g.soft_places, g.excellent, g.boundary) == (None, None, 10, None)
    assert "不限比例" in g.explanation[0]


# --- a clean cut below the last place -----------------------------------------------------------------


def test_clean_cut_demotes_the_rest_to_good() -> None:
    g = grade_unit(unit(["105", "104", "103", "102", "101"]))
    assert outcomes(g.entries, [1, 2, 3, 4, 5]) == [
        (Q.KEPT, EX),
        (Q.KEPT, EX),
        (Q.KEPT, EX),
        (Q.DEMOTED_BY_QUOTA, GO),
        (Q.DEMOTED_BY_QUOTA, GO),
    ]
    b = g.boundary
    assert b is not None
    assert (b.places, b.cutoff_score, b.above_cutoff, b.at_cutoff, b.open_places, b.tie) == (
        3,
        D(103),
        (1, 2),
        (3,),
        1,
        False,
    )
    assert (b.first_below, b.first_below_score, b.resolution) == ((4,), D(102), None)
    assert [g.entry(StaffId(s)).rank for s in (1, 2, 3, 4, 5, 6)] == [1, 2, 3, 4, 5, None]


def test_a_tie_that_fits_the_open_places_is_not_a_tie_case() -> None:
    g = grade_unit(unit(["105", "104", "104", "102"]))
    b = g.boundary
    assert b is not None
    assert (b.cutoff_score, b.at_cutoff, b.open_places, b.tie) == (D(104), (2, 3), 2, False)
    assert outcomes(g.entries, [1, 2, 3, 4]) == [(Q.KEPT, EX)] * 3 + [(Q.DEMOTED_BY_QUOTA, GO)]
    assert [g.entry(StaffId(s)).rank for s in (1, 2, 3, 4)] == [1, 2, 2, 4]


# --- ties straddling the cut-off: one row per tie policy ------------------------------------------

TIE_UNIT = ["105", "104", "103", "103", "102"]  # 3 places; staff 3 and 4 tie for the last one


@pytest.mark.parametrize(
    ("policy", "tied", "excellent", "over"),
    [
        (TiePolicy.COMMITTEE, [(Q.PENDING_COMMITTEE, None), (Q.PENDING_COMMITTEE, None)], 2, 0),
        (TiePolicy.EXCLUDE_ALL, [(Q.DEMOTED_BY_TIE_RULE, GO), (Q.DEMOTED_BY_TIE_RULE, GO)], 2, 0),
        (TiePolicy.INCLUDE_ALL, [(Q.KEPT_BY_TIE_RULE, EX), (Q.KEPT_BY_TIE_RULE, EX)], 4, 1),
        (TiePolicy.ORDERED, [(Q.KEPT_BY_TIE_RULE, EX), (Q.DEMOTED_BY_TIE_RULE, GO)], 3, 0),
    ],
)
def test_tie_at_the_cutoff(
    policy: TiePolicy, tied: list[tuple[QuotaOutcome, Grade | None]], excellent: int, over: int
) -> None:
    g = grade_unit(unit(TIE_UNIT), with_tie_policy(policy))
    assert outcomes(g.entries, [1, 2]) == [(Q.KEPT, EX)] * 2
    assert outcomes(g.entries, [3, 4]) == tied
    assert outcomes(g.entries, [5]) == [(Q.DEMOTED_BY_QUOTA, GO)]
    assert (g.excellent, g.over_hard_limit) == (excellent, over)
    b = g.boundary
    assert b is not None
    assert (b.cutoff_score, b.above_cutoff, b.at_cutoff, b.open_places, b.tie, b.resolution) == (
        D(103),
        (1, 2),
        (3, 4),
        1,
        True,
        policy,
    )
    assert (b.first_below, b.first_below_score) == ((5,), D(102))
    assert "2 人并列名额线，剩余名额 1 个" in " ".join(g.explanation)


def test_committee_tie_is_pending_until_resolved() -> None:
    g = grade_unit(unit(TIE_UNIT))
    assert g.pending == (3, 4)
    assert not g.resolved
    assert g.grade_counts[EX] == 2  # pending people are in no grade yet
    decided = resolve_tie(g, [StaffId(4)])
    assert outcomes(decided.entries, [3, 4]) == [(Q.DEMOTED_BY_TIE_RULE, GO), (Q.KEPT_BY_TIE_RULE, EX)]
    assert decided.resolved
    assert decided.excellent == 3
    assert decided.grade_counts[EX] == 3
    b = decided.boundary
    assert b is not None
    assert (b.kept_at_cutoff, b.demoted_at_cutoff, b.committee_decided) == ((4,), (3,), True)
    assert decided.explanation[-1] == "考评委员会在并列的 2 人中确定 1 人为优秀"


def test_committee_may_keep_nobody_from_the_tie() -> None:
    decided = resolve_tie(grade_unit(unit(TIE_UNIT)), [])
    assert outcomes(decided.entries, [3, 4]) == [(Q.DEMOTED_BY_TIE_RULE, GO)] * 2
    assert decided.excellent == 2


@pytest.mark.parametrize(
    ("keep", "error"),
    [([3, 4], InvalidInput), ([5], InvalidInput), ([1], InvalidInput)],
    ids=["more than the open places", "not tied (below)", "not tied (above)"],
)
def test_committee_decisions_outside_the_tie_are_refused(keep: list[int], error: type[Exception]) -> None:
    with pytest.raises(error):
        resolve_tie(grade_unit(unit(TIE_UNIT)), [StaffId(s) for s in keep])


def test_resolving_twice_or_without_a_tie_is_a_conflict() -> None:
    decided = resolve_tie(grade_unit(unit(TIE_UNIT)), [StaffId(3)])
    with pytest.raises(Conflict):
        resolve_tie(decided, [StaffId(3)])
    with pytest.raises(Conflict):
        resolve_tie(grade_unit(unit(["105"])), [])


def test_everyone_tied_at_the_top() -> None:
    g = grade_unit(unit(["105"] * 5))
    b = g.boundary
    assert b is not None
    assert (b.above_cutoff, b.at_cutoff, b.open_places, b.tie) == ((), (1, 2, 3, 4, 5), 3, True)
    assert g.pending == (1, 2, 3, 4, 5)
    assert (b.first_below, b.first_below_score) == ((), None)


def test_ordered_tie_break_falls_back_to_staff_id_and_says_so() -> None:
    g = grade_unit(unit(TIE_UNIT), with_tie_policy(TiePolicy.ORDERED))
    b = g.boundary
    assert b is not None
    assert (b.kept_at_cutoff, b.demoted_at_cutoff, b.decided_by) == ((3,), (4,), "staff_id")
    assert any("按人员编号决定" in note for note in g.explanation)


ALLOWS_DEDUCTIONS = msgspec.structs.replace(
    DEFAULT_POLICY,
    grade_bands=(
        msgspec.structs.replace(DEFAULT_BANDS[0], requires_no_deduction=False, deductions_below=D(5)),
        *DEFAULT_BANDS[1:],
    ),
    quota=ExcellentQuota(tie_policy=TiePolicy.ORDERED),
)


def test_ordered_tie_break_prefers_fewer_deductions() -> None:
    # Both total 105: staff 1 lost 2 and earned 7, staff 2 lost nothing and earned 5. 7 people → 1 place.
    scores = [
        scored([deduction("I3", "2"), praise("7")], staff=1, policy=ALLOWS_DEDUCTIONS),
        scored([praise("5")], staff=2, policy=ALLOWS_DEDUCTIONS),
        *[scored([deduction("I7", "6")], staff=s, policy=ALLOWS_DEDUCTIONS) for s in range(3, 8)],
    ]
    g = grade_unit(scores, ALLOWS_DEDUCTIONS)
    b = g.boundary
    assert b is not None
    assert (b.kept_at_cutoff, b.demoted_at_cutoff, b.decided_by) == ((2,), (1,), "fewer_deductions")


def _social(staff: int, social: str) -> FeedbackSummary:
    return FeedbackSummary(
        staff_id=StaffId(staff),
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        sms=ChannelStats(minimum=30),
        inpatient=ChannelStats(minimum=5),
        social_score=D(social),
        satisfaction_rate=None,
    )


def test_ordered_tie_break_prefers_higher_bonus() -> None:
    # Weighted 社会评价 20%: (105 × 0.8) + (80 × 0.2) = 100 = (100 × 0.8) + (100 × 0.2).
    policy = msgspec.structs.replace(
        ALLOWS_DEDUCTIONS, feedback=FeedbackPolicy(mode=SocialMode.WEIGHTED, weight=D("0.2"))
    )
    a = score_person(StaffId(1), 2025, [praise("5")], policy, feedback=_social(1, "80"))
    b_ = score_person(StaffId(2), 2025, [], policy, feedback=_social(2, "100"))
    assert a.total == b_.total == 100
    others = [score_person(StaffId(s), 2025, [deduction("I7", "6")], policy) for s in range(3, 8)]
    g = grade_unit([b_, a, *others], policy)
    b = g.boundary
    assert b is not None
    assert (b.kept_at_cutoff, b.decided_by) == ((1,), "higher_bonus")


# --- small units, rounding, minimum places ----------------------------------------------------------


def test_a_unit_too_small_for_any_place() -> None:
    g = grade_unit(unit(["105", "103"], headcount=6))
    assert (g.places, g.excellent) == (0, 0)
    assert outcomes(g.entries, [1, 2]) == [(Q.DEMOTED_BY_QUOTA, GO)] * 2
    b = g.boundary
    assert b is not None
    assert (b.places, b.cutoff_score, b.first_below, b.first_below_score) == (0, None, (1,), D(105))
    assert any("名额为 0" in note for note in g.explanation)


@pytest.mark.parametrize(
    ("rounding", "minimum", "headcount", "excellent"),
    [
        (QuotaRounding.FLOOR, 0, 10, 1),
        (QuotaRounding.HALF_UP, 0, 10, 2),
        (QuotaRounding.FLOOR, 1, 6, 1),
        (QuotaRounding.FLOOR, 0, 6, 0),
    ],
)
def test_rounding_and_minimum_places(
    rounding: QuotaRounding, minimum: int, headcount: int, excellent: int
) -> None:
    policy = with_tie_policy(TiePolicy.COMMITTEE, rounding=rounding, minimum_places=minimum)
    g = grade_unit(unit(["106", "105", "104"], headcount=headcount), policy)
    assert g.excellent == excellent


# --- who counts -------------------------------------------------------------------------------------


def test_vetoed_and_lower_grades_count_in_the_headcount_but_never_compete() -> None:
    scores = [
        scored([praise("10"), deduction("I4", "1", veto="V1")], staff=1),  # 109 but vetoed
        scored([praise("3")], staff=2),
        scored([deduction("I4", "20"), deduction("I5", "10")], staff=3),  # 较差 by deductions
        *[scored([deduction("I7", "1")], staff=s) for s in range(4, 8)],
    ]
    g = grade_unit(scores)
    assert (g.headcount, g.places, g.candidates) == (7, 1, 1)
    assert outcomes(g.entries, [1, 2, 3]) == [(Q.NOT_CANDIDATE, PO), (Q.KEPT, EX), (Q.NOT_CANDIDATE, PO)]
    assert g.grade_counts == {EX: 1, GO: 4, FA: 0, PO: 2}
    assert g.veto_counts == {"V1": 1}
    assert g.entries[0].staff_id == 1  # ordered by total: the vetoed 109 is listed first


def test_grading_does_not_depend_on_input_order() -> None:
    scores = unit(TIE_UNIT)
    expected = grade_unit(scores, with_tie_policy(TiePolicy.ORDERED))
    rng = random.Random(7)
    for _ in range(5):
        rng.shuffle(scores)
        assert grade_unit(scores, with_tie_policy(TiePolicy.ORDERED)) == expected


@pytest.mark.parametrize(
    "scores",
    [
        [],
        [scored(staff=1), scored(staff=1)],
        [scored(staff=1, year=2025), scored(staff=2, year=2024)],
    ],
    ids=["empty", "duplicate staff", "mixed years"],
)
def test_bad_units_are_invalid_input(scores: list[Score]) -> None:
    with pytest.raises(InvalidInput):
        grade_unit(scores)


def test_unknown_staff_lookup_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        grade_unit(unit(["105"])).entry(StaffId(99))


def test_a_grading_encodes_to_json_for_the_batch_report() -> None:
    g = grade_unit(unit(TIE_UNIT))
    data = msgspec.json.decode(msgspec.json.encode(g))
    assert data["boundary"]["at_cutoff"] == [3, 4]
    assert data["grade_counts"]["excellent"] == 2
    assert data["entries"][2]["grade"] is None
    assert isinstance(g.boundary.cutoff_score if g.boundary else None, Decimal)
