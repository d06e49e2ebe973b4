from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.access import PUBLIC, SIGNED_IN
from api.auth import COOKIE
from api.schemas.accounts import LoginIn, MeOut, PasswordChangeIn
from workflow.accounts import service as accounts
from workflow.accounts.roles import Principal
from workflow.runtime import Runtime


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", guards=[PUBLIC], operation_id="Login", status_code=200)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginIn],
        rt: NamedDependency[Runtime],
        client: NamedDependency[str],
    ) -> Response[MeOut]:
        """Sign in; the session cookie is HttpOnly and SameSite=Strict."""
        session = await accounts.login(rt, username=data.username, password=data.password, client=client)
        response: Response[MeOut] = request.app.state.jwt_auth.login(
            identifier=str(session.token_id),
            token_expiration=session.expires_at - rt.clock.now(),
            response_body=MeOut.of(session.principal),
            response_status_code=200,
        )
        return response

    @post("/logout", guards=[SIGNED_IN], operation_id="Logout", status_code=204)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[None]:
        """End this session on the server and clear the cookie."""
        await accounts.logout(uuid.UUID(request.auth.sub))
        response: Response[None] = Response(None, status_code=204)
        response.delete_cookie(COOKIE)
        return response

    @get("/me", guards=[SIGNED_IN], operation_id="Me")
    async def me(self, principal: NamedDependency[Principal]) -> MeOut:
        return MeOut.of(principal)

    @post("/password", guards=[SIGNED_IN], operation_id="ChangePassword", status_code=204)
    async def change_password(
        self,
        data: JSONBody[PasswordChangeIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Response[None]:
        """Change the password; every session of the account ends, this one included."""
        await accounts.change_password(
            rt, principal, old_password=data.old_password, new_password=data.new_password
        )
        response: Response[None] = Response(None, status_code=204)
        response.delete_cookie(COOKIE)
        return response
