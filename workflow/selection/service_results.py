"""Close of a campaign: seal, tally and recount, tie-break input, 公示, objections, announcement.

The effects (``seal_effect`` …) run inside the transaction that fires the campaign trigger they
belong to (see :mod:`service_campaigns`), so the state change, its artefact and their ledger entries
commit together or not at all. The tally reads only what the seal marks counted.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import msgspec

from workflow.accounts.roles import Principal
from workflow.db import for_update, read_transaction, write_transaction
from workflow.documents.notice import (
    CandidatePerson,
    ObjectionContact,
    PublicityNotice,
    notice_pdf,
    notice_text,
    rows_from_tally,
)
from workflow.errors import Conflict, DomainError, ErrorKind, InvalidInput, NotFound, RateLimited
from workflow.ledger.events import EventType
from workflow.org.tables import Department
from workflow.runtime import Runtime
from workflow.selection import external
from workflow.selection.announcement import OUTCOME_ZH, Listed, Resolved, render_announcement
from workflow.selection.ballot import Channel
from workflow.selection.common import china_day
from workflow.selection.machine import (
    NominationGuardFacts,
    NominationProcess,
    ObjectionGuardFacts,
    ObjectionProcess,
)
from workflow.selection.records import (
    ON_BALLOT,
    ballot_candidates,
    calendar_of,
    candidate_id,
    get_campaign,
    iso,
    log,
    nomination_id_of,
    rules_of,
    scope_of,
)
from workflow.selection.revote import CastBallot, resolve
from workflow.selection.rules import TieMethod, objection_problems, publicity_window
from workflow.selection.seal import SealManifest, build_seal, seal_bytes
from workflow.selection.states import CampaignState, NominationState, ObjectionState
from workflow.selection.tables import (
    Ballot,
    Campaign,
    CampaignResult,
    ExpertScore,
    Nomination,
    Objection,
    OutcomeType,
    VoterCredential,
)
from workflow.selection.tally import (
    CountedBallot,
    ExpertSheet,
    TallyResult,
    TieBreakInput,
    decode_result,
    encode_result,
    seed_commitment,
    tally,
)
from workflow.signing import sha256
from workflow.stateful import fire
from workflow.throttle import service as throttle

_CHUNK = 500
OBJECTIONS_PER_ADDRESS_HOURLY = 20
PUBLICITY_STATES = (CampaignState.publicized, CampaignState.objection_review)


class ObjectionRefused(DomainError):
    """An objection outside the window, anonymous or without contact; ``codes`` say which."""

    kind = ErrorKind.CONFLICT
    code = "objection-refused"
    title = "The objection cannot be accepted"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- seal ------------------------------------------------------------------------------------------


async def seal_effect(rt: Runtime, row: Campaign, *, actor: str, now: datetime) -> None:
    """Resolve every accepted ballot's disposition, write the manifest, log its hash."""
    rules = rules_of(row)
    rows = await Ballot.select(
        Ballot.tracking_code,
        Ballot.channel,
        Ballot.voter,
        Ballot.weight,
        Ballot.day,
        Ballot.ledger_index,
        Ballot.disqualified,
    ).where(Ballot.campaign == row.id)
    cast = [
        CastBallot(
            r["tracking_code"], Channel(r["channel"]), r["voter"], r["weight"], r["day"], r["ledger_index"]
        )
        for r in rows
    ]
    disqualified = frozenset(r["tracking_code"] for r in rows if r["disqualified"])
    revoked = frozenset(
        r["public_key"]
        for r in await VoterCredential.select(VoterCredential.public_key).where(
            (VoterCredential.campaign == row.id) & VoterCredential.revoked.eq(True)
        )
    )
    resolutions = resolve(cast, rules, disqualified=disqualified, revoked_voters=revoked)
    manifest = build_seal(row.uid, bytes.fromhex(row.rules_hash), resolutions)
    data = seal_bytes(manifest)
    by_disposition: dict[str, list[str]] = {}
    for r in resolutions:
        by_disposition.setdefault(str(r.disposition), []).append(r.tracking_code)
    for disposition, codes in by_disposition.items():
        for i in range(0, len(codes), _CHUNK):
            await Ballot.update({Ballot.disposition: disposition}).where(
                (Ballot.campaign == row.id) & Ballot.tracking_code.is_in(codes[i : i + _CHUNK])
            )
    row.seal_manifest = data.decode("utf-8")
    row.seal_hash = sha256(data).hex()
    await row.save([Campaign.seal_manifest, Campaign.seal_hash])
    await log(
        row.id,
        EventType.SEAL_MADE,
        actor,
        {
            "campaign": row.uid,
            "seal": row.seal_hash,
            "ballots": len(manifest.entries),
            "totals": [msgspec.to_builtins(t) for t in manifest.totals],
            "revoked_credentials": len(revoked),
        },
        at=now,
    )


