"""Issue 5's campaign, told end to end through HTTP.

Three units nominate (one over its quota and one ineligible nominee are refused with reasons), the
committee reviews, the shortlist is frozen with 2-of-3 approvals, the credential authority issues
200 staff credentials, staff cast signed ballots (with revotes, a lost credential and one ballot for
every rejection reason), the public votes by phone on two days (with cap violations and a brushing
device the organizer disqualifies), experts score, the vote is sealed and tallied, the result is
publicly noticed, one objection inside the window disqualifies the winner and forces a recount, one
after the window is refused, and the result is announced. The test counts the expected ranking
itself, independently of the tally code, and compares; the pure verifier then re-derives the whole
campaign from its ledger.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.selection import (
    GOOD_FACTS,
    Team,
    act,
    campaign,
    census,
    client_for,
    make_team,
    ok,
    review,
    rules_json,
    signed_ballot,
    small_rules,
)
from workflow.clock import FixedClock
from workflow.ledger.entry import Entry
from workflow.ledger.note import VerifierKey, open_checkpoint
from workflow.ledger.tables import LedgerEntry, LedgerScope
from workflow.ledger.verifier import verify_bundle
from workflow.runtime import Runtime
from workflow.selection.ballot import BALLOT_DOMAIN, BallotPayload, payload_bytes
from workflow.selection.common import b64u_encode, canonical_json
from workflow.selection.credentials import derive_signer, fingerprint, issue_credential, key_id
from workflow.selection.rules import (
    BallotShape,
    Channels,
    ChannelWeights,
    LiveResults,
    NominationQuota,
    PublicChannel,
    RevoteMode,
    RevotePolicy,
    StaffChannel,
)
from workflow.selection.service_campaigns import run_due
from workflow.selection.tally import format_score
from workflow.selection.verify import CHECK_IDS, verify_campaign

pytestmark = [pytest.mark.usefixtures("clean_db"), pytest.mark.slow]

CHINA = timezone(timedelta(hours=8))
START = datetime(2026, 6, 1, 9, 0, tzinfo=CHINA)
VOTE_OPENS = datetime(2026, 6, 8, 9, 0, tzinfo=CHINA)
VOTE_CLOSES = datetime(2026, 6, 10, 9, 0, tzinfo=CHINA)
PUBLISH = datetime(2026, 6, 15, 10, 0, tzinfo=CHINA)
DRAGON_BOAT = "2026-06-19"  # 端午节, a Friday: not a working day of the 公示
RULES = small_rules(
    quota=NominationQuota(per_unit_min=1, per_unit_max=2),
    shortlist_size=5,
    winners=3,
    ballot=BallotShape(min_choices=1, max_choices=3),
    revote=RevotePolicy(mode=RevoteMode.AT_MOST_K, k=1),
    channels=Channels(
        staff=StaffChannel(enabled=True, weighted=True, max_weight=2),
        public=PublicChannel(enabled=True, ballots_per_phone_per_day=3, ballots_per_ip_per_day=30),
        weights=ChannelWeights(staff=50, public=50),
    ),
    live_results=LiveResults.TURNOUT_ONLY,
)
EXPERT_SCORES = {  # per shortlisted candidate (by position in the shortlist) and expert
    0: [(90, 88, 92), (85, 90, 88), (91, 87, 90)],
    1: [(80, 82, 78), (79, 85, 80), (83, 80, 81)],
    2: [(88, 90, 86), (92, 89, 90), (87, 91, 89)],
    3: [(70, 75, 72), (74, 70, 71), (72, 73, 70)],
    4: [(84, 80, 83), (82, 86, 81), (85, 83, 84)],
}
CRITERIA = {"ethics": 40, "skill": 30, "deeds": 30}


class Expected:
    """The test's own bookkeeping of what must count (not the tally module)."""

    def __init__(self) -> None:
        self.staff: dict[str, list[tuple[list[str], int]]] = defaultdict(list)  # key -> accepted (choices, w)
        self.revoked: set[str] = set()
        self.public: dict[str, tuple[list[str], str]] = {}  # tracking code -> (choices, device)
        self.disqualified: set[str] = set()

    def ranking(
        self, candidates: Sequence[str], experts: dict[str, Fraction], out: frozenset[str] = frozenset()
    ):  # type: ignore[no-untyped-def]
        live = [c for c in candidates if c not in out]
        staff_votes = dict.fromkeys(live, 0)
        for key, ballots in self.staff.items():
            if key in self.revoked or not ballots:
                continue
            choices, weight = ballots[-1]  # at most k=1 overwrite: the last accepted ballot counts
            for c in choices:
                if c in staff_votes:
                    staff_votes[c] += weight
        public_votes = dict.fromkeys(live, 0)
        for code, (choices, _) in self.public.items():
            if code not in self.disqualified:
                for c in choices:
                    if c in public_votes:
                        public_votes[c] += 1

        def share(votes: dict[str, int]) -> dict[str, Fraction]:
            top = max(votes.values())
            return {c: Fraction(100 * v, top) for c, v in votes.items()}

        s, p = share(staff_votes), share(public_votes)
        combined = {c: Fraction(3, 10) * (s[c] / 2 + p[c] / 2) + Fraction(7, 10) * experts[c] for c in live}
        order = sorted(live, key=lambda c: (-combined[c], -experts[c]))
        return order, {c: format_score(v) for c, v in combined.items()}


