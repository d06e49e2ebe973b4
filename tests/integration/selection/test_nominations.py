"""Nominations: quota and eligibility with reasons, scoping, files, review guards, expert scores."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec
import pytest

from tests.support.selection import GOOD_FACTS, Team, act, make_team, ok, review, rules_json, small_rules
from workflow.accounts.roles import OPERATOR
from workflow.keystore import MemoryKeyStore
from workflow.notify.sms import FakeSmsGateway
from workflow.runtime import GradeYear, Runtime
from workflow.selection import service_campaigns as campaigns
from workflow.selection import service_nominations as nominations
from workflow.selection.nomination import NomineeFacts
from workflow.selection.rules import FactSource, NominationQuota

pytestmark = pytest.mark.usefixtures("clean_db")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)
PDF = b"%PDF-1.7\n" + bytes(100)


async def _open(team: Team, **rules: Any) -> int:
    created = await ok(
        await team.organizer.post(
            "/api/campaigns", json={"title": "评选", "rules": rules_json(small_rules(**rules))}
        )
    )
    await act(team.organizer, created["id"], "open_nominations")
    return int(created["id"])


async def _nominate(client: httpx.AsyncClient, cid: int, staff: int, **facts: Any) -> httpx.Response:
    body = {"staff_id": staff, "deeds": "事迹突出", "declared": {**GOOD_FACTS, **facts}}
    return await client.post(f"/api/campaigns/{cid}/nominations", json=body)


async def test_every_failing_rule_comes_back_with_its_reason(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=2, staff_per_unit=4)
    try:
        cid = await _open(team, quota=NominationQuota(per_unit_max=2, total_max=3))
        a, b = team.org.units
        admin_a, admin_b = team.unit_admins[a], team.unit_admins[b]
        refused = await _nominate(
            admin_a,
            cid,
            team.org.staff[a][0],
            has_licence=False,
            service_start=None,
            discipline_actions=["2025-01-01"],
            ethics_grades=[{"year": 2025, "grade": "fair"}, {"year": 2024, "grade": "poor"}],
        )
        assert refused.status_code == 400
        reasons = {p["code"]: p["reason_zh"] for p in refused.json()["problems"]}
        assert set(reasons) == {
            "eligibility.licence",
            "eligibility.service_years",
            "eligibility.no_discipline",
            "eligibility.ethics_grade_last_year",
            "eligibility.no_poor_grade",
        }
        assert reasons["eligibility.licence"] == "无执业资格证书"
        assert refused.json()["reasons_zh"]
        await ok(await _nominate(admin_a, cid, team.org.staff[a][0]))
        again = await _nominate(admin_a, cid, team.org.staff[a][0])
        assert again.status_code == 409 and again.json()["field"] == "staff_id"
        await ok(await _nominate(admin_a, cid, team.org.staff[a][1]))
        over_unit = await _nominate(admin_a, cid, team.org.staff[a][2])
        assert [p["code"] for p in over_unit.json()["problems"]] == ["quota.unit_max"]
        await ok(await _nominate(admin_b, cid, team.org.staff[b][0]))
        over_total = await _nominate(admin_b, cid, team.org.staff[b][1])
        assert [p["code"] for p in over_total.json()["problems"]] == ["quota.total_max"]
        assert (await _nominate(admin_a, cid, team.org.staff[b][2])).status_code == 404
        assert (await _nominate(team.reviewer, cid, team.org.staff[a][3])).status_code == 403
        mine = await ok(await admin_b.get(f"/api/campaigns/{cid}/nominations"), 200)
        assert {n["unit_id"] for n in mine} == {b}
        everyone = await ok(await team.reviewer.get(f"/api/campaigns/{cid}/nominations"), 200)
        assert len(everyone) == 3
        other = everyone[0]
        assert (await admin_b.get(f"/api/nominations/{other['id']}")).status_code == 404
        await act(team.organizer, cid, "close_nominations")
        late = await _nominate(admin_b, cid, team.org.staff[b][3])
        assert late.status_code == 409
    finally:
        await team.close()


async def test_files_are_typed_by_their_bytes_sized_and_scoped(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=2, staff_per_unit=2)
    try:
        cid = await _open(team)
        a, b = team.org.units
        admin_a = team.unit_admins[a]
        nomination = await ok(await _nominate(admin_a, cid, team.org.staff[a][0]))
        url = f"/api/nominations/{nomination['id']}/files"

        async def upload(
            content: bytes, kind: str, name: str = "f.bin", client: httpx.AsyncClient = admin_a
        ) -> httpx.Response:
            return await client.post(url, files={"file": (name, content)}, data={"kind": kind})

        photo = await ok(await upload(PNG, "photo", "me.jpg"))  # the name says JPEG; the bytes say PNG
        assert photo["media_type"] == "image/png" and len(photo["sha256"]) == 64
        script = await upload(b"<script>alert(1)</script>", "photo", "x.png")
        assert script.status_code == 400 and "photo must be one of" in script.json()["detail"]
        assert (await upload(PDF, "photo")).status_code == 400  # a PDF is no photo
        assert (await upload(PNG + bytes(2 * 1024 * 1024), "photo")).status_code == 400
        assert (await upload(b"", "attachment")).status_code == 400
        assert (await upload(PNG, "music")).status_code == 400
        for _ in range(5):
            await ok(await upload(PDF, "attachment", "证书.pdf"))
        sixth = await upload(PDF, "attachment")
        assert sixth.status_code == 409
        await ok(await upload(PNG, "photo"))  # replaces the first photo
        view = await ok(await admin_a.get(f"/api/nominations/{nomination['id']}"), 200)
        assert [f["kind"] for f in view["files"]].count("photo") == 1
        first = view["files"][0]
        download = await team.reviewer.get(f"{url}/{first['id']}")
        assert download.status_code == 200 and download.headers["x-content-type-options"] == "nosniff"
        assert (await team.unit_admins[b].get(f"{url}/{first['id']}")).status_code == 404
        assert (await upload(PNG, "photo", client=team.unit_admins[b])).status_code == 404
        public = await team.public.get(f"/api/public/campaigns/{cid}/candidates/n{nomination['id']}/photo")
        assert public.status_code == 404  # not on a ballot yet
    finally:
        await team.close()


async def test_review_guards_and_scores(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=1, staff_per_unit=4)
    try:
        cid = await _open(
            team,
            shortlist_size=2,
            winners=1,
            ballot=small_rules().ballot.__class__(min_choices=1, max_choices=1),
        )
        unit = team.org.units[0]
        for person in team.org.staff[unit][:2]:
            await ok(await _nominate(team.unit_admins[unit], cid, person))
        third = await ok(await _nominate(team.unit_admins[unit], cid, team.org.staff[unit][2]))
        early = await team.reviewer.post(
            f"/api/nominations/{third['id']}/review", json={"action": "approve", "version": third["version"]}
        )
        assert early.status_code == 409  # reviews happen once the campaign is under review
        await act(team.organizer, cid, "close_nominations")
        await act(team.organizer, cid, "start_review")
        withdrawn = await ok(
            await team.unit_admins[unit].post(
                f"/api/nominations/{third['id']}/withdraw", json={"version": 1}
            ),
            200,
        )
        assert withdrawn["status"] == "withdrawn"
        listed = [
            n
            for n in await ok(await team.reviewer.get(f"/api/campaigns/{cid}/nominations"), 200)
            if n["status"] == "submitted"
        ]
        unconfirmed = await team.reviewer.post(
            f"/api/nominations/{listed[0]['id']}/review",
            json={"action": "approve", "version": listed[0]["version"]},
        )
        assert unconfirmed.json()["reasons"] == [
            "confirm the declared facts (confirm_declarations) before approving"
        ]
        no_reason = await team.reviewer.post(
            f"/api/nominations/{listed[0]['id']}/review",
            json={"action": "reject", "version": listed[0]["version"]},
        )
        assert no_reason.status_code == 409 and no_reason.json()["reasons"] == [
            "a written reason is required"
        ]
        for n in listed:
            approved = await review(team.reviewer, n, "approve", confirm_declarations=True)
            recommended = await review(team.reviewer, approved, "recommend")
            await review(team.reviewer, recommended, "shortlist")
        score = await team.reviewer.put(
            f"/api/nominations/{listed[0]['id']}/scores", json={"scores": {"ethics": 90}}
        )
        assert score.status_code == 409  # experts score once the shortlist is frozen
        await act(team.organizer, cid, "freeze_shortlist")
        path = f"/api/nominations/{listed[0]['id']}/scores"
        partial = await team.reviewer.put(path, json={"scores": {"ethics": 90}})
        assert partial.status_code == 400 and partial.json()["criteria"] == ["deeds", "ethics", "skill"]
        high = await team.reviewer.put(path, json={"scores": {"ethics": 101, "skill": 50, "deeds": 50}})
        assert high.status_code == 400
        await ok(await team.reviewer.put(path, json={"scores": {"ethics": 90, "skill": 80, "deeds": 70}}))
        await ok(await team.reviewers[1].put(path, json={"scores": {"ethics": 60, "skill": 80, "deeds": 70}}))
        await ok(await team.reviewer.put(path, json={"scores": {"ethics": 95, "skill": 80, "deeds": 70}}))
        sheets = await ok(await team.auditor.get(f"/api/campaigns/{cid}/scores"), 200)
        assert sorted(s["scores"]["ethics"] for s in sheets) == [60, 95]
        assert (await team.unit_admins[unit].get(f"/api/campaigns/{cid}/scores")).status_code == 403
        cards = await ok(await team.public.get(f"/api/public/campaigns/{cid}/candidates"), 200)
        assert len(cards) == 2 and cards[0]["deeds"] == "事迹突出"
    finally:
        await team.close()


class Files:
    """An ethics feed standing in for the ethics files (the real one comes with issue 6)."""

    available = True

    def __init__(self, grades: dict[int, tuple[GradeYear, ...]]) -> None:
        self.grades = grades

    async def grade_history(self, staff_id: int) -> tuple[GradeYear, ...] | None:
        return self.grades.get(staff_id)


async def test_ethics_grades_come_from_the_files_when_a_feed_exists(rt: Runtime) -> None:
    from tests.support.factories import make_org

    org = await make_org(rt, units=1, staff_per_unit=3)
    good, poor, unknown = org.staff[org.units[0]]
    files = Files(
        {
            good: (GradeYear(2025, "excellent"), GradeYear(2024, "good")),
            poor: (GradeYear(2025, "good"), GradeYear(2023, "poor")),
        }
    )
    with_files = Runtime(rt.settings, MemoryKeyStore(), rt.clock, sms=FakeSmsGateway(), ethics=files)
    rules = small_rules()
    eligibility = msgspec.structs.replace(
        rules.eligibility,
        ethics_grade_last_year=msgspec.structs.replace(
            rules.eligibility.ethics_grade_last_year, source=FactSource.ETHICS_FILES
        ),
        no_poor_grade=msgspec.structs.replace(
            rules.eligibility.no_poor_grade, source=FactSource.ETHICS_FILES
        ),
    )
    rules = msgspec.structs.replace(rules, eligibility=eligibility)
    with pytest.raises(Exception, match="problem"):  # without the feed these rules are refused
        await campaigns.create_campaign(rt, OPERATOR, campaigns.CampaignSpec(title="x", rules=rules))
    view = await campaigns.create_campaign(
        with_files, OPERATOR, campaigns.CampaignSpec(title="x", rules=rules)
    )
    await campaigns.act(
        with_files, OPERATOR, view["id"], action="open_nominations", expected_version=view["version"]
    )
    declared = msgspec.convert({**GOOD_FACTS, "ethics_grades": None}, NomineeFacts)
    accepted = await nominations.submit_nomination(
        with_files, OPERATOR, view["id"], staff_id=good, deeds="事迹", declared=declared
    )
    codes = {c["code"]: c["verdict"] for c in accepted["checks"]}
    assert codes["eligibility.ethics_grade_last_year"] == "passed"  # from the files: no reviewer check
    for person, failing in (
        (poor, "eligibility.no_poor_grade"),
        (unknown, "eligibility.ethics_grade_last_year"),
    ):
        with pytest.raises(nominations.NominationRefused) as refused:
            await nominations.submit_nomination(
                with_files, OPERATOR, view["id"], staff_id=person, deeds="事迹", declared=declared
            )
        assert failing in {p["code"] for p in refused.value.extra["problems"]}


async def test_the_production_runtime_reads_grades_from_the_ethics_files(rt: Runtime) -> None:
    from tests.support.factories import make_org
    from workflow.ethics.feed import FilesEthicsFeed

    assert isinstance(Runtime.production(rt.settings).ethics, FilesEthicsFeed)
    files = Runtime(rt.settings, MemoryKeyStore(), rt.clock, sms=FakeSmsGateway(), ethics=FilesEthicsFeed())
    org = await make_org(rt, units=1, staff_per_unit=1)
    default = await campaigns.create_campaign(files, OPERATOR, campaigns.CampaignSpec(title="x"))
    assert default["rules"]["eligibility"]["ethics_grade_last_year"]["source"] == "ethics_files"
    await campaigns.act(files, OPERATOR, default["id"], action="open_nominations", expected_version=1)
    declared = msgspec.convert({**GOOD_FACTS, "ethics_grades": None}, NomineeFacts)
    with pytest.raises(nominations.NominationRefused) as refused:  # no evaluation year in the files yet
        await nominations.submit_nomination(
            files,
            OPERATOR,
            default["id"],
            staff_id=org.staff[org.units[0]][0],
            deeds="事迹",
            declared=declared,
        )
    reasons = {p["code"]: p["reason_zh"] for p in refused.value.extra["problems"]}
    assert reasons["eligibility.ethics_grade_last_year"].startswith("医德档案缺少")
