"""A whole 医德考评 year of a unit of 40 staff, through HTTP, as the people involved would do it.

January: the bureau opens 2025. Through the year department heads file praise and complaints, the
ethics office verifies them (one by a second officer: four eyes), patients' SMS replies are imported
and their comments verified, an inpatient rates a doctor. December: staff write their summaries (two
never do), heads evaluate (one file goes back once). January 2026: the year-end batch grades the unit
and finds a three-way tie at the 优秀 cut-off, which the committee settles; the unit is confirmed and
publicized; one person appeals, the complaint against them is corrected, the committee changes the
grade and publicizes it again; a late appeal is refused; everything becomes final and is archived.
Every step is in the year's internal log, which replays against the declared processes and holds no
name, staff number or text.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from tests.support.cli import yide
from tests.support.ethics import quick_staff_accounts
from tests.support.factories import login, make_account, make_org, signed_in
from tests.unit.documents.pdftools import Pdf, cjk_fonts
from workflow.accounts.roles import Role
from workflow.clock import FixedClock
from workflow.ethics.feed import FilesEthicsFeed
from workflow.ethics.replay import replay
from workflow.ids import StaffId
from workflow.ledger.entry import Entry
from workflow.ledger.tables import LedgerEntry, LedgerScope
from workflow.ledger.verifier import Status, verify_bundle
from workflow.org.tables import Staff
from workflow.runtime import Runtime

pytestmark = pytest.mark.slow

PUBLIC_URL = "http://127.0.0.1:8000"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
PDF = b"%PDF-1.4\n% evidence\n"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def ok(response: httpx.Response, *statuses: int) -> Any:
    assert response.status_code in (statuses or (200, 201)), response.text
    return response.json()


@dataclass
class Unit:
    app: Any
    unit: int
    staff: list[StaffId]
    department: dict[StaffId, int]
    names: dict[StaffId, tuple[str, str]]
    organizer: httpx.AsyncClient
    office: httpx.AsyncClient
    office2: httpx.AsyncClient
    heads: dict[int, httpx.AsyncClient]
    auditor: httpx.AsyncClient
    people: dict[StaffId, httpx.AsyncClient]

    def head_of(self, staff: StaffId) -> httpx.AsyncClient:
        return self.heads[self.department[staff]]

    async def record(self, by: httpx.AsyncClient, staff: StaffId, **fields: Any) -> dict[str, Any]:
        body = {"staff_id": staff, "item": "I3", "description": "记录", **fields}
        return await ok(await by.post("/api/ethics/records", json=body))

    async def attach(self, by: httpx.AsyncClient, record: dict[str, Any], content: bytes, name: str) -> None:
        files = {"file": (name, content, "application/octet-stream")}
        await ok(await by.post(f"/api/ethics/records/{record['id']}/attachments", files=files))

    async def approve(self, record: dict[str, Any], by: httpx.AsyncClient | None = None) -> dict[str, Any]:
        client = by or self.office
        url = f"/api/ethics/records/{record['id']}/approve"
        return await ok(await client.post(url, json={"version": record["version"]}))


@pytest.fixture
async def unit(app, rt: Runtime, clean_db: None, clock: FixedClock) -> AsyncIterator[Unit]:  # type: ignore[no-untyped-def]
    saved = clock.now()
    org = await make_org(rt, units=1, staff_per_unit=40)
    unit_id = org.units[0]
    staff = org.staff[unit_id]
    rows = await Staff.select(Staff.id, Staff.department, Staff.name, Staff.staff_no).where(
        Staff.unit == unit_id
    )
    department = {StaffId(r["id"]): r["department"] for r in rows}
    names = {StaffId(r["id"]): (r["name"], r["staff_no"]) for r in rows}
    clients: list[httpx.AsyncClient] = []

    async def client_for(username: str) -> httpx.AsyncClient:
        client = signed_in(app, username)
        clients.append(client)
        return await login(client, username)

    for username, role in [
        ("org", Role.ORGANIZER),
        ("office", Role.UNIT_ADMIN),
        ("office2", Role.UNIT_ADMIN),
    ]:
        await make_account(rt, username, role, unit=unit_id)
    await make_account(rt, "audit", Role.AUDITOR)
    heads = {}
    for department_id in org.departments[unit_id]:
        await make_account(rt, f"head{department_id}", Role.DEPARTMENT_HEAD, department=department_id)
        heads[department_id] = await client_for(f"head{department_id}")
    usernames = await quick_staff_accounts(staff)
    people = {s: await client_for(usernames[s]) for s in staff}
    try:
        yield Unit(
            app=app,
            unit=unit_id,
            staff=staff,
            department=department,
            names=names,
            organizer=await client_for("org"),
            office=await client_for("office"),
            office2=await client_for("office2"),
            heads=heads,
            auditor=await client_for("audit"),
            people=people,
        )
    finally:
        clock.set(saved)
        for client in clients:
            await client.aclose()


async def test_a_year_of_forty_staff(unit: Unit, clock: FixedClock, rt: Runtime, tmp_path: Path) -> None:
    S = unit.staff
    office, office2 = unit.office, unit.office2

    # --- January: the bureau opens the year; the policy in force (national defaults) is frozen.
    clock.set(utc(2025, 1, 2, 1))
    opened = await ok(
        await unit.organizer.post("/api/ethics/years", json={"unit_id": unit.unit, "year": 2025})
    )
    year = opened["year"]
    assert (opened["created"], opened["files_added"], year["files"]) == (True, 40, 40)
    assert year["scope"] == f"ethics-2025-unit-{unit.unit}" and year["policy_version"] is None
    year_id = year["id"]
    again = await ok(await office.post("/api/ethics/years", json={"unit_id": unit.unit, "year": 2025}))
    assert (again["created"], again["files_added"]) == (False, 0)

    # --- The year's records. Only approved ones will count.
    clock.set(utc(2025, 6, 30, 2))
    complaint = await unit.record(
        unit.head_of(S[0]),
        S[0],
        kind="deduction",
        points="20",
        occurred_on="2025-03-01",
        description="患者投诉：接诊时语气生硬推诿",
    )
    await unit.approve(complaint)
    veto = await unit.record(
        office,
        S[1],
        kind="deduction",
        item="I4",
        points="10",
        occurred_on="2025-04-02",
        category="JX8",
        severity="serious",
        veto="V1",
        description="收受患者现金八百元，经查属实",
    )
    refused = await office2.post(
        f"/api/ethics/records/{veto['id']}/approve", json={"version": veto["version"]}
    )
    assert refused.status_code == 409 and "evidence" in refused.json()["detail"]  # a veto needs evidence
    await unit.attach(office, veto, PDF, "查处决定.pdf")
    await unit.approve(veto, office2)
    for item, points in (("I4", "20"), ("I5", "15")):
        r = await unit.record(
            unit.head_of(S[2]),
            S[2],
            kind="deduction",
            item=item,
            points=points,
            occurred_on="2025-05-05",
            description="违规收费",
        )
        await unit.approve(r)
    await unit.approve(
        await unit.record(
            unit.head_of(S[3]),
            S[3],
            kind="deduction",
            item="I6",
            points="3",
            occurred_on="2025-05-06",
            description="科室协作不力",
        )
    )
    for person, points in zip(S[4:11], ("5", "4", "3", "2", "1.5", "1", "1"), strict=True):
        praise = await unit.record(
            unit.head_of(person),
            person,
            kind="praise",
            item="I1",
            points=points,
            occurred_on="2025-06-01",
            description="患者送锦旗",
        )
        await unit.attach(unit.head_of(person), praise, PNG, "锦旗.png")
        await unit.approve(praise)
    own = await unit.record(
        office, S[11], kind="deduction", item="I7", points="2", occurred_on="2025-06-10", description="迟到"
    )
    four_eyes = await office.post(
        f"/api/ethics/records/{own['id']}/approve", json={"version": own["version"]}
    )
    assert four_eyes.status_code == 409 and "four eyes" in four_eyes.json()["detail"]
    await unit.approve(own, office2)
    untrue = await unit.record(
        unit.head_of(S[14]),
        S[14],
        kind="deduction",
        points="5",
        occurred_on="2025-06-11",
        description="投诉经查不实",
    )
    rejected = await ok(
        await office.post(
            f"/api/ethics/records/{untrue['id']}/reject",
            json={"version": untrue["version"], "reason": "经核实投诉不实"},
        )
    )
    assert rejected["status"] == "rejected" and rejected["allowed_actions"] == []

    # --- Patient feedback: an SMS export; its two comments become drafts to verify.
    sms = "回访编号,工号,回复日期,回复内容,手机号\n" + "\n".join(
        [
            f"M1,{unit.names[S[12]][1]},2025-03-02,3 医生不耐烦,13800000000",
            f"M2,{unit.names[S[13]][1]},2025-03-03,1 非常感谢医生,13800000001",
            f"M3,{unit.names[S[20]][1]},2025-03-04,2,13800000002",
            f"M4,{unit.names[S[21]][1]},2025-03-05,好,13800000003",
        ]
    )
    preview = await ok(
        await office.post(
            f"/api/ethics/years/{year_id}/sms-imports",
            files={"file": ("sms.csv", sms.encode("gbk"), "text/csv")},
        )
    )
    report = preview["report"]
    assert (report["new"], report["tickets"], report["unreadable_replies"], report["errors_total"]) == (
        4,
        2,
        1,
        0,
    )
    assert report["ignored_columns"] == ["手机号"]
    await ok(
        await office.post(
            f"/api/ethics/sms-imports/{preview['id']}/commit", json={"version": preview["version"]}
        )
    )
    drafts = await ok(
        await office.get("/api/ethics/records", params={"unit_id": unit.unit, "status": "submitted"})
    )
    assert sorted((d["staff_id"], d["kind"], d["source"][:4]) for d in drafts["items"]) == [
        (S[12], "deduction", "sms:"),
        (S[13], "praise", "sms:"),
    ]
    for draft in drafts["items"]:
        await unit.approve(draft)  # verified: 属实; the reply itself is the evidence

    ward = await ok(
        await office.post(
            f"/api/units/{unit.unit}/wards", json={"department_id": unit.department[S[20]], "name": "一病区"}
        )
    )
    token = ward["link"].rsplit("/", 1)[1]
    form = await ok(
        await httpx.AsyncClient(transport=httpx.ASGITransport(app=unit.app), base_url="http://t").get(
            f"/api/public/wards/{token}"
        )
    )
    assert any(s["id"] == S[20] for s in form["staff"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=unit.app), base_url="http://t") as public:
        rating = {"stay": "ZY2025-0601", "ratings": [{"staff_id": S[20], "answer": "satisfied"}]}
        await ok(await public.post(f"/api/public/wards/{token}/evaluations", json=rating))
        twice = await public.post(f"/api/public/wards/{token}/evaluations", json=rating)
        assert twice.status_code == 409  # one submission per stay

    # --- December: self-evaluations (two never come), department evaluations, one return.
    clock.set(utc(2025, 12, 10, 2))
    cycles = {c["staff_id"]: c for c in await _cycles(office, year_id)}
    for person in S[:38]:
        await ok(
            await unit.people[person].post(
                f"/api/ethics/cycles/{cycles[person]['id']}/self-evaluation",
                json={
                    "version": cycles[person]["version"],
                    "summary": "全年坚守岗位，无违纪",
                    "grade": "good",
                },
            )
        )
    peek = await unit.people[S[5]].get(f"/api/ethics/cycles/{cycles[S[6]]['id']}")
    assert peek.status_code == 404  # staff see only their own file
    clock.set(utc(2025, 12, 22, 2))
    cycles = {c["staff_id"]: c for c in await _cycles(office, year_id)}
    back = await ok(
        await unit.head_of(S[15]).post(
            f"/api/ethics/cycles/{cycles[S[15]]['id']}/return",
            json={"version": cycles[S[15]]["version"], "reason": "总结过于简单"},
        )
    )
    assert back["status"] == "open" and back["return_reason"] == "总结过于简单"
    await ok(
        await unit.people[S[15]].post(
            f"/api/ethics/cycles/{back['id']}/self-evaluation",
            json={"version": back["version"], "summary": "补充：参加援疆医疗队三个月", "grade": "good"},
        )
    )
    await _evaluate_departments(unit, year_id)

    # --- January 2026: the year-end batch.
    clock.set(utc(2026, 1, 5, 1))
    summary = await ok(await office.post(f"/api/ethics/years/{year_id}/close"))
    assert summary["files"] == 40 and summary["marked_missing"] == 2
    assert sorted(m["staff_id"] for m in summary["missing_self_evaluations"]) == [S[38], S[39]]
    assert [v["staff_id"] for v in summary["vetoes"]] == [S[1]]
    assert summary["vetoes"][0]["reasons"][0]["code"] == "V1"
    assert summary["grade_counts"] == {"excellent": 5, "good": 29, "fair": 1, "poor": 2, "pending": 3}
    assert sum(d["headcount"] for d in summary["departments"]) == 40
    group = summary["groups"][0]
    assert (group["places"], group["candidates"], group["boundary"]["cutoff_score"]) == (6, 34, "101")
    assert group["boundary"]["tie"] and group["boundary"]["open_places"] == 1
    tied = sorted(p["staff_id"] for p in group["boundary"]["at_cutoff"])
    assert tied == sorted([S[9], S[10], S[13]])
    await _evaluate_departments(unit, year_id)  # the two files marked 未自评

    not_yet = await office.post(f"/api/ethics/years/{year_id}/publicize")
    assert not_yet.status_code == 409  # the 公示 covers the whole unit at once
    blocked = await office.post(f"/api/ethics/years/{year_id}/unit-evaluations", json={"opinion": "同意"})
    assert blocked.status_code == 409 and "committee" in blocked.json()["detail"]
    decided = await ok(
        await office.post(
            f"/api/ethics/years/{year_id}/tie-decision",
            json={"keep": [cycles[S[9]]["id"]], "minutes": "2026年1月5日考评委员会会议：并列三人中确定一人"},
        )
    )
    assert decided["kept"] == [cycles[S[9]]["id"]] and len(decided["demoted"]) == 2
    confirmed = await ok(
        await office.post(
            f"/api/ethics/years/{year_id}/unit-evaluations", json={"opinion": "经单位考评委员会审议，同意"}
        )
    )
    assert confirmed == {"evaluated": 40}
    table = await ok(await office.get(f"/api/ethics/years/{year_id}/report"))
    assert table["summary"] | {"excellent_share": None} == {
        "unit": "单位1",
        "headcount": 40,
        "excellent": 6,
        "good": 31,
        "fair": 1,
        "poor": 2,
        "ungraded": 0,
        "vetoed": 1,
        "excellent_share": None,
    }

    clock.set(utc(2026, 1, 5, 1, 30))
    notice = await ok(await office.post(f"/api/ethics/years/{year_id}/publicize"))
    assert notice["publicity"]["label"] == "2026年1月5日至2026年1月9日"
    shown = await ok(await unit.people[S[0]].get(f"/api/ethics/years/{year_id}/notice"))
    assert len(shown["entries"]) == 40

    # --- The appeal: the complaint was only partly true; the committee changes 一般 to 良好.
    clock.set(utc(2026, 1, 6, 2))
    mine = await ok(await unit.people[S[0]].get(f"/api/ethics/cycles/{cycles[S[0]]['id']}"))
    assert (mine["unit_grade"], mine["allowed_actions"]) == ("fair", ["finalize", "lodge_appeal"])
    appealed = await ok(
        await unit.people[S[0]].post(
            f"/api/ethics/cycles/{mine['id']}/appeals", json={"reason": "投诉所述与事实不符，有监控为证"}
        )
    )
    assert appealed["status"] == "appealed" and appealed["appeals"][0]["appellant"] == "self"
    correction = await unit.record(
        office,
        S[0],
        kind="deduction",
        points="5",
        occurred_on="2025-03-01",
        corrects=complaint["id"],
        description="复核：投诉部分属实，改扣5分",
    )
    await unit.approve(correction, office2)
    original = await ok(await office.get(f"/api/ethics/records/{complaint['id']}"))
    assert original["status"] == "superseded"
    clock.set(utc(2026, 1, 8, 2))
    changed = await ok(
        await office.post(
            f"/api/ethics/cycles/{mine['id']}/appeal-decision",
            json={
                "version": appealed["version"],
                "decision": "change",
                "grade": "good",
                "reasons": "经复核，投诉部分属实，扣分由20分改为5分",
            },
        )
    )
    assert (changed["status"], changed["unit_grade"], changed["score"]["total"]) == (
        "publicized",
        "good",
        "95",
    )
    assert changed["publicity_closes_at"] > mine["publicity_closes_at"]  # publicized again, new window

    clock.set(utc(2026, 1, 12, 2))
    late = await unit.people[S[3]].post(
        f"/api/ethics/cycles/{cycles[S[3]]['id']}/appeals", json={"reason": "不服"}
    )
    assert late.status_code == 409 and late.json()["type"].endswith("precondition-failed")
    first = await ok(await office.post(f"/api/ethics/years/{year_id}/finalize"))
    assert first["finalized"] == 39 and [w["file"] for w in first["waiting"]] == [mine["id"]]
    early = await office.post(f"/api/ethics/years/{year_id}/archive")
    assert early.status_code == 409
    clock.set(utc(2026, 1, 15, 2))
    assert (await ok(await office.post(f"/api/ethics/years/{year_id}/finalize")))["finalized"] == 1
    archived = await ok(await office.post(f"/api/ethics/years/{year_id}/archive"))
    assert archived["archived"] == 40

    # --- The results where they are used.
    overview = await ok(await unit.organizer.get("/api/ethics/overview", params={"year": 2025}))
    assert overview["total"] | {"excellent_share": None} == {
        "unit": "合计",
        "headcount": 40,
        "excellent": 6,
        "good": 32,
        "fair": 0,
        "poor": 2,
        "ungraded": 0,
        "vetoed": 1,
        "excellent_share": None,
    }
    assert (await unit.organizer.get(f"/api/ethics/cycles/{mine['id']}")).status_code == 403
    feed = FilesEthicsFeed()
    history = await feed.grade_history(S[0])
    assert history is not None and [(h.year, h.grade.value) for h in history] == [(2025, "good")]
    answer = await ok(
        await unit.organizer.get(f"/api/ethics/staff/{S[1]}/eligibility", params={"latest_year": 2025})
    )
    assert answer["eligible"] is False and any("一票否决" in r for r in answer["reasons"])
    form_data = await ok(await unit.people[S[0]].get(f"/api/ethics/cycles/{mine['id']}/form"))
    assert (form_data["total"], form_data["grade_label"]) == ("95", "良好")
    assert [p["points"] for p in form_data["penalties"]] == ["5"]
    file = await ok(await unit.people[S[0]].get(f"/api/ethics/staff/{S[0]}/file"))
    assert file["years"][0]["final_grade"] == "good" and len(file["penalties"]) == 1

    await _check_the_printed_documents(unit, year_id, mine["id"])
    await _check_the_log(unit, year["scope"])
    await _check_the_bundle(unit, year["scope"], tmp_path)


async def _check_the_bundle(unit: Unit, scope: str, tmp_path: Path) -> None:
    """The auditor downloads the year's bundle; ``yide verify`` passes it, ethics replay (F1) included."""
    response = await unit.auditor.get(f"/api/ledger/scopes/{scope}/bundle")
    assert response.status_code == 200, response.text
    bundle = tmp_path / f"{scope}.zip"
    bundle.write_bytes(response.content)
    report = verify_bundle(bundle)
    assert report.ok, report.as_json()
    assert {r.id: r.status for r in report.results}["F1"] is Status.PASS
    assert report.checkpoints >= 1  # the archive signed the complete year
    verified = yide(tmp_path, "verify", str(bundle))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "F1" in verified.stdout and "verified: every check passed" in verified.stdout


