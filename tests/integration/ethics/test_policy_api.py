"""A bureau's policy through HTTP: versions, validation as problem details, inheritance by region."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest

from tests.support.ethics import People
from workflow.ethics.policy import DEFAULT_POLICY
from workflow.org import service as org
from workflow.org.states import RegionLevel
from workflow.runtime import Runtime

Login = Callable[[str], Coroutine[Any, Any, httpx.AsyncClient]]


async def test_versions_and_inheritance(rt: Runtime, people: People, as_user: Login) -> None:
    organizer = await as_user("organizer")
    region = people.org.region
    child = await org.create_region(
        rt, code="110113001", name="街道", level=RegionLevel.DISTRICT, parent_id=region, actor="operator"
    )
    defaults = (await organizer.get("/api/ethics/policy/defaults")).json()
    assert defaults["base_score"] == "100" and len(defaults["items"]) == 7
    before = (await organizer.get(f"/api/regions/{child}/ethics-policy")).json()
    assert before["version"] is None and before["history"] == []
    body = {"policy": {"bonus_cap": "5", "quota": {"hard_ratio": "0.2"}}, "note": "本区2026年起"}
    first = await organizer.post(f"/api/regions/{region}/ethics-policy", json=body)
    assert first.status_code == 201 and first.json()["version"] == 1
    inherited = (await organizer.get(f"/api/regions/{child}/ethics-policy")).json()
    assert (inherited["version"], inherited["source_region_id"]) == (1, region)
    assert inherited["policy"]["bonus_cap"] == "5" and inherited["history"] == []
    second = (await organizer.post(f"/api/regions/{region}/ethics-policy", json={"policy": {}})).json()
    assert second["version"] == 2 and [h["version"] for h in second["history"]] == [2, 1]
    assert second["policy"]["bonus_cap"] == str(DEFAULT_POLICY.bonus_cap)
    office = await as_user("office")
    assert (await office.get(f"/api/regions/{region}/ethics-policy")).status_code == 200
    denied = await office.post(f"/api/regions/{region}/ethics-policy", json={"policy": {}})
    assert denied.status_code == 403 and denied.json()["type"].endswith("role-required")


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        ({"bonus_cap": "-1"}, "bonus_cap"),
        ({"surprise": True}, "policy"),
        ({"quota": {"scope": "party_branch"}}, "quota.scope"),
        ({"quota": {"soft_ratio": "0.5", "hard_ratio": "0.2"}}, "quota.soft_ratio"),
        ({"base_score": "90"}, "base_score"),
        ({"grade_bands": []}, "grade_bands"),
        ({"publicity": {"length": 0}}, "length"),
        ({"items": "nope"}, "policy"),
        ({"feedback": {"veto_below": "NaN"}}, "feedback.veto_below"),
        ({"feedback": {"min_sms_replies": 10**7}}, "feedback.min_sms_replies"),
    ],
)
async def test_a_contradictory_policy_is_refused(
    people: People, as_user: Login, policy: dict[str, Any], field: str
) -> None:
    organizer = await as_user("organizer")
    response = await organizer.post(
        f"/api/regions/{people.org.region}/ethics-policy", json={"policy": policy}
    )
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "urn:yide:problem:invalid-input"
    assert response.json().get("field") == field, response.text
