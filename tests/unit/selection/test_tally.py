from fractions import Fraction

import pytest

from tests.unit.selection.factories import CAMPAIGN, make_rules
from workflow.errors import InvalidInput
from workflow.selection.ballot import Channel
from workflow.selection.revote import Disposition, Resolution
from workflow.selection.rules import (
    CampaignRules,
    ExpertRules,
    ScoreMode,
    Scoring,
    TieBreak,
    TieKey,
    TieMethod,
    VoteNormalisation,
)
from workflow.selection.seal import build_seal
from workflow.selection.tally import (
    CountedBallot,
    ExpertSheet,
    TieBreakInput,
    TieUnresolved,
    counted_from_seal,
    decode_result,
    encode_result,
    expert_score,
    format_score,
    result_hash,
    seed_commitment,
    seed_order,
    tally,
)

STAFF, PUBLIC = Channel.STAFF, Channel.PUBLIC
FOUR = ["c01", "c02", "c03", "c04"]
BALLOTS = [
    CountedBallot(STAFF, 2, ("c01", "c02")),
    CountedBallot(STAFF, 1, ("c01",)),
    CountedBallot(STAFF, 1, ("c03",)),
    CountedBallot(STAFF, 1, ()),
    *[CountedBallot(PUBLIC, 1, ("c02",))] * 3,
    CountedBallot(PUBLIC, 1, ("c03",)),
]
EXPERT_MARKS = {"c01": 90, "c02": 70, "c03": 80, "c04": 60}


def sheets(marks: dict[str, int] = EXPERT_MARKS, experts: int = 3) -> list[ExpertSheet]:
    return [
        ExpertSheet(f"e{i}", c, {"ethics": m, "skill": m, "deeds": m})
        for i in range(experts)
        for c, m in marks.items()
    ]


def run(rules: CampaignRules | None = None, **kwargs: object) -> object:
    args: dict[str, object] = {
        "campaign": CAMPAIGN,
        "rules": rules or make_rules(winners=2),
        "seal_digest": bytes(32),
        "candidates": FOUR,
        "ballots": BALLOTS,
        "expert_sheets": sheets(),
    } | kwargs
    return tally(**args)  # type: ignore[arg-type]


def test_worked_example() -> None:
    # staff votes 3/2/1/0 (max 3), public 0/3/1/0 (max 3); vote = 0.6·staff + 0.4·public
    # c01: V=60, E=90 → 0.3·60+0.7·90 = 81; c02: V=80, E=70 → 73; c03: V=33.33, E=80 → 66; c04: 42
    result = run()
    rows = {r.candidate: r for r in result.candidates}  # type: ignore[attr-defined]
    assert [r.candidate for r in result.candidates] == ["c01", "c02", "c03", "c04"]  # type: ignore[attr-defined]
    assert result.winners == ("c01", "c02")  # type: ignore[attr-defined]
    assert rows["c01"].staff_votes == 3
    assert rows["c01"].staff_ballots == 2
    assert rows["c02"].public_votes == 3
    assert rows["c02"].staff_score == "66.666667"
    assert rows["c03"].vote_score == "33.333333"
    assert [rows[c].combined for c in FOUR] == ["81.000000", "73.000000", "66.000000", "42.000000"]
    assert rows["c04"].expert_score == "60.000000"
    assert [r.rank for r in result.candidates] == [1, 2, 3, 4]  # type: ignore[attr-defined]
    turnout = {t.channel: (t.ballots, t.weight, t.blank) for t in result.turnout}  # type: ignore[attr-defined]
    assert turnout == {STAFF: (4, 5, 1), PUBLIC: (4, 4, 0)}


def test_recount_without_a_disqualified_candidate() -> None:
    result = run(disqualified=frozenset({"c01"}))
    rows = {r.candidate: r for r in result.candidates}  # type: ignore[attr-defined]
    assert result.winners == ("c02", "c03")  # type: ignore[attr-defined]
    assert "c01" not in rows
    assert result.disqualified == ("c01",)  # type: ignore[attr-defined]
    assert [rows[c].combined for c in ("c02", "c03", "c04")] == ["79.000000", "69.000000", "42.000000"]


def test_share_of_total_normalisation() -> None:
    rules = make_rules(winners=2, scoring=Scoring(normalisation=VoteNormalisation.SHARE_OF_TOTAL))
    rows = {r.candidate: r for r in run(rules).candidates}  # type: ignore[attr-defined]
    assert rows["c01"].staff_score == "50.000000"  # 3 of 6 weighted staff votes
    assert rows["c02"].public_score == "75.000000"  # 3 of 4 public votes