async def _check_the_printed_documents(unit: Unit, year_id: int, cycle_id: int) -> None:
    """The 医德考评表 PDF reads back in Chinese with its QR code; the Excel exports open."""
    response = await unit.people[unit.staff[0]].get(f"/api/ethics/cycles/{cycle_id}/form.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    with Pdf(response.content) as pdf:
        text = pdf.flat_text()
        assert "2025年度医务人员医德考评表" in text and unit.names[unit.staff[0]][0] in text
        assert "良好" in text and "复核：投诉部分属实，改扣5分" in text
        assert all(embedded for _, embedded in cjk_fonts(pdf))
        last = pdf.pages()
        assert pdf.qr_codes(last) == [f"{PUBLIC_URL}/verify/ethics-2025-unit-{unit.unit}"]
        pdf.artifact("ethics-form-full-year-1")
        pdf.artifact(f"ethics-form-full-year-{last}", page=last)
    workbook = await unit.office.get(f"/api/ethics/years/{year_id}/report.xlsx")
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "工号", "姓名") and len(rows) == 41
    overview = await unit.organizer.get("/api/ethics/overview.xlsx", params={"year": 2025})
    summary = list(
        openpyxl.load_workbook(io.BytesIO(overview.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert summary[1][:7] == ("单位1", 40, 6, 32, 0, 2, 0)
    batch = await unit.head_of(unit.staff[0]).get(f"/api/ethics/years/{year_id}/forms.pdf")
    with Pdf(batch.content) as pdf:
        assert pdf.pages() >= 20  # the head's department: 20 forms, at least a page each


async def _cycles(client: httpx.AsyncClient, year_id: int) -> list[dict[str, Any]]:
    return list(
        (await ok(await client.get(f"/api/ethics/years/{year_id}/cycles", params={"limit": 500})))["items"]
    )


async def _evaluate_departments(unit: Unit, year_id: int) -> None:
    for department, head in unit.heads.items():
        page = await ok(
            await head.get(
                f"/api/ethics/years/{year_id}/cycles", params={"status": "self_evaluated", "limit": 500}
            )
        )
        for c in page["items"]:
            assert unit.department[c["staff_id"]] == department  # a head sees their department only
            await ok(
                await head.post(
                    f"/api/ethics/cycles/{c['id']}/department-evaluation",
                    json={"version": c["version"], "opinion": "表现良好", "grade": "good"},
                )
            )


async def _check_the_log(unit: Unit, scope: str) -> None:
    scope_row = (
        await LedgerScope.select(LedgerScope.id, LedgerScope.size).where(LedgerScope.name == scope).first()
    )
    assert scope_row is not None
    rows = (
        await LedgerEntry.select(LedgerEntry.idx, LedgerEntry.body)
        .where(LedgerEntry.scope == scope_row["id"])
        .order_by(LedgerEntry.idx)
    )
    assert [r["idx"] for r in rows] == list(range(scope_row["size"]))
    entries = [Entry.decode(r["body"].encode()) for r in rows]
    result = replay((e.index, e.type, e.payload) for e in entries)
    assert result.ok, result.problems
    assert set(result.files.values()) == {"archived"} and len(result.files) == 40
    assert Counter(result.records.values()) == {"approved": 15, "rejected": 1, "superseded": 1}
    counts = Counter(e.type for e in entries)
    assert counts["ethics:year:opened"] == 1 and counts["ethics:file:opened"] == 40
    assert counts["ethics:cycle:self-evaluated"] == 39 and counts["ethics:cycle:self-evaluation-missing"] == 2
    assert counts["ethics:cycle:returned"] == 1 and counts["ethics:cycle:department-evaluated"] == 40
    assert counts["ethics:year:graded"] == 1 and counts["ethics:quota:tie-decided"] == 1
    assert counts["ethics:cycle:unit-evaluated"] == 40 and counts["ethics:cycle:publicized"] == 40
    assert counts["ethics:cycle:appeal-lodged"] == 1 and counts["ethics:cycle:appeal-decided"] == 1
    assert counts["ethics:cycle:republicized"] == 1 and counts["ethics:cycle:finalized"] == 40
    assert counts["ethics:cycle:archived"] == 40 and counts["ethics:record:evidence-attached"] == 8
    assert counts["ethics:sms-import:previewed"] == 1 and counts["ethics:sms-import:committed"] == 1
    assert counts["ethics:inpatient:submitted"] == 1
    text = "\n".join(r["body"] for r in rows)
    for name, staff_no in unit.names.values():
        assert name not in text and staff_no not in text
    for secret in (
        "语气生硬推诿",
        "现金八百元",
        "全年坚守岗位",
        "总结过于简单",
        "监控",
        "考评委员会会议",
        "ZY2025",
    ):
        assert secret not in text
    graded = next(e for e in entries if e.type == "ethics:year:graded")
    assert graded.payload["files"] == 40 and len(graded.payload["results_sha256"]) == 64
    assert json.loads(json.dumps(graded.payload))["groups"][0]["tie"] is True
