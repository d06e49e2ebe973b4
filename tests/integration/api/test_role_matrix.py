"""Every endpoint × every role (and anonymous): allowed callers pass the guard, everyone else is denied.

The matrix is read from the application itself, so a new endpoint is covered the moment it exists,
and the app refuses to start if an endpoint has no access rule at all.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from api.access import access_of
from api.app import http_handlers
from tests.support.db import reset_database
from tests.support.factories import login, make_account, make_org
from workflow.accounts.roles import Role
from workflow.runtime import Runtime

CALLERS: list[Role | None] = [None, *Role]
SESSION_ENDING = {("POST", "/api/auth/logout")}


def _endpoints(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(m, p) for m, p, _ in http_handlers(app) if not p.startswith("/schema-assets")]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999999", path)


@pytest.fixture(scope="module")
async def callers(app, rt: Runtime, database: None) -> AsyncIterator[dict[Role | None, httpx.AsyncClient]]:  # type: ignore[no-untyped-def]
    await reset_database(at=rt.clock.now())
    org = await make_org(rt, units=1, staff_per_unit=2)
    unit = org.units[0]
    clients: dict[Role | None, httpx.AsyncClient] = {}
    for index, role in enumerate(CALLERS):
        transport = httpx.ASGITransport(app=app, client=(f"10.1.0.{index + 1}", 4000))
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        if role is not None:
            await make_account(
                rt,
                f"matrix-{role}",
                role,
                unit=unit,
                department=org.departments[unit][0],
                staff=org.staff[unit][0],
            )
            await login(client, f"matrix-{role}")
        clients[role] = client
    yield clients
    for client in clients.values():
        await client.aclose()


def test_every_endpoint_declares_one_rule(app) -> None:  # type: ignore[no-untyped-def]
    endpoints = http_handlers(app)
    assert len(endpoints) > 20
    for _, _, handler in endpoints:
        access_of(handler)  # raises unless exactly one


async def test_role_matrix(app, callers: dict[Role | None, httpx.AsyncClient]) -> None:  # type: ignore[no-untyped-def]
    rules = {(m, p): access_of(h) for m, p, h in http_handlers(app)}
    failures = []
    for method, path in _endpoints(app):
        rule = rules[(method, path)]
        for role in CALLERS:
            client = callers[role]
            if (method, path) in SESSION_ENDING and role is not None:
                transport = httpx.ASGITransport(app=app, client=("10.2.0.1", 4000))
                client = await login(
                    httpx.AsyncClient(transport=transport, base_url="http://testserver"), f"matrix-{role}"
                )
            response = await client.request(method, _concrete(path), json={} if method != "GET" else None)
            body = (
                response.json() if response.headers.get("content-type", "").endswith("problem+json") else {}
            )
            denied_by_rule = (
                response.status_code == 401 or body.get("type") == "urn:yide:problem:role-required"
            )
            allowed = rule.allows(None if role is None else [role])
            if allowed == denied_by_rule:
                failures.append(
                    f"{method} {path} as {role or 'anonymous'}: {response.status_code} {body.get('type')}"
                )
            if not allowed:
                expected = 401 if role is None else 403
                if response.status_code != expected:
                    who = role or "anonymous"
                    failures.append(f"{method} {path} as {who}: {response.status_code}, expected {expected}")
            if response.status_code >= 500:
                failures.append(f"{method} {path} as {role or 'anonymous'}: server error {response.text}")
    assert not failures, "\n".join(failures)