async def gated(team: Team, cid: int, action: str, *, scheduled: bool = False) -> dict[str, Any]:
    """org0 asks, rev0 and rev1 approve (the initiator's own approval does not count here)."""
    asked = await act(team.organizer, cid, action, expect=202)
    request = asked["request"]
    assert (asked["executed"], request["counted"], request["required"]) == (False, 0, 2)
    first = await ok(await team.reviewers[0].post(f"/api/approval-requests/{request['id']}/approve"), 202)
    assert first["request"]["counted"] == 1
    second = await team.reviewers[1].post(f"/api/approval-requests/{request['id']}/approve")
    return await ok(second, 202 if scheduled else 200)  # type: ignore[no-any-return]


async def test_a_full_campaign(rt: Runtime, app, clock: FixedClock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock.set(START.astimezone(UTC))
    team = await make_team(rt, app, units=3, staff_per_unit=4, organizers=2, reviewers=3)
    try:
        await _run(rt, app, clock, team, tmp_path)
    finally:
        await team.close()


async def _run(rt: Runtime, app, clock: FixedClock, team: Team, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = team.account_ids
    unit_a, unit_b, unit_c = team.org.units
    staff = team.org.staff

    # --- the organizer sets the campaign up: rules as data, schedule, a 2-of-3 approval panel ----
    created = await ok(
        await team.organizer.post(
            "/api/campaigns",
            json={
                "title": "2026年度十佳最美医生",
                "outcome_type": "public_praise",
                "issuer": "顺义区卫生健康委员会",
                "objection_contact": {"office": "区卫健委人事科", "phone": "010-69400000"},
                "rules": rules_json(RULES),
                "reference_date": "2026-06-01",
                "holidays": [DRAGON_BOAT],
                "schedule": {
                    "voting_opens_at": VOTE_OPENS.isoformat(),
                    "voting_closes_at": VOTE_CLOSES.isoformat(),
                },
                "approvals": {
                    "required": 2,
                    "panel": [ids["org0"], ids["rev0"], ids["rev1"]],
                    "initiator_counts": False,
                },
            },
        )
    )
    cid, uid = created["id"], created["uid"]
    await act(team.organizer, cid, "open_nominations")

    # --- three units nominate; one over quota, one ineligible: refused with every reason --------
    async def nominate(unit, person, facts=GOOD_FACTS):  # type: ignore[no-untyped-def]
        return await team.unit_admins[unit].post(
            f"/api/campaigns/{cid}/nominations",
            json={"staff_id": person, "deeds": "扎根基层二十年", "declared": facts},
        )

    for person in staff[unit_a][:2] + staff[unit_b][:1] + staff[unit_c][:2]:
        await ok(await nominate(team.org.units[team.org.units.index(_unit_of(team, person))], person))
    over = await nominate(unit_a, staff[unit_a][2])
    assert over.status_code == 400
    assert [p["code"] for p in over.json()["problems"]] == ["quota.unit_max"]
    ineligible = await nominate(
        unit_b,
        staff[unit_b][1],
        {**GOOD_FACTS, "service_start": "2025-03-01", "medical_accidents": ["2025-10-01"]},
    )
    assert (
        ineligible.status_code == 400 and ineligible.json()["type"] == "urn:yide:problem:nomination-refused"
    )
    refused = {p["code"]: p["reason_zh"] for p in ineligible.json()["problems"]}
    assert set(refused) == {"eligibility.service_years", "eligibility.no_medical_accident"}
    assert "不满 2 年" in refused["eligibility.service_years"]
    other_unit = await nominate(unit_a, staff[unit_b][3])
    assert other_unit.status_code == 404  # a unit admin cannot reach another unit's staff
    await ok(await nominate(unit_b, staff[unit_b][2]))
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    first_nomination = (await ok(await team.reviewer.get(f"/api/campaigns/{cid}/nominations"), 200))[0]
    await ok(
        await team.unit_admins[unit_a].post(
            f"/api/nominations/{first_nomination['id']}/files",
            files={"file": ("photo.png", png)},
            data={"kind": "photo"},
        )
    )
    await act(team.organizer, cid, "close_nominations")
    await act(team.organizer, cid, "start_review")

    # --- review: one rejected with a written reason, five approved, recommended, shortlisted ----
    nominations = await ok(await team.reviewer.get(f"/api/campaigns/{cid}/nominations"), 200)
    assert len(nominations) == 6
    rejected = await review(team.reviewer, nominations[-1], "reject", reason="事迹材料与实际不符")
    assert rejected["status"] == "rejected"
    unconfirmed = await team.reviewer.post(
        f"/api/nominations/{nominations[0]['id']}/review",
        json={"action": "approve", "version": nominations[0]["version"]},
    )
    assert unconfirmed.status_code == 409 and "confirm" in unconfirmed.json()["detail"]
    for nomination in nominations[:-1]:
        approved = await review(team.reviewer, nomination, "approve", confirm_declarations=True)
        recommended = await review(team.reviewer, approved, "recommend")
        await review(team.reviewer, recommended, "shortlist")

    # --- freeze with 2 of 3 approvals (initiator not counting; outsiders and repeats refused) ----
    asked = await act(team.organizer, cid, "freeze_shortlist", expect=202)
    rid = asked["request"]["id"]
    assert (await team.reviewers[2].post(f"/api/approval-requests/{rid}/approve")).status_code == 403
    await ok(await team.reviewers[0].post(f"/api/approval-requests/{rid}/approve"), 202)
    assert (await team.reviewers[0].post(f"/api/approval-requests/{rid}/approve")).status_code == 409
    frozen = await ok(await team.reviewers[1].post(f"/api/approval-requests/{rid}/approve"), 200)
    assert frozen["executed"] and frozen["status"] == "shortlist_frozen"
    view = await campaign(team.organizer, cid)
    candidates: list[str] = view["candidates"]
    assert len(candidates) == 5
    public_cards = await ok(await team.public.get(f"/api/public/campaigns/{cid}/candidates"), 200)
    assert [c["candidate"] for c in public_cards] == candidates and public_cards[0]["has_photo"]

    # --- 200 staff credentials: the server gets only the public list --------------------------
    the_census = census(uid, 200, weight=2)
    weights = {row.voter_ref: (2 if int(row.voter_ref[1:]) < 20 else 1) for row in the_census.private_rows}
    listed = [
        {
            "public_key": b64u_encode(derive_signer(row.credential, uid).public_key),
            "weight": weights[row.voter_ref],
        }
        for row in the_census.private_rows
    ]
    listed.sort(key=lambda e: e["public_key"])
    denied = await team.reviewer.post(f"/api/campaigns/{cid}/credentials", json={"credentials": listed})
    assert denied.status_code == 403
    published = await ok(
        await team.authority.post(f"/api/campaigns/{cid}/credentials", json={"credentials": listed})
    )
    assert published["count"] == 200 and published["total_weight"] == 220
    creds = [row.credential for row in the_census.private_rows]
    weight_of = [weights[row.voter_ref] for row in the_census.private_rows]

    # --- opening is approved in advance and carried out by the scheduler at its time, once ------
    waiting = await gated(team, cid, "open_voting", scheduled=True)
    assert waiting["request"]["counted"] == 2 and waiting["status"] == "shortlist_frozen"
    clock.set(VOTE_OPENS.astimezone(UTC))
    await team.relogin()
    first, second = await asyncio.gather(run_due(rt), run_due(rt))
    assert first + second == [(cid, "open_voting")]
    view = await campaign(team.organizer, cid)
    assert view["status"] == "voting_open"
    rules_hash = view["rules_hash"]

    expected = Expected()
    rng = random.Random(5)
    post = team.public.post

    def pick() -> list[str]:
        weights_ = [5, 3, 4, 1, 2]
        chosen = set(rng.choices(candidates, weights=weights_, k=rng.randint(1, 3)))
        return sorted(chosen)

    async def staff_vote(index: int, credential: str, choices: list[str], weight: int) -> dict[str, Any]:
        body = signed_ballot(credential, uid, rules_hash, choices)
        receipt = await ok(await post(f"/api/public/campaigns/{cid}/ballots", json=body), 201)
        expected.staff[b64u_encode(derive_signer(credential, uid).public_key)].append((choices, weight))
        assert receipt["weight"] == weight and receipt["receipt"]
        return receipt  # type: ignore[no-any-return]

    async def rejected_with(body: dict[str, Any], reason: str) -> None:
        response = await post(f"/api/public/campaigns/{cid}/ballots", json=body)
        assert response.status_code == 400, response.text
        problem = response.json()
        assert (problem["type"], problem["reason_code"]) == ("urn:yide:problem:ballot-rejected", reason)
        assert problem["reason_zh"]

    # --- staff: 179 first ballots, 18 revotes, a lost credential reissued, every rejection -------
    for chunk in range(0, 179, 30):
        await asyncio.gather(
            *(staff_vote(i, creds[i], pick(), weight_of[i]) for i in range(chunk, min(chunk + 30, 179)))
        )
    receipts = await asyncio.gather(*(staff_vote(i, creds[i], pick(), weight_of[i]) for i in range(18)))
    turnout = await ok(await team.public.get(f"/api/public/campaigns/{cid}/turnout"), 200)
    assert turnout == {
        "shown": True,
        "channels": [{"channel": "staff", "voters": 179}, {"channel": "public", "voters": 0}],
    }

    await staff_vote(190, creds[190], [candidates[1]], 1)
    lost_key = key_id(derive_signer(creds[190], uid).public_key)
    new_190, new_190_key = issue_credential(uid)
    await ok(
        await team.authority.post(
            f"/api/campaigns/{cid}/credentials/{lost_key}/reissue",
            json={"public_key": b64u_encode(new_190_key), "reason": "凭证遗失"},
        )
    )
    expected.revoked.add(b64u_encode(derive_signer(creds[190], uid).public_key))
    await staff_vote(190, new_190, [candidates[1]], 1)
    stolen_key = key_id(derive_signer(creds[195], uid).public_key)
    await ok(
        await team.authority.post(
            f"/api/campaigns/{cid}/credentials/{stolen_key}/revoke", json={"reason": "凭证遗失"}
        )
    )
    await rejected_with(signed_ballot(creds[195], uid, rules_hash, [candidates[0]]), "revoked_credential")
    new_195, new_195_key = issue_credential(uid)
    await ok(
        await team.authority.post(
            f"/api/campaigns/{cid}/credentials/{stolen_key}/reissue",
            json={"public_key": b64u_encode(new_195_key), "reason": "补发"},
        )
    )
    await staff_vote(195, new_195, [candidates[2]], 1)

    bad_signature = signed_ballot(creds[196], uid, rules_hash, [candidates[0]])
    bad_signature["signature"] = ("A" if bad_signature["signature"][0] != "A" else "B") + bad_signature[
        "signature"
    ][1:]
    await rejected_with(bad_signature, "bad_signature")
    await rejected_with({"payload": "not base64!", "signature": "x"}, "malformed")
    response = await post(f"/api/public/campaigns/{cid}/ballots", content=b"{not json")
    assert response.json()["reason_code"] == "malformed"
    await rejected_with(_non_canonical(creds[196], uid, rules_hash, [candidates[0]]), "non_canonical")
    await rejected_with(
        _signed_payload(creds[196], uid, rules_hash, [candidates[0]], campaign="other-campaign"),
        "wrong_campaign",
    )
    await rejected_with(
        _signed_payload(creds[196], uid, rules_hash, [candidates[0]], channel="public"), "wrong_channel"
    )
    await rejected_with(signed_ballot(creds[196], uid, "0" * 64, [candidates[0]]), "stale_rules")
    stranger, _ = issue_credential(uid)
    await rejected_with(signed_ballot(stranger, uid, rules_hash, [candidates[0]]), "unknown_credential")
    replay = signed_ballot(creds[197], uid, rules_hash, [candidates[3]])
    await ok(await post(f"/api/public/campaigns/{cid}/ballots", json=replay), 201)
    expected.staff[b64u_encode(derive_signer(creds[197], uid).public_key)].append(([candidates[3]], 1))
    await rejected_with(replay, "duplicate_ballot")
    await rejected_with(
        signed_ballot(creds[196], uid, rules_hash, [candidates[0], candidates[0]]), "duplicate_choice"
    )
    await rejected_with(signed_ballot(creds[196], uid, rules_hash, ["n999999"]), "unknown_candidate")
    await rejected_with(signed_ballot(creds[196], uid, rules_hash, []), "blank_not_allowed")
    await rejected_with(signed_ballot(creds[196], uid, rules_hash, candidates[:4]), "too_many_choices")
    await rejected_with(signed_ballot(creds[0], uid, rules_hash, [candidates[4]]), "revote_limit")
    await act(team.organizer, cid, "pause_voting")
    await rejected_with(signed_ballot(creds[196], uid, rules_hash, [candidates[0]]), "outside_window")
    await act(team.organizer, cid, "resume_voting")
    assert len({r["tracking_code"] for r in receipts}) == 18

    # --- the public votes by phone on two days; caps refuse the rest ------------------------------
    sms = rt.sms

    async def phone_flow(
        client: httpx.AsyncClient,
        phone: str,
        *,
        device: str | None = None,
        again: str | None = None,
    ) -> None:
        """Code, token, then the phone's three ballots of the day (芜湖: 3 a day); some try a fourth."""
        await ok(await client.post(f"/api/public/campaigns/{cid}/phone-codes", json={"phone": phone}), 202)
        code = sms.last_code("+86" + phone)  # type: ignore[attr-defined]
        verify = {"phone": phone, "code": code}
        token = (
            await ok(await client.post(f"/api/public/campaigns/{cid}/phone-codes/verify", json=verify), 200)
        )["token"]
        url = f"/api/public/campaigns/{cid}/phone-ballots"
        for _ in range(3):
            choices = pick()
            body: dict[str, Any] = {"token": token, "choices": choices}
            if device:
                body["device"] = device
            response = await client.post(url, json=body)
            if again is not None:
                assert response.status_code == 400 and response.json()["reason_code"] == again, response.text
                return
            receipt = await ok(response, 201)
            expected.public[receipt["tracking_code"]] = (choices, device or "")
        if device is None and int(phone[-4:]) % 10 == 0:  # a fourth ballot the same day
            fourth = await client.post(url, json={"token": token, "choices": pick()})
            assert fourth.status_code == 400 and fourth.json()["reason_code"] == "over_phone_cap"

    async def public_day(phones: range, ips: int, *, farm: bool) -> None:
        """Ten phones per address: 30 ballots each, exactly the address's daily cap."""
        clients = [client_for(app, f"172.16.{ips}.{n}") for n in range(ips)]
        try:
            numbers = list(phones)
            for start in range(0, len(numbers), 10):
                chunk = numbers[start : start + 10]
                await asyncio.gather(
                    *(
                        phone_flow(
                            clients[(n - phones.start) % ips],
                            f"138{n:08d}",
                            device="brush-phone-farm" if farm and 10 <= n < 15 else None,
                        )
                        for n in chunk
                    )
                )
                clock.advance(timedelta(seconds=61))
            await phone_flow(clients[0], f"139{phones.start:08d}", again="over_ip_cap")
        finally:
            for client in clients:
                await client.aclose()

    await public_day(range(200), 20, farm=True)
    clock.set((VOTE_OPENS + timedelta(days=1)).astimezone(UTC))
    await team.relogin()
    await public_day(range(130), 13, farm=False)
    public_accepted = len(expected.public)
    assert public_accepted == 990

    # --- anti-brushing: the organizer finds the device farm and disqualifies its ballots ----------
    report = await ok(await team.organizer.get(f"/api/campaigns/{cid}/antibrush"), 200)
    farm = [f for f in report["findings"] if f["kind"] == "shared_device"]
    assert len(farm) == 1 and farm[0]["phones"] == 5
    codes = farm[0]["tracking_codes"]
    assert {expected.public[c][1] for c in codes} == {"brush-phone-farm"}
    await ok(
        await team.organizer.post(
            f"/api/campaigns/{cid}/ballot-disqualifications",
            json={"tracking_codes": codes, "reason": "同一设备使用多个手机号集中投票（刷票）"},
        ),
        200,
    )
    expected.disqualified.update(codes)

    # --- experts score every shortlisted candidate -------------------------------------------------
    experts: dict[str, Fraction] = {}
    by_candidate = {n["candidate"]: n for n in nominations}
    for position, candidate in enumerate(candidates):
        totals = []
        for expert, sheet in enumerate(EXPERT_SCORES[position]):
            scores = dict(zip(CRITERIA, sheet, strict=True))
            await ok(
                await team.reviewers[expert].put(
                    f"/api/nominations/{by_candidate[candidate]['id']}/scores", json={"scores": scores}
                )
            )
            totals.append(Fraction(sum(CRITERIA[k] * v for k, v in scores.items()), 100))
        experts[candidate] = sum(totals, Fraction(0)) / len(totals)

    # --- close (scheduled, approved in advance), seal: nothing accepted afterwards ---------------
    await gated(team, cid, "close_voting", scheduled=True)
    clock.set(VOTE_CLOSES.astimezone(UTC))
    await team.relogin()
    assert await run_due(rt) == [(cid, "close_voting")]
    await rejected_with(signed_ballot(creds[198], uid, rules_hash, [candidates[0]]), "outside_window")
    await gated(team, cid, "seal")
    await rejected_with(signed_ballot(creds[199], uid, rules_hash, [candidates[0]]), "outside_window")
    seal = await ok(await team.public.get(f"/api/public/campaigns/{cid}/seal"), 200)
    dispositions = defaultdict(int)
    for entry in seal["entries"]:
        dispositions[(entry["channel"], entry["disposition"])] += 1
    assert dispositions[("staff", "revoked")] == 1  # 190's ballot cast before the loss was reported
    assert dispositions[("staff", "superseded")] == 18
    assert dispositions[("public", "disqualified")] == 15  # the farm's five phones, three ballots each
    assert dispositions[("public", "counted")] == 975
    mine = await ok(
        await team.public.get(f"/api/public/campaigns/{cid}/ballots/{receipts[0]['tracking_code']}"), 200
    )
    assert mine["disposition"] == "counted"  # a revote: the first ballot is superseded

    # --- tally, checked against the test's own count ---------------------------------------------
    await act(team.organizer, cid, "tally")
    results = await ok(await team.auditor.get(f"/api/campaigns/{cid}/results"), 200)
    order, combined = expected.ranking(candidates, experts)
    tallied = results[0]["result"]
    assert [c["candidate"] for c in tallied["candidates"]] == order
    assert {c["candidate"]: c["combined"] for c in tallied["candidates"]} == combined
    assert tallied["winners"] == order[:3]

    # --- 公示: 5 working days around the Dragon Boat holiday --------------------------------------
    clock.set(PUBLISH.astimezone(UTC))
    await team.relogin()
    await gated(team, cid, "publish_result")
    notice = await ok(await team.public.get(f"/api/public/campaigns/{cid}/notice"), 200)
    assert notice["closes_at"] == "2026-06-22T16:00:00Z"  # 23 June 00:00 China time
    assert "区卫健委人事科" in notice["notice"] and "2026年6月22日" in notice["notice"]
    pdf = await team.public.get(f"/api/public/campaigns/{cid}/notice.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    await _notice_prints_the_log_key(team.public, cid, notice["notice"])
    assert tallied["winners"][0] in json.dumps(
        await ok(await team.public.get(f"/api/public/campaigns/{cid}/result"), 200)
    )

    # --- an objection inside the window disqualifies the winner; a recount follows --------------
    clock.set((PUBLISH + timedelta(days=1)).astimezone(UTC))
    await team.relogin()
    winner = order[0]
    lodged = await ok(
        await team.public.post(
            f"/api/public/campaigns/{cid}/objections",
            json={
                "candidate": winner,
                "name": "王某",
                "unit": "某医院",
                "contact": "13700000000",
                "content": "该同志事迹材料存在虚报。",
            },
        )
    )
    anonymous = await team.public.post(
        f"/api/public/campaigns/{cid}/objections",
        json={"candidate": winner, "name": "", "contact": "", "content": "匿名举报"},
    )
    assert anonymous.status_code == 409 and anonymous.json()["codes"] == ["anonymous", "no_contact"]
    await act(team.organizer, cid, "review_objections")
    objection = (await ok(await team.reviewer.get(f"/api/campaigns/{cid}/objections"), 200))[0]
    assert objection["objector"]["name"] == "王某" and objection["id"] == lodged["id"]
    objection = await ok(
        await team.reviewer.post(
            f"/api/objections/{objection['id']}/review", json={"version": objection["version"]}
        ),
        200,
    )
    proposed = await ok(
        await team.reviewers[0].post(
            f"/api/objections/{objection['id']}/resolution",
            json={"decision": "uphold", "reason": "经核实，事迹材料存在虚报", "disqualify": True},
        ),
        202,
    )
    rid = proposed["request"]["id"]
    await ok(await team.organizer.post(f"/api/approval-requests/{rid}/approve"), 202)
    await ok(await team.reviewers[1].post(f"/api/approval-requests/{rid}/approve"), 200)
    results = await ok(await team.auditor.get(f"/api/campaigns/{cid}/results"), 200)
    assert [r["kind"] for r in results] == ["tally", "recount"]
    recount = results[1]["result"]
    order2, combined2 = expected.ranking(candidates, experts, out=frozenset({winner}))
    assert recount["disqualified"] == [winner]
    assert [c["candidate"] for c in recount["candidates"]] == order2
    assert {c["candidate"]: c["combined"] for c in recount["candidates"]} == combined2
    await gated(team, cid, "resolve_objections")
    notice = await ok(await team.public.get(f"/api/public/campaigns/{cid}/notice"), 200)
    assert "重新公示" in notice["notice"] and notice["closes_at"] == "2026-06-23T16:00:00Z"

    # --- an objection after the window is refused and logged; the result is announced -------------
    clock.set(datetime(2026, 6, 24, 10, 0, tzinfo=CHINA).astimezone(UTC))
    await team.relogin()
    late = await team.public.post(
        f"/api/public/campaigns/{cid}/objections",
        json={
            "candidate": order2[0],
            "name": "李某",
            "unit": "某中心",
            "contact": "13600000000",
            "content": "逾期异议",
        },
    )
    assert late.status_code == 409 and late.json()["codes"] == ["after_window"]
    announced = await gated(team, cid, "announce")
    assert announced["status"] == "announced"
    notice = await ok(await team.public.get(f"/api/public/campaigns/{cid}/notice"), 200)
    assert results[1]["result_hash"] in notice["announcement"] and "异议成立" in notice["announcement"]
    await act(team.organizer, cid, "archive")
    final = await ok(await team.public.get(f"/api/public/campaigns/{cid}/result"), 200)
    assert final["final"] and final["result"]["winners"] == order2[:3]

    # --- the ledger: every step is there, no personal data, and it re-derives the campaign ------
    scope = await LedgerScope.select(LedgerScope.id).where(LedgerScope.name == f"campaign-{cid}").first()
    rows = (
        await LedgerEntry.select(LedgerEntry.body)
        .where(LedgerEntry.scope == scope["id"])
        .order_by(LedgerEntry.idx)
    )
    entries = [Entry.decode(r["body"].encode()) for r in rows]
    text = "\n".join(r["body"] for r in rows)
    for secret in ("13800000001", "13700000000", "王某", "员工", "事迹材料存在虚报"):
        assert secret not in text
    reasons = {e.payload["reason"] for e in entries if e.type == "selection:ballot:rejected"}
    assert reasons >= {
        "malformed",
        "non_canonical",
        "wrong_campaign",
        "wrong_channel",
        "stale_rules",
        "unknown_credential",
        "revoked_credential",
        "bad_signature",
        "duplicate_ballot",
        "duplicate_choice",
        "unknown_candidate",
        "blank_not_allowed",
        "too_many_choices",
        "revote_limit",
        "outside_window",
        "over_phone_cap",
        "over_ip_cap",
    }
    report = verify_campaign(entries)
    assert report.ok, report.failures()
    assert report.final_result_hash == results[1]["result_hash"]

    # --- the auditor's exported bundle passes `yide verify`, the selection checks included -------
    bundle = await team.auditor.get(f"/api/ledger/scopes/campaign-{cid}/bundle")
    assert bundle.status_code == 200
    path = tmp_path / f"campaign-{cid}.zip"
    path.write_bytes(bundle.content)
    verified = verify_bundle(path)
    assert verified.ok, [r.as_json() for r in verified.results if r.status != "pass"]
    assert {r.id for r in verified.results} >= set(CHECK_IDS)


def _unit_of(team: Team, person: int):  # type: ignore[no-untyped-def]
    return next(u for u, people in team.org.staff.items() if person in people)


def _signed_payload(
    credential: str,
    uid: str,
    rules_hash: str,
    choices: list[str],
    *,
    campaign: str | None = None,
    channel: str = "staff",
) -> dict[str, str]:
    signer = derive_signer(credential, uid)
    payload = BallotPayload(
        campaign=campaign or uid,
        channel=channel,
        choices=tuple(sorted(choices)),
        credential=b64u_encode(signer.public_key),
        domain=BALLOT_DOMAIN,
        nonce=b64u_encode(bytes(range(16))),
        rules=rules_hash,
    )
    data = payload_bytes(payload)
    return {"payload": b64u_encode(data), "signature": b64u_encode(signer.sign(data))}


def _non_canonical(credential: str, uid: str, rules_hash: str, choices: list[str]) -> dict[str, str]:
    signer = derive_signer(credential, uid)
    obj = {
        "rules": rules_hash,
        "nonce": b64u_encode(bytes(16)),
        "domain": BALLOT_DOMAIN,
        "credential": b64u_encode(signer.public_key),
        "choices": choices,
        "channel": "staff",
        "campaign": uid,
    }
    data = json.dumps(obj).encode()  # keys out of order, spaces: valid JSON, not RFC 8785
    assert data != canonical_json(obj)
    return {"payload": b64u_encode(data), "signature": b64u_encode(signer.sign(data))}


async def _notice_prints_the_log_key(public: httpx.AsyncClient, cid: int, notice: str) -> None:
    """The vkey printed on the 公示 is the published log key, and it opens the log's checkpoint."""
    line = next(line for line in notice.splitlines() if line.startswith("日志签名公钥（vkey）："))
    vkey = VerifierKey.parse(line.split("：", 1)[1])
    published = (await public.get("/api/ledger/keys")).json()["log_keys"]
    assert [k["public_key"] for k in published if k["active"]] == [base64.b64encode(vkey.public_key).decode()]
    checkpoint = (await public.get(f"/api/ledger/scopes/campaign-{cid}/checkpoint")).text
    assert open_checkpoint(checkpoint, origin=vkey.name, log_key=vkey).checkpoint.size > 0
    assert f"日志签名公钥指纹：{fingerprint(vkey.public_key)}" in notice
