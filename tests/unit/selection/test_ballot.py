import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import msgspec
import pytest

from tests.unit.selection.factories import CAMPAIGN, CLOSES, NOW, OPENS, counter_bytes, make_facts, make_rules
from workflow.errors import InvalidInput
from workflow.selection.ballot import (
    BALLOT_DOMAIN,
    BallotIn,
    BallotRejected,
    CampaignFacts,
    Channel,
    CredentialStatus,
    PublicBallotIn,
    PublicVoterFacts,
    RejectReason,
    StaffVoterFacts,
    check_ballot,
    check_public_ballot,
    make_staff_ballot,
    normalise_phone,
    parse_ballot,
    phone_hash,
    verify_signature,
)
from workflow.selection.common import b64u_encode, canonical_json
from workflow.selection.credentials import derive_signer, generate_credential
from workflow.selection.rules import (
    BallotShape,
    Channels,
    ChannelWeights,
    PublicChannel,
    RevoteMode,
    RevotePolicy,
    StaffChannel,
)
from workflow.signing import Ed25519Signer, sha256

CREDENTIAL = generate_credential(counter_bytes("ballot-tests"))
SIGNER = derive_signer(CREDENTIAL, CAMPAIGN)
FACTS = make_facts()
VOTER = StaffVoterFacts(CredentialStatus(weight=2))
NONCE = bytes(range(16))


def payload(**changes: Any) -> dict[str, Any]:
    base = {
        "campaign": CAMPAIGN,
        "channel": "staff",
        "choices": ["c01", "c03"],
        "credential": b64u_encode(SIGNER.public_key),
        "domain": BALLOT_DOMAIN,
        "nonce": b64u_encode(NONCE),
        "rules": FACTS.rules_hash.hex(),
    }
    return base | changes


def signed(data: bytes, signer: Ed25519Signer = SIGNER) -> BallotIn:
    return BallotIn(payload=b64u_encode(data), signature=b64u_encode(signer.sign(data)))


def signed_payload(**changes: Any) -> BallotIn:
    return signed(canonical_json(payload(**changes)))


def test_a_good_ballot_is_accepted_with_a_tracking_code() -> None:
    ballot = make_staff_ballot(
        SIGNER, campaign=CAMPAIGN, rules_digest=FACTS.rules_hash, choices=["c03", "c01"], nonce=NONCE
    )
    accepted = check_ballot(ballot, campaign=FACTS, voter=VOTER, now=NOW)
    assert accepted.choices == ("c01", "c03")
    assert accepted.weight == 2
    assert accepted.channel is Channel.STAFF
    assert accepted.voter == b64u_encode(SIGNER.public_key)
    record = json.loads(accepted.record)
    assert record["payload"] == payload()
    assert record["signature"] == ballot.signature
    assert accepted.tracking_code == sha256(accepted.record).hex()
    assert ballot == signed_payload()  # the helper builds exactly the documented payload


def test_parse_then_check_equals_check() -> None:
    ballot = signed_payload()
    assert check_ballot(parse_ballot(ballot), campaign=FACTS, voter=VOTER, now=NOW) == check_ballot(
        ballot, campaign=FACTS, voter=VOTER, now=NOW
    )


def _flip_signature(ballot: BallotIn) -> BallotIn:
    other = Ed25519Signer.from_seed(bytes(32))
    return BallotIn(payload=ballot.payload, signature=b64u_encode(other.sign(b"something else")))


def _facts(**rules_changes: Any) -> CampaignFacts:
    return make_facts(make_rules(**rules_changes))


