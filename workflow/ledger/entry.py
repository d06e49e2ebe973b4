"""Ledger entries and their canonical bytes.

An entry is an RFC 8785 (JCS) canonical JSON object. JCS gives one byte string per value in any
language, so an independent verifier re-encodes what it parsed and must get the very bytes that were
hashed. Numbers in payloads are integers only: JCS fixes how floats print, but keeping scores and
weights as integers or decimal strings removes a class of cross-language disagreements.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
import rfc8785

from workflow.errors import InvalidInput

ENTRY_DOMAIN = "yide/ledger/entry/v1"
_HIGH_LEAD_BYTE = re.compile(rb"[\xee-\xff]")
_KEYS = frozenset({"domain", "scope", "index", "type", "actor", "time", "payload"})


def format_time(at: datetime) -> str:
    """UTC with milliseconds and a ``Z``: one spelling for every instant."""
    if at.tzinfo is None:
        raise ValueError("ledger times must be timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


_MAX_SAFE_INTEGER = 2**53 - 1


def check_payload(value: Any, path: str = "payload") -> None:
    """Refuse values that would not round-trip exactly through JSON in every language."""
    problem = _payload_problem(value)
    if problem is not None:
        where, what = problem
        raise InvalidInput(f"{path}{where} {what}")


def _payload_problem(value: Any) -> tuple[str, str] | None:
    """Where (a path suffix) and what is wrong, or ``None``; paths are built only on the way out of
    an error, because the verifier walks every entry's payload."""
    if value is None or isinstance(value, str | bool):
        return None
    if isinstance(value, int):
        return (
            None
            if -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER
            else ("", "holds an integer beyond ±2^53-1")
        )
    if isinstance(value, Mapping):
        return _mapping_problem(value)
    if isinstance(value, list | tuple):
        return _sequence_problem(value)
    if isinstance(value, float):
        return ("", "holds a float; use an integer or a decimal string")
    return ("", f"holds a {type(value).__name__}, which is not JSON")


def _sequence_problem(value: list[Any] | tuple[Any, ...]) -> tuple[str, str] | None:
    for i, item in enumerate(value):
        if (problem := _payload_problem(item)) is not None:
            return (f"[{i}]{problem[0]}", problem[1])
    return None


def _mapping_problem(value: Mapping[Any, Any]) -> tuple[str, str] | None:
    for key, item in value.items():
        if not isinstance(key, str):
            return ("", "has a non-string key")
        if type(item) is not str and (problem := _payload_problem(item)) is not None:
            return (f".{key}{problem[0]}", problem[1])
    return None


@dataclass(frozen=True)
class Entry:
    scope: str
    index: int
    type: str
    actor: str
    time: str
    payload: Mapping[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "domain": ENTRY_DOMAIN,
            "scope": self.scope,
            "index": self.index,
            "type": self.type,
            "actor": self.actor,
            "time": self.time,
            "payload": self.payload,
        }

    def encode(self) -> bytes:
        """The RFC 8785 bytes, by the same fast route as :meth:`decode` checks them."""
        check_payload(self.payload)
        data = self.as_json()
        try:
            fast = msgspec.json.encode(data, order="sorted")
        except (TypeError, msgspec.EncodeError):
            return rfc8785.dumps(data)
        if _HIGH_LEAD_BYTE.search(fast) is not None and _order_sensitive(self.payload):
            return rfc8785.dumps(data)
        return fast

    @classmethod
    def decode(cls, body: bytes) -> Entry:
        """Parse canonical bytes; refuse anything that is not exactly what ``encode`` produces.

        The verifier calls this once per entry, so it checks canonical form the fast way first:
        msgspec's sorted, compact output escapes strings exactly as RFC 8785 does (checked for every
        code point) and sorts keys by code point, which equals RFC 8785's UTF-16 order unless a key
        holds a character at or above U+E000; then, and whenever the fast form differs, the RFC 8785
        encoder decides.
        """
        try:
            data = msgspec.json.decode(body)
        except msgspec.DecodeError as exc:
            raise InvalidInput(f"entry is not JSON: {exc}") from None
        if not isinstance(data, dict) or set(data) != _KEYS or data["domain"] != ENTRY_DOMAIN:
            raise InvalidInput("entry does not have the yide/ledger/entry/v1 fields")
        entry = cls(
            scope=data["scope"],
            index=data["index"],
            type=data["type"],
            actor=data["actor"],
            time=data["time"],
            payload=data["payload"],
        )
        if not all(isinstance(getattr(entry, f), str) for f in ("scope", "type", "actor", "time")) or not (
            isinstance(entry.index, int)
            and not isinstance(entry.index, bool)
            and isinstance(entry.payload, dict)
        ):
            raise InvalidInput("entry fields have the wrong types")
        check_payload(entry.payload)
        fast = msgspec.json.encode(data, order="sorted")
        # Characters at or above U+E000 need a UTF-8 lead byte of 0xEE or more (CJK stays below).
        sensitive = _HIGH_LEAD_BYTE.search(body) is not None and _order_sensitive(entry.payload)
        if (fast != body or sensitive) and rfc8785.dumps(data) != body:
            raise InvalidInput("entry bytes are not in canonical form")
        return entry


def _order_sensitive(value: Any) -> bool:
    """Whether some object key sorts differently by code point than by UTF-16 code unit."""
    if isinstance(value, dict):
        return any(key and max(key) >= "\ue000" for key in value) or any(
            _order_sensitive(v) for v in value.values()
        )
    if isinstance(value, list):
        return any(_order_sensitive(v) for v in value)
    return False


def pseudonym(salt: bytes, kind: str, value: str) -> str:
    """A keyed hash standing for personal data in an internal log (HMAC-SHA256, hex).

    Without the scope's salt nobody can test guesses against it; with it, an auditor holding the
    database can confirm which person an entry concerns.
    """
    return hmac.new(salt, f"{kind}:{value}".encode(), "sha256").hexdigest()
