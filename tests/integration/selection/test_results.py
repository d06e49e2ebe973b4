"""Close of a campaign: ties broken by lots or a committed seed, objections outside the window,
dismissed objections, ballot disqualification limits."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx
import pytest

from tests.support.selection import (
    Voting,
    act,
    client_for,
    make_team,
    ok,
    signed_ballot,
    small_rules,
    voting_campaign,
)
from workflow.clock import FixedClock
from workflow.ledger.tables import LedgerEntry
from workflow.runtime import Runtime
from workflow.selection.rules import TieBreak, TieMethod

pytestmark = pytest.mark.usefixtures("clean_db")
SEED = "评审委员会2026年7月1日公开种子"


async def _tied(team, v: Voting) -> None:  # type: ignore[no-untyped-def]
    """c0 first; c1 and c2 tie for the second and last winning place; c3 last."""
    for i in range(3):
        body = signed_ballot(v.census.private_rows[i].credential, v.uid, v.rules_hash, [v.candidates[i]])
        await ok(await team.public.post(f"/api/public/campaigns/{v.id}/ballots", json=body), 201)
    for candidate, score in zip(v.nominations, (90, 80, 80, 50), strict=True):
        for reviewer in team.reviewers[:1]:
            await ok(
                await reviewer.put(
                    f"/api/nominations/{candidate}/scores",
                    json={"scores": {"ethics": score, "skill": score, "deeds": score}},
                )
            )
    await act(team.organizer, v.id, "close_voting")
    await act(team.organizer, v.id, "seal")


async def test_a_tie_at_the_last_winning_place_waits_for_the_drawing_of_lots(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=2, staff_per_unit=2)
    v = await voting_campaign(rt, org=team.org)
    try:
        await _tied(team, v)
        tie = await act(team.organizer, v.id, "tally", expect=409)
        assert tie["type"] == "urn:yide:problem:tie-unresolved"
        assert tie["candidates"] == sorted(v.candidates[1:3])
        bad = await team.organizer.post(f"/api/campaigns/{v.id}/tie-break", json={"lots": ["n999"]})
        assert bad.status_code == 400
        both = await team.organizer.post(f"/api/campaigns/{v.id}/tie-break", json={"lots": [], "seed": "x"})
        assert both.status_code == 400
        lots = [v.candidates[2], v.candidates[1]]
        await ok(await team.organizer.post(f"/api/campaigns/{v.id}/tie-break", json={"lots": lots}), 200)
        await act(team.organizer, v.id, "tally")
        result = (await ok(await team.auditor.get(f"/api/campaigns/{v.id}/results"), 200))[0]["result"]
        assert result["winners"] == [v.candidates[0], v.candidates[2]]
        assert result["tie_lots"] == lots
        assert [c["rank"] for c in result["candidates"]] == [1, 2, 2, 4]
        types = [r["event_type"] for r in await LedgerEntry.select(LedgerEntry.event_type)]
        assert "selection:tie:lots-drawn" in types
    finally:
        await team.close()


async def test_a_committed_seed_breaks_the_tie(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=2, staff_per_unit=2)
    commitment = hashlib.sha256(SEED.encode()).hexdigest()
    rules = small_rules(tie_break=TieBreak(method=TieMethod.PUBLISHED_SEED, seed_commitment=commitment))
    v = await voting_campaign(rt, rules=rules, org=team.org)
    try:
        await _tied(team, v)
        await act(team.organizer, v.id, "tally", expect=409)
        wrong = await team.organizer.post(f"/api/campaigns/{v.id}/tie-break", json={"seed": "猜的种子"})
        assert wrong.status_code == 400 and wrong.json()["field"] == "seed"
        lots = await team.organizer.post(f"/api/campaigns/{v.id}/tie-break", json={"lots": v.candidates[:2]})
        assert lots.status_code == 400
        await ok(await team.organizer.post(f"/api/campaigns/{v.id}/tie-break", json={"seed": SEED}), 200)
        await act(team.organizer, v.id, "tally")
        result = (await ok(await team.auditor.get(f"/api/campaigns/{v.id}/results"), 200))[0]["result"]
        assert result["tie_seed"] == SEED and len(result["winners"]) == 2
    finally:
        await team.close()


async def _objection(client: httpx.AsyncClient, cid: int, candidate: str) -> httpx.Response:
    body = {
        "candidate": candidate,
        "name": "张某",
        "unit": "某卫生院",
        "contact": "13500000000",
        "content": "反映情况",
    }
    return await client.post(f"/api/public/campaigns/{cid}/objections", json=body)


async def test_objections_before_the_notice_are_refused_and_a_dismissal_needs_no_recount(
    rt: Runtime, app, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=2, staff_per_unit=2)
    v = await voting_campaign(rt, org=team.org)
    try:
        for i in range(4):
            body = signed_ballot(
                v.census.private_rows[i].credential, v.uid, v.rules_hash, [v.candidates[i % 4]]
            )
            await ok(await team.public.post(f"/api/public/campaigns/{v.id}/ballots", json=body), 201)
        for n, score in zip(v.nominations, (91, 82, 73, 64), strict=True):
            await ok(
                await team.reviewer.put(
                    f"/api/nominations/{n}/scores",
                    json={"scores": {"ethics": score, "skill": 70, "deeds": 70}},
                )
            )
        for action in ("close_voting", "seal", "tally"):
            await act(team.organizer, v.id, action)
        early = await _objection(team.public, v.id, v.candidates[0])
        assert early.status_code == 409 and early.json()["codes"] == ["before_window"]
        assert (await team.public.get(f"/api/public/campaigns/{v.id}/result")).status_code == 404
        await act(team.organizer, v.id, "publish_result")
        lodged = await ok(await _objection(team.public, v.id, v.candidates[0]))
        assert lodged["receipt"] and lodged["status"] == "lodged"
        ghost = await _objection(team.public, v.id, "n999999")
        assert ghost.status_code == 404
        listed = await ok(await team.reviewer.get(f"/api/campaigns/{v.id}/objections"), 200)
        too_soon = await team.reviewer.post(f"/api/objections/{listed[0]['id']}/review", json={"version": 1})
        assert too_soon.status_code == 409  # the campaign's objection review has not started
        await act(team.organizer, v.id, "review_objections")
        assert (
            await team.unit_admins[team.org.units[0]].get(f"/api/campaigns/{v.id}/objections")
        ).status_code == 403
        objection = await ok(
            await team.reviewer.post(f"/api/objections/{listed[0]['id']}/review", json={"version": 1}), 200
        )
        confused = await team.reviewer.post(
            f"/api/objections/{objection['id']}/resolution",
            json={"decision": "dismiss", "reason": "查无实据", "disqualify": True},
        )
        assert confused.status_code == 400
        dismissed = await ok(
            await team.reviewer.post(
                f"/api/objections/{objection['id']}/resolution",
                json={"decision": "dismiss", "reason": "查无实据"},
            ),
            200,
        )
        assert dismissed["executed"]
        results = await ok(await team.auditor.get(f"/api/campaigns/{v.id}/results"), 200)
        assert [r["kind"] for r in results] == ["tally"]
        await act(team.organizer, v.id, "recount", expect=409)  # nobody was disqualified
        await act(team.organizer, v.id, "resolve_objections")
        await act(team.organizer, v.id, "announce", expect=409)  # the 公示 is still running
        clock.advance(timedelta(days=10))
        await team.relogin()
        await act(team.organizer, v.id, "announce")
        notice = await ok(await team.public.get(f"/api/public/campaigns/{v.id}/notice"), 200)
        assert "异议不成立" in notice["announcement"]
    finally:
        await team.close()


async def test_ballots_are_disqualified_only_before_the_seal(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=2, staff_per_unit=2)
    v = await voting_campaign(rt, org=team.org)
    client = client_for(app)
    try:
        body = signed_ballot(v.census.private_rows[0].credential, v.uid, v.rules_hash, [v.candidates[0]])
        code = (await ok(await client.post(f"/api/public/campaigns/{v.id}/ballots", json=body), 201))[
            "tracking_code"
        ]
        url = f"/api/campaigns/{v.id}/ballot-disqualifications"
        unknown = await team.organizer.post(url, json={"tracking_codes": ["0" * 64], "reason": "刷票"})
        assert unknown.status_code == 404
        await ok(await team.organizer.post(url, json={"tracking_codes": [code], "reason": "刷票"}), 200)
        assert (
            await team.organizer.post(url, json={"tracking_codes": [code], "reason": "刷票"})
        ).status_code == 409
        assert (
            await team.reviewer.post(url, json={"tracking_codes": [code], "reason": "x"})
        ).status_code == 403
        report = await team.organizer.get(f"/api/campaigns/{v.id}/antibrush", params={"burst_count": 1})
        assert report.status_code == 400  # thresholds are bounded
        await act(team.organizer, v.id, "close_voting")
        await act(team.organizer, v.id, "seal")
        late = await team.organizer.post(url, json={"tracking_codes": [code], "reason": "刷票"})
        assert late.status_code == 409
        seal = await ok(await client.get(f"/api/public/campaigns/{v.id}/seal"), 200)
        assert [e["disposition"] for e in seal["entries"]] == ["disqualified"]
    finally:
        await client.aclose()
        await team.close()
