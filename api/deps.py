"""Request-scoped values controllers receive: the runtime, the acting principal, the client."""

from __future__ import annotations

import ipaddress
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import Token

from api.auth import COOKIE, retrieve_principal
from workflow.accounts.roles import Principal
from workflow.errors import Unauthenticated
from workflow.runtime import Runtime


def runtime_of(state: State) -> Runtime:
    rt: Runtime = state.runtime
    return rt


async def provide_runtime(state: State) -> Runtime:
    return runtime_of(state)


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    user = request.scope.get("user")
    if not isinstance(user, Principal):
        raise Unauthenticated("sign in first")
    return user


async def provide_viewer(request: Request[Any, Any, Any]) -> Principal | None:
    """Who calls a public endpoint, if they sent a valid session; ``None`` for anonymous callers.

    Public endpoints skip the authentication middleware (anyone may call them), but some answer
    differently for some roles: ledger reads show internal scopes to auditors only. A missing,
    expired or revoked token simply means anonymous here, never an error.
    """
    user = request.scope.get("user")
    if isinstance(user, Principal):
        return user
    encoded = (
        request.headers.get("authorization", "").partition(" ")[-1]
        or request.cookies.get(COOKIE, "").split(" ")[-1]
    )
    if not encoded:
        return None
    auth = request.app.state.jwt_auth
    try:
        token = Token.decode(encoded_token=encoded, secret=auth.token_secret, algorithm=auth.algorithm)
    except NotAuthorizedException:
        return None
    return await retrieve_principal(token, request)


def client_address(request: Request[Any, Any, Any], trusted_proxies: tuple[str, ...]) -> str:
    """The caller's IP: the socket peer, or the first untrusted hop of X-Forwarded-For behind our proxies."""
    peer = request.client.host if request.client else "unknown"
    if peer not in trusted_proxies:
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if hop not in trusted_proxies:
            return hop
    return peer


async def provide_client(request: Request[Any, Any, Any], state: State) -> str:
    return client_address(request, runtime_of(state).settings.server.trusted_proxies)
