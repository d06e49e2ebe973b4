"""Encodings shared by every selection record: canonical JSON, base64url, hex hashes, the voting day.

One module owns these so that the ballot, the seal and the tally can never disagree on how bytes
are made, and so that a JavaScript or offline verifier has exactly one set of rules to copy.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Any, NewType

import msgspec
import rfc8785

from workflow import canonical
from workflow.errors import InvalidInput

CandidateId = NewType("CandidateId", str)
"""A shortlisted candidate as named on the ballot (ASCII, see :data:`CANDIDATE_ID_PATTERN`)."""

TrackingCode = NewType("TrackingCode", str)
"""Lower-case hex SHA-256 of a ballot's canonical signed bytes; the voter's receipt."""

CANDIDATE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
"""ASCII only, so Python's and JavaScript's default string sort agree on the order of choices."""

CAMPAIGN_UID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
"""The campaign's public identifier (e.g. a UUID) that ballots and key derivation bind to."""

HEX_SHA256_PATTERN = r"^[0-9a-f]{64}$"

CandidateIdField = Annotated[str, msgspec.Meta(pattern=CANDIDATE_ID_PATTERN)]
CampaignUidField = Annotated[str, msgspec.Meta(pattern=CAMPAIGN_UID_PATTERN)]
HexSha256Field = Annotated[str, msgspec.Meta(pattern=HEX_SHA256_PATTERN)]

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
"""China has one fixed offset and no daylight saving, so "a day" for caps is a UTC+08:00 date."""

_CANDIDATE_RE = re.compile(CANDIDATE_ID_PATTERN)
_CAMPAIGN_RE = re.compile(CAMPAIGN_UID_PATTERN)
_B64U_RE = re.compile(r"^[A-Za-z0-9_-]*$")


def canonical_json(value: Any) -> bytes:
    """RFC 8785 (JCS) bytes of a JSON value or msgspec Struct: the only encoding we hash or sign.

    Values with floats or integers beyond 2^53 take the reference encoder (which prints floats the
    JCS way and refuses unsafe integers); everything else goes through :func:`canonical.dumps`.
    """
    builtins = msgspec.to_builtins(value)
    return canonical.dumps(builtins) if _jcs_safe(builtins) else rfc8785.dumps(builtins)


def _jcs_safe(value: Any) -> bool:
    """No floats and no integers outside the IEEE-754 exact range (RFC 8785 would refuse those)."""
    if isinstance(value, dict):
        return all(_jcs_safe(v) for v in value.values())
    if isinstance(value, list):
        return all(_jcs_safe(v) for v in value)
    if isinstance(value, float):
        return False
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) <= 2**53 - 1
    return True


def b64u_encode(data: bytes) -> str:
    """Unpadded base64url, the form WebCrypto JWKs and our ballots use."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str, *, size: int | None = None) -> bytes:
    """Strict unpadded base64url; refuses padding, stray characters and non-canonical trailing bits.

    Strictness matters: two spellings of one key or signature would give two tracking codes for
    one ballot, so only the single canonical spelling is accepted.
    """
    if not _B64U_RE.fullmatch(text) or len(text) % 4 == 1:
        raise InvalidInput("not unpadded base64url", value_length=len(text))
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidInput("not unpadded base64url") from error
    if b64u_encode(data) != text:
        raise InvalidInput("non-canonical base64url")
    if size is not None and len(data) != size:
        raise InvalidInput(f"expected {size} bytes, got {len(data)}", expected=size, actual=len(data))
    return data


def is_candidate_id(value: str) -> bool:
    return bool(_CANDIDATE_RE.fullmatch(value))


def is_campaign_uid(value: str) -> bool:
    return bool(_CAMPAIGN_RE.fullmatch(value))


def china_day(moment: datetime) -> date:
    """The calendar day in China of an aware instant; per-day caps count in this day."""
    if moment.tzinfo is None:
        raise InvalidInput("naive datetime: times in the selection core must be timezone-aware")
    return moment.astimezone(CHINA_TZ).date()


def utc_iso(moment: datetime) -> str:
    """The one textual form of an instant in canonical records: UTC, microseconds, ``Z``."""
    if moment.tzinfo is None:
        raise InvalidInput("naive datetime: times in the selection core must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
