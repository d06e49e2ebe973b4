"""The public channel: one-time codes, voting tokens, daily caps, turnout, finding a ballot."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from tests.support.selection import client_for, signed_ballot, small_rules, voting_campaign
from workflow.clock import FixedClock
from workflow.keystore import MemoryKeyStore
from workflow.ledger.tables import LedgerEntry, LedgerScope
from workflow.notify.sms import DevSmsGateway, FakeSmsGateway
from workflow.notify.tables import SmsOutbox
from workflow.runtime import Runtime
from workflow.selection import service_voting as voting
from workflow.selection.rules import Channels, LiveResults, StaffChannel
from workflow.selection.tables import Ballot

pytestmark = pytest.mark.usefixtures("clean_db")
PHONE = "138 0013 8000"


async def _token(client: httpx.AsyncClient, rt: Runtime, cid: int, phone: str = PHONE) -> str:
    sent = await client.post(f"/api/public/campaigns/{cid}/phone-codes", json={"phone": phone})
    assert sent.status_code == 202, sent.text
    code = rt.sms.last_code("+86" + phone.replace(" ", ""))  # type: ignore[attr-defined]
    verified = await client.post(
        f"/api/public/campaigns/{cid}/phone-codes/verify", json={"phone": phone, "code": code}
    )
    assert verified.status_code == 200, verified.text
    return str(verified.json()["token"])


async def test_codes_expire_allow_few_attempts_and_are_throttled(rt: Runtime, app, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    clock.set(clock.now().replace(minute=1, second=0))  # the hourly throttle window must not roll over
    v = await voting_campaign(rt)
    client = client_for(app)
    base = f"/api/public/campaigns/{v.id}/phone-codes"
    try:
        assert (await client.post(base, json={"phone": "12345"})).status_code == 400
        await client.post(base, json={"phone": PHONE})
        code = rt.sms.last_code("+8613800138000")  # type: ignore[attr-defined]
        wrong = "000000" if code != "000000" else "111111"
        for left in (4, 3, 2, 1):
            response = await client.post(f"{base}/verify", json={"phone": PHONE, "code": wrong})
            assert response.status_code == 400 and response.json()["attempts_left"] == left
        await client.post(f"{base}/verify", json={"phone": PHONE, "code": wrong})
        spent = await client.post(f"{base}/verify", json={"phone": PHONE, "code": code})
        assert spent.status_code == 400 and spent.json()["type"] == "urn:yide:problem:phone-code-invalid"
        await client.post(base, json={"phone": PHONE})
        fresh = rt.sms.last_code("+8613800138000")  # type: ignore[attr-defined]
        clock.advance(timedelta(minutes=6))
        expired = await client.post(f"{base}/verify", json={"phone": PHONE, "code": fresh})
        assert expired.status_code == 400
        for _ in range(3):
            await client.post(base, json={"phone": PHONE})
        throttled = await client.post(base, json={"phone": PHONE})
        assert throttled.status_code == 429 and throttled.headers["retry-after"] == "3600"
    finally:
        await client.aclose()


async def test_tokens_are_bound_to_campaign_phone_and_time(rt: Runtime, app, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    v = await voting_campaign(rt)
    client = client_for(app)
    ballots = f"/api/public/campaigns/{v.id}/phone-ballots"
    try:
        token = await _token(client, rt, v.id)
        forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        for bad in (forged, "x.y", "garbage"):
            response = await client.post(ballots, json={"token": bad, "choices": [v.candidates[0]]})
            assert (
                response.status_code == 401
                and response.json()["type"] == "urn:yide:problem:vote-token-invalid"
            )
        first = await client.post(ballots, json={"token": token, "choices": [v.candidates[0]]})
        assert first.status_code == 201
        capped = await client.post(ballots, json={"token": token, "choices": [v.candidates[1]]})
        assert capped.json()["reason_code"] == "over_phone_cap"
        unsorted = await client.post(
            ballots, json={"token": token, "choices": list(reversed(v.candidates[:2]))}
        )
        assert unsorted.status_code == 400  # a ballot shape error or the cap: either way refused and logged
        clock.advance(timedelta(minutes=16))
        late = await client.post(ballots, json={"token": token, "choices": [v.candidates[0]]})
        assert late.status_code == 401
        clock.advance(timedelta(days=1))
        tomorrow = await _token(client, rt, v.id)
        again = await client.post(ballots, json={"token": tomorrow, "choices": [v.candidates[1]]})
        assert again.status_code == 201  # the daily cap starts over on a new China day
        found = await client.get(f"/api/public/campaigns/{v.id}/ballots/{again.json()['tracking_code']}")
        assert found.status_code == 200 and found.json()["disposition"] is None
        missing = await client.get(f"/api/public/campaigns/{v.id}/ballots/{'0' * 64}")
        assert missing.status_code == 404
    finally:
        await client.aclose()


async def test_without_a_public_channel_codes_are_refused(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    rules = small_rules(channels=Channels(staff=StaffChannel(enabled=True)))
    v = await voting_campaign(rt, rules=rules)
    client = client_for(app)
    try:
        response = await client.post(f"/api/public/campaigns/{v.id}/phone-codes", json={"phone": PHONE})
        assert response.status_code == 409 and response.json()["reason_code"] == "channel_closed"
    finally:
        await client.aclose()


async def test_no_live_counts_and_turnout_only_if_the_rules_allow(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    v = await voting_campaign(rt, rules=small_rules(live_results=LiveResults.NONE))
    client = client_for(app)
    try:
        body = signed_ballot(v.census.private_rows[0].credential, v.uid, v.rules_hash, [v.candidates[0]])
        assert (await client.post(f"/api/public/campaigns/{v.id}/ballots", json=body)).status_code == 201
        hidden = (await client.get(f"/api/public/campaigns/{v.id}/turnout")).json()
        assert hidden == {"shown": False, "channels": []}
        assert (await client.get(f"/api/public/campaigns/{v.id}/result")).status_code == 404
        assert (await client.get(f"/api/public/campaigns/{v.id}/seal")).status_code == 404
    finally:
        await client.aclose()


async def test_the_development_gateway_writes_an_outbox(rt: Runtime) -> None:
    dev = Runtime(rt.settings, MemoryKeyStore(), rt.clock, sms=DevSmsGateway())
    v = await voting_campaign(rt)
    await voting.request_code(dev, v.id, phone="13900001111", client="10.3.3.3")
    rows = await SmsOutbox.select(SmsOutbox.phone, SmsOutbox.text)
    assert rows[0]["phone"] == "+8613900001111" and "验证码" in rows[0]["text"]
    assert isinstance(rt.sms, FakeSmsGateway)


async def test_a_flood_of_bad_ballots_cannot_fill_the_public_log(rt: Runtime, clock: FixedClock) -> None:
    """Anyone may post staff ballots and every rejection is logged for good; past the hourly limit
    an address's ballots get 429 unlogged, while other addresses (and good ballots) go on."""
    clock.set(clock.now().replace(minute=1, second=0))  # the hourly window must not roll over
    limited = Runtime(
        replace(rt.settings, selection=replace(rt.settings.selection, rejections_per_ip_per_hour=3)),
        MemoryKeyStore(),
        rt.clock,
        sms=FakeSmsGateway(),
    )
    v = await voting_campaign(limited, voters=2)
    from api.app import create_app

    app = create_app(limited)
    flood, neighbour = client_for(app, "10.9.9.9"), client_for(app, "10.9.9.10")
    url = f"/api/public/campaigns/{v.id}/ballots"
    scope = await LedgerScope.select(LedgerScope.id).where(LedgerScope.name == f"campaign-{v.id}").first()

    async def logged() -> int:
        return await LedgerEntry.count().where(LedgerEntry.scope == scope["id"])

    try:
        for _ in range(3):
            assert (await flood.post(url, json={"payload": "x"})).status_code == 400
        before = await logged()
        refused = await flood.post(url, json={"payload": "x"})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "3600"
        assert "无效选票过多" in refused.json()["message_zh"]
        good = signed_ballot(v.census.private_rows[0].credential, v.uid, v.rules_hash, [v.candidates[0]])
        assert (await flood.post(url, json=good)).status_code == 429  # the address is paused, not judged
        assert await logged() == before, "refused ballots must not reach the log"
        assert (await neighbour.post(url, json={"payload": "x"})).status_code == 400  # others unaffected
        assert (await neighbour.post(url, json=good)).status_code == 201
        clock.advance(timedelta(hours=1))
        assert (await flood.post(url, json={"payload": "x"})).status_code == 400  # a new hour
    finally:
        await flood.aclose()
        await neighbour.aclose()


