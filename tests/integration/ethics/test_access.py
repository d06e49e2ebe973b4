"""Who sees which file: staff their own, heads their department, the office its unit, organizers only
aggregates, auditors everything read-only. Every denial, through HTTP, with the answer it gets.

The role matrix (``tests/integration/api/test_role_matrix.py``) proves the role rule of every
endpoint; this file proves the narrowing within a role: another person, another department,
another unit.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.integration.ethics.conftest import graded_year, utc
from tests.support.ethics import People, principal
from workflow.accounts.roles import Role
from workflow.clock import FixedClock
from workflow.ethics import service_feedback, service_files, service_records
from workflow.ethics.policy import RecordKind
from workflow.ethics.tables import EthicsCycle
from workflow.ids import StaffId
from workflow.org.tables import Staff
from workflow.runtime import Runtime

Login = Callable[[str], Coroutine[Any, Any, httpx.AsyncClient]]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(8)


def problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["type"] == f"urn:yide:problem:{code}", response.text


@pytest.fixture
async def world(rt: Runtime, people: People, clock: FixedClock) -> dict[str, Any]:
    """Unit 1 graded for 2025 with records; unit 2 open for 2025 with a record of its own."""
    year_id = await graded_year(rt, people, clock)
    other_unit = people.org.units[1]
    other_office = await principal(rt, "office-u2", Role.UNIT_ADMIN, unit=other_unit)
    clock.set(utc(2025, 6, 1, 2))
    other_year = await service_files.open_year(rt, other_office, unit_id=other_unit, year=2025)
    other_staff = people.org.staff[other_unit][0]
    other_record = await service_records.submit(
        rt,
        other_office,
        staff_id=other_staff,
        occurred_on=date(2025, 5, 1),
        kind=RecordKind.DEDUCTION,
        item="I3",
        points=Decimal(1),
        description="迟到",
    )
    staff = list(people.staff)
    mine = await service_records.submit(
        rt,
        people.office,
        staff_id=staff[1],
        occurred_on=date(2025, 5, 2),
        kind=RecordKind.PRAISE,
        item="I1",
        points=Decimal(1),
        description="锦旗",
    )
    await service_records.attach(rt, people.office, mine["id"], filename="a.png", data=PNG)
    draft = await service_records.submit(
        rt,
        people.office,
        staff_id=staff[0],
        occurred_on=date(2025, 5, 3),
        kind=RecordKind.DEDUCTION,
        item="I3",
        points=Decimal(1),
        description="未核实的投诉",
    )
    ward = await service_feedback.create_ward(
        rt, other_office, unit_id=other_unit, department_id=people.org.departments[other_unit][0], name="病区"
    )
    cycles = {c["staff"]: c["id"] for c in await EthicsCycle.select(EthicsCycle.staff, EthicsCycle.id)}
    departments = {r["id"]: r["department"] for r in await Staff.select(Staff.id, Staff.department)}
    return {
        "year": year_id,
        "other_year": other_year["year"]["id"],
        "other_staff": other_staff,
        "other_record": other_record["id"],
        "record": mine["id"],
        "attachment": (await service_records.get(people.office, mine["id"]))["attachments"][0]["id"],
        "draft": draft["id"],
        "cycles": cycles,
        "departments": departments,
        "ward": ward["id"],
    }


async def test_staff_see_only_their_own_file(people: People, world: dict[str, Any], as_user: Login) -> None:
    me, other = list(people.staff)[:2]
    client = await as_user(f"staff{me}")
    assert (await client.get(f"/api/ethics/staff/{me}/file")).status_code == 200
    for path in (
        f"/api/ethics/staff/{other}/file",
        f"/api/ethics/cycles/{world['cycles'][other]}",
        f"/api/ethics/cycles/{world['cycles'][other]}/form",
        f"/api/ethics/records/{world['record']}",
        f"/api/ethics/attachments/{world['attachment']}",
        f"/api/ethics/records?staff_id={other}",
    ):
        problem(await client.get(path), 404, "not-found")
    problem(await client.get(f"/api/ethics/records?unit_id={people.unit}"), 403, "out-of-scope")
    # drafts (unverified complaints) stay with the office
    problem(await client.get(f"/api/ethics/records/{world['draft']}"), 404, "not-found")
    own = (await client.get(f"/api/ethics/records?staff_id={me}")).json()["items"]
    assert world["draft"] not in [r["id"] for r in own]
    listed = (await client.get(f"/api/ethics/years/{world['year']}/cycles")).json()["items"]
    assert [c["staff_id"] for c in listed] == [me]
    other_cycle = world["cycles"][other]
    body = {"version": 1, "summary": "x", "grade": "good"}
    problem(
        await client.post(f"/api/ethics/cycles/{other_cycle}/self-evaluation", json=body), 404, "not-found"
    )
    problem(
        await client.post(f"/api/ethics/cycles/{other_cycle}/appeals", json={"reason": "x"}), 404, "not-found"
    )
    problem(await client.get(f"/api/ethics/years/{world['other_year']}/notice"), 404, "not-found")


async def test_heads_reach_their_department_only(
    rt: Runtime, people: People, world: dict[str, Any], as_user: Login
) -> None:
    head_department = people.org.departments[people.unit][0]
    client = await as_user("head")
    inside = [s for s in people.staff if world["departments"][s] == head_department]
    outside = [s for s in people.staff if world["departments"][s] != head_department]
    assert (await client.get(f"/api/ethics/staff/{inside[0]}/file")).status_code == 200
    problem(await client.get(f"/api/ethics/staff/{outside[0]}/file"), 404, "not-found")
    record = {
        "staff_id": outside[0],
        "occurred_on": "2025-06-01",
        "kind": "deduction",
        "item": "I3",
        "points": "1",
        "description": "x",
    }
    problem(await client.post("/api/ethics/records", json=record), 404, "not-found")
    body = {"version": 1, "opinion": "x", "grade": "good"}
    path = f"/api/ethics/cycles/{world['cycles'][outside[0]]}/department-evaluation"
    problem(await client.post(path, json=body), 404, "not-found")
    listed = (await client.get(f"/api/ethics/years/{world['year']}/cycles")).json()["items"]
    assert sorted(c["staff_id"] for c in listed) == sorted(inside)
    problem(
        await client.post(f"/api/ethics/records/{world['record']}/approve", json={"version": 1}),
        403,
        "role-required",
    )
    problem(await client.get(f"/api/ethics/years/{world['year']}/summary"), 403, "role-required")


async def test_the_office_reaches_its_unit_only(
    people: People, world: dict[str, Any], as_user: Login
) -> None:
    client = await as_user("office")
    other = world["other_staff"]
    problem(await client.get(f"/api/ethics/staff/{other}/file"), 404, "not-found")
    problem(await client.get(f"/api/ethics/records/{world['other_record']}"), 404, "not-found")
    problem(
        await client.post(f"/api/ethics/records/{world['other_record']}/approve", json={"version": 1}),
        404,
        "not-found",
    )
    problem(await client.post(f"/api/ethics/years/{world['other_year']}/close"), 403, "out-of-scope")
    problem(await client.get(f"/api/ethics/years/{world['other_year']}"), 404, "not-found")
    problem(await client.get(f"/api/ethics/years/{world['other_year']}/summary"), 404, "not-found")
    problem(await client.get(f"/api/ethics/years/{world['other_year']}/report"), 404, "not-found")
    problem(await client.get(f"/api/units/{people.org.units[1]}/wards"), 403, "out-of-scope")
    problem(await client.get(f"/api/ethics/wards/{world['ward']}/qr.svg"), 403, "out-of-scope")
    upload = {"file": ("s.csv", b"x", "text/csv")}
    problem(
        await client.post(f"/api/ethics/years/{world['other_year']}/sms-imports", files=upload),
        403,
        "out-of-scope",
    )
    problem(await client.get(f"/api/ethics/staff/{other}/eligibility?latest_year=2025"), 404, "not-found")
    problem(await client.get("/api/ethics/overview?year=2025"), 403, "role-required")
    # the office registers objections, it does not appeal in the person's name
    cycle = world["cycles"][next(iter(people.staff))]
    problem(
        await client.post(f"/api/ethics/cycles/{cycle}/appeals", json={"reason": "x"}), 403, "out-of-scope"
    )


async def test_organizers_see_aggregates_never_a_file(
    people: People, world: dict[str, Any], as_user: Login
) -> None:
    client = await as_user("organizer")
    assert (await client.get("/api/ethics/overview?year=2025")).status_code == 200
    assert (await client.get(f"/api/ethics/years/{world['year']}")).status_code == 200
    assert (
        await client.get(f"/api/ethics/staff/{world['other_staff']}/eligibility?latest_year=2025")
    ).status_code == 200
    staff = next(iter(people.staff))
    for path in (
        f"/api/ethics/staff/{staff}/file",
        f"/api/ethics/cycles/{world['cycles'][staff]}",
        f"/api/ethics/years/{world['year']}/summary",
        f"/api/ethics/years/{world['year']}/cycles",
        f"/api/ethics/years/{world['year']}/notice",
        f"/api/ethics/years/{world['year']}/report",
        f"/api/ethics/records/{world['record']}",
    ):
        problem(await client.get(path), 403, "role-required")
    problem(await client.post(f"/api/ethics/years/{world['year']}/close"), 403, "role-required")


async def test_auditors_read_everything_and_change_nothing(
    people: People, world: dict[str, Any], as_user: Login
) -> None:
    client = await as_user("auditor")
    staff = next(iter(people.staff))
    for path in (
        f"/api/ethics/staff/{staff}/file",
        f"/api/ethics/staff/{world['other_staff']}/file",
        f"/api/ethics/years/{world['year']}/summary",
        f"/api/ethics/years/{world['year']}/report",
        f"/api/ethics/attachments/{world['attachment']}",
        "/api/ethics/overview?year=2025",
    ):
        assert (await client.get(path)).status_code == 200, path
    for method, path, body in (
        ("POST", f"/api/ethics/records/{world['record']}/approve", {"version": 1}),
        ("POST", "/api/ethics/records", {}),
        ("PATCH", f"/api/ethics/staff/{staff}/file", {"version": 0}),
        ("POST", f"/api/ethics/years/{world['year']}/close", None),
        ("POST", f"/api/ethics/cycles/{world['cycles'][staff]}/unit-evaluation", {}),
        ("POST", "/api/ethics/years", {"unit_id": people.unit, "year": 2026}),
    ):
        problem(await client.request(method, path, json=body), 403, "role-required")


async def test_a_disabled_ward_link_is_gone(rt: Runtime, people: People, world: dict[str, Any], app) -> None:  # type: ignore[no-untyped-def]
    other_office = await principal(rt, "office-u2b", Role.UNIT_ADMIN, unit=people.org.units[1])
    ward = await service_feedback.disable_ward(rt, other_office, world["ward"])
    token = ward["link"].rsplit("/", 1)[1]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as public:
        problem(await public.get(f"/api/public/wards/{token}"), 404, "not-found")
        problem(await public.get("/api/public/wards/not-a-real-token-at-all-xx"), 404, "not-found")


async def test_the_service_layer_refuses_the_same(rt: Runtime, people: People, world: dict[str, Any]) -> None:
    """Callers that bypass HTTP (the CLI, the selection workflow) meet the same scoping."""
    from workflow.errors import NotFound

    staff = StaffId(next(iter(people.staff)))
    with pytest.raises(NotFound):
        await service_files.get_file(people.staff[StaffId(list(people.staff)[1])], staff)
    with pytest.raises(NotFound):
        await service_files.get_file(people.organizer, staff)
