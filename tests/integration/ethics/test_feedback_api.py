"""Patient feedback through HTTP: SMS imports (CSV and Excel, idempotent) and the inpatient form."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
import openpyxl
import pytest

from tests.integration.ethics.conftest import open_year, utc
from tests.support.ethics import People
from workflow.clock import FixedClock
from workflow.ethics.tables import InpatientRating, SmsReply
from workflow.org.tables import Staff
from workflow.runtime import Runtime
from workflow.throttle.tables import RateCounter

Login = Callable[[str], Coroutine[Any, Any, httpx.AsyncClient]]


@pytest.fixture
async def setting(rt: Runtime, people: People, clock: FixedClock, as_user: Login) -> dict[str, Any]:
    year_id = await open_year(rt, people, clock)
    clock.set(utc(2025, 6, 30, 2))
    numbers = {r["id"]: r["staff_no"] for r in await Staff.select(Staff.id, Staff.staff_no)}
    return {"year": year_id, "office": await as_user("office"), "numbers": numbers}


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(office: httpx.AsyncClient, year: int, name: str, data: bytes) -> dict[str, Any]:
    response = await office.post(f"/api/ethics/years/{year}/sms-imports", files={"file": (name, data, "x")})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_an_excel_export_previews_commits_and_imports_once(
    people: People, setting: dict[str, Any]
) -> None:
    office, year = setting["office"], setting["year"]
    staff = list(people.staff)
    no = setting["numbers"]
    rows: list[list[object]] = [["短信编号", "工号", "回复时间", "回复", "姓名"]]
    rows += [[f"X{i}", no[staff[i % 3]], f"2025-04-{i + 1:02d} 10:00:00", "1", "患者甲"] for i in range(9)]
    rows.append(["X9", no[staff[0]], "2025-04-20", "3 开药前没有解释", "患者乙"])
    data = workbook(rows)
    preview = await upload(office, year, "回访.xlsx", data)
    report = preview["report"]
    assert (report["file_format"], report["new"], report["tickets"], report["ignored_columns"]) == (
        "xlsx",
        10,
        1,
        ["姓名"],
    )
    assert await SmsReply.count() == 0  # a preview stores nothing
    committed = await office.post(f"/api/ethics/sms-imports/{preview['id']}/commit", json={"version": 1})
    assert committed.json()["status"] == "committed" and committed.json()["allowed_actions"] == []
    assert await SmsReply.count() == 10
    stored = await SmsReply.select(SmsReply.comment).where(SmsReply.message_id == "X9").first()
    assert stored == {"comment": "开药前没有解释"}
    again = await upload(office, year, "回访.xlsx", data)
    assert (again["report"]["new"], again["report"]["already_imported"]) == (0, 10)
    await office.post(f"/api/ethics/sms-imports/{again['id']}/commit", json={"version": 1})
    assert await SmsReply.count() == 10
    drafts = (await office.get("/api/ethics/records", params={"unit_id": people.unit})).json()["items"]
    assert [(d["kind"], d["source"], d["status"]) for d in drafts] == [("deduction", "sms:X9", "submitted")]
    file = (await office.get(f"/api/ethics/staff/{staff[0]}/file")).json()
    assert file["years"][0]["feedback"]["sms"]["valid"] == 4
    assert file["years"][0]["feedback"]["sms"]["meets_minimum"] is False  # 4 < 30


async def test_a_file_with_any_problem_commits_nothing(people: People, setting: dict[str, Any]) -> None:
    office, year = setting["office"], setting["year"]
    no = setting["numbers"][next(iter(people.staff))]
    data = (
        f"回访编号,工号,回复日期,回复内容\nA1,{no},2025-03-01,1\nA2,NOPE,2025-03-01,1\nA3,{no},2024-12-31,2\n"
    )
    preview = await upload(office, year, "s.csv", data.encode())
    errors = preview["report"]["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(3, "staff_no"), (4, "received_on")]
    refused = await office.post(f"/api/ethics/sms-imports/{preview['id']}/commit", json={"version": 1})
    assert refused.status_code == 409 and refused.json()["type"].endswith("precondition-failed")
    discarded = await office.post(f"/api/ethics/sms-imports/{preview['id']}/discard", json={"version": 1})
    assert discarded.json()["status"] == "discarded"
    assert await SmsReply.count() == 0
    assert (await office.get(f"/api/ethics/sms-imports/{preview['id']}")).json()["status"] == "discarded"


@pytest.fixture
async def ward(people: People, setting: dict[str, Any], app) -> AsyncIterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    office = setting["office"]
    department = people.org.departments[people.unit][0]
    created = (
        await office.post(
            f"/api/units/{people.unit}/wards", json={"department_id": department, "name": "二病区"}
        )
    ).json()
    qr = await office.get(f"/api/ethics/wards/{created['id']}/qr.svg")
    assert (
        qr.status_code == 200
        and qr.headers["content-type"].startswith("image/svg+xml")
        and b"<svg" in qr.content
    )
    assert [w["id"] for w in (await office.get(f"/api/units/{people.unit}/wards")).json()] == [created["id"]]
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as public:
        token = created["link"].rsplit("/", 1)[1]
        form = (await public.get(f"/api/public/wards/{token}")).json()
        yield {"token": token, "public": public, "form": form, "department": department}


async def test_the_inpatient_form_keeps_no_patient_data(ward: dict[str, Any], people: People) -> None:
    public, token = ward["public"], ward["token"]
    staff = [s["id"] for s in ward["form"]["staff"]]
    assert staff and {s["role"] for s in ward["form"]["staff"]} == {"doctor"}
    assert [a["label"] for a in ward["form"]["answers"]] == ["满意", "基本满意", "不满意"]
    ratings = [{"staff_id": staff[0], "answer": "dissatisfied", "comment": "夜间呼叫无人应答"}]
    ratings += [{"staff_id": s, "answer": "satisfied"} for s in staff[1:]]
    done = await public.post(
        f"/api/public/wards/{token}/evaluations", json={"stay": "ZY20250601", "ratings": ratings}
    )
    assert done.status_code == 201 and done.json()["ratings"] == len(staff)
    again = await public.post(
        f"/api/public/wards/{token}/evaluations", json={"stay": "zy20250601", "ratings": ratings}
    )
    assert again.status_code == 409  # one submission per stay, however it is typed
    stored = await InpatientRating.select()
    assert {r["answer"] for r in stored} == {"dissatisfied", "satisfied"}
    kept = repr(stored) + repr(await RateCounter.select(RateCounter.key))
    assert "ZY20250601" not in kept.upper() and "198.51.100.7" not in kept


@pytest.mark.parametrize(
    ("ratings", "status"),
    [
        ([], 400),
        ([{"staff_id": 999, "answer": "satisfied"}], 400),
        ([{"staff_id": "{s}", "answer": "satisfied"}, {"staff_id": "{s}", "answer": "satisfied"}], 400),
        ([{"staff_id": "{s}", "answer": "maybe"}], 400),
        ([{"staff_id": "{s}", "answer": "satisfied", "comment": "x" * 501}], 400),
    ],
)
async def test_bad_forms_are_problems(
    ward: dict[str, Any], ratings: list[dict[str, Any]], status: int
) -> None:
    first = ward["form"]["staff"][0]["id"]
    ratings = [r | {"staff_id": first} if r["staff_id"] == "{s}" else r for r in ratings]
    response = await ward["public"].post(
        f"/api/public/wards/{ward['token']}/evaluations", json={"stay": "ZY1", "ratings": ratings}
    )
    assert response.status_code == status and "problem+json" in response.headers["content-type"]


async def test_one_address_is_limited(ward: dict[str, Any]) -> None:
    staff = ward["form"]["staff"][0]["id"]
    statuses = []
    for n in range(32):
        response = await ward["public"].post(
            f"/api/public/wards/{ward['token']}/evaluations",
            json={"stay": f"ZY{n}", "ratings": [{"staff_id": staff, "answer": "satisfied"}]},
        )
        statuses.append(response.status_code)
    assert statuses[:30] == [201] * 30 and statuses[30:] == [429, 429]


async def test_no_evaluations_before_the_year_opens(
    rt: Runtime, people: People, clock: FixedClock, setting: dict[str, Any], app
) -> None:  # type: ignore[no-untyped-def]
    from workflow.ethics import service_feedback

    clock.set(utc(2026, 1, 3, 2))  # 2026 is not open yet
    ward = await service_feedback.create_ward(
        rt,
        people.office,
        unit_id=people.unit,
        department_id=people.org.departments[people.unit][0],
        name="三病区",
    )
    staff = (await service_feedback.public_ward(ward["link"].rsplit("/", 1)[1]))["staff"][0]["id"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as public:
        response = await public.post(
            f"/api/public/wards/{ward['link'].rsplit('/', 1)[1]}/evaluations",
            json={"stay": "A1", "ratings": [{"staff_id": staff, "answer": "satisfied"}]},
        )
    assert response.status_code == 409 and "not open" in response.json()["detail"]