def test_votes_only_and_votes_as_reference() -> None:
    votes_only = make_rules(
        winners=2,
        scoring=Scoring(mode=ScoreMode.VOTES_ONLY, votes_percent=100, experts_percent=0),
        tie_break=TieBreak(keys=(TieKey.VOTE_SCORE,)),
    )
    result = run(votes_only, expert_sheets=[])
    assert result.winners == ("c02", "c01")  # type: ignore[attr-defined]
    assert all(r.expert_score is None for r in result.candidates)  # type: ignore[attr-defined]
    reference = make_rules(
        winners=2, scoring=Scoring(mode=ScoreMode.VOTES_AS_REFERENCE, votes_percent=0, experts_percent=100)
    )
    rows = {r.candidate: r for r in run(reference).candidates}  # type: ignore[attr-defined]
    assert rows["c03"].combined == "80.000000"
    assert rows["c03"].vote_score == "33.333333"


def test_expert_trimmed_mean() -> None:
    totals = [Fraction(x) for x in (50, 60, 70, 80, 100)]
    assert expert_score(totals, drop_high_low=True, min_panel=5) == 70
    assert expert_score(totals[:4], drop_high_low=True, min_panel=5) == 65
    assert expert_score(totals, drop_high_low=False, min_panel=5) == 72


def test_expert_criteria_weights() -> None:
    sheet = ExpertSheet("e", "c01", {"ethics": 100, "skill": 50, "deeds": 0})
    others = [ExpertSheet("e", c, {"ethics": 0, "skill": 0, "deeds": 0}) for c in FOUR[1:]]
    rows = {r.candidate: r for r in run(expert_sheets=[sheet, *others]).candidates}  # type: ignore[attr-defined]
    assert rows["c01"].expert_score == "55.000000"  # 0.4·100 + 0.3·50 + 0.3·0


TIED = [CountedBallot(STAFF, 1, ("c01", "c02", "c03"))]
EVEN = dict.fromkeys(FOUR, 70)


def test_seeded_tie_break_is_deterministic_and_checks_the_commitment() -> None:
    rules = make_rules(
        winners=2,
        tie_break=TieBreak(method=TieMethod.PUBLISHED_SEED, seed_commitment=seed_commitment("2025-08-19")),
    )
    result = run(rules, ballots=TIED, expert_sheets=sheets(EVEN), tie=TieBreakInput(seed="2025-08-19"))
    expected = sorted(["c01", "c02", "c03"], key=lambda c: seed_order("2025-08-19", c))
    assert [r.candidate for r in result.candidates][:3] == expected  # type: ignore[attr-defined]
    assert {r.rank for r in result.candidates[:3]} == {1}  # type: ignore[attr-defined]
    assert result.tie_seed == "2025-08-19"  # type: ignore[attr-defined]
    assert (
        run(rules, ballots=TIED, expert_sheets=sheets(EVEN), tie=TieBreakInput(seed="2025-08-19")) == result
    )
    with pytest.raises(InvalidInput):
        run(rules, ballots=TIED, expert_sheets=sheets(EVEN), tie=TieBreakInput(seed="guess"))
    with pytest.raises(InvalidInput):  # checked even when nothing is tied
        run(rules, tie=TieBreakInput(seed="guess"))
    with pytest.raises(TieUnresolved):
        run(rules, ballots=TIED, expert_sheets=sheets(EVEN))


def test_drawing_of_lots() -> None:
    rules = make_rules(winners=2)
    with pytest.raises(TieUnresolved) as raised:
        run(rules, ballots=TIED, expert_sheets=sheets(EVEN))
    assert raised.value.extra["candidates"] == ["c01", "c02", "c03"]
    result = run(
        rules, ballots=TIED, expert_sheets=sheets(EVEN), tie=TieBreakInput(lots=("c03", "c01", "c02"))
    )
    assert result.winners == ("c03", "c01")  # type: ignore[attr-defined]
    assert result.tie_lots == ("c03", "c01", "c02")  # type: ignore[attr-defined]
    assert {r.tie_break for r in result.candidates[:3]} == {"lots"}  # type: ignore[attr-defined]


def test_a_tie_that_decides_nothing_stays_unbroken() -> None:
    rules = make_rules(winners=1)
    ballots = [CountedBallot(STAFF, 1, ("c01",)), CountedBallot(STAFF, 1, ("c02", "c03"))]
    result = run(rules, ballots=ballots, expert_sheets=sheets(dict.fromkeys(FOUR, 70) | {"c01": 90}))
    rows = {r.candidate: r for r in result.candidates}  # type: ignore[attr-defined]
    assert result.winners == ("c01",)  # type: ignore[attr-defined]
    assert rows["c02"].tie_break == rows["c03"].tie_break == "unbroken"
    assert rows["c02"].rank == rows["c03"].rank == 2


