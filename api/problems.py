"""RFC 9457 problem details for every error, in one place.

Domain errors carry a stable ``code``; the problem ``type`` is ``urn:yide:problem:<code>`` and the
HTTP status comes from the error's kind. Framework errors (validation, unknown route, bad method,
missing login) get the same shape. Anything unexpected is logged with an incident id and answered
500 without internals.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from litestar.response import Response

from workflow.errors import DomainError, ErrorKind

log = logging.getLogger("yide.api")

PROBLEM_PREFIX = "urn:yide:problem:"

STATUS = {
    ErrorKind.INVALID: 400,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.GONE: 410,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.UNAVAILABLE: 503,
}

HTTP_CODES = {
    400: ("invalid-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("rate-limited", "Too many requests"),
}


CLIENT_GONE = "client disconnected prematurely"
"""Litestar's detail when the body stream ends early (litestar.connection.request)."""


def problem_type(code: str) -> str:
    return PROBLEM_PREFIX + code


def from_domain(exc: DomainError) -> ProblemDetailsException:
    headers = {}
    retry_after = exc.extra.get("retry_after")
    if exc.kind == ErrorKind.RATE_LIMITED and isinstance(retry_after, int):
        headers["Retry-After"] = str(retry_after)
    return ProblemDetailsException(
        status_code=STATUS[exc.kind],
        type_=problem_type(exc.code),
        title=exc.title,
        detail=exc.detail,
        extra=exc.extra or None,
        headers=headers or None,
    )


def from_http(exc: HTTPException) -> ProblemDetailsException:
    if isinstance(exc, ProblemDetailsException):
        return exc
    if isinstance(exc, ValidationException):
        errors = exc.extra if isinstance(exc.extra, list) else []
        return ProblemDetailsException(
            status_code=400,
            type_=problem_type("validation-failed"),
            title="The request does not match the expected schema",
            detail=_validation_summary(exc.detail, errors),
            extra={"errors": errors},
        )
    code, title = HTTP_CODES.get(exc.status_code, (f"http-{exc.status_code}", "HTTP error"))
    if isinstance(exc, NotAuthorizedException):
        code, title = "unauthenticated", "Authentication required"
    if exc.status_code >= 500 and exc.detail == CLIENT_GONE:
        # Litestar reports a client that hung up while sending its body as a 500; nothing is wrong
        # on our side and nobody reads the answer, so it is neither logged as an incident nor a 5xx.
        return ProblemDetailsException(status_code=400, type_=problem_type("client-disconnected"), title="")
    if exc.status_code >= 500:
        return _internal(exc)
    return ProblemDetailsException(
        status_code=exc.status_code,
        type_=problem_type(code),
        title=title,
        detail=exc.detail if exc.detail and exc.detail != title else "",
        headers=exc.headers,
    )


def _validation_summary(detail: str, errors: list[Any]) -> str:
    parts = [
        f"{e.get('key') or e.get('source')}: {e.get('message')}"
        for e in errors
        if isinstance(e, dict) and e.get("message")
    ]
    return "; ".join(parts) or detail


def _internal(exc: BaseException) -> ProblemDetailsException:
    incident = uuid.uuid4().hex[:12]
    log.error("internal error, incident %s", incident, exc_info=exc)
    return ProblemDetailsException(
        status_code=500,
        type_=problem_type("internal-error"),
        title="Internal error",
        detail=f"something went wrong on our side; incident {incident} is logged",
        extra={"incident": incident},
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, OverflowError):
        # A number too large for the database slipped past validation: the request is bad, not the server.
        log.warning("number out of range in %s %s", request.method, request.url.path)
        problem = ProblemDetailsException(
            status_code=400,
            type_=problem_type("invalid-request"),
            title="Bad request",
            detail="a number in the request is out of range",
        )
        return problem.to_response(request)
    return _internal(exc).to_response(request)


def plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={  # type: ignore[dict-item]
                DomainError: from_domain,
                HTTPException: from_http,
            }
        )
    )
