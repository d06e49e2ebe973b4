from datetime import UTC, date, datetime, timedelta, timezone

import msgspec
import pytest

from tests.unit.selection.factories import make_rules
from workflow.errors import InvalidInput
from workflow.selection.rules import (
    BallotShape,
    CampaignRules,
    Channels,
    ChannelWeights,
    ExpertCriterion,
    ExpertRules,
    NominationQuota,
    PublicChannel,
    RevoteMode,
    RevotePolicy,
    ScoreMode,
    Scoring,
    StaffChannel,
    TieBreak,
    TieKey,
    TieMethod,
    decode_rules,
    encode_rules,
    objection_problems,
    publicity_window,
    rules_hash,
    rules_problems,
    validate_rules,
)


def test_defaults_are_consistent() -> None:
    assert rules_problems(CampaignRules()) == []
    assert validate_rules(CampaignRules()) == CampaignRules()


BAD: list[tuple[str, dict[str, object], str, str]] = [
    (
        "quota min>max",
        {"quota": NominationQuota(per_unit_min=4, per_unit_max=3)},
        "quota.per_unit_min",
        "min_exceeds_max",
    ),
    (
        "total<unit min",
        {"quota": NominationQuota(per_unit_min=3, total_max=2)},
        "quota.total_max",
        "total_below_unit_min",
    ),
    ("winners>shortlist", {"winners": 7}, "winners", "winners_exceed_shortlist"),
    (
        "choices min>max",
        {"ballot": BallotShape(min_choices=3, max_choices=2)},
        "ballot.min_choices",
        "min_exceeds_max",
    ),
    ("max>shortlist", {"ballot": BallotShape(max_choices=7)}, "ballot.max_choices", "max_exceeds_shortlist"),
    (
        "min 0 no blank",
        {"ballot": BallotShape(min_choices=0, max_choices=2)},
        "ballot.min_choices",
        "zero_min_without_blank",
    ),
    ("k missing", {"revote": RevotePolicy(mode=RevoteMode.AT_MOST_K)}, "revote.k", "k_required"),
    ("k stray", {"revote": RevotePolicy(mode=RevoteMode.LAST_COUNTS, k=2)}, "revote.k", "k_unexpected"),
    (
        "no channel",
        {"channels": Channels(staff=StaffChannel(enabled=False), weights=ChannelWeights(staff=0, public=0))},
        "channels",
        "no_channel",
    ),
    (
        "unweighted max weight",
        {"channels": Channels(staff=StaffChannel(weighted=False, max_weight=3))},
        "channels.staff.max_weight",
        "weight_without_weighting",
    ),
    (
        "weight on disabled public",
        {
            "channels": Channels(
                public=PublicChannel(enabled=False), weights=ChannelWeights(staff=60, public=40)
            )
        },
        "channels.weights.public",
        "weight_on_disabled_channel",
    ),
    (
        "channel weights",
        {
            "channels": Channels(
                public=PublicChannel(enabled=True), weights=ChannelWeights(staff=60, public=30)
            )
        },
        "channels.weights",
        "weights_not_100",
    ),
    (
        "score weights",
        {"scoring": Scoring(votes_percent=30, experts_percent=60)},
        "scoring",
        "weights_not_100",
    ),
    (
        "votes_only experts",
        {"scoring": Scoring(mode=ScoreMode.VOTES_ONLY, votes_percent=30, experts_percent=70)},
        "scoring.experts_percent",
        "experts_in_votes_only",
    ),
    (
        "reference votes",
        {"scoring": Scoring(mode=ScoreMode.VOTES_AS_REFERENCE, votes_percent=30, experts_percent=70)},
        "scoring.votes_percent",
        "votes_in_reference_mode",
    ),
    (
        "weighted degenerate",
        {"scoring": Scoring(mode=ScoreMode.WEIGHTED, votes_percent=100, experts_percent=0)},
        "scoring.mode",
        "degenerate_weighting",
    ),
    ("no criteria", {"experts": ExpertRules(criteria=())}, "experts.criteria", "no_criteria"),
    (
        "criteria weights",
        {"experts": ExpertRules(criteria=(ExpertCriterion(key="a", name_zh="甲", weight=90),))},
        "experts.criteria",
        "weights_not_100",
    ),
    (
        "criteria keys",
        {
            "experts": ExpertRules(
                criteria=(
                    ExpertCriterion(key="a", name_zh="甲", weight=50),
                    ExpertCriterion(key="a", name_zh="乙", weight=50),
                )
            )
        },
        "experts.criteria",
        "duplicate_key",
    ),
    (
        "tie keys",
        {"tie_break": TieBreak(keys=(TieKey.VOTE_SCORE, TieKey.VOTE_SCORE))},
        "tie_break.keys",
        "duplicate_key",
    ),
    (
        "seed missing",
        {"tie_break": TieBreak(method=TieMethod.PUBLISHED_SEED)},
        "tie_break.seed_commitment",
        "seed_commitment_required",
    ),
    (
        "seed stray",
        {"tie_break": TieBreak(method=TieMethod.DRAWING_OF_LOTS, seed_commitment="0" * 64)},
        "tie_break.seed_commitment",
        "seed_commitment_unexpected",
    ),
    (
        "tie key on disabled channel",
        {
            "channels": Channels(staff=StaffChannel(), public=PublicChannel(enabled=False)),
            "tie_break": TieBreak(keys=(TieKey.PUBLIC_VOTES,)),
        },
        "tie_break.keys.public_votes",
        "key_not_available",
    ),
]


