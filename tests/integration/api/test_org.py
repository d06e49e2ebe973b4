"""Regions, units, departments and staff through HTTP, including who sees what."""

from __future__ import annotations

import httpx
import pytest

from tests.support.factories import login, make_account, make_org, signed_in
from workflow.accounts.roles import Role
from workflow.ledger.tables import LedgerEntry
from workflow.runtime import Runtime

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_organizer_builds_the_organisation(rt: Runtime, client: httpx.AsyncClient) -> None:
    await make_account(rt, "boss", Role.ORGANIZER)
    await login(client, "boss")
    region = await client.post("/api/regions", json={"code": "110113", "name": "顺义区", "level": "district"})
    assert region.status_code == 201, region.text
    unit = await client.post(
        "/api/units",
        json={"code": "SYH", "name": "顺义区医院", "kind": "hospital", "region_id": region.json()["id"]},
    )
    assert unit.status_code == 201 and unit.json()["name"] == "顺义区医院"
    dep = await client.post(
        f"/api/units/{unit.json()['id']}/departments", json={"code": "NK", "name": "内科"}
    )
    assert dep.status_code == 201
    again = await client.post(
        f"/api/units/{unit.json()['id']}/departments", json={"code": "NK", "name": "内科二"}
    )
    assert again.status_code == 409 and again.json()["type"] == "urn:yide:problem:conflict"
    deps = (await client.get(f"/api/units/{unit.json()['id']}/departments")).json()
    assert [d["name"] for d in deps] == ["内科"]
    types = [r["event_type"] for r in await LedgerEntry.select(LedgerEntry.event_type)]
    assert "org:unit:created" in types and "org:department:created" in types


