"""The selection's domain checks: re-derive a campaign from its public log alone.

An auditor's verifier feeds the campaign log's entries in index order to :class:`CampaignReplay`;
it keeps the state the checks need and reports every disagreement with the number of the check
(after ``reference/voting-anchors.md`` §6.7) and the entry it concerns. Nothing here reads a
database: the rules, the credential list, every ballot, the expert sheets, the seal, each count, the
公示 window, the objections and the announcement are all in the log, so the same code runs in
``yide verify`` on an exported bundle and in the tests on a live campaign.

====== =========================================================================================
S1     every transition (campaign, nomination, objection, approval request) follows the declared
       machine from the state the log has reached; high-impact actions carry their N approvals
B1     the rules hash is SHA-256 of the RFC 8785 rules; rules change only before voting opens
B2     candidates on the ballot are exactly the shortlisted nominations; unit quotas held at submission;
       rejections and disqualifications carry a reason (hash)
B3     the credential list is complete, distinct, within the weight limit; count, total weight and
       list hash recompute
C1     every accepted staff ballot is canonical, signed by a listed, unrevoked credential of this
       campaign under the current rules hash, and carries that credential's weight
C2     every accepted ballot's choices fit the ballot shape and the shortlist
C3     ballots are accepted only while voting is open and inside the scheduled window; none after
       the close or the seal
C4     no credential has more accepted ballots than the revote policy allows, no phone more than the
       daily cap; every rejection names a known reason code
C5     tracking codes are the SHA-256 of the ballot record and unique
D1     the seal hash and totals recompute from the accepted ballots, disqualifications and revocations
D2     every count and recount recomputes from the sealed ballots, the expert sheets, the
       disqualified candidates and the tie-break input, byte for byte
E1     each 公示 names the latest result and a window that recomputes on the working-day calendar
E2     objections were lodged inside a window, each is resolved once with N approvals, and a
       disqualifying resolution is followed by a recount without that candidate
E3     the announcement names the final result, every resolution and the window's end, after it
====== =========================================================================================
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import msgspec

from workflow.errors import DomainError
from workflow.ledger.entry import Entry
from workflow.ledger.events import EventType as E
from workflow.selection.approvals import ApprovalPolicy, counted
from workflow.selection.ballot import (
    BALLOT_DOMAIN,
    PUBLIC_BALLOT_DOMAIN,
    BallotPayload,
    BallotRejected,
    CampaignFacts,
    Channel,
    RejectReason,
    check_choices,
    payload_bytes,
    tracking_code,
)
from workflow.selection.common import b64u_decode, canonical_json, china_day
from workflow.selection.credentials import PublicCredential, check_public_list, public_list_hash
from workflow.selection.machine import APPROVAL, CAMPAIGN, NOMINATION, OBJECTION
from workflow.selection.revote import CastBallot, resolve
from workflow.selection.rules import CampaignRules, encode_rules, publicity_window, rules_hash
from workflow.selection.seal import SealEntry, build_seal, seal_hash
from workflow.selection.states import RULES_FROZEN, CampaignState
from workflow.selection.tally import (
    CountedBallot,
    ExpertSheet,
    TallyResult,
    TieBreakInput,
    TieUnresolved,
    encode_result,
    result_hash,
    tally,
)
from workflow.signing import ED25519

CHECKS: tuple[tuple[str, str], ...] = (
    ("S1", "transitions follow the declared machines; high-impact ones carry their approvals"),
    ("B1", "rules hash recomputes; rules frozen from the opening of the vote"),
    ("B2", "ballot candidates are the shortlisted nominations; quotas; reasons logged"),
    ("B3", "credential list complete, distinct, weights valid; count, weight and hash recompute"),
    ("C1", "staff ballots signed by listed, unrevoked credentials under the campaign's rules"),
    ("C2", "ballot choices fit the ballot shape and the shortlist"),
    ("C3", "ballots accepted only while voting is open, inside the window, none after the seal"),
    ("C4", "revote policy and daily caps hold at acceptance; rejections carry known reasons"),
    ("C5", "tracking codes recompute and are unique"),
    ("D1", "seal recomputes from the accepted ballots"),
    ("D2", "every count and recount recomputes byte for byte"),
    ("E1", "公示 names the latest result; its window recomputes on the calendar"),
    ("E2", "objections in the window, each resolved once with approvals; recount after disqualification"),
    ("E3", "announcement names the final result, the resolutions and the window end, after it"),
)
CHECK_IDS = tuple(check_id for check_id, _ in CHECKS)
_MACHINES = {
    E.CAMPAIGN_TRANSITIONED: CAMPAIGN,
    E.NOMINATION_TRANSITIONED: NOMINATION,
    E.OBJECTION_TRANSITIONED: OBJECTION,
    E.APPROVAL_DECIDED: APPROVAL,
}
_REASONS = frozenset(str(r) for r in RejectReason)


@dataclass(frozen=True)
class Finding:
    check: str
    message: str
    index: int | None = None


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    final_result_hash: str | None = None
    entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def failures(self) -> list[str]:
        return [f"{f.check} @{f.index}: {f.message}" for f in self.findings]


def _time(entry: Entry) -> datetime:
    return datetime.fromisoformat(entry.time.replace("Z", "+00:00"))


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class _Request:
    action: str
    subject: str
    subject_id: int
    initiator: str
    approvers: list[str] = field(default_factory=list)


class CampaignReplay:
    """Feed a campaign log's entries in order; collect findings per check."""

    def __init__(self, *, checks: Iterable[str] = CHECK_IDS, verify_signatures: bool = True) -> None:
        self.enabled = frozenset(checks)
        self.verify_signatures = verify_signatures
        self.findings: list[Finding] = []
        self.index = -1
        self.fed = 0
        self.uid = ""
        self.rules: CampaignRules | None = None
        self.rules_digest = b""
        self.holidays: list[date] = []
        self.workdays: list[date] = []
        self.schedule: dict[str, datetime | None] = {}
        self.policy = ApprovalPolicy()
        self.state = str(CampaignState.draft)
        self.subjects: dict[tuple[str, int], str] = {}
        self.requests: dict[int, _Request] = {}
        self.nominations: dict[int, int] = {}  # nomination -> unit
        self.candidates: list[str] = []
        self.credentials: dict[str, int] = {}
        self.revoked: set[str] = set()
        self.list_parts: list[list[Any]] = []
        self.list_done = False
        self.cast: list[CastBallot] = []
        self.choices: dict[str, tuple[str, ...]] = {}
        self.per_voter: dict[tuple[str, str], int] = defaultdict(int)
        self.disqualified_ballots: set[str] = set()
        self.sheets: dict[tuple[str, str], dict[str, int]] = {}
        self.lots: tuple[str, ...] = ()
        self.seed: str | None = None
        self.seal_digest: bytes | None = None
        self.counted: list[SealEntry] = []
        self.results: list[tuple[str, str, TallyResult]] = []
        self.window: tuple[datetime, datetime] | None = None
        self.objections: dict[int, str] = {}  # id -> candidate
        self.resolved: dict[int, tuple[str, bool]] = {}
        self.awaiting_recount: set[str] = set()
        self.announced = False

    # --- plumbing --------------------------------------------------------------------------------

    def fail(self, check: str, message: str) -> None:
        if check in self.enabled:
            self.findings.append(Finding(check, message, self.index))

    def feed(self, entry: Entry) -> list[Finding]:
        before = len(self.findings)
        self.index = entry.index
        self.fed += 1
        handler = getattr(self, "_on_" + entry.type.replace(":", "_").replace("-", "_"), None)
        try:
            if entry.type in _MACHINES:
                self._transition(entry)
            if handler is not None:
                handler(entry)
        except (KeyError, TypeError, ValueError, msgspec.ValidationError, DomainError) as error:
            self.fail("S1", f"{entry.type} entry cannot be read: {error!r}")
        return self.findings[before:]

    def finish(self) -> list[Finding]:
        before = len(self.findings)
        self.index = -1
        pending = sorted(set(self.objections) - set(self.resolved))
        if self.announced and pending:
            self.fail("E2", f"objections never resolved: {pending}")
        if self.awaiting_recount:
            self.fail("E2", f"no recount after disqualifying {sorted(self.awaiting_recount)}")
        return self.findings[before:]

    def report(self) -> Report:
        return Report(list(self.findings), self.results[-1][1] if self.results else None, self.fed)

    # --- the machines (S1) -------------------------------------------------------------------------

    def _transition(self, entry: Entry) -> None:
        definition = _MACHINES[E(entry.type)]
        payload = entry.payload
        action, source, dest = payload["action"], payload["from"], payload["to"]
        subject = self._subject(entry.type, payload)
        current = self.subjects.get(subject, str(definition.initial))
        if source != current:
            self.fail(
                "S1", f"{definition.name} {subject[1]} moved from {source}, but the log has it at {current}"
            )
        transitions = definition.machine.events.get(action)
        dests = {str(t.dest) for t in transitions.transitions.get(source, [])} if transitions else set()
        if dest not in dests:
            self.fail("S1", f"{definition.name} has no {action!r} from {source} to {dest}")
        self.subjects[subject] = dest
        if definition is CAMPAIGN:
            self.state = dest
            if action in CAMPAIGN.high_impact and not self.policy.trivial:
                self._check_approvals(payload, "campaign", action)

    def _subject(self, event_type: str, payload: Mapping[str, Any]) -> tuple[str, int]:
        if event_type == E.CAMPAIGN_TRANSITIONED:
            return ("campaign", 0)
        if event_type == E.NOMINATION_TRANSITIONED:
            return ("nomination", int(payload["nomination"]))
        if event_type == E.OBJECTION_TRANSITIONED:
            return ("objection", int(payload["objection"]))
        return ("request", int(payload["request"]))

    def _check_approvals(self, payload: Mapping[str, Any], subject: str, action: str) -> None:
        request = self.requests.get(int(payload.get("request", -1)))
        if request is None or request.action != action or request.subject != subject:
            self.fail("S1", f"{action} needs {self.policy.required} approvals but names no matching request")
            return
        accounts = {int(a.split(":")[1]) for a in request.approvers if a.startswith("account:")}
        initiator = int(request.initiator.split(":")[1]) if request.initiator.startswith("account:") else -1
        have = counted(self.policy, initiator=initiator, approvers=accounts, committee=frozenset(accounts))
        if have < self.policy.required:
            self.fail("S1", f"{action} carried out with {have} of {self.policy.required} approvals")

    def _on_selection_approval_requested(self, entry: Entry) -> None:
        p = entry.payload
        self.requests[int(p["request"])] = _Request(
            p["action"], p["subject"], int(p["subject_id"]), entry.actor
        )

    def _on_selection_approval_given(self, entry: Entry) -> None:
        request = self.requests.get(int(entry.payload["request"]))
        if request is None:
            self.fail("S1", "an approval for an unknown request")
            return
        if entry.actor in request.approvers:
            self.fail("S1", f"{entry.actor} approved request {entry.payload['request']} twice")
        request.approvers.append(entry.actor)

    # --- setup (B1–B3) -----------------------------------------------------------------------------

    def _set_rules(self, data: dict[str, Any], digest: str) -> None:
        rules = msgspec.convert(data, CampaignRules)
        if rules_hash(rules).hex() != digest or canonical_json(data) != encode_rules(rules):
            self.fail("B1", "the logged rules do not hash to the logged rules hash")
        self.rules, self.rules_digest = rules, bytes.fromhex(digest)

    def _on_selection_campaign_created(self, entry: Entry) -> None:
        p = entry.payload
        self.uid = p["uid"]
        self._set_rules(p["rules"], p["rules_hash"])
        self.schedule = {k: _instant(v) for k, v in p["schedule"].items()}
        self.holidays = [date.fromisoformat(d) for d in p["holidays"]]
        self.workdays = [date.fromisoformat(d) for d in p["workdays"]]
        approvals = p["approvals"]
        self.policy = ApprovalPolicy(
            approvals["required"],
            frozenset(int(a.split(":")[1]) for a in approvals["panel"]),
            approvals["initiator_counts"],
        )

    def _on_selection_campaign_updated(self, entry: Entry) -> None:
        p = entry.payload
        if "rules" in p:
            if self.state in RULES_FROZEN:
                self.fail("B1", "the rules changed after voting opened")
            self._set_rules(p["rules"], p["rules_hash"])
        if "schedule" in p:
            self.schedule = {k: _instant(v) for k, v in p["schedule"].items()}
        if "holidays" in p:
            self.holidays = [date.fromisoformat(d) for d in p["holidays"]]
        if "workdays" in p:
            self.workdays = [date.fromisoformat(d) for d in p["workdays"]]
        if "approvals" in p:
            approvals = p["approvals"]
            self.policy = ApprovalPolicy(
                approvals["required"],
                frozenset(int(a.split(":")[1]) for a in approvals["panel"]),
                approvals["initiator_counts"],
            )

    def _on_selection_nomination_submitted(self, entry: Entry) -> None:
        p = entry.payload
        nomination, unit = int(p["nomination"]), int(p["unit"])
        self.nominations[nomination] = unit
        live = sum(
            1
            for n, u in self.nominations.items()
            if u == unit
            and self.subjects.get(("nomination", n), "submitted") not in ("rejected", "withdrawn")
        )
        if self.rules is not None and live > self.rules.quota.per_unit_max:
            self.fail("B2", f"unit {unit} has {live} nominations, over its quota")

    def _on_selection_nomination_transitioned(self, entry: Entry) -> None:
        p = entry.payload
        if p["action"] in ("reject", "disqualify") and not p.get("reason_sha256"):
            self.fail("B2", f"{p['action']} of nomination {p['nomination']} without a reason")
        if p["action"] == "disqualify":
            self.awaiting_recount.add(str(p["candidate"]))

    def _on_selection_campaign_transitioned(self, entry: Entry) -> None:
        p = entry.payload
        if p["action"] == "freeze_shortlist":
            shortlisted = sorted(
                f"n{n}" for n in self.nominations if self.subjects.get(("nomination", n)) == "shortlisted"
            )
            self.candidates = list(p["candidates"])
            if shortlisted != self.candidates:
                self.fail("B2", "the frozen candidates differ from the shortlisted nominations")
        if p["action"] == "open_voting" and not self.list_done:
            self.fail("B3", "voting opened before the credential list was complete")

    def _on_selection_credentials_published(self, entry: Entry) -> None:
        p = entry.payload
        if p["part"] != len(self.list_parts) + 1 or self.list_done:
            self.fail("B3", "credential list parts out of order")
        self.list_parts.append(p["credentials"])

    def _on_selection_credentials_complete(self, entry: Entry) -> None:
        p = entry.payload
        listed = [PublicCredential(key, weight) for part in self.list_parts for key, weight in part]
        staff = self.rules.channels.staff if self.rules else None
        try:
            check_public_list(listed, max_weight=staff.max_weight if staff and staff.weighted else 1)
        except DomainError as error:
            self.fail("B3", f"credential list refused: {error.detail}")
        if p["count"] != len(listed) or p["total_weight"] != sum(c.weight for c in listed):
            self.fail("B3", "credential count or total weight does not add up")
        if p["list_hash"] != public_list_hash(self.uid, listed).hex():
            self.fail("B3", "credential list hash does not recompute")
        self.credentials = {c.public_key: c.weight for c in listed}
        self.list_done = True

    def _on_selection_credential_revoked(self, entry: Entry) -> None:
        key = entry.payload["public_key"]
        if key not in self.credentials:
            self.fail("B3", "revocation of an unlisted credential")
        self.revoked.add(key)

    def _on_selection_credential_issued(self, entry: Entry) -> None:
        p = entry.payload
        if p["public_key"] in self.credentials:
            self.fail("B3", "a reissued key is already on the list")
        self.credentials[p["public_key"]] = int(p["weight"])

    # --- ballots (C1–C5) -------------------------------------------------------------------------

    def _on_selection_ballot_accepted(self, entry: Entry) -> None:
        p = entry.payload
        ballot, channel, weight = p["ballot"], Channel(p["channel"]), int(p["weight"])
        record = canonical_json(ballot)
        code = tracking_code(record)
        if code != p["tracking_code"]:
            self.fail("C5", "the tracking code is not the hash of the ballot")
        if code in self.choices:
            self.fail("C5", f"tracking code {code} accepted twice")
        at = _time(entry)
        opens, closes = self.schedule.get("voting_opens_at"), self.schedule.get("voting_closes_at")
        if self.state != CampaignState.voting_open or (opens and at < opens) or (closes and at >= closes):
            self.fail("C3", f"ballot accepted while the campaign was {self.state} or outside the window")
        body = ballot["payload"]
        if (
            body["campaign"] != self.uid
            or body["rules"] != self.rules_digest.hex()
            or body["channel"] != channel
        ):
            self.fail("C1", "ballot for another campaign, channel or rules")
        if channel is Channel.STAFF:
            voter = self._staff_ballot(ballot, weight)
            limit = self.rules.revote.max_ballots() if self.rules else None
            group = (str(channel), voter)
        else:
            voter = body["phone"]
            if (
                body["domain"] != PUBLIC_BALLOT_DOMAIN
                or body["day"] != china_day(at).isoformat()
                or weight != 1
            ):
                self.fail("C1", "public ballot with a wrong domain, day or weight")
            limit = self.rules.channels.public.ballots_per_phone_per_day if self.rules else None
            group = (str(channel), f"{voter}@{body['day']}")
        self.per_voter[group] += 1
        if limit is not None and self.per_voter[group] > limit:
            self.fail("C4", f"{channel} voter has more accepted ballots than the rules allow")
        choices = tuple(body["choices"])
        if self.rules is not None:
            facts = CampaignFacts.build(
                campaign=self.uid,
                rules=self.rules,
                candidates=self.candidates,
                voting_open=True,
                opens_at=at,
                closes_at=at,
            )
            try:
                check_choices(choices, facts)
            except BallotRejected as rejection:
                self.fail("C2", f"accepted ballot would be rejected: {rejection.reason_code}")
        self.choices[code] = choices
        day = date.fromisoformat(body["day"]) if channel is Channel.PUBLIC else china_day(at)
        self.cast.append(CastBallot(code, channel, voter, weight, day, entry.index))

    def _staff_ballot(self, ballot: dict[str, Any], weight: int) -> str:
        payload = msgspec.convert(ballot["payload"], BallotPayload)
        key = payload.credential
        if payload.domain != BALLOT_DOMAIN:
            self.fail("C1", "staff ballot with a wrong domain tag")
        if key not in self.credentials:
            self.fail("C1", "staff ballot from a credential not on the list")
        elif key in self.revoked:
            self.fail("C1", "staff ballot from a revoked credential")
        elif self.credentials[key] != weight:
            self.fail("C1", "staff ballot counted with the wrong weight")
        if self.verify_signatures and "C1" in self.enabled:
            signature = b64u_decode(ballot["signature"], size=64)
            if not ED25519.verify(b64u_decode(key, size=32), signature, payload_bytes(payload)):
                self.fail("C1", "staff ballot signature does not verify")
        return key

    def _on_selection_ballot_rejected(self, entry: Entry) -> None:
        if entry.payload["reason"] not in _REASONS:
            self.fail("C4", f"rejection with an unknown reason {entry.payload['reason']!r}")

    def _on_selection_ballot_disqualified(self, entry: Entry) -> None:
        codes = set(entry.payload["tracking_codes"])
        unknown = codes - set(self.choices)
        if unknown or not entry.payload.get("reason"):
            self.fail("D1", "disqualification of unknown ballots or without a reason")
        self.disqualified_ballots |= codes

    def _on_selection_score_submitted(self, entry: Entry) -> None:
        p = entry.payload
        self.sheets[(entry.actor, p["candidate"])] = dict(p["scores"])

    def _on_selection_tie_lots_drawn(self, entry: Entry) -> None:
        self.lots = tuple(entry.payload["lots"])

    def _on_selection_tie_seed_revealed(self, entry: Entry) -> None:
        self.seed = entry.payload["seed"]

    # --- close (D1, D2) --------------------------------------------------------------------------

    def _revoked_voters(self) -> frozenset[str]:
        return frozenset(self.revoked)

    def _on_selection_seal_made(self, entry: Entry) -> None:
        if self.rules is None:
            return
        manifest = build_seal(
            self.uid,
            self.rules_digest,
            resolve(
                self.cast,
                self.rules,
                disqualified=frozenset(self.disqualified_ballots),
                revoked_voters=self._revoked_voters(),
            ),
        )
        if seal_hash(manifest).hex() != entry.payload["seal"]:
            self.fail("D1", "the seal hash does not recompute from the accepted ballots")
        if list(msgspec.to_builtins(manifest.totals)) != entry.payload["totals"]:
            self.fail("D1", "the seal totals do not recompute")
        self.seal_digest = seal_hash(manifest)
        self.counted = [e for e in manifest.entries if e.disposition == "counted"]

    def _disqualified_candidates(self) -> frozenset[str]:
        return frozenset(
            f"n{n}" for n in self.nominations if self.subjects.get(("nomination", n)) == "disqualified"
        )

    def _on_selection_result_computed(self, entry: Entry) -> None:
        p = entry.payload
        published = msgspec.convert(p["result"], TallyResult)
        if result_hash(published).hex() != p["result_hash"]:
            self.fail("D2", "the result hash does not match the logged result")
        if self.rules is not None and self.seal_digest is not None:
            try:
                recomputed = tally(
                    campaign=self.uid,
                    rules=self.rules,
                    seal_digest=self.seal_digest,
                    candidates=self.candidates,
                    ballots=[
                        CountedBallot(e.channel, e.weight, self.choices.get(e.tracking_code, ()))
                        for e in self.counted
                    ],
                    expert_sheets=[
                        ExpertSheet(expert, candidate, scores)
                        for (expert, candidate), scores in sorted(self.sheets.items())
                    ],
                    disqualified=self._disqualified_candidates(),
                    tie=TieBreakInput(seed=self.seed, lots=self.lots),
                )
                if encode_result(recomputed) != encode_result(published):
                    self.fail("D2", f"the {p['kind']} does not recompute")
            except (DomainError, TieUnresolved) as error:
                self.fail("D2", f"the {p['kind']} cannot be recomputed: {error}")
        self.awaiting_recount -= set(published.disqualified)
        self.results.append((p["kind"], p["result_hash"], published))

    # --- 公示, objections, announcement (E1–E3) -------------------------------------------------------

    def _on_selection_publicity_started(self, entry: Entry) -> None:
        p = entry.payload
        if not self.results or p["result_hash"] != self.results[-1][1]:
            self.fail("E1", "the 公示 does not name the latest result")
        opens = _instant(p["opens"])
        assert opens is not None
        window = publicity_window(
            opens, int(p["working_days"]), holidays=self.holidays, workdays=self.workdays
        )
        if self.rules is not None and p["working_days"] != self.rules.publicity.working_days:
            self.fail("E1", "the 公示 length differs from the rules")
        if _instant(p["closes"]) != window.closes_at:
            self.fail("E1", f"the 公示 window should close at {window.closes_at.isoformat()}")
        self.window = (opens, window.closes_at)

    def _on_selection_objection_lodged(self, entry: Entry) -> None:
        at = _time(entry)
        if self.window is None or not self.window[0] <= at < self.window[1]:
            self.fail("E2", "an objection accepted outside the 公示 window")
        self.objections[int(entry.payload["objection"])] = entry.payload["candidate"]

    def _on_selection_objection_refused(self, entry: Entry) -> None:
        at = _time(entry)
        inside = self.window is not None and self.window[0] <= at < self.window[1]
        codes = set(entry.payload["codes"])
        if inside and codes <= {"before_window", "after_window"}:
            self.fail("E2", "an objection inside the window was refused as late or early")

    def _on_selection_objection_transitioned(self, entry: Entry) -> None:
        p = entry.payload
        if p["action"] not in ("uphold", "dismiss"):
            return
        objection = int(p["objection"])
        if objection in self.resolved:
            self.fail("E2", f"objection {objection} resolved twice")
        if not self.policy.trivial:
            self._check_approvals(p, "objection", p["action"])
        self.resolved[objection] = (p["action"], bool(p.get("disqualify")))

    def _on_selection_announcement_made(self, entry: Entry) -> None:
        p = entry.payload
        self.announced = True
        if not self.results or p["result_hash"] != self.results[-1][1]:
            self.fail("E3", "the announcement does not name the final result")
        if self.window is None or _instant(p["publicity_closed"]) != self.window[1]:
            self.fail("E3", "the announcement names another 公示 end")
        elif _time(entry) < self.window[1]:
            self.fail("E3", "announced before the 公示 ended")
        listed = {(r["objection"], r["decision"], bool(r["disqualified"])) for r in p["resolutions"]}
        decided = {(o, d, q) for o, (d, q) in self.resolved.items()}
        if listed != decided:
            self.fail("E3", "the announcement does not list exactly the resolutions")


def verify_campaign(entries: Sequence[Entry] | Iterable[Entry], *, verify_signatures: bool = True) -> Report:
    """Run every selection check over a campaign log (entries in index order)."""
    replay = CampaignReplay(verify_signatures=verify_signatures)
    for entry in entries:
        replay.feed(entry)
    replay.finish()
    return replay.report()
