"""Campaign settings, lifecycle actions, N-of-M approvals and the scheduler, through HTTP."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import msgspec
import pytest

from tests.support.selection import act, campaign, make_team, ok, rules_json, small_rules, voting_campaign
from workflow.clock import FixedClock
from workflow.runtime import Runtime
from workflow.selection.rules import Eligibility, EthicsGradeRule, FactSource
from workflow.selection.service_campaigns import run_due
from workflow.selection.tables import Campaign

pytestmark = pytest.mark.usefixtures("clean_db")


async def _create(client: httpx.AsyncClient, **body: object) -> httpx.Response:
    return await client.post("/api/campaigns", json={"title": "评选", **body})


async def test_rules_are_checked_with_every_problem_at_once(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=1, staff_per_unit=1)
    try:
        bad = rules_json(small_rules())
        bad["winners"] = 9  # more than the shortlist of 4
        bad["ballot"]["min_choices"] = 0  # blank ballots without blank_allowed
        bad["scoring"]["votes_percent"] = 50  # 50 + 70 != 100
        response = await _create(team.organizer, rules=bad)
        assert response.status_code == 400
        problem = response.json()
        assert problem["type"] == "urn:yide:problem:invalid-input"
        codes = {p["code"] for p in problem["problems"]}
        assert codes >= {"winners_exceed_shortlist", "zero_min_without_blank", "weights_not_100"}
        ethics = msgspec.structs.replace(
            small_rules(),
            eligibility=Eligibility(ethics_grade_last_year=EthicsGradeRule(source=FactSource.ETHICS_FILES)),
        )
        refused = await _create(team.organizer, rules=rules_json(ethics))
        assert "ethics_files_unavailable" in {p["code"] for p in refused.json()["problems"]}
        unknown = await _create(team.organizer, rules={**rules_json(small_rules()), "surprise": 1})
        assert unknown.status_code == 400 and unknown.json()["type"] == "urn:yide:problem:validation-failed"
        defaults = await ok(await _create(team.organizer))
        assert defaults["rules"]["eligibility"]["ethics_grade_last_year"]["source"] == "declared"
        assert len(defaults["rules_hash"]) == 64 and defaults["status"] == "draft"
    finally:
        await team.close()


async def test_schedules_and_calendars_are_validated(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=1, staff_per_unit=1)
    try:
        order = await _create(
            team.organizer,
            schedule={
                "voting_opens_at": "2026-07-02T09:00:00+08:00",
                "voting_closes_at": "2026-07-01T09:00:00+08:00",
            },
        )
        assert order.status_code == 400 and order.json()["field"] == "voting_closes_at"
        naive = await _create(team.organizer, schedule={"voting_opens_at": "2026-07-02T09:00:00"})
        assert naive.status_code == 400
        weekday_makeup = await _create(team.organizer, workdays=["2026-07-01"])  # a Wednesday
        assert weekday_makeup.status_code == 400 and weekday_makeup.json()["field"] == "workdays"
        panel = await _create(team.organizer, approvals={"required": 2, "panel": [team.account_ids["ca"]]})
        assert panel.status_code == 400 and panel.json()["field"] == "approvals.panel"
    finally:
        await team.close()


async def test_updates_respect_versions_and_freezes(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=1, staff_per_unit=1)
    try:
        created = await ok(await _create(team.organizer, rules=rules_json(small_rules())))
        cid = created["id"]
        stale = await team.organizer.patch(f"/api/campaigns/{cid}", json={"version": 99, "title": "新"})
        assert stale.status_code == 409 and stale.json()["type"] == "urn:yide:problem:stale-version"
        renamed = await ok(
            await team.organizer.patch(
                f"/api/campaigns/{cid}",
                json={
                    "version": created["version"],
                    "title": "新名称",
                    "rules": rules_json(small_rules(winners=1)),
                },
            ),
            200,
        )
        assert renamed["rules"]["winners"] == 1 and renamed["rules_hash"] != created["rules_hash"]
        nothing = await team.organizer.patch(f"/api/campaigns/{cid}", json={"version": renamed["version"]})
        assert nothing.status_code == 400
        await act(team.organizer, cid, "open_nominations")
        view = await campaign(team.organizer, cid)
        locked = await team.organizer.patch(
            f"/api/campaigns/{cid}",
            json={"version": view["version"], "approvals": {"required": 1, "initiator_counts": False}},
        )
        assert locked.status_code == 409
        reviewer = await team.reviewer.patch(
            f"/api/campaigns/{cid}", json={"version": view["version"], "title": "x"}
        )
        assert reviewer.status_code == 403 and reviewer.json()["type"] == "urn:yide:problem:role-required"
    finally:
        await team.close()


async def test_illegal_actions_say_what_is_allowed_and_cancel_needs_a_reason(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=1, staff_per_unit=1)
    try:
        cid = (await ok(await _create(team.organizer)))["id"]
        sealed = await act(team.organizer, cid, "seal", expect=409)
        assert sealed["type"] == "urn:yide:problem:illegal-transition"
        assert sealed["allowed"] == ["cancel", "open_nominations"]
        review = await act(team.organizer, cid, "open_nominations")
        assert review["status"] == "nomination_open"
        await act(team.organizer, cid, "close_nominations")
        empty = await act(team.organizer, cid, "start_review", expect=409)
        assert empty["type"] == "urn:yide:problem:precondition-failed"
        assert empty["reasons"] == ["no unit has nominated anyone"]
        await act(team.organizer, cid, "cancel", expect=400)
        cancelled = await act(team.organizer, cid, "cancel", note="上级通知暂停评选")
        assert cancelled["status"] == "cancelled"
        public = await team.public.get(f"/api/public/campaigns/{cid}")
        assert public.status_code == 200 and "approvals" not in public.json()
        draft = (await ok(await _create(team.organizer)))["id"]
        assert (await team.public.get(f"/api/public/campaigns/{draft}")).status_code == 404
        listed = await ok(await team.public.get("/api/public/campaigns"), 200)
        assert [c["id"] for c in listed] == [cid]
    finally:
        await team.close()


async def test_n_of_m_with_the_initiator_counting_then_lapse_and_withdraw(
    rt: Runtime, app, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=2, staff_per_unit=2, organizers=2)
    v = await voting_campaign(rt, org=team.org)
    try:
        ids = team.account_ids
        # a 2-of-3 policy with the initiator counting (set directly: the policy is fixed after draft)
        await Campaign.update(
            {
                Campaign.approvals_required: 2,
                Campaign.approval_panel: f"[{ids['org0']}, {ids['org1']}, {ids['rev0']}]",
                Campaign.initiator_counts: True,
            }
        ).where(Campaign.id == v.id)
        asked = await act(team.organizer, v.id, "close_voting", expect=202)
        assert asked["request"]["counted"] == 1 and asked["request"]["initiator_counts"]
        rid = asked["request"]["id"]
        # any change to the campaign lapses the request: pausing bumps the version
        await act(team.organizer, v.id, "pause_voting")
        late = await team.organizers[1].post(f"/api/approval-requests/{rid}/approve")
        assert late.status_code == 202  # joins a fresh request instead: the old one lapsed
        requests = await ok(await team.auditor.get(f"/api/campaigns/{v.id}/approval-requests"), 200)
        assert [r["status"] for r in requests] == ["lapsed", "open"]
        fresh = requests[1]
        assert fresh["approvers"] == [ids["org1"]]
        withdrawn = await ok(
            await team.organizers[1].post(f"/api/approval-requests/{fresh['id']}/withdraw"), 200
        )
        assert withdrawn["status"] == "withdrawn"
        again = await act(team.organizer, v.id, "close_voting", expect=202)
        done = await ok(
            await team.reviewer.post(f"/api/approval-requests/{again['request']['id']}/approve"), 200
        )
        assert done["executed"] and done["status"] == "voting_closed"
        clock.advance(timedelta(hours=100))
        await team.relogin()
        stale = await act(team.organizer, v.id, "seal", expect=202)
        clock.advance(timedelta(hours=73))  # requests expire after the policy's 72 hours
        await team.relogin()
        expired = await team.organizers[1].post(f"/api/approval-requests/{stale['request']['id']}/approve")
        assert expired.status_code == 202 and expired.json()["request"]["id"] != stale["request"]["id"]
    finally:
        await team.close()


async def test_the_scheduler_opens_and_closes_phases_once(rt: Runtime, app, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=1, staff_per_unit=1)
    try:
        opens = clock.now() + timedelta(hours=1)
        created = await ok(
            await _create(
                team.organizer,
                schedule={
                    "nomination_opens_at": opens.isoformat(),
                    "nomination_closes_at": (opens + timedelta(days=2)).isoformat(),
                },
            )
        )
        cid = created["id"]
        assert await run_due(rt) == []
        clock.advance(timedelta(hours=1))
        results = await asyncio.gather(run_due(rt), run_due(rt), run_due(rt))
        assert [done for result in results for done in result] == [(cid, "open_nominations")]
        clock.advance(timedelta(days=2))
        await team.relogin()
        assert await run_due(rt) == [(cid, "close_nominations")]
        view = await campaign(team.organizer, cid)
        assert view["status"] == "nomination_closed"
        moved = await team.organizer.patch(
            f"/api/campaigns/{cid}",
            json={"version": view["version"], "schedule": {"nomination_opens_at": clock.now().isoformat()}},
        )
        assert moved.status_code == 409  # a phase that has begun keeps its time
    finally:
        await team.close()


async def test_the_credential_authority_is_never_the_organizer(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    from workflow.accounts import service as accounts
    from workflow.accounts.roles import OPERATOR, Grant, Role
    from workflow.errors import DomainError

    team = await make_team(rt, app, units=1, staff_per_unit=1)
    try:
        with pytest.raises(DomainError):
            await accounts.create_account(
                rt,
                username="both-hats",
                display_name="x",
                password="correct-horse-battery",
                grants=[Grant(Role.ORGANIZER), Grant(Role.CREDENTIAL_AUTHORITY)],
                staff_id=None,
                actor=OPERATOR.ledger_actor,
            )
        cid = (await ok(await _create(team.organizer)))["id"]
        key = {"public_key": "A" * 43, "weight": 1}
        for client in (team.organizer, team.reviewer, team.auditor):
            denied = await client.post(f"/api/campaigns/{cid}/credentials", json={"credentials": [key]})
            assert denied.status_code == 403 and denied.json()["type"] == "urn:yide:problem:role-required"
    finally:
        await team.close()