async def test_a_resent_phone_ballot_returns_the_first_receipt(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    """The answer to a phone ballot got lost and the page sends the same request again: the voter
    gets the receipt of the ballot already logged, not the daily-cap refusal and not a second ballot.
    A different request id is a different ballot (here refused by the cap of one a day)."""
    v = await voting_campaign(rt)
    client = client_for(app)
    ballots = f"/api/public/campaigns/{v.id}/phone-ballots"
    try:
        token = await _token(client, rt, v.id)
        body = {"token": token, "choices": [v.candidates[0]], "request_id": "r" * 22}
        first = await client.post(ballots, json=body)
        assert first.status_code == 201, first.text
        again = await client.post(ballots, json=body)
        assert again.status_code == 201 and again.json() == first.json()  # same code, index, signed receipt
        other = await client.post(ballots, json={**body, "request_id": "s" * 22})
        assert other.json()["reason_code"] == "over_phone_cap"
        stored = await Ballot.count().where((Ballot.campaign == v.id) & (Ballot.channel == "public"))
        assert stored == 1
        bad = await client.post(ballots, json={**body, "request_id": "short"})
        assert bad.status_code == 400 and bad.json()["type"] == "urn:yide:problem:validation-failed"
    finally:
        await client.aclose()


async def test_the_same_phone_request_twice_in_one_batch_is_one_ballot(rt: Runtime) -> None:
    """Two identical requests can meet in one group commit: one ballot, the copy refused."""
    v = await voting_campaign(rt)
    sent = await voting.request_code(rt, v.id, phone=PHONE, client="10.1.1.1")
    assert sent
    code = rt.sms.last_code("+8613800138000")  # type: ignore[attr-defined]
    token = (await voting.verify_code(rt, v.id, phone=PHONE, code=code, client="10.1.1.1"))["token"]

    async def cast() -> object:
        try:
            return await voting.cast_public_ballot(
                rt, v.id, token=token, choices=(v.candidates[0],), device=None, client="10.1.1.1",
                request_id="t" * 22,
            )  # fmt: skip
        except Exception as error:
            return error

    outcomes = await asyncio.gather(cast(), cast())
    receipts = [o for o in outcomes if isinstance(o, dict)]
    refused = [o for o in outcomes if not isinstance(o, dict)]
    assert len(receipts) + len(refused) == 2 and receipts
    # in one batch the copy is refused as a duplicate; in the next it gets the first one's receipt
    assert [str(getattr(r, "reason_code", "")) for r in refused] in ([], ["duplicate_ballot"])
    assert all(r == receipts[0] for r in receipts)
    assert await Ballot.count().where((Ballot.campaign == v.id) & (Ballot.channel == "public")) == 1
