"""C2SP signed notes, tlog checkpoints and Ed25519 cosignatures, byte for byte.

A published checkpoint is the one artefact an outside witness (e.g. the 纪检 auditor) and any
transparency tool must read without yide's code, so it follows the C2SP texts exactly:

* c2sp.org/signed-note: UTF-8 text ending in a newline, a blank line, then signature lines
  ``— <name> base64(key id ‖ signature)``; key id ``SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]``;
  verifier keys ``<name>+<hex key id>+base64(type ‖ public key)``. Type 0x01 is Ed25519.
* c2sp.org/tlog-checkpoint: the note text is ``origin``, ``size`` and ``base64(root)`` lines, then
  optional non-empty extension lines.
* c2sp.org/tlog-cosignature, type 0x04: an Ed25519 signature over ``cosignature/v1``, ``time <t>``
  and the checkpoint text, carried as ``uint64 big-endian t ‖ 64-byte signature``.

Parsing is strict and total: malformed input raises :class:`MalformedNote` (a typed
:class:`~workflow.errors.InvalidInput`), never an accidental ``ValueError`` or ``IndexError``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from workflow.errors import InvalidInput
from workflow.ledger.merkle import HASH_SIZE, MAX_TREE_SIZE, is_uint64
from workflow.signing import ED25519, Signer, sha256

MAX_SIGNATURES = 100
"""Signature lines accepted per note; the spec demands at least 16 and Go's sumdb stops at 100."""

KEY_ID_SIZE = 4
MAX_TIMESTAMP = 2**63 - 1
"""tlog-cosignature: the timestamp MUST NOT exceed 2^63 - 1."""

COSIGNATURE_HEADER = b"cosignature/v1\n"

_ED25519_KEY_SIZE = 32
_ED25519_SIGNATURE_SIZE = 64
_TIMESTAMP_SIZE = 8
_SIGNATURE_PREFIX = "— "  # em dash U+2014, space
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_HEX_KEY_ID = re.compile(r"[0-9a-f]{8}")


class SignatureType(IntEnum):
    """Signature type bytes from c2sp.org/signed-note that yide produces and verifies."""

    ED25519 = 0x01
    COSIGNATURE_V1 = 0x04


_SUPPORTED_TYPES = frozenset(int(t) for t in SignatureType)


class MalformedNote(InvalidInput):
    """The text breaks the signed-note grammar (or a checkpoint's), whatever its signatures."""

    code = "malformed-note"
    title = "Malformed signed note"


class MalformedCheckpoint(MalformedNote):
    code = "malformed-checkpoint"
    title = "Malformed checkpoint"


class InvalidVerifierKey(InvalidInput):
    code = "invalid-verifier-key"
    title = "Invalid verifier key"


class InvalidNoteSignature(InvalidInput):
    """A key the caller trusts signed the note, but the signature is wrong: reject the whole note."""

    code = "invalid-note-signature"
    title = "A trusted key's signature does not verify"


class UnverifiedNote(InvalidInput):
    """No trusted key signed the note, so its text must be ignored."""

    code = "unverified-note"
    title = "No trusted signature on the note"


class UnexpectedOrigin(InvalidInput):
    """A validly signed checkpoint of another log: never accept one scope's head for another."""

    code = "unexpected-checkpoint-origin"
    title = "The checkpoint belongs to another log"


# --- small checks ---------------------------------------------------------------------------------


def _has_control(text: str) -> bool:
    """Signed notes forbid ASCII controls below U+0020 except the newline."""
    return any(ch < " " and ch != "\n" for ch in text)


