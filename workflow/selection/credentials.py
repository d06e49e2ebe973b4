"""Belenios-style staff credentials: typed from paper, checked for typos, turned into an Ed25519 key.

A credential is 24 random Crockford base32 characters (120 bits) and one check character, printed
as five groups of five: ``XXXXX-XXXXX-XXXXX-XXXXX-XXXXC``. The voter's browser derives an Ed25519
key from (credential, campaign uid) with HKDF-SHA256 and signs the ballot; the server only ever
holds the public list of keys with weights, so it cannot tell which person cast which ballot.

Why HKDF and not PBKDF2: a stretched KDF protects *low-entropy* secrets. A brute force against one
public key here needs about 2^119 guesses; 600 000 PBKDF2 iterations would add only ~19 bits while
costing ~0.3–0.5 s per derivation (browser-notes.md), i.e. hours for a census of 100 000. So
there are no iterations: one HKDF call, reproducible with WebCrypto's ``HKDF`` ``deriveBits``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from typing import Annotated

import msgspec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from workflow.errors import InvalidInput
from workflow.selection.common import b64u_encode, canonical_json, is_campaign_uid
from workflow.signing import Ed25519Signer, sha256

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base32: no I, L, O or U, so handwriting and reading aloud are unambiguous."""

DATA_CHARS = 24
GROUP = 5
ENTROPY_BITS = DATA_CHARS * 5
CHECK_MODULUS = 37
"""Crockford's check: the data as one number mod 37. A prime modulus catches every single wrong
character and every swap of two neighbours. Values 32–36 would need the symbols ``*~$=U``; we
simply draw again when they come up, so every check character is an ordinary letter or digit
(costing log2(37/32) ≈ 0.2 bits)."""

HKDF_SALT = b"yide/credential/v1"
HKDF_INFO_PREFIX = b"yide/ed25519-seed/v1\x00"
"""info = prefix ‖ UTF-8 campaign uid: one credential yields unrelated keys in two campaigns."""

CREDENTIAL_LIST_DOMAIN = "yide/credential-list/v1"

_DECODE = {c: i for i, c in enumerate(ALPHABET)} | {"O": 0, "I": 1, "L": 1}
_SEPARATORS = str.maketrans("", "", "- \t\r\n")

RandomBytes = Callable[[int], bytes]


class CredentialTypo(InvalidInput):
    """The credential is mistyped: wrong length, a character not in the alphabet, or a bad check."""

    code = "credential-typo"
    title = "The credential was mistyped"


def generate_credential(random_bytes: RandomBytes = secrets.token_bytes) -> str:
    """A fresh credential in its printed form (five hyphenated groups)."""
    while True:
        value = int.from_bytes(random_bytes(ENTROPY_BITS // 8), "big")
        check = value % CHECK_MODULUS
        if check < len(ALPHABET):
            data = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(DATA_CHARS)))
            return format_credential(data + ALPHABET[check])


def format_credential(normalised: str) -> str:
    """Printed form: groups of five joined by hyphens."""
    return "-".join(normalised[i : i + GROUP] for i in range(0, len(normalised), GROUP))


def normalise_credential(text: str) -> str:
    """The 25-character canonical form that goes into the KDF, after checking for typos.

    Upper-cases, drops hyphens and blanks, reads O as 0 and I/L as 1 (Crockford decoding), then
    verifies the check character, so a typo is reported here and never yields a wrong key.
    """
    compact = text.translate(_SEPARATORS).upper()
    if len(compact) != DATA_CHARS + 1:
        raise CredentialTypo("a credential has 25 characters", length=len(compact))
    bad = sorted({c for c in compact if c not in _DECODE})
    if bad:
        raise CredentialTypo("a credential holds only digits and letters other than U", characters=bad)
    digits = [_DECODE[c] for c in compact]
    value = 0
    for digit in digits[:DATA_CHARS]:
        value = value * 32 + digit
    if value % CHECK_MODULUS != digits[DATA_CHARS]:
        raise CredentialTypo("the check character does not match: a character is mistyped")
    return "".join(ALPHABET[d] for d in digits)


def derive_seed(credential: str, campaign: str) -> bytes:
    """The 32-byte Ed25519 seed: HKDF-SHA256(ikm=credential, salt, info=prefix ‖ campaign).

    WebCrypto: ``importKey('raw', utf8(normalised), 'HKDF')`` then ``deriveBits({name: 'HKDF',
    hash: 'SHA-256', salt: utf8('yide/credential/v1'), info: utf8('yide/ed25519-seed/v1') ‖ 0x00 ‖
    utf8(campaign)}, key, 256)``.
    """
    if not is_campaign_uid(campaign):
        raise InvalidInput("malformed campaign uid", campaign=campaign)
    ikm = normalise_credential(credential).encode("ascii")
    info = HKDF_INFO_PREFIX + campaign.encode("utf-8")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=info).derive(ikm)


