"""Properties of revote resolution and the tally that must hold for every input."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.selection.factories import CAMPAIGN
from workflow.selection.ballot import Channel
from workflow.selection.revote import CastBallot, Disposition, resolve
from workflow.selection.rules import (
    BallotShape,
    CampaignRules,
    Channels,
    ChannelWeights,
    PublicChannel,
    RevoteMode,
    RevotePolicy,
    ScoreMode,
    Scoring,
    StaffChannel,
    TieBreak,
    TieMethod,
    decode_rules,
    encode_rules,
    validate_rules,
)
from workflow.selection.tally import (
    CountedBallot,
    ExpertSheet,
    TallyResult,
    TieBreakInput,
    decode_result,
    encode_result,
    seed_commitment,
    seed_order,
    tally,
)

SEED = "2025-08-19/十大最美医生"
POOL = [f"c{i:02d}" for i in range(1, 11)]
KEYS = ("ethics", "skill", "deeds")


@st.composite
def campaigns(draw: st.DrawFn) -> tuple[CampaignRules, list[str], list[CountedBallot], list[ExpertSheet]]:
    candidates = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=8, unique=True))
    winners = draw(st.integers(1, 10))
    mode = draw(st.sampled_from(list(ScoreMode)))
    votes = {
        ScoreMode.WEIGHTED: draw(st.integers(1, 99)),
        ScoreMode.VOTES_ONLY: 100,
        ScoreMode.VOTES_AS_REFERENCE: 0,
    }[mode]
    staff_weight = draw(st.integers(0, 100))
    rules = validate_rules(
        CampaignRules(
            shortlist_size=10,
            winners=winners,
            ballot=BallotShape(min_choices=1, max_choices=10, blank_allowed=True),
            channels=Channels(
                staff=StaffChannel(enabled=True, weighted=True, max_weight=5),
                public=PublicChannel(enabled=True),
                weights=ChannelWeights(staff=staff_weight, public=100 - staff_weight),
            ),
            scoring=Scoring(mode=mode, votes_percent=votes, experts_percent=100 - votes),
            tie_break=TieBreak(
                keys=(), method=TieMethod.PUBLISHED_SEED, seed_commitment=seed_commitment(SEED)
            ),
        )
    )
    ballot = st.builds(
        CountedBallot,
        channel=st.sampled_from(list(Channel)),
        weight=st.integers(1, 5),
        choices=st.lists(st.sampled_from(candidates), unique=True, max_size=len(candidates)).map(
            lambda c: tuple(sorted(c))
        ),
    )
    ballots = draw(st.lists(ballot, max_size=40))
    experts = draw(st.integers(1, 6))
    marks = st.fixed_dictionaries({k: st.integers(0, 100) for k in KEYS})
    sheets = [ExpertSheet(f"e{e}", c, draw(marks)) for e in range(experts) for c in candidates]
    return rules, candidates, ballots, sheets


def run(
    rules: CampaignRules,
    candidates: list[str],
    ballots: list[CountedBallot],
    sheets: list[ExpertSheet],
    disqualified: frozenset[str] = frozenset(),
) -> TallyResult:
    return tally(
        campaign=CAMPAIGN,
        rules=rules,
        seal_digest=bytes(32),
        candidates=candidates,
        ballots=ballots,
        expert_sheets=sheets,
        disqualified=disqualified,
        tie=TieBreakInput(seed=SEED),
    )


@settings(max_examples=150, deadline=None)
@given(campaigns(), st.randoms(use_true_random=False))
def test_tally_is_invariant_under_ballot_and_sheet_order(case, random) -> None:  # type: ignore[no-untyped-def]
    rules, candidates, ballots, sheets = case
    shuffled_ballots, shuffled_sheets = list(ballots), list(sheets)
    random.shuffle(shuffled_ballots)
    random.shuffle(shuffled_sheets)
    assert run(rules, candidates, ballots, sheets) == run(
        rules, candidates, shuffled_ballots, shuffled_sheets
    )


@settings(max_examples=150, deadline=None)
@given(campaigns())
def test_counts_match_the_counted_ballots(case) -> None:  # type: ignore[no-untyped-def]
    rules, candidates, ballots, sheets = case
    result = run(rules, candidates, ballots, sheets)
    by_channel = Counter(b.channel for b in ballots)
    assert {t.channel: t.ballots for t in result.turnout} == {ch: by_channel[ch] for ch in Channel}
    assert {t.channel: t.weight for t in result.turnout} == {
        ch: sum(b.weight for b in ballots if b.channel is ch) for ch in Channel
    }
    staff_choices = sum(len(b.choices) for b in ballots if b.channel is Channel.STAFF)
    assert sum(r.staff_ballots for r in result.candidates) == staff_choices
    for channel, field in ((Channel.STAFF, "staff_votes"), (Channel.PUBLIC, "public_votes")):
        weighted = sum(b.weight * len(b.choices) for b in ballots if b.channel is channel)
        assert sum(getattr(r, field) for r in result.candidates) == weighted


@settings(max_examples=150, deadline=None)
@given(campaigns())
def test_winner_set_has_the_configured_size(case) -> None:  # type: ignore[no-untyped-def]
    rules, candidates, ballots, sheets = case
    result = run(rules, candidates, ballots, sheets)
    assert len(result.winners) == min(rules.winners, len(candidates))
    assert [r.position for r in result.candidates] == list(range(1, len(candidates) + 1))
    assert list(result.winners) == [r.candidate for r in result.candidates[: len(result.winners)]]
    ranks = [r.rank for r in result.candidates]
    assert ranks == sorted(ranks)


@settings(max_examples=150, deadline=None)
@given(campaigns(), st.data())
def test_recount_equals_tally_without_the_candidate(case, data) -> None:  # type: ignore[no-untyped-def]
    rules, candidates, ballots, sheets = case
    gone = data.draw(st.sampled_from(candidates))
    recount = run(rules, candidates, ballots, sheets, disqualified=frozenset({gone}))
    remaining = [c for c in candidates if c != gone]
    stripped = [CountedBallot(b.channel, b.weight, tuple(c for c in b.choices if c != gone)) for b in ballots]
    fresh = run(rules, remaining, stripped, [s for s in sheets if s.candidate != gone])
    assert recount.candidates == fresh.candidates
    assert recount.winners == fresh.winners
    assert recount.disqualified == (gone,)


@settings(max_examples=100, deadline=None)
@given(campaigns())
def test_canonical_encoding_round_trips(case) -> None:  # type: ignore[no-untyped-def]
    rules, candidates, ballots, sheets = case
    result = run(rules, candidates, ballots, sheets)
    assert decode_result(encode_result(result)) == result
    assert encode_result(decode_result(encode_result(result))) == encode_result(result)
    assert decode_rules(encode_rules(rules)) == rules


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(POOL), min_size=2, max_size=10, unique=True), st.integers(1, 10))
def test_seeded_tie_break_is_deterministic(candidates: list[str], winners: int) -> None:
    rules = msgspec.structs.replace(
        CampaignRules(
            shortlist_size=10,
            winners=winners,
            tie_break=TieBreak(
                keys=(), method=TieMethod.PUBLISHED_SEED, seed_commitment=seed_commitment(SEED)
            ),
        )
    )
    sheets = [ExpertSheet("e", c, dict.fromkeys(KEYS, 50)) for c in candidates]
    first = run(rules, candidates, [], sheets)
    assert first == run(rules, list(reversed(candidates)), [], list(reversed(sheets)))
    expected = sorted(candidates, key=lambda c: seed_order(SEED, c))
    assert [r.candidate for r in first.candidates] == expected
    assert {r.rank for r in first.candidates} == {1}


DAY = date(2025, 7, 1)
policies = st.one_of(
    st.just(RevotePolicy(mode=RevoteMode.FIRST_COUNTS)),
    st.just(RevotePolicy(mode=RevoteMode.LAST_COUNTS)),
    st.integers(1, 4).map(lambda k: RevotePolicy(mode=RevoteMode.AT_MOST_K, k=k)),
)


@settings(max_examples=200, deadline=None)
@given(
    policies,
    st.integers(1, 3),
    st.lists(st.tuples(st.sampled_from(list(Channel)), st.integers(0, 4), st.integers(0, 2)), max_size=60),
)
def test_revote_leaves_exactly_the_allowed_counted_ballots(
    policy: RevotePolicy, per_day: int, draws: list[tuple[Channel, int, int]]
) -> None:
    rules = CampaignRules(
        revote=policy,
        channels=Channels(
            staff=StaffChannel(),
            public=PublicChannel(enabled=True, ballots_per_phone_per_day=per_day),
            weights=ChannelWeights(staff=50, public=50),
        ),
    )
    ballots = [
        CastBallot(f"{i:064x}", channel, f"voter{who}", 1, DAY + timedelta(days=day), i)
        for i, (channel, who, day) in enumerate(draws)
    ]
    result = {r.tracking_code: r.disposition for r in resolve(ballots, rules)}
    assert len(result) == len(ballots)
    staff: dict[str, list[CastBallot]] = {}
    public: dict[tuple[str, date], list[CastBallot]] = {}
    for b in ballots:
        if b.channel is Channel.STAFF:
            staff.setdefault(b.voter, []).append(b)
        else:
            public.setdefault((b.voter, b.day), []).append(b)
    limit = policy.max_ballots()
    for group in staff.values():
        dispositions = [result[b.tracking_code] for b in group]
        assert dispositions.count(Disposition.COUNTED) == 1
        allowed = len(group) if limit is None else min(limit, len(group))
        assert dispositions[allowed - 1] is Disposition.COUNTED
        assert dispositions.count(Disposition.OVER_LIMIT) == len(group) - allowed
    for group in public.values():
        counted = [b for b in group if result[b.tracking_code] is Disposition.COUNTED]
        assert counted == group[:per_day]
