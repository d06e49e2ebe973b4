from datetime import date

import pytest

from tests.unit.selection.factories import make_rules
from workflow.errors import InvalidInput
from workflow.selection.ballot import Channel
from workflow.selection.revote import (
    CastBallot,
    Disposition,
    public_dispositions,
    resolve,
    staff_dispositions,
)
from workflow.selection.rules import Channels, PublicChannel, RevoteMode, RevotePolicy

C, S, X = Disposition.COUNTED, Disposition.SUPERSEDED, Disposition.OVER_LIMIT
DAY = date(2025, 7, 2)


@pytest.mark.parametrize(
    ("policy", "n", "expected"),
    [
        (RevotePolicy(mode=RevoteMode.LAST_COUNTS), 0, []),
        (RevotePolicy(mode=RevoteMode.LAST_COUNTS), 1, [C]),
        (RevotePolicy(mode=RevoteMode.LAST_COUNTS), 4, [S, S, S, C]),
        (RevotePolicy(mode=RevoteMode.FIRST_COUNTS), 1, [C]),
        (RevotePolicy(mode=RevoteMode.FIRST_COUNTS), 3, [C, X, X]),
        (RevotePolicy(mode=RevoteMode.AT_MOST_K, k=2), 2, [S, C]),
        (RevotePolicy(mode=RevoteMode.AT_MOST_K, k=2), 3, [S, S, C]),
        (RevotePolicy(mode=RevoteMode.AT_MOST_K, k=2), 5, [S, S, C, X, X]),
    ],
)
def test_staff_policies(policy: RevotePolicy, n: int, expected: list[Disposition]) -> None:
    ballots = [CastBallot(f"t{i}", Channel.STAFF, "v", 1, DAY, i) for i in range(n)]
    assert staff_dispositions(ballots, policy) == expected


def test_public_daily_cap() -> None:
    ballots = [CastBallot(f"t{i}", Channel.PUBLIC, "p", 1, DAY, i) for i in range(4)]
    assert public_dispositions(ballots, 2) == [C, C, X, X]


def ballot(
    code: str, voter: str, seq: int, *, channel: Channel = Channel.STAFF, day: date = DAY, weight: int = 1
) -> CastBallot:
    return CastBallot(code, channel, voter, weight, day, seq)


def test_resolve_orders_by_sequence_and_sorts_by_tracking_code() -> None:
    rules = make_rules(revote=RevotePolicy(mode=RevoteMode.LAST_COUNTS))
    ballots = [ballot("zz", "a", 2, weight=3), ballot("aa", "a", 1, weight=3), ballot("mm", "b", 3)]
    result = resolve(ballots, rules)
    assert [(r.tracking_code, r.disposition, r.weight) for r in result] == [
        ("aa", S, 3),
        ("mm", C, 1),
        ("zz", C, 3),
    ]


def test_public_ballots_count_per_phone_per_day_with_weight_one() -> None:
    base = make_rules().channels
    public = PublicChannel(enabled=True, ballots_per_phone_per_day=1)
    rules = make_rules(channels=Channels(staff=base.staff, public=public, weights=base.weights))
    ballots = [
        ballot("p1", "phone", 1, channel=Channel.PUBLIC, weight=9),
        ballot("p2", "phone", 2, channel=Channel.PUBLIC),
        ballot("p3", "phone", 3, channel=Channel.PUBLIC, day=date(2025, 7, 3)),
    ]
    result = {r.tracking_code: (r.disposition, r.weight) for r in resolve(ballots, rules)}
    assert result == {"p1": (C, 1), "p2": (X, 1), "p3": (C, 1)}


def test_disqualified_and_revoked_never_count_and_never_revive_earlier_ballots() -> None:
    rules = make_rules()
    ballots = [ballot("a1", "a", 1), ballot("a2", "a", 2), ballot("b1", "b", 3), ballot("c1", "c", 4)]
    result = {
        r.tracking_code: r.disposition
        for r in resolve(ballots, rules, disqualified=frozenset({"a2"}), revoked_voters=frozenset({"b"}))
    }
    assert result == {"a1": S, "a2": Disposition.DISQUALIFIED, "b1": Disposition.REVOKED, "c1": C}


def test_duplicate_sequence_numbers_are_refused() -> None:
    with pytest.raises(InvalidInput):
        resolve([ballot("a", "x", 1), ballot("b", "y", 1)], make_rules())