def derive_signer(credential: str, campaign: str) -> Ed25519Signer:
    """The voter's signing key for one campaign (what the browser holds while voting)."""
    return Ed25519Signer.from_seed(derive_seed(credential, campaign))


def public_key_for(credential: str, campaign: str) -> bytes:
    """The raw 32-byte public key that goes on the public credential list."""
    return derive_signer(credential, campaign).public_key


def key_id(public_key: bytes) -> str:
    """Short stable id of a credential key for logs and lookups: first 8 bytes of SHA-256, hex."""
    return sha256(public_key)[:8].hex()


def fingerprint(public_key: bytes) -> str:
    """Human-comparable fingerprint (80 bits, Crockford base32, 4×4), printed on the voter sheet."""
    value = int.from_bytes(sha256(public_key)[:10], "big")
    chars = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(16)))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


class VoterEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One census line as the credential authority receives it: who, and how much their vote weighs."""

    voter_ref: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    weight: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1


class CredentialSheetRow(msgspec.Struct, frozen=True):
    """One private sheet (CSV/PDF) row: handed to the voter, never to the server."""

    voter_ref: str
    weight: int
    credential: str
    key_id: str
    fingerprint: str


class PublicCredential(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One entry of the public list L: a key and its weight, no identity."""

    public_key: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{43}$")]
    weight: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1


class Census(msgspec.Struct, frozen=True):
    campaign: str
    private_rows: tuple[CredentialSheetRow, ...]
    public: tuple[PublicCredential, ...]


def issue_credential(campaign: str, random_bytes: RandomBytes = secrets.token_bytes) -> tuple[str, bytes]:
    """One credential and its public key, e.g. to reissue a lost one after revoking the old key."""
    credential = generate_credential(random_bytes)
    return credential, public_key_for(credential, campaign)


def generate_census(
    campaign: str,
    voters: Sequence[VoterEntry],
    *,
    max_weight: int = 1,
    random_bytes: RandomBytes = secrets.token_bytes,
) -> Census:
    """Credentials for every voter: private rows in census order, the public list sorted by key."""
    refs = [v.voter_ref for v in voters]
    if len(set(refs)) != len(refs):
        raise InvalidInput("duplicate voter_ref in the census")
    _check_weights([v.weight for v in voters], max_weight)
    rows, public = [], []
    for voter in voters:
        credential, pub = issue_credential(campaign, random_bytes)
        rows.append(
            CredentialSheetRow(voter.voter_ref, voter.weight, credential, key_id(pub), fingerprint(pub))
        )
        public.append(PublicCredential(b64u_encode(pub), voter.weight))
    public_list = sort_public_list(public)
    check_public_list(public_list, max_weight=max_weight)
    return Census(campaign, tuple(rows), public_list)


def sort_public_list(entries: Sequence[PublicCredential]) -> tuple[PublicCredential, ...]:
    """Sorted by public key so the list reveals nothing about census order (Belenios sorts L too)."""
    return tuple(sorted(entries, key=lambda e: e.public_key))


def check_public_list(entries: Sequence[PublicCredential], *, max_weight: int) -> None:
    """What the server checks before accepting L: distinct keys, sorted, weights within the rules."""
    keys = [e.public_key for e in entries]
    if len(set(keys)) != len(keys):
        raise InvalidInput("duplicate public credential")
    if keys != sorted(keys):
        raise InvalidInput("public credential list is not sorted by key")
    _check_weights([e.weight for e in entries], max_weight)


def public_list_bytes(campaign: str, entries: Sequence[PublicCredential]) -> bytes:
    """Canonical bytes of the list as it enters the ledger."""
    return canonical_json(
        {
            "domain": CREDENTIAL_LIST_DOMAIN,
            "campaign": campaign,
            "credentials": list(sort_public_list(entries)),
        }
    )


def public_list_hash(campaign: str, entries: Sequence[PublicCredential]) -> bytes:
    return sha256(public_list_bytes(campaign, entries))


def _check_weights(weights: Sequence[int], max_weight: int) -> None:
    over = [w for w in weights if not 1 <= w <= max_weight]
    if over:
        raise InvalidInput(f"voter weights must be 1..{max_weight}", bad_weights=sorted(set(over)))
