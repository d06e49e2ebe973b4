"""A small campaign through HTTP, step by step (the long story with every rule is test_end_to_end)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.selection import (
    GOOD_FACTS,
    act,
    campaign,
    census,
    make_team,
    ok,
    rules_json,
    shortlist_all,
    signed_ballot,
    small_rules,
)
from workflow.clock import FixedClock
from workflow.ledger.tables import LedgerEntry
from workflow.runtime import Runtime

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_a_small_campaign_from_draft_to_archive(rt: Runtime, app, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    team = await make_team(rt, app, units=2, staff_per_unit=3)
    try:
        created = await ok(
            await team.organizer.post(
                "/api/campaigns", json={"title": "测试评选", "rules": rules_json(small_rules())}
            )
        )
        cid = created["id"]
        assert created["status"] == "draft"
        await act(team.organizer, cid, "open_nominations")
        for unit in team.org.units:
            for staff in team.org.staff[unit][:2]:
                await ok(
                    await team.unit_admins[unit].post(
                        f"/api/campaigns/{cid}/nominations",
                        json={"staff_id": staff, "deeds": "事迹", "declared": GOOD_FACTS},
                    )
                )
        await act(team.organizer, cid, "close_nominations")
        await act(team.organizer, cid, "start_review")
        nominations = await ok(await team.reviewer.get(f"/api/campaigns/{cid}/nominations"), 200)
        await shortlist_all(team.reviewer, nominations)
        await act(team.organizer, cid, "freeze_shortlist")
        view = await campaign(team.organizer, cid)
        the_census = census(view["uid"], 5)
        listed = await ok(
            await team.authority.post(
                f"/api/campaigns/{cid}/credentials",
                json={
                    "credentials": [
                        {"public_key": c.public_key, "weight": c.weight} for c in the_census.public
                    ]
                },
            )
        )
        assert listed["count"] == 5
        await act(team.organizer, cid, "open_voting")
        candidates = view["candidates"]
        receipts = []
        for i, row in enumerate(the_census.private_rows):
            body = signed_ballot(row.credential, view["uid"], view["rules_hash"], [candidates[i % 2]])
            receipts.append(
                await ok(await team.public.post(f"/api/public/campaigns/{cid}/ballots", json=body), 201)
            )
        assert len({r["tracking_code"] for r in receipts}) == 5
        bad = await team.public.post(f"/api/public/campaigns/{cid}/ballots", json={"payload": "x"})
        assert bad.status_code == 400 and bad.json()["reason_code"] == "malformed"
        for n in nominations:
            await ok(
                await team.reviewer.put(
                    f"/api/nominations/{n['id']}/scores",
                    json={"scores": {"ethics": 80, "skill": 70, "deeds": 90}},
                )
            )
        await act(team.organizer, cid, "close_voting")
        await act(team.organizer, cid, "seal")
        seal = await ok(await team.public.get(f"/api/public/campaigns/{cid}/seal"), 200)
        assert len(seal["entries"]) == 5
        await act(team.organizer, cid, "tally")
        await act(team.organizer, cid, "publish_result")
        notice = await ok(await team.public.get(f"/api/public/campaigns/{cid}/notice"), 200)
        assert "公示" in notice["notice"]
        clock.advance(timedelta(days=10))
        await team.relogin()
        await act(team.organizer, cid, "announce")
        await act(team.organizer, cid, "archive")
        result = await ok(await team.public.get(f"/api/public/campaigns/{cid}/result"), 200)
        assert result["final"] and len(result["result"]["winners"]) == 2
        types = [r["event_type"] for r in await LedgerEntry.select(LedgerEntry.event_type)]
        assert types.count("selection:ballot:accepted") == 5
        assert "selection:ballot:rejected" in types
    finally:
        await team.close()
