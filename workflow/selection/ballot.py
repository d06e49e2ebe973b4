"""Ballots: the exact bytes a voter signs, the checks that accept or reject them, tracking codes.

Staff ballot (signed in the browser). The payload is the RFC 8785 JSON of this fixed object, all
values strings or arrays of strings (so JavaScript's ``JSON.stringify`` of an object built with
keys in this order produces the same bytes)::

    {"campaign": <campaign uid>, "channel": "staff", "choices": [<candidate ids, ascending>],
     "credential": <b64u raw Ed25519 public key>, "domain": "yide/ballot/v1",
     "nonce": <b64u 16 random bytes>, "rules": <hex SHA-256 of the campaign rules>}

The voter signs exactly those payload bytes with Ed25519. The request carries them base64url
encoded (:class:`BallotIn`), so the server verifies the bytes it was given and then insists they
are canonical. The *signed ballot* is the RFC 8785 JSON ``{"payload": <object>, "signature":
<b64u>}``; its SHA-256 in lower-case hex is the tracking code.

Public ballot (phone channel). The voter proves a phone number by one-time code to the server and
does not sign anything; the server writes ``{"payload": {"campaign", "channel": "public",
"choices", "day", "domain": "yide/public-ballot/v1", "nonce", "phone", "rules"}}`` where
``phone`` is HMAC-SHA256 of the normalised number under a secret per-campaign salt. Acceptance is
the ledger entry itself (signed by the log key, covered by checkpoints); the public HMAC lets any
auditor check the per-phone-per-day cap without learning a single number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

import msgspec

from workflow.errors import DomainError, ErrorKind, InvalidInput
from workflow.selection.common import (
    TrackingCode,
    b64u_decode,
    b64u_encode,
    canonical_json,
    china_day,
    is_candidate_id,
)
from workflow.selection.rules import CampaignRules, rules_hash
from workflow.signing import ED25519, Signer, sha256

BALLOT_DOMAIN = "yide/ballot/v1"
PUBLIC_BALLOT_DOMAIN = "yide/public-ballot/v1"
PHONE_HASH_DOMAIN = b"yide/phone/v1\x00"
NONCE_BYTES = 16


class Channel(StrEnum):
    STAFF = "staff"
    PUBLIC = "public"


class RejectReason(StrEnum):
    """Stable reason codes: the API's problem detail, the ledger's rejection entry, the UI text key."""

    MALFORMED = "malformed"
    NON_CANONICAL = "non_canonical"
    WRONG_CAMPAIGN = "wrong_campaign"
    WRONG_CHANNEL = "wrong_channel"
    STALE_RULES = "stale_rules"
    CHANNEL_CLOSED = "channel_closed"
    OUTSIDE_WINDOW = "outside_window"
    UNKNOWN_CREDENTIAL = "unknown_credential"
    REVOKED_CREDENTIAL = "revoked_credential"
    BAD_SIGNATURE = "bad_signature"
    DUPLICATE_BALLOT = "duplicate_ballot"
    DUPLICATE_CHOICE = "duplicate_choice"
    UNKNOWN_CANDIDATE = "unknown_candidate"
    BLANK_NOT_ALLOWED = "blank_not_allowed"
    TOO_FEW_CHOICES = "too_few_choices"
    TOO_MANY_CHOICES = "too_many_choices"
    REVOTE_LIMIT = "revote_limit"
    OVER_PHONE_CAP = "over_phone_cap"
    OVER_IP_CAP = "over_ip_cap"


REASON_TEXT: dict[RejectReason, tuple[str, str]] = {
    RejectReason.MALFORMED: ("选票格式错误", "the ballot is malformed"),
    RejectReason.NON_CANONICAL: ("选票编码不规范", "the ballot is not in canonical form"),
    RejectReason.WRONG_CAMPAIGN: ("选票不属于本次评选", "the ballot is for another campaign"),
    RejectReason.WRONG_CHANNEL: ("投票渠道不符", "the ballot names another channel"),
    RejectReason.STALE_RULES: ("评选规则已变更，请刷新页面", "the campaign rules changed; reload the page"),
    RejectReason.CHANNEL_CLOSED: ("该投票渠道未开放", "this channel is not open in this campaign"),
    RejectReason.OUTSIDE_WINDOW: ("不在投票时间内", "voting is not open"),
    RejectReason.UNKNOWN_CREDENTIAL: ("投票凭证无效", "unknown credential"),
    RejectReason.REVOKED_CREDENTIAL: ("投票凭证已作废", "the credential was revoked"),
    RejectReason.BAD_SIGNATURE: ("签名无效", "the signature does not verify"),
    RejectReason.DUPLICATE_BALLOT: ("重复提交的选票", "this exact ballot was already received"),
    RejectReason.DUPLICATE_CHOICE: ("同一候选人选择了多次", "a candidate is chosen more than once"),
    RejectReason.UNKNOWN_CANDIDATE: ("选择了不在名单内的候选人", "a choice is not on the shortlist"),
    RejectReason.BLANK_NOT_ALLOWED: ("不允许投空白票", "blank ballots are not allowed"),
    RejectReason.TOO_FEW_CHOICES: ("选择人数少于规定", "fewer choices than required"),
    RejectReason.TOO_MANY_CHOICES: ("选择人数超过规定", "more choices than allowed"),
    RejectReason.REVOTE_LIMIT: ("已达到改票次数上限", "no more revotes are allowed for this credential"),
    RejectReason.OVER_PHONE_CAP: ("该手机号今日投票次数已满", "this phone has used today's ballots"),
    RejectReason.OVER_IP_CAP: ("该网络今日投票次数已满", "this network address has used today's ballots"),
}


class BallotRejected(DomainError):
    """A ballot was refused; ``reason_code`` is stable and goes into the ledger's rejection entry."""

    kind: ClassVar[ErrorKind] = ErrorKind.INVALID
    code: ClassVar[str] = "ballot-rejected"
    title: ClassVar[str] = "Ballot rejected"

    def __init__(self, reason: RejectReason, **extra: Any) -> None:
        zh, en = REASON_TEXT[reason]
        super().__init__(en, reason_code=str(reason), reason_zh=zh, **extra)
        self.reason_code = reason