CLOSED_STAFF = Channels(
    staff=StaffChannel(enabled=False),
    public=PublicChannel(enabled=True),
    weights=ChannelWeights(staff=0, public=100),
)
Case = tuple[str, Callable[[], BallotIn], CampaignFacts, StaffVoterFacts, Any, RejectReason]
STAFF_CASES: list[Case] = [
    (
        "payload not base64url",
        lambda: BallotIn(payload="***", signature="A" * 86),
        FACTS,
        VOTER,
        NOW,
        RejectReason.MALFORMED,
    ),
    ("payload not JSON", lambda: signed(b"[1,2"), FACTS, VOTER, NOW, RejectReason.MALFORMED),
    (
        "unknown field",
        lambda: signed(canonical_json(payload(extra="x"))),
        FACTS,
        VOTER,
        NOW,
        RejectReason.MALFORMED,
    ),
    (
        "missing field",
        lambda: signed(canonical_json({k: v for k, v in payload().items() if k != "nonce"})),
        FACTS,
        VOTER,
        NOW,
        RejectReason.MALFORMED,
    ),
    (
        "short signature",
        lambda: BallotIn(payload=signed_payload().payload, signature="AAAA"),
        FACTS,
        VOTER,
        NOW,
        RejectReason.MALFORMED,
    ),
    (
        "wrong domain",
        lambda: signed_payload(domain="yide/ballot/v0"),
        FACTS,
        VOTER,
        NOW,
        RejectReason.MALFORMED,
    ),
    (
        "short key",
        lambda: signed_payload(credential=b64u_encode(bytes(31))),
        FACTS,
        VOTER,
        NOW,
        RejectReason.MALFORMED,
    ),
    (
        "short nonce",
        lambda: signed_payload(nonce=b64u_encode(bytes(8))),
        FACTS,
        VOTER,
        NOW,
        RejectReason.MALFORMED,
    ),
    ("rules not hex", lambda: signed_payload(rules="Z" * 64), FACTS, VOTER, NOW, RejectReason.MALFORMED),
    (
        "spaces in JSON",
        lambda: signed(json.dumps(payload()).encode()),
        FACTS,
        VOTER,
        NOW,
        RejectReason.NON_CANONICAL,
    ),
    (
        "unsorted choices",
        lambda: signed_payload(choices=["c03", "c01"]),
        FACTS,
        VOTER,
        NOW,
        RejectReason.NON_CANONICAL,
    ),
    (
        "other campaign",
        lambda: signed_payload(campaign="other"),
        FACTS,
        VOTER,
        NOW,
        RejectReason.WRONG_CAMPAIGN,
    ),
    (
        "public channel",
        lambda: signed_payload(channel="public"),
        FACTS,
        VOTER,
        NOW,
        RejectReason.WRONG_CHANNEL,
    ),
    ("old rules", lambda: signed_payload(rules="0" * 64), FACTS, VOTER, NOW, RejectReason.STALE_RULES),
    (
        "staff disabled",
        lambda: signed_payload(rules=_facts(channels=CLOSED_STAFF).rules_hash.hex()),
        _facts(channels=CLOSED_STAFF),
        VOTER,
        NOW,
        RejectReason.CHANNEL_CLOSED,
    ),
    ("paused", signed_payload, make_facts(voting_open=False), VOTER, NOW, RejectReason.OUTSIDE_WINDOW),
    ("too early", signed_payload, FACTS, VOTER, OPENS - timedelta(seconds=1), RejectReason.OUTSIDE_WINDOW),
    ("at close", signed_payload, FACTS, VOTER, CLOSES, RejectReason.OUTSIDE_WINDOW),
    (
        "unknown credential",
        signed_payload,
        FACTS,
        StaffVoterFacts(None),
        NOW,
        RejectReason.UNKNOWN_CREDENTIAL,
    ),
    (
        "revoked",
        signed_payload,
        FACTS,
        StaffVoterFacts(CredentialStatus(1, revoked=True)),
        NOW,
        RejectReason.REVOKED_CREDENTIAL,
    ),
    (
        "bad signature",
        lambda: _flip_signature(signed_payload()),
        FACTS,
        VOTER,
        NOW,
        RejectReason.BAD_SIGNATURE,
    ),
    (
        "duplicate choice",
        lambda: signed_payload(choices=["c01", "c01"]),
        FACTS,
        VOTER,
        NOW,
        RejectReason.DUPLICATE_CHOICE,
    ),
    (
        "unknown candidate",
        lambda: signed_payload(choices=["c01", "c99"]),
        FACTS,
        VOTER,
        NOW,
        RejectReason.UNKNOWN_CANDIDATE,
    ),
    ("blank", lambda: signed_payload(choices=[]), FACTS, VOTER, NOW, RejectReason.BLANK_NOT_ALLOWED),
    (
        "too few",
        lambda: signed_payload(
            choices=["c01"], rules=_facts(ballot=BallotShape(min_choices=2, max_choices=3)).rules_hash.hex()
        ),
        _facts(ballot=BallotShape(min_choices=2, max_choices=3)),
        VOTER,
        NOW,
        RejectReason.TOO_FEW_CHOICES,
    ),
    (
        "too many",
        lambda: signed_payload(choices=["c01", "c02", "c03", "c04"]),
        FACTS,
        VOTER,
        NOW,
        RejectReason.TOO_MANY_CHOICES,
    ),
    (
        "revote limit",
        lambda: signed_payload(
            rules=_facts(revote=RevotePolicy(mode=RevoteMode.FIRST_COUNTS)).rules_hash.hex()
        ),
        _facts(revote=RevotePolicy(mode=RevoteMode.FIRST_COUNTS)),
        StaffVoterFacts(CredentialStatus(1), frozenset({"earlier"})),
        NOW,
        RejectReason.REVOTE_LIMIT,
    ),
]