def manifest_of(row: Campaign) -> SealManifest:
    if not row.seal_manifest:
        raise NotFound("the campaign is not sealed yet")
    return msgspec.json.decode(row.seal_manifest, type=SealManifest)


# --- tally and recount -----------------------------------------------------------------------------


async def disqualified_candidates(campaign_id: int) -> frozenset[str]:
    rows = await Nomination.select(Nomination.id).where(
        (Nomination.campaign == campaign_id) & (Nomination.status == NominationState.disqualified)
    )
    return frozenset(candidate_id(r["id"]) for r in rows)


async def expert_sheets(campaign_id: int) -> list[ExpertSheet]:
    rows = await ExpertScore.select(ExpertScore.nomination, ExpertScore.expert, ExpertScore.scores).where(
        ExpertScore.campaign == campaign_id
    )
    return [
        ExpertSheet(f"account:{r['expert']}", candidate_id(r["nomination"]), json.loads(r["scores"]))
        for r in sorted(rows, key=lambda r: (r["nomination"], r["expert"]))
    ]


async def compute_result(row: Campaign) -> TallyResult:
    """Tally the sealed set with today's disqualifications and tie-break input (raises TieUnresolved)."""
    manifest = manifest_of(row)
    counted = manifest.counted()
    choices: dict[str, list[str]] = {}
    rows = await Ballot.select(Ballot.tracking_code, Ballot.choices).where(
        (Ballot.campaign == row.id) & (Ballot.disposition == "counted")
    )
    for r in rows:
        if r["tracking_code"] in counted:
            choices[r["tracking_code"]] = json.loads(r["choices"])
    ballots = [
        CountedBallot(e.channel, e.weight, tuple(choices.get(e.tracking_code, ())))
        for e in manifest.entries
        if e.tracking_code in counted
    ]
    on_ballot = await ballot_candidates(row.id)
    sheets = [s for s in await expert_sheets(row.id) if s.candidate in on_ballot]
    return tally(
        campaign=row.uid,
        rules=rules_of(row),
        seal_digest=bytes.fromhex(row.seal_hash),
        candidates=on_ballot,
        ballots=ballots,
        expert_sheets=sheets,
        disqualified=await disqualified_candidates(row.id),
        tie=TieBreakInput(seed=row.tie_seed, lots=tuple(json.loads(row.tie_lots))),
    )


async def result_effect(rt: Runtime, row: Campaign, *, kind: str, actor: str, now: datetime) -> None:
    computed = await compute_result(row)
    data = encode_result(computed)
    digest = sha256(data).hex()
    appended = await log(
        row.id,
        EventType.RESULT_COMPUTED,
        actor,
        {"kind": kind, "result": msgspec.to_builtins(computed), "result_hash": digest},
        at=now,
    )
    await CampaignResult.insert(
        CampaignResult(
            campaign=row.id,
            kind=kind,
            result=data.decode("utf-8"),
            result_hash=digest,
            ledger_index=appended.index,
            created_at=now,
        )
    )


async def latest_result(campaign_id: int) -> CampaignResult | None:
    return await (
        CampaignResult.objects()
        .where(CampaignResult.campaign == campaign_id)
        .order_by(CampaignResult.id, ascending=False)
        .first()
    )


async def new_disqualification(campaign_id: int) -> bool:
    """A candidate was disqualified after the latest count (so a recount is due)."""
    latest = await latest_result(campaign_id)
    if latest is None:
        return False
    counted_without = frozenset(decode_result(latest.result.encode()).disqualified)
    return await disqualified_candidates(campaign_id) != counted_without


