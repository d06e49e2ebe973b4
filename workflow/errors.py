"""Typed domain errors.

The domain never returns ``None`` or logs a warning to say something failed: it raises one of these.
Each class carries a stable ``code`` (the RFC 9457 problem ``type`` suffix the API publishes) and a
``kind`` that the API maps to an HTTP status in exactly one place.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class ErrorKind(StrEnum):
    """What sort of failure this is, independent of transport."""

    INVALID = "invalid"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    RATE_LIMITED = "rate-limited"
    GONE = "gone"
    UNAVAILABLE = "unavailable"


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    kind: ClassVar[ErrorKind] = ErrorKind.INVALID
    code: ClassVar[str] = "invalid-request"
    title: ClassVar[str] = "The request cannot be carried out"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra: dict[str, Any] = extra


class InvalidInput(DomainError):
    kind = ErrorKind.INVALID
    code = "invalid-input"
    title = "Invalid input"


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND
    code = "not-found"
    title = "Not found"


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT
    code = "conflict"
    title = "Conflict with the current state"


class StaleVersion(Conflict):
    code = "stale-version"
    title = "The record changed since you read it"


class IllegalTransition(Conflict):
    """An action the state machine does not allow from the current state."""

    code = "illegal-transition"
    title = "Action not allowed in the current state"

    def __init__(self, detail: str, *, state: str, allowed: list[str], **extra: Any) -> None:
        super().__init__(detail, state=state, allowed=sorted(allowed), **extra)


class GuardRejected(Conflict):
    """The machine allows the action in this state, but a precondition does not hold."""

    code = "precondition-failed"
    title = "A precondition for this action does not hold"


class PermissionDenied(DomainError):
    kind = ErrorKind.FORBIDDEN
    code = "out-of-scope"
    title = "Outside your scope"


class Unauthenticated(DomainError):
    kind = ErrorKind.UNAUTHENTICATED
    code = "unauthenticated"
    title = "Authentication required"


class RateLimited(DomainError):
    kind = ErrorKind.RATE_LIMITED
    code = "rate-limited"
    title = "Too many requests"


class Unavailable(DomainError):
    kind = ErrorKind.UNAVAILABLE
    code = "unavailable"
    title = "Temporarily unavailable"
