"""One campaign told end to end through the pure core, the way the service will drive it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.selection.factories import CAMPAIGN, CANDIDATES, NOW, counter_bytes, make_facts, make_rules
from workflow.selection.ballot import (
    CredentialStatus,
    PublicBallotIn,
    PublicVoterFacts,
    StaffVoterFacts,
    check_ballot,
    check_public_ballot,
    make_staff_ballot,
    phone_hash,
)
from workflow.selection.common import b64u_encode
from workflow.selection.credentials import VoterEntry, derive_signer, generate_census
from workflow.selection.machine import CampaignGuardFacts, CampaignProcess
from workflow.selection.revote import CastBallot, resolve
from workflow.selection.rules import LiveResults, rules_hash
from workflow.selection.seal import build_seal, seal_bytes, seal_hash, verify_seal
from workflow.selection.tally import (
    ExpertSheet,
    TieBreakInput,
    TieUnresolved,
    counted_from_seal,
    live_turnout,
    result_hash,
    tally,
)


def test_a_small_campaign_from_census_to_recount() -> None:
    rules = make_rules(live_results=LiveResults.TURNOUT_ONLY)
    facts = make_facts(rules)
    process = CampaignProcess(
        "shortlist_frozen", CampaignGuardFacts(rules_valid=True, census_size=6, approvals_met=True)
    )
    process.fire("open_voting")

    # The credential authority issues six credentials; the server keeps only the public list.
    voters = [VoterEntry(f"staff-{i}", weight=1 + (i == 0)) for i in range(6)]
    census = generate_census(CAMPAIGN, voters, max_weight=5, random_bytes=counter_bytes("story"))
    listed = {p.public_key: CredentialStatus(p.weight) for p in census.public}

    accepted, history = [], {}
    staff_votes = [(0, ["c01", "c02"]), (1, ["c01"]), (2, ["c03"]), (0, ["c02"]), (3, ["c02", "c04"])]
    for n, (who, choices) in enumerate(staff_votes):
        signer = derive_signer(census.private_rows[who].credential, CAMPAIGN)
        ballot = make_staff_ballot(
            signer, campaign=CAMPAIGN, rules_digest=facts.rules_hash, choices=choices, nonce=bytes([n]) * 16
        )
        key = b64u_encode(signer.public_key)
        voter = StaffVoterFacts(listed[key], frozenset(history.get(key, ())))
        a = check_ballot(ballot, campaign=facts, voter=voter, now=NOW + timedelta(minutes=n))
        history.setdefault(key, []).append(a.tracking_code)
        accepted.append(a)

    salt = bytes(32)
    for n, (phone, choices) in enumerate([("13800138000", ("c04",)), ("13900139000", ("c04",))]):
        voter = PublicVoterFacts(phone_hash(phone, campaign=CAMPAIGN, salt=salt), 0, n)
        accepted.append(
            check_public_ballot(
                PublicBallotIn(choices=choices), campaign=facts, voter=voter, now=NOW, nonce=bytes([9, n]) * 8
            )
        )

    cast = [
        CastBallot(a.tracking_code, a.channel, a.voter, a.weight, a.day, i) for i, a in enumerate(accepted)
    ]
    process.fire("close_voting")
    manifest = build_seal(CAMPAIGN, rules_hash(rules), resolve(cast, rules))
    process.fire("seal")
    assert verify_seal(
        seal_bytes(manifest), expected_hash=seal_hash(manifest), campaign=CAMPAIGN, rules=rules, ballots=cast
    )
    assert len(manifest.counted()) == 6  # voter 0 revoted: 7 accepted, 6 counted

    choices = {a.tracking_code: a.choices for a in accepted}
    counted = counted_from_seal(manifest, choices)
    turnout = live_turnout(rules, counted)
    assert turnout is not None
    assert [t.ballots for t in turnout] == [4, 2]
    sheets = [
        ExpertSheet(f"e{e}", c, {"ethics": 80, "skill": 80, "deeds": 80})
        for e in range(3)
        for c in CANDIDATES
    ]
    args = {
        "campaign": CAMPAIGN,
        "rules": rules,
        "seal_digest": seal_hash(manifest),
        "candidates": CANDIDATES,
    }
    # staff c01 1, c02 3, c03 1, c04 1 (max 3); public c04 2 (max 2); vote = 0.6 staff + 0.4 public
    # combined = 0.3 vote + 0.7·80: c02 74, c04 74, c01 62, c03 62, c05 56, c06 56
    with pytest.raises(TieUnresolved):  # c01 and c03 tie for the third and last winning place
        tally(**args, ballots=counted, expert_sheets=sheets)  # type: ignore[arg-type]
    lots = TieBreakInput(lots=("c03", "c01"))  # the committee's drawing, recorded in the ledger
    first = tally(**args, ballots=counted, expert_sheets=sheets, tie=lots)  # type: ignore[arg-type]
    assert first.winners == ("c02", "c04", "c03")
    assert [r.tie_break for r in first.candidates[:2]] == ["unbroken", "unbroken"]  # both win anyway
    recount = tally(**args, ballots=counted, expert_sheets=sheets, tie=lots, disqualified=frozenset({"c04"}))  # type: ignore[arg-type]
    assert recount.winners == ("c02", "c03", "c01")
    assert result_hash(recount) != result_hash(first)