async def record_tie_break(
    rt: Runtime, p: Principal, campaign_id: int, *, lots: list[str] | None, seed: str | None
) -> dict[str, Any]:
    """Record the drawing of lots (the committee's order) or reveal the committed seed."""
    if (lots is None) == (seed is None):
        raise InvalidInput("send either lots or seed")
    now = rt.clock.now()
    async with write_transaction():
        row = await get_campaign(campaign_id, lock=True)
        if row.status not in (CampaignState.sealed, CampaignState.tallied, CampaignState.objection_review):
            raise InvalidInput("ties are broken after the seal and before the 公示 ends", state=row.status)
        rules = rules_of(row)
        if lots is not None:
            on_ballot = set(await ballot_candidates(row.id))
            if len(set(lots)) != len(lots) or not set(lots) <= on_ballot:
                raise InvalidInput("lots must list distinct candidates on the ballot", field="lots")
            if rules.tie_break.method is not TieMethod.DRAWING_OF_LOTS:
                raise InvalidInput("these rules break ties with the published seed", field="lots")
            row.tie_lots = json.dumps(lots)
            await row.save([Campaign.tie_lots])
            await log(row.id, EventType.TIE_LOTS_DRAWN, p.ledger_actor, {"lots": lots}, at=now)
        else:
            assert seed is not None
            if rules.tie_break.method is not TieMethod.PUBLISHED_SEED:
                raise InvalidInput("these rules break ties by a drawing of lots", field="seed")
            if seed_commitment(seed) != rules.tie_break.seed_commitment:
                raise InvalidInput("the seed does not match the rules' commitment", field="seed")
            row.tie_seed = seed
            await row.save([Campaign.tie_seed])
            await log(row.id, EventType.TIE_SEED_REVEALED, p.ledger_actor, {"seed": seed}, at=now)
    return {"lots": json.loads(row.tie_lots), "seed": row.tie_seed}


# --- 公示 and announcement -------------------------------------------------------------------------


async def _listed(campaign_id: int, result: TallyResult) -> list[Listed]:
    people = await _people(campaign_id, [c.candidate for c in result.candidates if c.winner])
    return [
        Listed(c.position, c.candidate, people[c.candidate].name, people[c.candidate].unit, c.combined)
        for c in result.candidates
        if c.winner
    ]


def _objection_office(row: Campaign) -> ObjectionContact:
    return ObjectionContact(
        office=row.objection_office or row.issuer or "评选组织单位",
        phone=row.objection_phone,
        email=row.objection_email,
        address=row.objection_address,
    )


async def _people(campaign_id: int, candidates: list[str]) -> dict[str, CandidatePerson]:
    ids = [nomination_id_of(c) for c in candidates]
    rows = await Nomination.select(
        Nomination.id, Nomination.staff.name, Nomination.staff.department, Nomination.unit.name
    ).where(Nomination.id.is_in(ids or [-1]) & (Nomination.campaign == campaign_id))
    departments = {
        d["id"]: d["name"]
        for d in await Department.select(Department.id, Department.name).where(
            Department.id.is_in([r["staff.department"] for r in rows if r["staff.department"]] or [-1])
        )
    }
    return {
        candidate_id(r["id"]): CandidatePerson(
            name=r["staff.name"], unit=r["unit.name"], department=departments.get(r["staff.department"], "")
        )
        for r in rows
    }


