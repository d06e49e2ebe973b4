"""Staff import: preview, commit, idempotence, all-or-nothing, encodings, through HTTP."""

from __future__ import annotations

import httpx
import pytest

from tests.support.factories import login, make_account, make_org
from workflow.accounts.roles import Role
from workflow.ledger.tables import LedgerEntry
from workflow.org.tables import Staff
from workflow.runtime import Runtime

pytestmark = pytest.mark.usefixtures("clean_db")

HEADER = "工号,姓名,性别,科室,职称,执业证号,执业类别,入职日期,状态\n"
GOOD = (
    HEADER
    + "N001,张三,男,NK,主治医师,110101,执业医师,2015/9/1,在岗\nN002,李四,女,WK,护师,,护士,2018-03-01,\n"
)


async def _setup(rt: Runtime, client: httpx.AsyncClient) -> int:
    org = await make_org(rt, units=2, staff_per_unit=0)
    await make_account(rt, "admin", Role.UNIT_ADMIN, unit=org.units[0])
    await login(client, "admin")
    return org.units[0]


async def _upload(
    client: httpx.AsyncClient, unit: int, data: bytes, name: str = "staff.csv"
) -> httpx.Response:
    return await client.post(f"/api/units/{unit}/staff-imports", files={"file": (name, data, "text/csv")})


async def test_gbk_file_previews_then_commits(rt: Runtime, client: httpx.AsyncClient) -> None:
    unit = await _setup(rt, client)
    preview = await _upload(client, unit, GOOD.encode("gbk"))
    assert preview.status_code == 201, preview.text
    body = preview.json()
    assert body["status"] == "previewed" and body["allowed_actions"] == ["commit", "discard"]
    assert body["report"]["encoding"] == "gbk"
    assert (body["report"]["create"], body["report"]["update"], body["report"]["errors"]) == (2, 0, [])
    assert await Staff.count().where(Staff.unit == unit) == 0  # a preview writes no staff
    committed = await client.post(
        f"/api/staff-imports/{body['id']}/commit", json={"version": body["version"]}
    )
    assert committed.status_code == 201 and committed.json()["status"] == "committed"
    names = sorted(r["name"] for r in await Staff.select(Staff.name).where(Staff.unit == unit))
    assert names == ["张三", "李四"]


async def test_reimporting_the_same_file_changes_nothing_and_updates_by_staff_number(
    rt: Runtime, client: httpx.AsyncClient
) -> None:
    unit = await _setup(rt, client)
    first = (await _upload(client, unit, GOOD.encode("utf-8-sig"))).json()
    await client.post(f"/api/staff-imports/{first['id']}/commit", json={"version": first["version"]})
    again = (await _upload(client, unit, GOOD.encode())).json()["report"]
    assert (again["create"], again["update"], again["unchanged"]) == (0, 0, 2)
    changed = GOOD.replace("主治医师", "副主任医师")
    update = (await _upload(client, unit, changed.encode())).json()
    assert update["report"]["update"] == 1
    assert update["report"]["changes"] == [
        {"line": 2, "staff_no": "N001", "action": "update", "fields": ["title"]}
    ]
    await client.post(f"/api/staff-imports/{update['id']}/commit", json={"version": update["version"]})
    assert await Staff.count().where(Staff.unit == unit) == 2
    row = await Staff.select(Staff.title, Staff.version).where(Staff.staff_no == "N001").first()
    assert row == {"title": "副主任医师", "version": 2}


async def test_a_file_with_any_bad_row_commits_nothing(rt: Runtime, client: httpx.AsyncClient) -> None:
    unit = await _setup(rt, client)
    bad = HEADER + (
        "N001,张三,男,NK,主治医师,1,执业医师,2015-09-01,在岗\n"
        "N002,,女,WK,护师,,护士,2018-03-01,\n"  # no name
        "N001,王五,男,NK,,,,,\n"  # duplicate staff number
        "N004,赵六,X,NK,,,,2099-01-01,\n"  # bad gender, future date
        "N005,钱七,女,XX,,,,,\n"  # unknown department
    )
    preview = (await _upload(client, unit, bad.encode("gbk"))).json()
    errors = {(e["line"], e["field"]) for e in preview["report"]["errors"]}
    assert errors == {(3, "name"), (4, "staff_no"), (5, "gender"), (5, "hire_date"), (6, "department")}
    refused = await client.post(
        f"/api/staff-imports/{preview['id']}/commit", json={"version": preview["version"]}
    )
    assert refused.status_code == 409 and refused.json()["type"] == "urn:yide:problem:precondition-failed"
    assert await Staff.count() == 0
    still = await client.get(f"/api/staff-imports/{preview['id']}")
    assert still.json()["status"] == "previewed"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        ("姓名,性别\n张三,男\n".encode(), "missing column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("工号,姓名,性别,爱好\nA1,张三,男,钓鱼\n".encode(), "unknown column"),
    ],
)
async def test_malformed_files_are_reported_not_imported(
    rt: Runtime, client: httpx.AsyncClient, content: bytes, problem: str
) -> None:
    unit = await _setup(rt, client)
    response = await _upload(client, unit, content)
    if response.status_code == 400:
        assert problem in response.json()["detail"]
    else:
        assert response.status_code == 201
        assert any(problem in e["message"] for e in response.json()["report"]["errors"]), response.json()
    assert await Staff.count() == 0


async def test_stale_version_and_decided_imports_are_refused(rt: Runtime, client: httpx.AsyncClient) -> None:
    unit = await _setup(rt, client)
    preview = (await _upload(client, unit, GOOD.encode())).json()
    stale = await client.post(f"/api/staff-imports/{preview['id']}/commit", json={"version": 7})
    assert stale.status_code == 409 and stale.json()["type"] == "urn:yide:problem:stale-version"
    discarded = await client.post(f"/api/staff-imports/{preview['id']}/discard", json={"version": 1})
    assert discarded.status_code == 201 and discarded.json()["allowed_actions"] == []
    late = await client.post(f"/api/staff-imports/{preview['id']}/commit", json={"version": 2})
    assert late.status_code == 409
    assert late.json()["type"] == "urn:yide:problem:illegal-transition"
    assert late.json()["state"] == "discarded" and late.json()["allowed"] == []
    assert await Staff.count() == 0
    events = [
        r["event_type"] for r in await LedgerEntry.select(LedgerEntry.event_type).order_by(LedgerEntry.id)
    ]
    assert events[-2:] == ["org:staff-import:previewed", "org:staff-import:discarded"]


async def test_unit_admin_cannot_import_into_another_unit(rt: Runtime, client: httpx.AsyncClient) -> None:
    await _setup(rt, client)
    other_unit = (await client.get("/api/units")).json()["items"][1]["id"]
    response = await _upload(client, other_unit, GOOD.encode())
    assert response.status_code == 403 and response.json()["type"] == "urn:yide:problem:out-of-scope"


async def test_a_file_over_the_size_limit_is_refused(rt: Runtime, client: httpx.AsyncClient) -> None:
    unit = await _setup(rt, client)
    response = await _upload(client, unit, b"x" * (rt.settings.upload_max_bytes + 1))
    assert response.status_code in (400, 413)
    assert response.headers["content-type"].startswith("application/problem+json")
