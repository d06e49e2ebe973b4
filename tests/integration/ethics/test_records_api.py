"""Daily records through HTTP: what a record may say, evidence by content, corrections that supersede."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest

from tests.integration.ethics.conftest import open_year, utc
from tests.support.ethics import People
from workflow.clock import FixedClock
from workflow.runtime import Runtime

Login = Callable[[str], Coroutine[Any, Any, httpx.AsyncClient]]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


@pytest.fixture
async def office(rt: Runtime, people: People, clock: FixedClock, as_user: Login) -> httpx.AsyncClient:
    await open_year(rt, people, clock)
    clock.set(utc(2025, 6, 30, 2))
    return await as_user("office")


def body(staff: int, **fields: Any) -> dict[str, Any]:
    return {
        "staff_id": staff,
        "occurred_on": "2025-06-01",
        "kind": "deduction",
        "item": "I3",
        "points": "2",
        "description": "迟到",
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"item": "I9"}, 400, "item"),
        ({"category": "JBZ1"}, 400, "category"),  # 九不准 is for acts before 2021-11-12
        ({"category": "JX99"}, 400, "category"),
        ({"veto": "V99"}, 400, "veto"),
        ({"severity": "grave"}, 400, "severity"),  # a severity belongs to a category
        ({"kind": "praise", "category": "JX1"}, 400, "kind"),
        ({"points": "1.005"}, 400, "points"),
        ({"points": "0"}, 400, "points"),
        ({"points": "101"}, 400, "points"),
        ({"points": "NaN"}, 400, "points"),
        ({"occurred_on": "2025-07-01"}, 400, "occurred_on"),  # after today (2025-06-30)
        ({"occurred_on": "2024-12-31"}, 409, None),  # 2024 is not open
        ({"description": ""}, 400, None),
        ({"surprise": 1}, 400, None),
    ],
)
async def test_what_a_record_may_say(
    people: People, office: httpx.AsyncClient, fields: dict[str, Any], status: int, field: str | None
) -> None:
    response = await office.post("/api/ethics/records", json=body(next(iter(people.staff)), **fields))
    assert response.status_code == status, response.text
    if field:
        assert response.json().get("field") == field, response.text


async def test_a_violation_record_with_its_category_and_severity(
    people: People, office: httpx.AsyncClient
) -> None:
    fields = {"category": "JX8", "severity": "grave", "item": "I4", "points": "10", "description": "收受红包"}
    created = (await office.post("/api/ethics/records", json=body(next(iter(people.staff)), **fields))).json()
    assert (created["category"], created["severity"], created["status"]) == ("JX8", "grave", "submitted")
    assert created["allowed_actions"] == ["approve", "reject"]


async def test_evidence_is_judged_by_content_and_served_safely(
    people: People, office: httpx.AsyncClient, as_user: Login
) -> None:
    staff = next(iter(people.staff))
    praise = (
        await office.post("/api/ethics/records", json=body(staff, kind="praise", description="锦旗"))
    ).json()
    fake = {"file": ("photo.png", b"MZ\x90\x00 not an image", "image/png")}
    refused = await office.post(f"/api/ethics/records/{praise['id']}/attachments", files=fake)
    assert refused.status_code == 400 and "PDF, PNG or JPEG" in refused.json()["detail"]
    added = await office.post(
        f"/api/ethics/records/{praise['id']}/attachments", files={"file": ("../x.jpg", PNG, "x")}
    )
    attachment = added.json()["attachments"][0]
    assert (attachment["filename"], attachment["media_type"], attachment["size"]) == (
        "x.png",
        "image/png",
        len(PNG),
    )
    download = await office.get(f"/api/ethics/attachments/{attachment['id']}")
    assert download.content == PNG and download.headers["content-type"] == "image/png"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("attachment;")
    second = await as_user("office2")
    approved = (await second.post(f"/api/ethics/records/{praise['id']}/approve", json={"version": 1})).json()
    assert approved["status"] == "approved"
    late = await office.post(
        f"/api/ethics/records/{praise['id']}/attachments", files={"file": ("y.png", PNG, "x")}
    )
    assert late.status_code == 409  # evidence belongs to the record before it is decided


async def test_a_correction_supersedes_and_never_edits(
    people: People, office: httpx.AsyncClient, as_user: Login
) -> None:
    staff, other = list(people.staff)[:2]
    second = await as_user("office2")
    original = (await office.post("/api/ethics/records", json=body(staff, points="8"))).json()
    early = await office.post("/api/ethics/records", json=body(staff, corrects=original["id"], points="0"))
    assert early.status_code == 409  # a submitted record is rejected, not corrected
    await second.post(f"/api/ethics/records/{original['id']}/approve", json={"version": 1})
    foreign = await office.post("/api/ethics/records", json=body(other, corrects=original["id"]))
    assert foreign.status_code == 400 and foreign.json()["field"] == "corrects"
    fix = (
        await office.post("/api/ethics/records", json=body(staff, corrects=original["id"], points="0"))
    ).json()
    twice = await office.post("/api/ethics/records", json=body(staff, corrects=original["id"], points="1"))
    assert twice.status_code == 409  # one pending correction at a time
    await second.post(f"/api/ethics/records/{fix['id']}/approve", json={"version": 1})
    shown = (await office.get(f"/api/ethics/records/{original['id']}")).json()
    assert (shown["status"], shown["points"], shown["allowed_actions"]) == ("superseded", "8", [])


async def test_decisions_need_the_current_version_and_a_reason(
    people: People, office: httpx.AsyncClient
) -> None:
    record = (await office.post("/api/ethics/records", json=body(next(iter(people.staff))))).json()
    no_reason = await office.post(
        f"/api/ethics/records/{record['id']}/reject", json={"version": 1, "reason": ""}
    )
    assert no_reason.status_code == 400
    stale = await office.post(
        f"/api/ethics/records/{record['id']}/reject", json={"version": 7, "reason": "重复"}
    )
    assert stale.status_code == 409 and stale.json()["type"].endswith("stale-version")
    done = await office.post(
        f"/api/ethics/records/{record['id']}/reject", json={"version": 1, "reason": "重复"}
    )
    assert done.json()["status"] == "rejected"
    again = await office.post(f"/api/ethics/records/{record['id']}/approve", json={"version": 2})
    assert again.status_code == 409 and again.json()["type"].endswith("illegal-transition")
    listed = (
        await office.get("/api/ethics/records", params={"unit_id": people.unit, "status": "rejected"})
    ).json()
    assert [r["id"] for r in listed["items"]] == [record["id"]]
    both = await office.get("/api/ethics/records", params={"unit_id": people.unit, "staff_id": 1})
    assert both.status_code == 400