async def publicity_effect(
    rt: Runtime, row: Campaign, *, actor: str, now: datetime, republished: bool
) -> None:
    """Start (or restart) the 公示: window on the working-day calendar, notice text and PDF, checkpoint."""
    latest = await latest_result(row.id)
    if latest is None:
        raise NotFound("no result to publish")
    result = decode_result(latest.result.encode())
    rules = rules_of(row)
    holidays, workdays = calendar_of(row)
    window = publicity_window(now, rules.publicity.working_days, holidays=holidays, workdays=workdays)
    pinned = await external.checkpoint_for(rt, scope_of(row.id))
    scoring = rules.scoring
    notice = PublicityNotice(
        title=f"关于{row.title}{OUTCOME_ZH[OutcomeType(row.outcome_type)]}的公示",
        campaign_title=row.title,
        campaign_uid=row.uid,
        issuer=row.issuer or "评选组织单位",
        issued_on=china_day(now),
        period_start=window.first_day,
        period_end=window.last_day,
        rows=rows_from_tally(
            result, await _people(row.id, [c.candidate for c in result.candidates]), winners_only=True
        ),
        objection=_objection_office(row),
        checkpoint=pinned,
        log_url=f"{rt.settings.server.public_url}/logs/{scope_of(row.id)}",
        result_hash=latest.result_hash,
        log_keys=external.log_vkeys(rt, scope_of(row.id)),
        period_note=f"{rules.publicity.working_days}个工作日",
        preamble="因公示期间异议处理结果调整了名单，现将调整后的名单重新公示。" if republished else "",
        footnotes=(
            f"综合得分 = 投票得分 × {scoring.votes_percent}% + 专家评分 × {scoring.experts_percent}%。",
        ),
    )
    text = notice_text(notice)
    row.publicity_started_at, row.publicity_closes_at = now, window.closes_at
    row.notice, row.notice_sha256 = text, text_hash(text)
    row.notice_pdf = notice_pdf(notice)
    await row.save(
        [
            Campaign.publicity_started_at,
            Campaign.publicity_closes_at,
            Campaign.notice,
            Campaign.notice_sha256,
            Campaign.notice_pdf,
        ]
    )
    await log(
        row.id,
        EventType.PUBLICITY_STARTED,
        actor,
        {
            "result_hash": latest.result_hash,
            "opens": iso(now),
            "closes": iso(window.closes_at),
            "first_day": window.first_day.isoformat(),
            "last_day": window.last_day.isoformat(),
            "working_days": rules.publicity.working_days,
            "notice_sha256": row.notice_sha256,
            "notice_pdf_sha256": hashlib.sha256(row.notice_pdf).hexdigest(),
            "checkpoint": {"size": pinned.size, "root": pinned.root_hash.hex()},
            "republished": republished,
        },
        at=now,
    )


async def recounted_since_publicity(row: Campaign) -> bool:
    latest = await latest_result(row.id)
    return bool(
        latest is not None
        and latest.kind == "recount"
        and row.publicity_started_at is not None
        and latest.created_at >= row.publicity_started_at
    )


async def resolutions(campaign_id: int) -> list[Resolved]:
    rows = (
        await Objection.select(Objection.id, Objection.nomination, Objection.decision, Objection.disqualify)
        .where(
            (Objection.campaign == campaign_id)
            & Objection.status.is_in([ObjectionState.upheld, ObjectionState.dismissed])
        )
        .order_by(Objection.id)
    )
    return [
        Resolved(r["id"], candidate_id(r["nomination"]), r["decision"], bool(r["disqualify"])) for r in rows
    ]


async def announce_effect(rt: Runtime, row: Campaign, *, actor: str, now: datetime) -> None:
    latest = await latest_result(row.id)
    if latest is None or row.publicity_closes_at is None:
        raise NotFound("nothing was publicly noticed")
    result = decode_result(latest.result.encode())
    resolved = await resolutions(row.id)
    checkpoint = await external.checkpoint_for(rt, scope_of(row.id))
    text = render_announcement(
        title=row.title,
        outcome=OutcomeType(row.outcome_type),
        winners=await _listed(row.id, result),
        result_hash=latest.result_hash,
        publicity_closed_at=row.publicity_closes_at,
        resolutions=resolved,
        checkpoint=checkpoint.note,
    )
    row.announcement = text
    await row.save([Campaign.announcement])
    await log(
        row.id,
        EventType.ANNOUNCEMENT_MADE,
        actor,
        {
            "result_hash": latest.result_hash,
            "winners": list(result.winners),
            "publicity_closed": iso(row.publicity_closes_at),
            "resolutions": [
                {
                    "objection": r.objection,
                    "candidate": r.candidate,
                    "decision": r.decision,
                    "disqualified": r.disqualified,
                }
                for r in resolved
            ],
            "announcement_sha256": text_hash(text),
        },
        at=now,
    )


# --- objections ------------------------------------------------------------------------------------