def test_tie_keys_break_before_lots() -> None:
    # Votes 50% / experts 50%; only staff votes (channel weight 60 → V(c01) = 60).
    # c01: V=60, E=0 → 30; c02: V=0, E=60 → 30: tied on combined, c02 wins on the expert score.
    rules = make_rules(winners=1, scoring=Scoring(votes_percent=50, experts_percent=50))
    ballots = [CountedBallot(STAFF, 1, ("c01",))] * 7
    result = run(rules, ballots=ballots, expert_sheets=sheets({"c01": 0, "c02": 60, "c03": 0, "c04": 0}))
    assert [r.combined for r in result.candidates[:2]] == ["30.000000", "30.000000"]  # type: ignore[attr-defined]
    assert result.winners == ("c02",)  # type: ignore[attr-defined]
    assert [r.rank for r in result.candidates[:2]] == [1, 2]  # type: ignore[attr-defined]
    assert result.candidates[0].tie_break == "none"  # type: ignore[attr-defined]


def test_fewer_candidates_than_winners() -> None:
    result = run(
        make_rules(winners=5),
        candidates=["c01", "c02"],
        ballots=[],
        expert_sheets=sheets({"c01": 1, "c02": 2}),
    )
    assert result.winners == ("c02", "c01")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"expert_sheets": sheets({"c01": 1, "c02": 1, "c03": 1})},
        {"expert_sheets": [*sheets(), ExpertSheet("e0", "c01", {"ethics": 1, "skill": 1, "deeds": 1})]},
        {"expert_sheets": [ExpertSheet("e0", c, {"ethics": 1}) for c in FOUR]},
        {"expert_sheets": [ExpertSheet("e0", c, {"ethics": 101, "skill": 1, "deeds": 1}) for c in FOUR]},
        {"expert_sheets": [*sheets(), ExpertSheet("e9", "c99", {"ethics": 1, "skill": 1, "deeds": 1})]},
        {"ballots": [CountedBallot(STAFF, 1, ("c99",))]},
        {"ballots": [CountedBallot(STAFF, 0, ("c01",))]},
        {"ballots": [CountedBallot(STAFF, 1, ("c01", "c01"))]},
        {"disqualified": frozenset({"c99"})},
        {"candidates": ["c01", "c01"]},
        {"tie": TieBreakInput(lots=("c01", "c01"))},
        {"tie": TieBreakInput(lots=("c99",))},
    ],
)
def test_bad_inputs_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        run(**kwargs)


def test_result_encoding_round_trips_and_hashes() -> None:
    result = run()
    assert decode_result(encode_result(result)) == result  # type: ignore[arg-type]
    assert len(result_hash(result)) == 32  # type: ignore[arg-type]
    assert result_hash(result) == result_hash(run())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(1, 3), "0.333333"),
        (Fraction(2, 3), "0.666667"),
        (Fraction(5, 10**7), "0.000000"),
        (Fraction(15, 10**7), "0.000002"),
        (Fraction(100), "100.000000"),
        (Fraction(-1, 3), "-0.333333"),
    ],
)
def test_format_score(value: Fraction, text: str) -> None:
    assert format_score(value) == text


def test_counted_from_seal_uses_seal_weights() -> None:
    manifest = build_seal(
        CAMPAIGN,
        bytes(32),
        [Resolution("a", STAFF, Disposition.COUNTED, 3), Resolution("b", STAFF, Disposition.SUPERSEDED, 3)],
    )
    assert counted_from_seal(manifest, {"a": ["c01"], "b": ["c02"]}) == [CountedBallot(STAFF, 3, ("c01",))]
    with pytest.raises(InvalidInput):
        counted_from_seal(manifest, {"b": ["c02"]})


def test_drop_high_low_applies_in_tally() -> None:
    rules = make_rules(winners=1, experts=ExpertRules(drop_high_low=True, min_panel_for_drop=5))
    marks = [0, 70, 70, 70, 100]
    sheets_c01 = [
        ExpertSheet(f"e{i}", "c01", {"ethics": m, "skill": m, "deeds": m}) for i, m in enumerate(marks)
    ]
    rest = [ExpertSheet("e0", c, {"ethics": 0, "skill": 0, "deeds": 0}) for c in FOUR[1:]]
    rows = {r.candidate: r for r in run(rules, ballots=[], expert_sheets=sheets_c01 + rest).candidates}  # type: ignore[attr-defined]
    assert rows["c01"].expert_score == "70.000000"
    assert rows["c01"].experts == 5
