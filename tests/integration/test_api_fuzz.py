"""Schemathesis drives every operation of the OpenAPI document with generated input, signed in as
an organizer against a real server: whatever arrives, the answer is never a 5xx, and every error
is an RFC 9457 problem."""

from __future__ import annotations

import re

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.support.server import LiveServer

# Actions that would end the fuzzing session itself; their own tests cover them.
SESSION_ENDING = re.compile(r"/api/auth/(logout|password)|/api/accounts/\{account_id\}/disable")
EXAMPLES = 20
HEALTH = list(HealthCheck)


@pytest.fixture(scope="module")
def organizer(server: LiveServer) -> dict[str, str]:
    """The organizer's session as an Authorization header (it overrides the generated one)."""
    login = {"username": "demo-organizer", "password": "yide-demo-2026"}
    response = requests.post(f"{server.url}/api/auth/login", json=login, timeout=30)
    response.raise_for_status()
    token = response.cookies["yide_session"].strip('"')
    return {"Authorization": token if token.startswith("Bearer ") else f"Bearer {token}"}


def test_no_input_produces_a_server_error(server: LiveServer, organizer: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/schema/openapi.json")
    operations = [r.ok() for r in schema.get_all_operations()]
    fuzzed = [op for op in operations if not SESSION_ENDING.search(op.path)]
    assert len(fuzzed) >= 20
    failures: list[str] = []

    for operation in fuzzed:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=HEALTH, derandomize=True)
        def probe(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(base_url=server.url, headers=organizer)
            label = f"{case.method} {case.formatted_path}"
            if response.status_code >= 500:
                failures.append(f"{label} -> {response.status_code}: {response.text[:300]}")
            elif response.status_code >= 400 and "problem+json" not in str(
                response.headers.get("content-type")
            ):
                failures.append(f"{label} -> {response.status_code} without problem details")

        probe()
    assert not failures, "\n".join(sorted(set(failures))[:20])