async def lodge_objection(
    rt: Runtime,
    campaign_id: int,
    *,
    candidate: str,
    name: str,
    unit: str,
    contact: str,
    content: str,
    client: str,
) -> dict[str, Any]:
    """A real-name objection: accepted only inside the 公示 window; refusals are logged too."""
    now = rt.clock.now()
    nomination_id = nomination_id_of(candidate)
    refused: list[str] = []
    async with write_transaction():
        hits = await throttle.hit("objection", f"{campaign_id}:{client}", seconds=3600, now=now)
    if hits > OBJECTIONS_PER_ADDRESS_HOURLY:
        raise RateLimited("too many objections from this address; try again later", retry_after=3600)
    async with write_transaction():
        row = await get_campaign(campaign_id, lock=True)
        if row.status == CampaignState.draft:
            raise NotFound("no such campaign")
        on_ballot = await Nomination.exists().where(
            (Nomination.id == nomination_id)
            & (Nomination.campaign == row.id)
            & Nomination.status.is_in(list(ON_BALLOT))
        )
        if not on_ballot:
            raise NotFound(f"no candidate {candidate!r} in this campaign")
        opened = row.publicity_started_at
        closes = row.publicity_closes_at
        if row.status in PUBLICITY_STATES and opened is not None and closes is not None:
            refused = objection_problems(
                lodged_at=now,
                opened_at=opened,
                closes_at=closes,
                real_name=bool(name.strip()),
                has_contact=bool(contact.strip()),
            )
        else:
            late = row.status in (CampaignState.announced, CampaignState.archived, CampaignState.cancelled)
            refused = ["after_window" if late else "before_window"]
            if not name.strip():
                refused.append("anonymous")
            if not contact.strip():
                refused.append("no_contact")
        if refused:
            await log(
                row.id,
                EventType.OBJECTION_REFUSED,
                "public",
                {"candidate": candidate, "codes": refused, "at": iso(now)},
                at=now,
            )
        else:
            objection = Objection(
                campaign=row.id,
                nomination=nomination_id,
                objector_name=name.strip(),
                objector_unit=unit.strip(),
                objector_contact=contact.strip(),
                content=content,
                content_sha256=text_hash(content),
                lodged_at=now,
            )
            await objection.save()
            appended = await log(
                row.id,
                EventType.OBJECTION_LODGED,
                "public",
                {
                    "objection": objection.id,
                    "candidate": candidate,
                    "content_sha256": objection.content_sha256,
                    "real_name": True,
                },
                at=now,
            )
    if refused:
        raise ObjectionRefused(
            "the objection cannot be accepted: " + ", ".join(refused),
            codes=refused,
            closes_at=iso(row.publicity_closes_at),
        )
    return {
        "id": objection.id,
        "status": objection.status,
        "candidate": candidate,
        "lodged_at": iso(now),
        "receipt": external.receipt_for(rt, appended),
    }


async def require_review(campaign_id: int) -> None:
    """Objections are examined and resolved while the campaign is in objection review."""
    campaign = await get_campaign(campaign_id, lock=True)
    if campaign.status != CampaignState.objection_review:
        raise Conflict(
            "start the objection review of the campaign first (action review_objections)",
            state=campaign.status,
        )


def objection_view(row: Objection, *, personal: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": row.id,
        "campaign_id": row.campaign,
        "candidate": candidate_id(row.nomination),
        "status": row.status,
        "version": row.version,
        "content": row.content,
        "content_sha256": row.content_sha256,
        "lodged_at": iso(row.lodged_at),
        "decision": row.decision or None,
        "disqualify": row.disqualify,
        "reason": row.reason or None,
        "decided_at": iso(row.decided_at),
        "allowed_actions": ObjectionProcess(row.status).allowed(),
    }
    if personal:
        view["objector"] = {
            "name": row.objector_name,
            "unit": row.objector_unit,
            "contact": row.objector_contact,
        }
    return view


async def list_objections(campaign_id: int) -> list[dict[str, Any]]:
    async with read_transaction():
        await get_campaign(campaign_id)
        rows = await Objection.objects().where(Objection.campaign == campaign_id).order_by(Objection.id)
    return [objection_view(r, personal=True) for r in rows]


async def load_objection(objection_id: int, *, lock: bool = False) -> Objection:
    query = Objection.objects().where(Objection.id == objection_id)
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound("no such objection")
    return row


async def start_objection_review(
    rt: Runtime, p: Principal, objection_id: int, *, expected_version: int
) -> dict[str, Any]:
    now = rt.clock.now()
    async with write_transaction():
        row = await load_objection(objection_id, lock=True)
        await require_review(row.campaign)
        await fire(
            row,
            ObjectionProcess,
            "start_review",
            expected_version=expected_version,
            facts=ObjectionGuardFacts(),
            scope=scope_of(row.campaign),
            event=EventType.OBJECTION_TRANSITIONED,
            actor=p.ledger_actor,
            payload={"objection": row.id, "candidate": candidate_id(row.nomination)},
            at=now,
        )
    return objection_view(row, personal=True)


