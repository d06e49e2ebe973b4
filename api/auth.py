"""Authentication through Litestar's JWT cookie backend, with server-side sessions behind it.

The token's subject is the id of an ``auth_session`` row. Each request resolves it to the account
and its grants, so logging out, changing a password or disabling an account ends the session at
once, which a bare JWT could not do.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar.connection import ASGIConnection
from litestar.security.jwt import JWTCookieAuth, Token

from workflow.accounts.roles import Principal
from workflow.accounts.service import principal_for_session
from workflow.runtime import Runtime

COOKIE = "yide_session"


async def retrieve_principal(
    token: Token, connection: ASGIConnection[Any, Any, Any, Any]
) -> Principal | None:
    try:
        token_id = uuid.UUID(token.sub)
    except ValueError:
        return None
    rt: Runtime = connection.app.state.runtime
    return await principal_for_session(rt, token_id)


def jwt_auth(rt: Runtime) -> JWTCookieAuth[Principal, Token]:
    return JWTCookieAuth[Principal, Token](
        token_secret=rt.keys.session_secret(),
        retrieve_user_handler=retrieve_principal,
        key=COOKIE,
        samesite="strict",
        secure=rt.settings.security.secure_cookies,
        exclude_opt_key="exclude_from_auth",
        exclude=["^/schema"],
        openapi_security_scheme_name="session",
    )
