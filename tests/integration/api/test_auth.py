"""Login, logout, lockout, throttling and password change, through HTTP."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from api.app import create_app
from tests.support.factories import PASSWORD, login, make_account
from workflow.accounts.roles import Role
from workflow.runtime import Runtime

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_login_sets_a_session_that_identifies_the_account(
    rt: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(rt, "org1", Role.ORGANIZER)
    response = await client.post("/api/auth/login", json={"username": "org1", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["roles"] == ["organizer"]
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    me = await client.get("/api/auth/me")
    assert me.status_code == 200 and me.json()["username"] == "org1"


async def test_wrong_password_and_unknown_user_get_the_same_answer(
    rt: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(rt, "org1", Role.ORGANIZER)
    wrong = await client.post("/api/auth/login", json={"username": "org1", "password": "not-the-password"})
    unknown = await client.post(
        "/api/auth/login", json={"username": "nobody", "password": "not-the-password"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert wrong.json()["detail"] == unknown.json()["detail"] == "wrong username or password"


async def test_account_locks_after_repeated_failures_and_an_organizer_unlocks_it(
    rt: Runtime, client: httpx.AsyncClient, app
) -> None:
    await make_account(rt, "staff1", Role.AUDITOR)
    await make_account(rt, "boss", Role.ORGANIZER)
    for _ in range(rt.settings.security.login_max_failures):
        r = await client.post("/api/auth/login", json={"username": "staff1", "password": "wrong-password!"})
        assert r.status_code == 401
    locked = await client.post("/api/auth/login", json={"username": "staff1", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["type"] == "urn:yide:problem:account-locked"
    assert int(locked.headers["retry-after"]) > 0
    await login(client, "boss")
    accounts = (await client.get("/api/accounts")).json()["items"]
    target = next(a for a in accounts if a["username"] == "staff1")
    assert target["locked"] is True
    assert (await client.post(f"/api/accounts/{target['id']}/unlock")).status_code == 204
    assert (
        await client.post("/api/auth/login", json={"username": "staff1", "password": PASSWORD})
    ).status_code == 200


async def test_a_client_address_with_many_failures_is_throttled(rt: Runtime) -> None:
    tight = dataclasses.replace(
        rt.settings, security=dataclasses.replace(rt.settings.security, login_ip_limit=3)
    )
    app = create_app(Runtime(tight, rt.keys, rt.clock))
    await make_account(rt, "org1", Role.ORGANIZER)
    transport = httpx.ASGITransport(app=app, client=("192.0.2.7", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        for name in ("a", "b", "c"):
            assert (
                await c.post("/api/auth/login", json={"username": name, "password": "x"})
            ).status_code == 401
        blocked = await c.post("/api/auth/login", json={"username": "org1", "password": PASSWORD})
        assert blocked.status_code == 429
        assert blocked.json()["type"] == "urn:yide:problem:rate-limited"
    other = httpx.ASGITransport(app=app, client=("192.0.2.8", 1234))
    async with httpx.AsyncClient(transport=other, base_url="http://testserver") as c:
        assert (
            await c.post("/api/auth/login", json={"username": "org1", "password": PASSWORD})
        ).status_code == 200


async def test_logout_ends_the_session_on_the_server(rt: Runtime, client: httpx.AsyncClient) -> None:
    await make_account(rt, "org1", Role.ORGANIZER)
    response = await client.post("/api/auth/login", json={"username": "org1", "password": PASSWORD})
    token = response.cookies.get("yide_session")
    assert token
    assert (await client.post("/api/auth/logout")).status_code == 204
    # Replaying the old cookie no longer works: the session row is gone.
    client.cookies.set("yide_session", token)
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_password_change_ends_all_sessions_and_checks_strength(
    rt: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(rt, "org1", Role.ORGANIZER)
    await login(client, "org1")
    weak = await client.post("/api/auth/password", json={"old_password": PASSWORD, "new_password": "short"})
    assert weak.status_code == 400 and "at least" in weak.json()["detail"]
    wrong_old = await client.post(
        "/api/auth/password", json={"old_password": "nope-nope-nope", "new_password": "a-much-better-one"}
    )
    assert wrong_old.status_code == 401
    ok = await client.post(
        "/api/auth/password", json={"old_password": PASSWORD, "new_password": "a-much-better-one"}
    )
    assert ok.status_code == 204
    assert (await client.get("/api/auth/me")).status_code == 401
    assert (
        await client.post("/api/auth/login", json={"username": "org1", "password": PASSWORD})
    ).status_code == 401
    assert (
        await client.post("/api/auth/login", json={"username": "org1", "password": "a-much-better-one"})
    ).status_code == 200


async def test_disabled_account_cannot_log_in_and_loses_its_sessions(
    rt: Runtime, client: httpx.AsyncClient, app
) -> None:
    await make_account(rt, "boss", Role.ORGANIZER)
    victim_id = await make_account(rt, "aud", Role.AUDITOR)
    transport = httpx.ASGITransport(app=app, client=("10.9.9.9", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as victim:
        await login(victim, "aud")
        await login(client, "boss")
        assert (await client.post(f"/api/accounts/{victim_id}/disable")).status_code == 204
        assert (await victim.get("/api/auth/me")).status_code == 401
        assert (
            await victim.post("/api/auth/login", json={"username": "aud", "password": PASSWORD})
        ).status_code == 401