async def execute_resolution(
    rt: Runtime,
    objection_id: int,
    *,
    decision: str,
    reason: str,
    disqualify: bool,
    actor: str,
    request: int,
    approvers: list[str],
    now: datetime,
) -> bool:
    """Apply an approved resolution (inside the caller's transaction); True if a candidate fell."""
    row = await load_objection(objection_id, lock=True)
    await fire(
        row,
        ObjectionProcess,
        decision,
        expected_version=None,
        facts=ObjectionGuardFacts(reason=reason, approvals_met=True),
        scope=scope_of(row.campaign),
        event=EventType.OBJECTION_TRANSITIONED,
        actor=actor,
        payload={
            "objection": row.id,
            "candidate": candidate_id(row.nomination),
            "decision": decision,
            "disqualify": disqualify,
            "reason_sha256": text_hash(reason),
            "request": request,
            "approvers": approvers,
        },
        at=now,
    )
    row.decision, row.reason, row.disqualify, row.decided_at = decision, reason, disqualify, now
    await row.save([Objection.decision, Objection.reason, Objection.disqualify, Objection.decided_at])
    if decision != "uphold" or not disqualify:
        return False
    nomination = await for_update(Nomination.objects().where(Nomination.id == row.nomination)).first()
    assert nomination is not None
    nomination.reason = reason
    await nomination.save([Nomination.reason])
    await fire(
        nomination,
        NominationProcess,
        "disqualify",
        expected_version=None,
        facts=NominationGuardFacts(reason=reason),
        scope=scope_of(row.campaign),
        event=EventType.NOMINATION_TRANSITIONED,
        actor=actor,
        payload={
            "nomination": nomination.id,
            "candidate": candidate_id(nomination.id),
            "unit": nomination.unit,
            "objection": row.id,
            "reason_sha256": text_hash(reason),
        },
        at=now,
    )
    return True


# --- what the public and the committee read ------------------------------------------------------


async def results_view(campaign_id: int) -> list[dict[str, Any]]:
    """Every count and recount (committee and auditors; the public sees them from the 公示 on)."""
    rows = (
        await CampaignResult.objects()
        .where(CampaignResult.campaign == campaign_id)
        .order_by(CampaignResult.id)
    )
    return [
        {
            "kind": r.kind,
            "result_hash": r.result_hash,
            "ledger_index": r.ledger_index,
            "result": msgspec.to_builtins(decode_result(r.result.encode())),
        }
        for r in rows
    ]


PUBLISHED = (
    CampaignState.publicized,
    CampaignState.objection_review,
    CampaignState.announced,
    CampaignState.archived,
)


async def public_result(campaign_id: int) -> dict[str, Any]:
    async with read_transaction():
        row = await get_campaign(campaign_id)
        if row.status not in PUBLISHED:
            raise NotFound("the result is published with the 公示")
        latest = await latest_result(campaign_id)
        assert latest is not None
        result = decode_result(latest.result.encode())
        listed = await _people(campaign_id, [c.candidate for c in result.candidates])
    return {
        "campaign_id": campaign_id,
        "kind": latest.kind,
        "result_hash": latest.result_hash,
        "ledger_index": latest.ledger_index,
        "final": row.status in (CampaignState.announced, CampaignState.archived),
        "result": msgspec.to_builtins(result),
        "names": {k: {"name": v.name, "unit": v.unit, "department": v.department} for k, v in listed.items()},
    }


async def public_seal(campaign_id: int) -> bytes:
    row = await get_campaign(campaign_id)
    if row.status == CampaignState.draft:
        raise NotFound("no such campaign")
    manifest_of(row)
    return row.seal_manifest.encode("utf-8")


async def public_texts(campaign_id: int) -> dict[str, Any]:
    row = await get_campaign(campaign_id)
    if not row.notice:
        raise NotFound("no 公示 notice yet")
    return {
        "campaign_id": campaign_id,
        "notice": row.notice,
        "notice_sha256": row.notice_sha256,
        "opens_at": iso(row.publicity_started_at),
        "closes_at": iso(row.publicity_closes_at),
        "announcement": row.announcement or None,
        "announcement_sha256": text_hash(row.announcement) if row.announcement else None,
    }


async def public_notice_pdf(campaign_id: int) -> bytes:
    row = await get_campaign(campaign_id)
    if not row.notice_pdf:
        raise NotFound("no 公示 notice yet")
    return bytes(row.notice_pdf)
