"""Duplicate and concurrent submissions leave exactly the ballots the revote policy and the caps allow.

Requests arrive together through HTTP (one worker's group commit batches them) and through two
independent ingests standing for two worker processes, whose batches queue on the campaign row.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from tests.support.selection import client_for, signed_ballot, small_rules, voting_campaign
from workflow.keystore import MemoryKeyStore
from workflow.notify.sms import FakeSmsGateway
from workflow.runtime import Runtime
from workflow.selection import service_voting as voting
from workflow.selection.ballot import BallotIn, BallotRejected, phone_hash
from workflow.selection.otp import VoteToken, issue_token
from workflow.selection.records import get_campaign
from workflow.selection.rules import RevoteMode, RevotePolicy
from workflow.selection.tables import Ballot

pytestmark = pytest.mark.usefixtures("clean_db")
N = 20


async def _outcomes(app, cid: int, bodies: list[dict[str, str]]) -> Counter[str]:  # type: ignore[no-untyped-def]
    client = client_for(app)
    try:
        responses = await asyncio.gather(
            *(client.post(f"/api/public/campaigns/{cid}/ballots", json=body) for body in bodies)
        )
    finally:
        await client.aclose()
    return Counter("accepted" if r.status_code == 201 else r.json()["reason_code"] for r in responses)


async def test_identical_concurrent_ballots_are_accepted_once(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    v = await voting_campaign(rt)
    body = signed_ballot(v.census.private_rows[0].credential, v.uid, v.rules_hash, [v.candidates[0]])
    assert await _outcomes(app, v.id, [body] * N) == {"accepted": 1, "duplicate_ballot": N - 1}
    assert await Ballot.count() == 1


@pytest.mark.parametrize(
    ("policy", "accepted"),
    [
        (RevotePolicy(mode=RevoteMode.FIRST_COUNTS), 1),
        (RevotePolicy(mode=RevoteMode.AT_MOST_K, k=2), 3),
        (RevotePolicy(mode=RevoteMode.LAST_COUNTS), N),
    ],
)
async def test_concurrent_revotes_stop_at_the_policy(
    rt: Runtime, app, policy: RevotePolicy, accepted: int
) -> None:  # type: ignore[no-untyped-def]
    v = await voting_campaign(rt, rules=small_rules(revote=policy))
    credential = v.census.private_rows[0].credential
    bodies = [signed_ballot(credential, v.uid, v.rules_hash, [v.candidates[i % 2]]) for i in range(N)]
    outcome = await _outcomes(app, v.id, bodies)
    assert outcome["accepted"] == accepted
    assert outcome["revote_limit"] == N - accepted


async def test_two_workers_never_accept_more_than_the_policy(rt: Runtime) -> None:
    """Two ingests (two worker processes' sequencers) race for one credential under first_counts."""
    v = await voting_campaign(rt, rules=small_rules(revote=RevotePolicy(mode=RevoteMode.FIRST_COUNTS)))
    other = Runtime(rt.settings, MemoryKeyStore(), rt.clock, sms=FakeSmsGateway())
    assert voting.ingest_for(other) is not voting.ingest_for(rt)
    credential = v.census.private_rows[1].credential

    async def cast(runtime: Runtime, i: int) -> str:
        body = signed_ballot(credential, v.uid, v.rules_hash, [v.candidates[i % 2]])
        try:
            await voting.cast_staff_ballot(runtime, v.id, BallotIn(**body))
        except BallotRejected as rejection:
            return str(rejection.reason_code)
        return "accepted"

    results = await asyncio.gather(*(cast(rt if i % 2 else other, i) for i in range(N)))
    assert Counter(results) == {"accepted": 1, "revote_limit": N - 1}


async def test_one_phone_racing_itself_gets_its_daily_cap(rt: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    v = await voting_campaign(rt)
    row = await get_campaign(v.id)
    phone = phone_hash("13912345678", campaign=v.uid, salt=bytes.fromhex(row.phone_salt))
    token = issue_token(
        rt.keys.session_secret(), VoteToken(v.id, phone, rt.clock.now() + timedelta(minutes=10))
    )
    client = client_for(app)
    try:
        responses = await asyncio.gather(
            *(
                client.post(
                    f"/api/public/campaigns/{v.id}/phone-ballots",
                    json={"token": token, "choices": [v.candidates[i % 2]]},
                )
                for i in range(N)
            )
        )
    finally:
        await client.aclose()
    outcome = Counter("accepted" if r.status_code == 201 else r.json()["reason_code"] for r in responses)
    assert outcome == {"accepted": 1, "over_phone_cap": N - 1}
