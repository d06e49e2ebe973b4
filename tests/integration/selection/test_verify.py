"""The campaign verifier passes on an honest log and names the check a tampered log breaks."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from tests.support.selection import small_rules, voting_campaign
from workflow.accounts import service as accounts
from workflow.accounts.roles import OPERATOR
from workflow.accounts.tables import Account
from workflow.clock import FixedClock
from workflow.ids import AccountId
from workflow.ledger.entry import Entry
from workflow.ledger.tables import LedgerEntry, LedgerScope
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns
from workflow.selection import service_nominations as nominations
from workflow.selection import service_voting as voting
from workflow.selection.ballot import make_staff_ballot, phone_hash
from workflow.selection.credentials import derive_signer
from workflow.selection.otp import VoteToken, issue_token
from workflow.selection.records import get_campaign
from workflow.selection.verify import CHECK_IDS, verify_campaign

pytestmark = pytest.mark.usefixtures("clean_db")


async def _honest_log(rt: Runtime, clock: FixedClock) -> list[Entry]:
    v = await voting_campaign(rt, rules=small_rules(), voters=6)
    for i, row in enumerate(v.census.private_rows):
        signer = derive_signer(row.credential, v.uid)
        ballot = make_staff_ballot(
            signer, campaign=v.uid, rules_digest=bytes.fromhex(v.rules_hash), choices=[v.candidates[i % 3]]
        )
        await voting.cast_staff_ballot(rt, v.id, ballot)
    salt = bytes.fromhex((await get_campaign(v.id)).phone_salt)
    for n in range(4):
        phone = phone_hash(f"1390000000{n}", campaign=v.uid, salt=salt)
        token = issue_token(
            rt.keys.session_secret(), VoteToken(v.id, phone, clock.now() + timedelta(minutes=5))
        )
        await voting.cast_public_ballot(
            rt, v.id, token=token, choices=(v.candidates[n % 2],), device=None, client=f"10.9.0.{n}"
        )
    reviewer_row = await Account.select(Account.id).where(Account.username == "svc-rev").first()
    reviewer = await accounts.load_principal(AccountId(reviewer_row["id"]))
    for position, nomination in enumerate(v.nominations):
        await nominations.submit_scores(
            rt, reviewer, nomination, scores={"ethics": 70 + position, "skill": 80, "deeds": 90 - position}
        )

    async def step(action: str) -> None:
        version = (await campaigns.campaign_view(v.id))["version"]
        await campaigns.act(rt, OPERATOR, v.id, action=action, expected_version=version)

    for action in ("close_voting", "seal", "tally", "publish_result"):
        await step(action)
    clock.advance(timedelta(days=14))
    await step("announce")
    scope = await LedgerScope.select(LedgerScope.id).where(LedgerScope.name == f"campaign-{v.id}").first()
    rows = (
        await LedgerEntry.select(LedgerEntry.body)
        .where(LedgerEntry.scope == scope["id"])
        .order_by(LedgerEntry.idx)
    )
    return [Entry.decode(r["body"].encode()) for r in rows]


def _edit(entries: list[Entry], event: str, change: Any, nth: int = 0) -> list[Entry]:
    """A copy of the log with the ``nth`` entry of type ``event`` changed by ``change(payload)``."""
    out, seen = [], 0
    for entry in entries:
        edited = entry
        if entry.type == event:
            if seen == nth:
                payload = copy.deepcopy(dict(entry.payload))
                change(payload)
                edited = replace(entry, payload=payload)
            seen += 1
        out.append(edited)
    return out


async def test_an_honest_campaign_passes_every_check(rt: Runtime, clock: FixedClock) -> None:
    entries = await _honest_log(rt, clock)
    report = verify_campaign(entries)
    assert report.ok, report.failures()
    assert report.entries == len(entries) and report.final_result_hash


@pytest.fixture
async def log(rt: Runtime, clock: FixedClock) -> list[Entry]:
    return await _honest_log(rt, clock)


def _checks(entries: list[Entry]) -> set[str]:
    return {f.check for f in verify_campaign(entries).findings}


def test_a_changed_choice_breaks_the_signature_and_the_tracking_code(log: list[Entry]) -> None:
    def swap(payload: dict[str, Any]) -> None:
        payload["ballot"]["payload"]["choices"] = (
            ["n2"] if payload["ballot"]["payload"]["choices"] != ["n2"] else ["n1"]
        )

    assert {"C1", "C5", "D1"} <= _checks(_edit(log, "selection:ballot:accepted", swap))


def test_a_credential_dropped_from_the_list_is_noticed(log: list[Entry]) -> None:
    assert "B3" in _checks(_edit(log, "selection:credentials:published", lambda p: p["credentials"].pop()))


def test_a_ballot_after_the_close_is_noticed(log: list[Entry]) -> None:
    accepted = next(i for i, e in enumerate(log) if e.type == "selection:ballot:accepted")
    closed = next(i for i, e in enumerate(log) if e.payload.get("action") == "close_voting")
    moved = [*log[:accepted], *log[accepted + 1 : closed + 1], log[accepted], *log[closed + 1 :]]
    assert "C3" in _checks(moved)


def test_a_changed_score_in_a_result_is_noticed(log: list[Entry]) -> None:
    def inflate(payload: dict[str, Any]) -> None:
        payload["result"]["candidates"][-1]["combined"] = "99.000000"

    assert "D2" in _checks(_edit(log, "selection:result:computed", inflate))


def test_a_shortened_publicity_window_is_noticed(log: list[Entry]) -> None:
    def shorten(payload: dict[str, Any]) -> None:
        payload["working_days"] = 1
        payload["closes"] = payload["opens"]

    assert "E1" in _checks(_edit(log, "selection:publicity:started", shorten))


def test_a_seal_that_drops_a_ballot_is_noticed(log: list[Entry]) -> None:
    def drop(payload: dict[str, Any]) -> None:
        payload["totals"][0]["ballots"] -= 1

    assert "D1" in _checks(_edit(log, "selection:seal:made", drop))


def test_an_impossible_transition_is_noticed(log: list[Entry]) -> None:
    def skip(payload: dict[str, Any]) -> None:
        payload["from"] = "draft"

    assert "S1" in _checks(_edit(log, "selection:campaign:transitioned", skip, nth=3))


def test_every_check_is_documented_in_the_module() -> None:
    import workflow.selection.verify as module

    for check in CHECK_IDS:
        assert f"\n{check} " in module.__doc__  # type: ignore[operator]
