"""Ledger entries and their canonical bytes.

An entry is an RFC 8785 (JCS) canonical JSON object. JCS gives one byte string per value in any
language, so an independent verifier re-encodes what it parsed and must get the very bytes that were
hashed. Numbers in payloads are integers only: JCS fixes how floats print, but keeping scores and
weights as integers or decimal strings removes a class of cross-language disagreements.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec

from workflow import canonical
from workflow.errors import InvalidInput

ENTRY_DOMAIN = "yide/ledger/entry/v1"
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
        """The RFC 8785 bytes (payloads hold integers only, so the fast route applies)."""
        check_payload(self.payload)
        return canonical.dumps(self.as_json())

    @classmethod
    def decode(cls, body: bytes) -> Entry:
        """Parse canonical bytes; refuse anything that is not exactly what ``encode`` produces.

        The verifier calls this once per entry: re-encoding by :func:`canonical.dumps` takes the fast
        route for almost every entry, so checking canonical form costs little.
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
        if canonical.dumps(data) != body:
            raise InvalidInput("entry bytes are not in canonical form")
        return entry


def pseudonym(salt: bytes, kind: str, value: str) -> str:
    """A keyed hash standing for personal data in an internal log (HMAC-SHA256, hex).

    Without the scope's salt nobody can test guesses against it; with it, an auditor holding the
    database can confirm which person an entry concerns.
    """
    return hmac.new(salt, f"{kind}:{value}".encode(), "sha256").hexdigest()
