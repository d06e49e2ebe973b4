"""One-time codes for the public channel and the short-lived token a verified phone votes with.

Codes are six random digits, stored only as an HMAC under the server's secret (a table dump does
not reveal them), valid a few minutes with a few attempts. After a correct code the voter gets a
token: ``<b64u JSON {"c": campaign id, "e": expiry, "p": phone HMAC}>.<b64u HMAC-SHA256>``. It is
stateless, so any worker accepts it; the per-phone daily cap is what limits ballots, not the token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from workflow.errors import DomainError, ErrorKind, InvalidInput
from workflow.selection.common import b64u_decode, b64u_encode

CODE_DIGITS = 6
_CODE_DOMAIN = b"yide/phone-code/v1\x00"
_TOKEN_DOMAIN = b"yide/vote-token/v1\x00"


class CodeRejected(DomainError):
    kind = ErrorKind.INVALID
    code = "phone-code-invalid"
    title = "The code is wrong or expired"


class TokenRejected(DomainError):
    kind = ErrorKind.UNAUTHENTICATED
    code = "vote-token-invalid"
    title = "Verify your phone number again"


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(secret: str, *, campaign_id: int, phone_hash: str, code: str) -> str:
    """Keyed hash of a code, bound to the campaign and the phone it was sent to."""
    message = _CODE_DOMAIN + f"{campaign_id}\x00{phone_hash}\x00{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def code_matches(secret: str, *, campaign_id: int, phone_hash: str, code: str, stored: str) -> bool:
    if not code.isdigit() or len(code) != CODE_DIGITS:
        return False
    expected = code_hash(secret, campaign_id=campaign_id, phone_hash=phone_hash, code=code)
    return hmac.compare_digest(expected, stored)


@dataclass(frozen=True)
class VoteToken:
    campaign_id: int
    phone_hash: str
    expires_at: datetime


def issue_token(secret: str, token: VoteToken) -> str:
    body = json.dumps(
        {"c": token.campaign_id, "e": int(token.expires_at.timestamp()), "p": token.phone_hash},
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    mac = hmac.new(secret.encode(), _TOKEN_DOMAIN + body, hashlib.sha256).digest()
    return f"{b64u_encode(body)}.{b64u_encode(mac)}"


def read_token(secret: str, text: str, *, campaign_id: int, now: datetime) -> VoteToken:
    """The token's claims, or TokenRejected if forged, for another campaign or expired."""
    try:
        body_text, mac_text = text.split(".", 1)
        body, mac = b64u_decode(body_text), b64u_decode(mac_text, size=32)
    except (ValueError, InvalidInput):
        raise TokenRejected("the voting token is malformed") from None
    expected = hmac.new(secret.encode(), _TOKEN_DOMAIN + body, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        raise TokenRejected("the voting token is not valid")
    claims = json.loads(body)
    token = VoteToken(int(claims["c"]), str(claims["p"]), datetime.fromtimestamp(int(claims["e"]), UTC))
    if token.campaign_id != campaign_id:
        raise TokenRejected("the voting token is for another campaign")
    if now >= token.expires_at:
        raise TokenRejected("the voting token has expired; verify your phone number again")
    return token


def network_hash(salt: bytes, campaign_uid: str, address: str) -> str:
    """Keyed hash of a client address or device fingerprint: caps and the report never see the raw value."""
    return hmac.new(salt, b"yide/net/v1\x00" + f"{campaign_uid}\x00{address}".encode(), "sha256").hexdigest()