async def test_unit_list_pages_with_a_cursor(rt: Runtime, client: httpx.AsyncClient) -> None:
    await make_org(rt, units=3, staff_per_unit=1)
    await make_account(rt, "aud", Role.AUDITOR)
    await login(client, "aud")
    first = (await client.get("/api/units", params={"limit": 2})).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = (await client.get("/api/units", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [u["code"] for u in first["items"] + second["items"]] == ["U1", "U2", "U3"]
    assert second["next_cursor"] is None
    bad = await client.get("/api/units", params={"cursor": "!!!"})
    assert bad.status_code == 400 and bad.json()["type"] == "urn:yide:problem:invalid-input"
    too_many = await client.get("/api/units", params={"limit": 100000})
    assert too_many.status_code == 400
    bad_filter = await client.get(f"/api/units/{first['items'][0]['id']}/staff", params={"department_id": 0})
    assert bad_filter.status_code == 400 and bad_filter.json()["type"] == "urn:yide:problem:validation-failed"


async def test_each_role_sees_only_its_staff(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(rt, units=2, staff_per_unit=4)
    a, b = org.units
    dep_a = org.departments[a][0]
    await make_account(rt, "admin-a", Role.UNIT_ADMIN, unit=a)
    await make_account(rt, "head-a", Role.DEPARTMENT_HEAD, department=dep_a)
    await make_account(rt, "self-a", Role.STAFF, staff=org.staff[a][0])
    await make_account(rt, "aud", Role.AUDITOR)

    async with signed_in(app, "admin-a") as admin:
        await login(admin, "admin-a")
        own = (await admin.get(f"/api/units/{a}/staff")).json()["items"]
        assert len(own) == 4
        other = await admin.get(f"/api/units/{b}/staff")
        assert other.status_code == 403 and other.json()["type"] == "urn:yide:problem:out-of-scope"
        assert (await admin.get(f"/api/staff/{org.staff[b][0]}")).status_code == 404
        patch = await admin.patch(f"/api/staff/{org.staff[b][0]}", json={"version": 1, "title": "主任医师"})
        assert patch.status_code == 404
        dep = await admin.post(f"/api/units/{b}/departments", json={"code": "X", "name": "X"})
        assert dep.status_code == 403

    async with signed_in(app, "head-a") as head:
        await login(head, "head-a")
        seen = (await head.get(f"/api/units/{a}/staff")).json()["items"]
        assert seen and all(s["department_id"] == dep_a for s in seen)
        assert (await head.get(f"/api/units/{b}/staff")).status_code == 403

    async with signed_in(app, "self-a") as me:
        await login(me, "self-a")
        mine = (await me.get(f"/api/units/{a}/staff")).json()["items"]
        assert [s["id"] for s in mine] == [org.staff[a][0]]
        assert (await me.get(f"/api/staff/{org.staff[a][0]}")).status_code == 200
        assert (await me.get(f"/api/staff/{org.staff[a][1]}")).status_code == 404

    async with signed_in(app, "aud") as aud:
        await login(aud, "aud")
        assert len((await aud.get(f"/api/units/{b}/staff")).json()["items"]) == 4
        assert (await aud.patch(f"/api/staff/{org.staff[b][0]}", json={"version": 1})).status_code == 403


async def test_staff_update_checks_the_version(rt: Runtime, client: httpx.AsyncClient) -> None:
    org = await make_org(rt, units=1, staff_per_unit=1)
    unit = org.units[0]
    staff_id = org.staff[unit][0]
    await make_account(rt, "admin", Role.UNIT_ADMIN, unit=unit)
    await login(client, "admin")
    ok = await client.patch(
        f"/api/staff/{staff_id}", json={"version": 1, "title": "副主任医师", "status": "on_leave"}
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2 and ok.json()["status"] == "on_leave"
    stale = await client.patch(f"/api/staff/{staff_id}", json={"version": 1, "title": "主任医师"})
    assert stale.status_code == 409 and stale.json()["type"] == "urn:yide:problem:stale-version"
    assert stale.json()["current_version"] == 2
    assert (await client.get(f"/api/staff/{staff_id}")).json()["title"] == "副主任医师"
    foreign_dep = await client.patch(f"/api/staff/{staff_id}", json={"version": 2, "department_id": 999})
    assert foreign_dep.status_code == 400


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"code": "U", "name": "x" * 101, "kind": "hospital", "region_id": 1}, "name"),
        ({"code": "U", "name": "n", "kind": "spaceship", "region_id": 1}, "kind"),
        ({"code": "U", "name": "n", "kind": "hospital", "region_id": "one"}, "region_id"),
        ({"code": "U", "name": "n", "kind": "hospital", "region_id": 1, "extra": True}, "extra"),
        ({"code": "has space", "name": "n", "kind": "hospital", "region_id": 1}, "code"),
        ({"name": "n", "kind": "hospital", "region_id": 1}, "code"),
    ],
)
async def test_bad_bodies_get_problem_details_and_change_nothing(
    rt: Runtime, client: httpx.AsyncClient, body: dict[str, object], fragment: str
) -> None:
    await make_org(rt, units=1, staff_per_unit=1)
    await make_account(rt, "boss", Role.ORGANIZER)
    await login(client, "boss")
    response = await client.post("/api/units", json=body)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == "urn:yide:problem:validation-failed" and fragment in problem["detail"]
    assert len((await client.get("/api/units")).json()["items"]) == 1


async def test_malformed_json_unknown_routes_and_methods_are_problems(client: httpx.AsyncClient) -> None:
    broken = await client.post(
        "/api/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400 and broken.headers["content-type"].startswith("application/problem+json")
    missing = await client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json()["type"] == "urn:yide:problem:not-found"
    wrong_method = await client.delete("/health")
    assert (
        wrong_method.status_code == 405
        and wrong_method.json()["type"] == "urn:yide:problem:method-not-allowed"
    )


async def test_health_ready_and_local_openapi(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    page = await client.get("/schema")
    assert page.status_code == 200
    assert "unpkg" not in page.text and "jsdelivr" not in page.text and "/schema-assets/" in page.text
    assert (await client.get("/schema-assets/swagger-ui-bundle.js")).status_code == 200
    spec = (await client.get("/schema/openapi.json")).json()
    assert "/api/units" in spec["paths"]
    assert spec["paths"]["/api/units"]["post"]["operationId"] == "CreateUnit"