@pytest.mark.parametrize(
    ("make", "facts", "voter", "now", "reason"), [c[1:] for c in STAFF_CASES], ids=[c[0] for c in STAFF_CASES]
)
def test_every_staff_rejection_reason(
    make: Callable[[], BallotIn], facts: CampaignFacts, voter: StaffVoterFacts, now: Any, reason: RejectReason
) -> None:
    with pytest.raises(BallotRejected) as raised:
        check_ballot(make(), campaign=facts, voter=voter, now=now)
    assert raised.value.reason_code is reason
    assert raised.value.extra["reason_code"] == str(reason)
    assert raised.value.extra["reason_zh"]
    assert raised.value.code == "ballot-rejected"


def test_a_signature_verified_beforehand_keeps_the_order_of_reasons() -> None:
    parsed = parse_ballot(signed_payload())
    assert verify_signature(parsed)
    accepted = check_ballot(parsed, campaign=FACTS, voter=VOTER, now=NOW, signature_ok=True)
    assert accepted == check_ballot(parsed, campaign=FACTS, voter=VOTER, now=NOW)
    with pytest.raises(BallotRejected) as bad:
        check_ballot(parsed, campaign=FACTS, voter=VOTER, now=NOW, signature_ok=False)
    assert bad.value.reason_code is RejectReason.BAD_SIGNATURE
    with pytest.raises(BallotRejected) as unknown:  # an unknown credential is named before the signature
        check_ballot(parsed, campaign=FACTS, voter=StaffVoterFacts(None), now=NOW, signature_ok=False)
    assert unknown.value.reason_code is RejectReason.UNKNOWN_CREDENTIAL


def test_duplicate_ballot_is_refused_by_its_tracking_code() -> None:
    first = check_ballot(signed_payload(), campaign=FACTS, voter=VOTER, now=NOW)
    again = StaffVoterFacts(CredentialStatus(2), frozenset({first.tracking_code}))
    with pytest.raises(BallotRejected) as raised:
        check_ballot(signed_payload(), campaign=FACTS, voter=again, now=NOW)
    assert raised.value.reason_code is RejectReason.DUPLICATE_BALLOT
    fresh_nonce = signed_payload(nonce=b64u_encode(bytes(16)))
    assert (
        check_ballot(fresh_nonce, campaign=FACTS, voter=again, now=NOW).tracking_code != first.tracking_code
    )


def test_at_most_k_allows_k_overwrites() -> None:
    facts = _facts(revote=RevotePolicy(mode=RevoteMode.AT_MOST_K, k=2))
    ballot = signed_payload(rules=facts.rules_hash.hex())
    two = StaffVoterFacts(CredentialStatus(1), frozenset({"a", "b"}))
    check_ballot(ballot, campaign=facts, voter=two, now=NOW)
    three = StaffVoterFacts(CredentialStatus(1), frozenset({"a", "b", "c"}))
    with pytest.raises(BallotRejected):
        check_ballot(ballot, campaign=facts, voter=three, now=NOW)


def test_blank_ballot_when_allowed() -> None:
    facts = _facts(ballot=BallotShape(min_choices=1, max_choices=3, blank_allowed=True))
    accepted = check_ballot(
        signed_payload(choices=[], rules=facts.rules_hash.hex()), campaign=facts, voter=VOTER, now=NOW
    )
    assert accepted.choices == ()