def _is_utf8(text: str) -> bool:
    """False for strings holding lone surrogates, which no UTF-8 note can contain."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def valid_key_name(name: str) -> bool:
    """Key names are non-empty, valid UTF-8, without Unicode spaces, ``+`` or control characters."""
    return (
        isinstance(name, str)
        and name != ""
        and _is_utf8(name)
        and not _has_control(name)
        and "+" not in name
        and not any(ch.isspace() for ch in name)
    )


def _b64decode(text: str) -> bytes:
    """Standard base64 with padding, and only its one canonical spelling.

    Rejecting non-canonical encodings (stray trailing bits) keeps every signature and root to one
    textual form, so equal notes are equal strings.
    """
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not standard base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("not canonical base64")
    return raw


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _as_text(text: str | bytes, error: type[MalformedNote]) -> str:
    """Decode and check the character rules shared by notes and checkpoints."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise error("not valid UTF-8") from None
    if not isinstance(text, str) or not _is_utf8(text):
        raise error("not valid UTF-8")
    if _has_control(text):
        raise error("contains a control character other than newline")
    return text


def key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    """``SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]``: short, and bound to name and algorithm."""
    return sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public_key)[:KEY_ID_SIZE]


def cosignature_message(body: bytes, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: header line, ``time <t>`` line, then the checkpoint text."""
    return COSIGNATURE_HEADER + b"time %d\n" % timestamp + body


def _check_timestamp(timestamp: int) -> None:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise InvalidInput("cosignature time must be a POSIX timestamp in [0, 2^63 - 1]")


def _check_ed25519(signer: Signer) -> None:
    if signer.algorithm != "ed25519":
        raise InvalidInput("signed notes need an Ed25519 signer", algorithm=signer.algorithm)


# --- keys -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifierKey:
    """A public key as C2SP names it: key name, signature type and raw key."""

    name: str
    sig_type: SignatureType
    public_key: bytes

    def __post_init__(self) -> None:
        if not valid_key_name(self.name):
            raise InvalidVerifierKey("key names must be non-empty with no spaces or '+'", name=self.name)
        if self.sig_type not in _SUPPORTED_TYPES:
            raise InvalidVerifierKey("unsupported signature type", sig_type=self.sig_type)
        object.__setattr__(self, "sig_type", SignatureType(self.sig_type))
        if not isinstance(self.public_key, bytes) or len(self.public_key) != _ED25519_KEY_SIZE:
            raise InvalidVerifierKey("Ed25519 public keys are 32 bytes")

    @classmethod
    def ed25519(cls, name: str, public_key: bytes) -> VerifierKey:
        """A note-signing key (type 0x01), e.g. the log's own checkpoint key."""
        return cls(name, SignatureType.ED25519, public_key)

    @classmethod
    def cosigner(cls, name: str, public_key: bytes) -> VerifierKey:
        """A witness key (type 0x04, cosignature/v1)."""
        return cls(name, SignatureType.COSIGNATURE_V1, public_key)

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.sig_type, self.public_key)

    @classmethod
    def parse(cls, vkey: str) -> VerifierKey:
        """Read ``<name>+<8 lowercase hex>+base64(type ‖ key)``; the key id must recompute."""
        if not isinstance(vkey, str):
            raise InvalidVerifierKey("a verifier key is a string")
        parts = vkey.split("+", 2)
        if len(parts) != 3 or not _HEX_KEY_ID.fullmatch(parts[1]):
            raise InvalidVerifierKey("expected <name>+<hex key id>+<base64 key>")
        name, hex_id, encoded = parts
        try:
            raw = _b64decode(encoded)
        except ValueError:
            raise InvalidVerifierKey("key material is not canonical base64") from None
        if not raw or raw[0] not in _SUPPORTED_TYPES:
            raise InvalidVerifierKey("empty key or unsupported signature type")
        key = cls(name, SignatureType(raw[0]), raw[1:])
        if key.key_id.hex() != hex_id:
            raise InvalidVerifierKey("key id does not match name and key", name=name)
        return key

    def encode(self) -> str:
        """The vkey string to publish next to the log (and in the 公示 notice)."""
        return f"{self.name}+{self.key_id.hex()}+{_b64encode(bytes([self.sig_type]) + self.public_key)}"

    def verify(self, body: bytes, signature: bytes) -> bool:
        """Check a signature (the bytes after the key id) over note text ``body``."""
        if self.sig_type is SignatureType.ED25519:
            return ED25519.verify(self.public_key, signature, body)
        if len(signature) != _TIMESTAMP_SIZE + _ED25519_SIGNATURE_SIZE:
            return False
        timestamp = int.from_bytes(signature[:_TIMESTAMP_SIZE], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        message = cosignature_message(body, timestamp)
        return ED25519.verify(self.public_key, signature[_TIMESTAMP_SIZE:], message)


# --- notes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: who (name and key id) and the signature bytes after the key id."""

    name: str
    key_id: bytes
    signature: bytes

    def __post_init__(self) -> None:
        if not valid_key_name(self.name):
            raise MalformedNote("key names must be non-empty with no spaces or '+'", name=self.name)
        if not isinstance(self.key_id, bytes) or len(self.key_id) != KEY_ID_SIZE:
            raise MalformedNote("a key id is 4 bytes", name=self.name)
        if not isinstance(self.signature, bytes) or not self.signature:
            raise MalformedNote("a signature cannot be empty", name=self.name)

    def line(self) -> str:
        """The signature line, newline included."""
        return f"{_SIGNATURE_PREFIX}{self.name} {_b64encode(self.key_id + self.signature)}\n"

    @property
    def key_ref(self) -> str:
        """``name+hexid``, how reports and errors name a key."""
        return f"{self.name}+{self.key_id.hex()}"


@dataclass(frozen=True)
class ParsedNote:
    """A note that is well formed; nothing about its signatures is known yet."""

    body: bytes
    signatures: tuple[NoteSignature, ...]


@dataclass(frozen=True)
class OpenedNote:
    """A note with at least one trusted, valid signature."""

    body: bytes
    verified: tuple[NoteSignature, ...]
    unknown: tuple[NoteSignature, ...]
    """Signatures by keys the caller did not trust: ignored, but reported."""

    @property
    def verified_names(self) -> list[str]:
        return [sig.name for sig in self.verified]


def _check_body(body: str) -> None:
    if not body.endswith("\n"):
        raise MalformedNote("note text must end with a newline")


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(_SIGNATURE_PREFIX):
        raise MalformedNote("signature lines start with an em dash and a space")
    name, space, encoded = line[len(_SIGNATURE_PREFIX) :].partition(" ")
    if not space or not encoded:
        raise MalformedNote("signature line must be '— <name> <base64>'")
    try:
        raw = _b64decode(encoded)
    except ValueError:
        raise MalformedNote("signature is not canonical base64", name=name) from None
    if len(raw) <= KEY_ID_SIZE:
        raise MalformedNote("signature is too short", name=name)
    return NoteSignature(name, raw[:KEY_ID_SIZE], raw[KEY_ID_SIZE:])


def parse_signature_line(line: str) -> NoteSignature:
    """Read one signature line as a witness submits it (``— <name> <base64>``, newline optional)."""
    text = _as_text(line, MalformedNote)
    if text.endswith("\n"):
        text = text[:-1]
    if "\n" in text:
        raise MalformedNote("a signature line is a single line")
    return _parse_signature_line(text)


def parse_note(text: str | bytes) -> ParsedNote:
    """Split a signed note into text and signature lines, enforcing c2sp.org/signed-note syntax.

    The text ends at the *last* blank line, so texts may themselves contain blank lines.
    """
    note = _as_text(text, MalformedNote)
    split = note.rfind("\n\n")
    if split < 0:
        raise MalformedNote("no blank line before the signatures")
    body, block = note[: split + 1], note[split + 2 :]
    if not block.endswith("\n"):
        raise MalformedNote("a note must end with a newline-terminated signature line")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNote("too many signatures", limit=MAX_SIGNATURES)
    signatures = tuple(_parse_signature_line(line) for line in lines)
    return ParsedNote(body.encode("utf-8"), signatures)


def _check_trusted(verifiers: Mapping[str, VerifierKey]) -> None:
    for name, key in verifiers.items():
        if not isinstance(key, VerifierKey) or key.name != name:
            raise InvalidInput("verifier map must be key name -> VerifierKey of that name", name=name)


def open_note_report(text: str | bytes, verifiers: Mapping[str, VerifierKey]) -> OpenedNote:
    """Parse and verify a note against trusted keys (key name → key), keeping unknown signers.

    Per the spec: a signature whose (name, key id) matches no trusted key is ignored; a trusted key's
    failing signature rejects the note; a note with no trusted valid signature is rejected. A trusted
    key's repeated lines are checked once, as Go's sumdb does.
    """
    _check_trusted(verifiers)
    parsed = parse_note(text)
    verified: list[NoteSignature] = []
    unknown: list[NoteSignature] = []
    for sig in parsed.signatures:
        key = verifiers.get(sig.name)
        if key is None or key.key_id != sig.key_id:
            if sig not in unknown:
                unknown.append(sig)
            continue
        if any(seen.name == sig.name for seen in verified):
            continue
        if not key.verify(parsed.body, sig.signature):
            raise InvalidNoteSignature("signature does not verify", key=sig.key_ref)
        verified.append(sig)
    if not verified:
        raise UnverifiedNote("no trusted key signed this note", unknown=[s.key_ref for s in unknown])
    return OpenedNote(parsed.body, tuple(verified), tuple(unknown))


def open_note(text: str | bytes, verifiers: Mapping[str, VerifierKey]) -> tuple[bytes, list[str]]:
    """Verified note text and the names of the trusted keys that signed it.

    Use :func:`open_note_report` to also see the signatures of keys you did not trust.
    """
    opened = open_note_report(text, verifiers)
    return opened.body, opened.verified_names


def sign_note(body: bytes, signer: Signer, name: str) -> str:
    """A note carrying ``body`` and one Ed25519 (type 0x01) signature by ``signer`` as ``name``."""
    _check_ed25519(signer)
    key = VerifierKey.ed25519(name, signer.public_key)
    text = _as_text(body, MalformedNote)
    _check_body(text)
    signature = NoteSignature(name, key.key_id, signer.sign(body))
    return text + "\n" + signature.line()


def add_signatures(text: str | bytes, signatures: Sequence[NoteSignature]) -> str:
    """Append signature lines (e.g. witness cosignatures) to a note, replacing the same key's old line."""
    parsed = parse_note(text)
    replaced = {(sig.name, sig.key_id) for sig in signatures}
    kept = [sig for sig in parsed.signatures if (sig.name, sig.key_id) not in replaced]
    merged = [*kept, *signatures]
    if len(merged) > MAX_SIGNATURES:
        raise MalformedNote("too many signatures", limit=MAX_SIGNATURES)
    return parsed.body.decode("utf-8") + "\n" + "".join(sig.line() for sig in merged)


# --- checkpoints ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A tree head as c2sp.org/tlog-checkpoint writes it: origin, size, root, extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "extensions", tuple(self.extensions))
        for line in (self.origin, *self.extensions):
            if not isinstance(line, str) or line == "" or "\n" in line or _has_control(line):
                raise MalformedCheckpoint("origin and extension lines must be non-empty single lines")
            if not _is_utf8(line):
                raise MalformedCheckpoint("checkpoint lines must be valid UTF-8")
        if not is_uint64(self.size):
            raise MalformedCheckpoint("size must be an integer in the uint64 range")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            raise MalformedCheckpoint("root hash must be 32 bytes")

    def body(self) -> bytes:
        """The note text that the log signs and witnesses cosign."""
        lines = [self.origin, str(self.size), _b64encode(self.root_hash), *self.extensions]
        return ("\n".join(lines) + "\n").encode("utf-8")

    @classmethod
    def parse(cls, text: str | bytes) -> Checkpoint:
        """Read checkpoint note text (without signatures); every line must be non-empty."""
        body = _as_text(text, MalformedCheckpoint)
        if not body.endswith("\n"):
            raise MalformedCheckpoint("checkpoint text must end with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3 or any(line == "" for line in lines):
            raise MalformedCheckpoint("need origin, size and root lines, none of them empty")
        origin, size, root, *extensions = lines
        if not _DECIMAL.fullmatch(size) or len(size) > len(str(MAX_TREE_SIZE)):
            raise MalformedCheckpoint("size must be decimal without sign or leading zeros")
        try:
            root_hash = _b64decode(root)
        except ValueError:
            raise MalformedCheckpoint("root hash is not canonical base64") from None
        return cls(origin, int(size), root_hash, tuple(extensions))


# --- cosignatures and checkpoint verification -----------------------------------------------------


def cosign(checkpoint: Checkpoint, signer: Signer, name: str, timestamp: int) -> NoteSignature:
    """A witness's cosignature/v1 line: "as of ``timestamp`` this is the largest consistent tree I saw".

    The witness must have checked consistency with its previous view before calling this.
    """
    _check_ed25519(signer)
    _check_timestamp(timestamp)
    key = VerifierKey.cosigner(name, signer.public_key)
    signature = signer.sign(cosignature_message(checkpoint.body(), timestamp))
    return NoteSignature(name, key.key_id, timestamp.to_bytes(_TIMESTAMP_SIZE, "big") + signature)


def cosignature_timestamp(signature: NoteSignature) -> int:
    """The POSIX time a cosignature/v1 claims (unverified until checked with its key)."""
    if len(signature.signature) != _TIMESTAMP_SIZE + _ED25519_SIGNATURE_SIZE:
        raise MalformedNote("not an Ed25519 cosignature/v1", key=signature.key_ref)
    timestamp = int.from_bytes(signature.signature[:_TIMESTAMP_SIZE], "big")
    if timestamp > MAX_TIMESTAMP:
        raise MalformedNote("cosignature time exceeds 2^63 - 1", key=signature.key_ref)
    return timestamp


def verify_cosignature(checkpoint: Checkpoint, signature: NoteSignature, key: VerifierKey) -> bool:
    """True only if ``key`` (a type 0x04 witness key) made this cosignature over this checkpoint."""
    return (
        key.sig_type is SignatureType.COSIGNATURE_V1
        and signature.name == key.name
        and signature.key_id == key.key_id
        and key.verify(checkpoint.body(), signature.signature)
    )


@dataclass(frozen=True)
class VerifiedCheckpoint:
    """A checkpoint signed by its log, with the trusted witnesses that cosigned it and when."""

    checkpoint: Checkpoint
    cosigned_at: Mapping[str, int] = field(default_factory=dict)
    unknown: tuple[NoteSignature, ...] = ()

    def cosigned_by(self, names: Iterable[str], threshold: int) -> bool:
        """Whether at least ``threshold`` of the named witnesses cosigned: the caller's policy."""
        return sum(1 for name in set(names) if name in self.cosigned_at) >= threshold


def open_checkpoint(
    text: str | bytes,
    *,
    origin: str,
    log_key: VerifierKey,
    witnesses: Iterable[VerifierKey] = (),
) -> VerifiedCheckpoint:
    """Verify a signed checkpoint of the log ``origin``: the log's signature is required, witness
    cosignatures are reported. The origin check stops one scope's checkpoint standing in for another's.
    """
    if log_key.sig_type is not SignatureType.ED25519:
        raise InvalidInput("the log key must be an Ed25519 note key (type 0x01)")
    trusted: dict[str, VerifierKey] = {log_key.name: log_key}
    for witness in witnesses:
        if witness.sig_type is not SignatureType.COSIGNATURE_V1 or witness.name in trusted:
            raise InvalidInput("witness keys are distinct cosignature/v1 keys", name=witness.name)
        trusted[witness.name] = witness
    opened = open_note_report(text, trusted)
    if log_key.name not in opened.verified_names:
        raise UnverifiedNote("the log did not sign this checkpoint", key=log_key.name)
    checkpoint = Checkpoint.parse(opened.body)
    if checkpoint.origin != origin:
        raise UnexpectedOrigin("checkpoint is for another log", origin=checkpoint.origin, expected=origin)
    cosigned = {sig.name: cosignature_timestamp(sig) for sig in opened.verified if sig.name != log_key.name}
    return VerifiedCheckpoint(checkpoint, cosigned, opened.unknown)