class BallotPayload(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The signed object, field for field (see the module docstring for its exact bytes)."""

    campaign: Annotated[str, msgspec.Meta(max_length=64)]
    channel: Annotated[str, msgspec.Meta(max_length=16)]
    choices: Annotated[tuple[Annotated[str, msgspec.Meta(max_length=64)], ...], msgspec.Meta(max_length=500)]
    credential: Annotated[str, msgspec.Meta(max_length=64)]
    domain: Annotated[str, msgspec.Meta(max_length=32)]
    nonce: Annotated[str, msgspec.Meta(max_length=32)]
    rules: Annotated[str, msgspec.Meta(max_length=64)]


class BallotIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A staff ballot as it arrives: the payload bytes and the signature, both unpadded base64url.

    The public key travels inside the payload (``credential``), so the signature covers it.
    """

    payload: Annotated[str, msgspec.Meta(min_length=1, max_length=65_536)]
    signature: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class PublicBallotIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A public-channel ballot as the browser sends it, after the phone was verified by OTP."""

    choices: Annotated[tuple[Annotated[str, msgspec.Meta(max_length=64)], ...], msgspec.Meta(max_length=500)]


class AcceptedBallot(msgspec.Struct, frozen=True):
    """What the service stores and logs; ``record`` is the canonical ballot record for the ledger."""

    tracking_code: str
    channel: Channel
    voter: str
    """Staff: the b64u public credential. Public: the hex phone HMAC."""
    weight: int
    choices: tuple[str, ...]
    accepted_at: datetime
    day: date
    record: bytes


@dataclass(frozen=True, slots=True)
class CampaignFacts:
    """What the service loads once per campaign (rules are frozen while voting is open)."""

    campaign: str
    rules: CampaignRules
    rules_hash: bytes
    candidates: frozenset[str]
    voting_open: bool
    opens_at: datetime
    closes_at: datetime

    @classmethod
    def build(
        cls,
        *,
        campaign: str,
        rules: CampaignRules,
        candidates: Sequence[str],
        voting_open: bool,
        opens_at: datetime,
        closes_at: datetime,
    ) -> CampaignFacts:
        return cls(
            campaign, rules, rules_hash(rules), frozenset(candidates), voting_open, opens_at, closes_at
        )


@dataclass(frozen=True, slots=True)
class CredentialStatus:
    """One row of the public credential list as the server holds it."""

    weight: int
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class StaffVoterFacts:
    """The credential's list entry (``None`` if unknown) and tracking codes of its accepted ballots."""

    credential: CredentialStatus | None
    prior_tracking_codes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PublicVoterFacts:
    """Counts of ballots already accepted today (China day) for this phone and this IP."""

    phone_hash: str
    phone_ballots_today: int
    ip_ballots_today: int


@dataclass(frozen=True, slots=True)
class ParsedBallot:
    """A staff ballot decoded and canonical, not yet checked against the campaign."""

    payload: BallotPayload
    payload_bytes: bytes
    signature: bytes
    public_key: bytes
    tracking_code: str
    record: bytes


def payload_bytes(payload: BallotPayload) -> bytes:
    """The exact bytes a voter signs."""
    return canonical_json(payload)


def signed_ballot_bytes(payload: BallotPayload, signature: bytes) -> bytes:
    """``{"payload": …, "signature": …}`` in RFC 8785 form: the ballot as the ledger records it."""
    return canonical_json({"payload": payload, "signature": b64u_encode(signature)})


def tracking_code(record: bytes) -> TrackingCode:
    return TrackingCode(sha256(record).hex())


def make_staff_ballot(
    signer: Signer, *, campaign: str, rules_digest: bytes, choices: Sequence[str], nonce: bytes | None = None
) -> BallotIn:
    """Build and sign a staff ballot exactly as the voting page does (used by tests, demo, vectors)."""
    payload = BallotPayload(
        campaign=campaign,
        channel=Channel.STAFF,
        choices=tuple(sorted(choices)),
        credential=b64u_encode(signer.public_key),
        domain=BALLOT_DOMAIN,
        nonce=b64u_encode(nonce if nonce is not None else secrets.token_bytes(NONCE_BYTES)),
        rules=rules_digest.hex(),
    )
    data = payload_bytes(payload)
    return BallotIn(payload=b64u_encode(data), signature=b64u_encode(signer.sign(data)))


def parse_ballot(ballot: BallotIn) -> ParsedBallot:
    """Decode and insist on canonical form; raises ``malformed`` or ``non_canonical``.

    The service calls this first to learn the credential it must look up.
    """
    try:
        data = b64u_decode(ballot.payload)
        signature = b64u_decode(ballot.signature, size=64)
        payload = msgspec.json.decode(data, type=BallotPayload)
        public_key = b64u_decode(payload.credential, size=32)
        b64u_decode(payload.nonce, size=NONCE_BYTES)
    except (InvalidInput, msgspec.DecodeError) as error:
        raise BallotRejected(RejectReason.MALFORMED, why=str(error)) from error
    if payload.domain != BALLOT_DOMAIN or not re.fullmatch(r"[0-9a-f]{64}", payload.rules):
        raise BallotRejected(RejectReason.MALFORMED, why="wrong domain tag or rules hash")
    if payload_bytes(payload) != data:
        raise BallotRejected(RejectReason.NON_CANONICAL)
    record = signed_ballot_bytes(payload, signature)
    return ParsedBallot(payload, data, signature, public_key, tracking_code(record), record)


def verify_signature(parsed: ParsedBallot) -> bool:
    """Whether the ballot's signature verifies under the key it names (the CPU-heavy step)."""
    return ED25519.verify(parsed.public_key, parsed.signature, parsed.payload_bytes)


def check_ballot(
    ballot: BallotIn | ParsedBallot,
    *,
    campaign: CampaignFacts,
    voter: StaffVoterFacts,
    now: datetime,
    signature_ok: bool | None = None,
) -> AcceptedBallot:
    """Accept a staff ballot or raise :class:`BallotRejected`; checks run in a fixed, documented order.

    Order: form (malformed, non_canonical) → campaign, channel, rules → channel open, window →
    credential known, not revoked → signature → duplicate → choices → revote limit. Cheap checks
    come first; reasons about content are only given for ballots whose signature verified.

    ``signature_ok`` is :func:`verify_signature`'s answer when the caller already computed it (the
    service verifies before it opens the write transaction); the order of reasons is the same.
    """
    parsed = ballot if isinstance(ballot, ParsedBallot) else parse_ballot(ballot)
    payload = parsed.payload
    if payload.campaign != campaign.campaign:
        raise BallotRejected(RejectReason.WRONG_CAMPAIGN)
    if payload.channel != Channel.STAFF:
        raise BallotRejected(RejectReason.WRONG_CHANNEL)
    if payload.rules != campaign.rules_hash.hex():
        raise BallotRejected(RejectReason.STALE_RULES)
    _check_open(campaign, Channel.STAFF, now)
    status = voter.credential
    if status is None:
        raise BallotRejected(RejectReason.UNKNOWN_CREDENTIAL)
    if status.revoked:
        raise BallotRejected(RejectReason.REVOKED_CREDENTIAL)
    if not (verify_signature(parsed) if signature_ok is None else signature_ok):
        raise BallotRejected(RejectReason.BAD_SIGNATURE)
    if parsed.tracking_code in voter.prior_tracking_codes:
        raise BallotRejected(RejectReason.DUPLICATE_BALLOT, tracking_code=parsed.tracking_code)
    check_choices(payload.choices, campaign)
    limit = campaign.rules.revote.max_ballots()
    if limit is not None and len(voter.prior_tracking_codes) >= limit:
        raise BallotRejected(RejectReason.REVOTE_LIMIT, limit=limit)
    return AcceptedBallot(
        tracking_code=parsed.tracking_code,
        channel=Channel.STAFF,
        voter=payload.credential,
        weight=status.weight,
        choices=payload.choices,
        accepted_at=now,
        day=china_day(now),
        record=parsed.record,
    )


def check_choices(choices: Sequence[str], campaign: CampaignFacts) -> None:
    """The ballot shape: distinct, ascending, shortlisted, and within min..max (blank if allowed)."""
    shape = campaign.rules.ballot
    if len(set(choices)) != len(choices):
        raise BallotRejected(RejectReason.DUPLICATE_CHOICE)
    if list(choices) != sorted(choices):
        raise BallotRejected(RejectReason.NON_CANONICAL, why="choices must be in ascending order")
    unknown = [c for c in choices if c not in campaign.candidates or not is_candidate_id(c)]
    if unknown:
        raise BallotRejected(RejectReason.UNKNOWN_CANDIDATE, count=len(unknown))
    if not choices:
        if not shape.blank_allowed:
            raise BallotRejected(RejectReason.BLANK_NOT_ALLOWED)
        return
    if len(choices) < shape.min_choices:
        raise BallotRejected(RejectReason.TOO_FEW_CHOICES, minimum=shape.min_choices)
    if len(choices) > shape.max_choices:
        raise BallotRejected(RejectReason.TOO_MANY_CHOICES, maximum=shape.max_choices)


def _check_open(campaign: CampaignFacts, channel: Channel, now: datetime) -> None:
    channels = campaign.rules.channels
    enabled = channels.staff.enabled if channel is Channel.STAFF else channels.public.enabled
    if not enabled:
        raise BallotRejected(RejectReason.CHANNEL_CLOSED)
    if not (campaign.voting_open and campaign.opens_at <= now < campaign.closes_at):
        raise BallotRejected(RejectReason.OUTSIDE_WINDOW)


_CN_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def normalise_phone(raw: str) -> str:
    """A mainland mobile number as ``+86`` and 11 digits; blanks, hyphens and 86/0086 prefixes go."""
    digits = re.sub(r"[\s()-]", "", raw)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _CN_MOBILE.fullmatch(digits):
        raise InvalidInput("not a mainland China mobile number")
    return "+86" + digits


def new_phone_salt() -> bytes:
    """The per-campaign secret HMAC key; stored server-side only, never published or logged."""
    return secrets.token_bytes(32)


def phone_hash(phone: str, *, campaign: str, salt: bytes) -> str:
    """HMAC-SHA256(salt, "yide/phone/v1" 0x00 campaign 0x00 +86…) in hex; the number itself is dropped.

    A plain hash of an 11-digit number is reversed by enumerating ~10^10 candidates; the secret
    salt makes that impossible for anyone without the server's key.
    """
    if len(salt) < 16:
        raise InvalidInput("phone salt must be at least 16 bytes")
    message = PHONE_HASH_DOMAIN + campaign.encode() + b"\x00" + normalise_phone(phone).encode()
    return hmac.new(salt, message, hashlib.sha256).hexdigest()


def public_ballot_record(
    *, campaign: CampaignFacts, choices: Sequence[str], phone: str, day: date, nonce: bytes
) -> bytes:
    """Canonical bytes of a public ballot as the ledger records it."""
    payload = {
        "campaign": campaign.campaign,
        "channel": str(Channel.PUBLIC),
        "choices": list(choices),
        "day": day.isoformat(),
        "domain": PUBLIC_BALLOT_DOMAIN,
        "nonce": b64u_encode(nonce),
        "phone": phone,
        "rules": campaign.rules_hash.hex(),
    }
    return canonical_json({"payload": payload})


def check_public_ballot(
    ballot: PublicBallotIn,
    *,
    campaign: CampaignFacts,
    voter: PublicVoterFacts,
    now: datetime,
    nonce: bytes | None = None,
) -> AcceptedBallot:
    """Accept a public ballot or raise :class:`BallotRejected`.

    Order: channel open, window → phone cap → IP cap → choices. The caller counts today's
    ballots for the phone and the IP inside the same transaction that inserts this one.
    """
    _check_open(campaign, Channel.PUBLIC, now)
    public = campaign.rules.channels.public
    if voter.phone_ballots_today >= public.ballots_per_phone_per_day:
        raise BallotRejected(RejectReason.OVER_PHONE_CAP, cap=public.ballots_per_phone_per_day)
    if voter.ip_ballots_today >= public.ballots_per_ip_per_day:
        raise BallotRejected(RejectReason.OVER_IP_CAP, cap=public.ballots_per_ip_per_day)
    check_choices(ballot.choices, campaign)
    day = china_day(now)
    nonce = nonce if nonce is not None else secrets.token_bytes(NONCE_BYTES)
    record = public_ballot_record(
        campaign=campaign, choices=ballot.choices, phone=voter.phone_hash, day=day, nonce=nonce
    )
    return AcceptedBallot(
        tracking_code=tracking_code(record),
        channel=Channel.PUBLIC,
        voter=voter.phone_hash,
        weight=1,
        choices=tuple(ballot.choices),
        accepted_at=now,
        day=day,
        record=record,
    )