def test_all_reasons_have_texts() -> None:
    for reason in RejectReason:
        error = BallotRejected(reason)
        assert error.detail
        assert error.extra["reason_zh"]


SALT = bytes(range(32))
PHONE = phone_hash("138 0013 8000", campaign=CAMPAIGN, salt=SALT)


def public(
    facts: CampaignFacts = FACTS,
    *,
    phone_today: int = 0,
    ip_today: int = 0,
    choices: tuple[str, ...] = ("c02",),
    now: Any = NOW,
) -> Any:
    return check_public_ballot(
        PublicBallotIn(choices=choices),
        campaign=facts,
        voter=PublicVoterFacts(PHONE, phone_today, ip_today),
        now=now,
        nonce=NONCE,
    )


def test_public_ballot_binds_the_phone_hash_and_the_day() -> None:
    accepted = public()
    record = json.loads(accepted.record)["payload"]
    assert record == {
        "campaign": CAMPAIGN,
        "channel": "public",
        "choices": ["c02"],
        "day": "2025-07-02",
        "domain": "yide/public-ballot/v1",
        "nonce": b64u_encode(NONCE),
        "phone": PHONE,
        "rules": FACTS.rules_hash.hex(),
    }
    assert "13800138000" not in accepted.record.decode()
    assert accepted.weight == 1
    assert accepted.tracking_code == sha256(accepted.record).hex()


CLOSED_PUBLIC = Channels(
    staff=StaffChannel(), public=PublicChannel(enabled=False), weights=ChannelWeights(staff=100, public=0)
)
PUBLIC_CASES: list[tuple[str, dict[str, Any], RejectReason]] = [
    ("public disabled", {"facts": _facts(channels=CLOSED_PUBLIC)}, RejectReason.CHANNEL_CLOSED),
    ("paused", {"facts": make_facts(voting_open=False)}, RejectReason.OUTSIDE_WINDOW),
    ("after close", {"now": CLOSES + timedelta(hours=1)}, RejectReason.OUTSIDE_WINDOW),
    ("phone cap", {"phone_today": 1}, RejectReason.OVER_PHONE_CAP),
    ("ip cap", {"ip_today": 3}, RejectReason.OVER_IP_CAP),
    ("blank", {"choices": ()}, RejectReason.BLANK_NOT_ALLOWED),
    ("too many", {"choices": ("c01", "c02", "c03", "c04")}, RejectReason.TOO_MANY_CHOICES),
    ("duplicate", {"choices": ("c01", "c01")}, RejectReason.DUPLICATE_CHOICE),
    ("unsorted", {"choices": ("c02", "c01")}, RejectReason.NON_CANONICAL),
    ("unknown", {"choices": ("zz",)}, RejectReason.UNKNOWN_CANDIDATE),
]


@pytest.mark.parametrize(
    ("kwargs", "reason"), [c[1:] for c in PUBLIC_CASES], ids=[c[0] for c in PUBLIC_CASES]
)
def test_every_public_rejection_reason(kwargs: dict[str, Any], reason: RejectReason) -> None:
    with pytest.raises(BallotRejected) as raised:
        public(**kwargs)
    assert raised.value.reason_code is reason


@pytest.mark.parametrize("raw", ["13800138000", "+86 138-0013-8000", "0086 13800138000", "86 138 0013 8000"])
def test_phone_normalisation(raw: str) -> None:
    assert normalise_phone(raw) == "+8613800138000"
    assert phone_hash(raw, campaign=CAMPAIGN, salt=SALT) == PHONE


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "+1 415 555 0100", "abc"])
def test_phone_normalisation_refuses_non_mobiles(raw: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_phone(raw)


def test_phone_hash_depends_on_salt_and_campaign() -> None:
    assert phone_hash("13800138000", campaign="other", salt=SALT) != PHONE
    assert phone_hash("13800138000", campaign=CAMPAIGN, salt=bytes(32)) != PHONE
    with pytest.raises(InvalidInput):
        phone_hash("13800138000", campaign=CAMPAIGN, salt=b"short")


def test_ballot_in_refuses_unknown_fields() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'{"payload": "x", "signature": "y", "extra": 1}', type=BallotIn)