@pytest.mark.parametrize(("changes", "field", "code"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_each_inconsistency_is_reported(changes: dict[str, object], field: str, code: str) -> None:
    rules = msgspec.structs.replace(
        CampaignRules(shortlist_size=6, winners=3, ballot=BallotShape(max_choices=3)), **changes
    )
    problems = rules_problems(rules)
    assert (field, code) in [(p.field, p.code) for p in problems]
    with pytest.raises(InvalidInput) as raised:
        validate_rules(rules)
    assert any(p["field"] == field and p["code"] == code for p in raised.value.extra["problems"])


def test_all_problems_are_reported_at_once() -> None:
    rules = msgspec.structs.replace(
        CampaignRules(), winners=30, scoring=Scoring(votes_percent=10, experts_percent=10)
    )
    codes = {p.code for p in rules_problems(rules)}
    assert {"winners_exceed_shortlist", "weights_not_100"} <= codes
    for p in rules_problems(rules):
        assert p.message_zh
        assert p.message_en


def test_decode_rules_refuses_unknown_fields_and_ranges() -> None:
    with pytest.raises(InvalidInput) as raised:
        decode_rules(b'{"surprise": 1}')
    assert raised.value.extra["problems"][0]["code"] == "schema"
    with pytest.raises(InvalidInput) as raised:
        decode_rules(b'{"quota": {"per_unit_max": 0}}')
    assert raised.value.extra["problems"][0]["field"] == "quota.per_unit_max"
    with pytest.raises(InvalidInput):
        decode_rules(b"not json")
    with pytest.raises(InvalidInput):
        decode_rules(b'{"winners": 30}')  # schema-valid, inconsistent with shortlist 20


def test_decode_encode_round_trip() -> None:
    rules = make_rules()
    assert decode_rules(encode_rules(rules)) == rules


def test_rules_hash_is_stable_and_sensitive() -> None:
    assert rules_hash(CampaignRules()) == rules_hash(decode_rules(encode_rules(CampaignRules())))
    assert rules_hash(CampaignRules()) != rules_hash(msgspec.structs.replace(CampaignRules(), winners=9))
    # Key order of the submitted JSON does not matter: the hash is over RFC 8785 bytes.
    a = decode_rules(b'{"winners": 5, "shortlist_size": 10}')
    b = decode_rules(b'{"shortlist_size": 10, "winners": 5}')
    assert rules_hash(a) == rules_hash(b)


def test_revote_max_ballots() -> None:
    assert RevotePolicy(mode=RevoteMode.FIRST_COUNTS).max_ballots() == 1
    assert RevotePolicy(mode=RevoteMode.AT_MOST_K, k=2).max_ballots() == 3
    assert RevotePolicy(mode=RevoteMode.LAST_COUNTS).max_ballots() is None


def test_publicity_counts_working_days_on_the_national_calendar_and_local_days() -> None:
    china = timezone(timedelta(hours=8))
    # Fri 2025-09-26 10:00: 9-26, 9-28 (调休 Sunday), 9-29, 9-30, then 10-01..10-08 off, 10-09.
    window = publicity_window(datetime(2025, 9, 26, 10, 0, tzinfo=china), 5)
    assert (window.first_day, window.last_day) == (date(2025, 9, 26), date(2025, 10, 9))
    assert window.closes_at == datetime(2025, 10, 10, 0, 0, tzinfo=china)
    afternoon = publicity_window(datetime(2025, 9, 26, 15, 0, tzinfo=china), 1)
    assert afternoon.first_day == date(2025, 9, 28)  # posted after noon: counting starts next working day
    local = publicity_window(datetime(2025, 7, 7, 9, 0, tzinfo=china), 5, holidays=[date(2025, 7, 9)])
    assert local.last_day == date(2025, 7, 14)  # a bureau's own day off pushes the end


def test_publicity_refuses_impossible_calendars() -> None:
    with pytest.raises(InvalidInput):
        publicity_window(datetime(2025, 1, 6, tzinfo=UTC), 0)
    with pytest.raises(InvalidInput):  # a make-up working day must be a weekend day
        publicity_window(datetime(2025, 1, 6, tzinfo=UTC), 1, workdays=[date(2025, 1, 7)])


def test_objection_admissibility() -> None:
    opened = datetime(2025, 8, 1, tzinfo=UTC)
    closes = datetime(2025, 8, 7, 16, 0, tzinfo=UTC)
    ok = {"opened_at": opened, "closes_at": closes, "real_name": True, "has_contact": True}
    assert objection_problems(lodged_at=opened, **ok) == []  # type: ignore[arg-type]
    assert objection_problems(lodged_at=closes, **ok) == ["after_window"]  # type: ignore[arg-type]
    early = opened - timedelta(seconds=1)
    assert objection_problems(
        lodged_at=early, opened_at=opened, closes_at=closes, real_name=False, has_contact=False
    ) == ["before_window", "anonymous", "no_contact"]
