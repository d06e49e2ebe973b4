"""Nominations: units put their staff forward, reviewers decide, experts score.

A unit admin nominates only their own unit's staff, within the quota; every rule that fails is
returned with its reason and the refusal is logged (rule codes only). Reviewers confirm declared
facts, approve or reject with a written reason (its hash is logged, the text stays here),
recommend and shortlist; experts score each shortlisted candidate on every criterion.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import msgspec

from workflow.accounts.roles import Principal, Role
from workflow.db import for_update, read_transaction, write_transaction
from workflow.errors import Conflict, DomainError, ErrorKind, InvalidInput, NotFound
from workflow.ids import StaffId, UnitId
from workflow.ledger.events import EventType
from workflow.org.access import require_manage_unit, require_read_staff
from workflow.org.tables import Department, Staff, Unit
from workflow.runtime import Runtime
from workflow.selection import external
from workflow.selection.common import china_day
from workflow.selection.files import MAX_ATTACHMENTS, check_file
from workflow.selection.machine import NominationGuardFacts, NominationProcess
from workflow.selection.nomination import (
    GradeRecord,
    NominationCheck,
    NomineeFacts,
    RuleCheck,
    check_eligibility,
    check_nomination,
)
from workflow.selection.records import (
    ON_BALLOT,
    candidate_id,
    get_campaign,
    iso,
    log,
    nomination_id_of,
    rules_of,
    scope_of,
)
from workflow.selection.rules import EthicsGrade
from workflow.selection.service_results import text_hash
from workflow.selection.states import CampaignState, NominationState
from workflow.selection.tables import Campaign, ExpertScore, FileKind, Nomination, NominationFile
from workflow.stateful import fire

N = NominationState
LIVE = (N.submitted, N.approved, N.recommended, N.shortlisted)
"""Nominations that take a place in the unit's quota."""
REVIEW_ACTIONS = frozenset({"approve", "reject", "recommend", "unrecommend", "shortlist"})
SCORING_STATES = (
    CampaignState.shortlist_frozen,
    CampaignState.voting_open,
    CampaignState.voting_paused,
    CampaignState.voting_closed,
    CampaignState.sealed,
)


class NominationRefused(DomainError):
    """A nomination that breaks a rule; ``problems`` lists every failing rule with its reason."""

    kind = ErrorKind.INVALID
    code = "nomination-refused"
    title = "The nomination breaks the campaign's rules"


def _reference_date(row: Campaign) -> date:
    if row.reference_date is not None:
        return row.reference_date
    if row.nomination_closes_at is not None:
        return china_day(row.nomination_closes_at)
    return china_day(row.created_at)


async def _files_facts(rt: Runtime, staff_id: int) -> NomineeFacts | None:
    if not rt.ethics.available:
        return None
    history = await rt.ethics.grade_history(staff_id)
    if history is None:
        return NomineeFacts()
    return NomineeFacts(ethics_grades=tuple(GradeRecord(g.year, EthicsGrade(g.grade)) for g in history))


def _problems(checks: tuple[RuleCheck, ...]) -> list[dict[str, Any]]:
    return [msgspec.to_builtins(c) for c in checks]


async def submit_nomination(
    rt: Runtime, p: Principal, campaign_id: int, *, staff_id: int, deeds: str, declared: NomineeFacts
) -> dict[str, Any]:
    now = rt.clock.now()
    if not deeds.strip():
        raise InvalidInput("describe the nominee's deeds (事迹)", field="deeds")
    refusal: NominationCheck | None = None
    async with write_transaction():
        row = await get_campaign(campaign_id, lock=True)
        staff = await Staff.objects().where(Staff.id == staff_id).first()
        if staff is None:
            raise NotFound("no such staff member")
        require_read_staff(p, UnitId(staff.unit), staff.department, StaffId(staff.id))
        require_manage_unit(p, UnitId(staff.unit))
        if row.status != CampaignState.nomination_open:
            raise Conflict("nominations are not open", state=row.status)
        if await Nomination.exists().where(
            (Nomination.campaign == row.id)
            & (Nomination.staff == staff_id)
            & Nomination.status.is_in(list(LIVE))
        ):
            raise Conflict("this staff member is already nominated", field="staff_id")
        counts: dict[UnitId, int] = {}
        for r in await Nomination.select(Nomination.unit).where(
            (Nomination.campaign == row.id) & Nomination.status.is_in(list(LIVE))
        ):
            counts[UnitId(r["unit"])] = counts.get(UnitId(r["unit"]), 0) + 1
        check = check_nomination(
            rules_of(row),
            unit=UnitId(staff.unit),
            unit_counts=counts,
            declared=declared,
            from_files=await _files_facts(rt, staff.id),
            reference_date=_reference_date(row),
        )
        if check.failures:
            refusal = check
            await log(
                row.id,
                EventType.NOMINATION_REFUSED,
                p.ledger_actor,
                {"unit": staff.unit, "codes": [c.code for c in check.failures]},
                at=now,
            )
        else:
            nomination = Nomination(
                campaign=row.id,
                unit=staff.unit,
                staff=staff.id,
                deeds=deeds,
                declared=msgspec.json.encode(declared).decode(),
                checks=msgspec.json.encode(check.checks).decode(),
                submitted_by=None if p.is_operator else p.account_id,
                submitted_at=now,
            )
            await nomination.save()
            appended = await log(
                row.id,
                EventType.NOMINATION_SUBMITTED,
                p.ledger_actor,
                {
                    "nomination": nomination.id,
                    "candidate": candidate_id(nomination.id),
                    "unit": staff.unit,
                    "deeds_sha256": text_hash(deeds),
                    "checks": {c.code: str(c.verdict) for c in check.checks},
                },
                at=now,
            )
    if refusal is not None:
        failures = refusal.failures
        raise NominationRefused(
            "; ".join(c.reason_en for c in failures),
            problems=_problems(failures),
            reasons_zh=[c.reason_zh for c in failures],
        )
    view = await nomination_view(p, nomination.id)
    view["receipt"] = external.receipt_for(rt, appended)
    return view


# --- reading ---------------------------------------------------------------------------------------


async def _load(p: Principal, nomination_id: int, *, lock: bool = False) -> Nomination:
    """A nomination the caller may see; other units' nominations do not exist for a unit admin."""
    query = Nomination.objects().where(Nomination.id == nomination_id)
    row = await (for_update(query) if lock else query).first()
    if row is None or not _may_see(p, UnitId(row.unit)):
        raise NotFound("no such nomination")
    return row


def _may_see(p: Principal, unit: UnitId) -> bool:
    return p.has(Role.ORGANIZER, Role.REVIEWER, Role.AUDITOR) or unit in p.units(Role.UNIT_ADMIN)


async def nomination_view(p: Principal, nomination_id: int) -> dict[str, Any]:
    async with read_transaction():
        row = await _load(p, nomination_id)
        staff = await Staff.objects().where(Staff.id == row.staff).first()
        unit = await Unit.select(Unit.name).where(Unit.id == row.unit).first()
        files = (
            await NominationFile.select(
                NominationFile.id,
                NominationFile.kind,
                NominationFile.filename,
                NominationFile.media_type,
                NominationFile.size,
                NominationFile.sha256,
            )
            .where(NominationFile.nomination == row.id)
            .order_by(NominationFile.id)
        )
    assert staff is not None
    assert unit is not None
    return {
        "id": row.id,
        "campaign_id": row.campaign,
        "candidate": candidate_id(row.id),
        "unit_id": row.unit,
        "unit_name": unit["name"],
        "staff_id": row.staff,
        "staff_name": staff.name,
        "staff_title": staff.title,
        "status": row.status,
        "version": row.version,
        "deeds": row.deeds,
        "declared": json.loads(row.declared),
        "checks": json.loads(row.checks),
        "declarations_confirmed": row.declarations_confirmed,
        "reason": row.reason or None,
        "files": [dict(f) for f in files],
        "submitted_at": iso(row.submitted_at),
        "allowed_actions": NominationProcess(row.status).allowed(),
    }


async def list_nominations(p: Principal, campaign_id: int) -> list[dict[str, Any]]:
    await get_campaign(campaign_id)
    where: Any = Nomination.campaign == campaign_id
    if not p.has(Role.ORGANIZER, Role.REVIEWER, Role.AUDITOR):
        where &= Nomination.unit.is_in(sorted(p.units(Role.UNIT_ADMIN)) or [-1])
    rows = await Nomination.select(Nomination.id).where(where).order_by(Nomination.id)
    return [await nomination_view(p, r["id"]) for r in rows]


# --- files -----------------------------------------------------------------------------------------


async def add_file(
    rt: Runtime, p: Principal, nomination_id: int, *, kind: FileKind, filename: str, data: bytes
) -> dict[str, Any]:
    checked = check_file(kind, data, upload_max_bytes=rt.settings.upload_max_bytes)
    now = rt.clock.now()
    async with write_transaction():
        row = await _load(p, nomination_id, lock=True)
        require_manage_unit(p, UnitId(row.unit))
        campaign = await get_campaign(row.campaign, lock=True)
        if campaign.status != CampaignState.nomination_open or row.status != N.submitted:
            raise Conflict("files can be added while nominations are open and the nomination is submitted")
        existing = await NominationFile.select(NominationFile.id, NominationFile.kind).where(
            NominationFile.nomination == row.id
        )
        if kind is FileKind.PHOTO:
            await NominationFile.delete().where(
                (NominationFile.nomination == row.id) & (NominationFile.kind == FileKind.PHOTO)
            )
        elif sum(1 for f in existing if f["kind"] == FileKind.ATTACHMENT) >= MAX_ATTACHMENTS:
            raise Conflict(f"a nomination has at most {MAX_ATTACHMENTS} attachments")
        stored = NominationFile(
            nomination=row.id,
            kind=kind,
            filename=filename[:200] or kind,
            media_type=checked.media_type,
            size=checked.size,
            sha256=checked.sha256,
            content=data,
            created_at=now,
        )
        await stored.save()
        await log(
            row.campaign,
            EventType.NOMINATION_FILE_ADDED,
            p.ledger_actor,
            {
                "nomination": row.id,
                "file": stored.id,
                "kind": str(kind),
                "media_type": checked.media_type,
                "size": checked.size,
                "sha256": checked.sha256,
            },
            at=now,
        )
    return {
        "id": stored.id,
        "kind": kind,
        "media_type": checked.media_type,
        "size": checked.size,
        "sha256": checked.sha256,
    }


async def get_file(p: Principal, nomination_id: int, file_id: int) -> tuple[str, str, bytes]:
    await _load(p, nomination_id)
    return await _file(nomination_id, file_id)


async def _file(nomination_id: int, file_id: int) -> tuple[str, str, bytes]:
    row = (
        await NominationFile.objects()
        .where((NominationFile.id == file_id) & (NominationFile.nomination == nomination_id))
        .first()
    )
    if row is None:
        raise NotFound("no such file")
    return row.filename, row.media_type, bytes(row.content)


async def public_photo(campaign_id: int, candidate: str) -> tuple[str, str, bytes]:
    """A candidate's photo, public once the candidate is on the ballot."""
    nomination_id = nomination_id_of(candidate)
    on_ballot = await Nomination.exists().where(
        (Nomination.id == nomination_id)
        & (Nomination.campaign == campaign_id)
        & Nomination.status.is_in(list(ON_BALLOT))
    )
    photo = (
        await NominationFile.select(NominationFile.id)
        .where((NominationFile.nomination == nomination_id) & (NominationFile.kind == FileKind.PHOTO))
        .first()
    )
    if not on_ballot or photo is None:
        raise NotFound("no photo")
    return await _file(nomination_id, photo["id"])


async def public_candidates(campaign_id: int) -> list[dict[str, Any]]:
    """The ballot's candidates as voters see them: name, unit, department, title, 事迹, photo."""
    async with read_transaction():
        row = await get_campaign(campaign_id)
        if row.status in (
            CampaignState.draft,
            CampaignState.nomination_open,
            CampaignState.nomination_closed,
            CampaignState.under_review,
        ):
            return []
        rows = await Nomination.select(
            Nomination.id,
            Nomination.status,
            Nomination.deeds,
            Nomination.staff.name,
            Nomination.staff.title,
            Nomination.staff.gender,
            Nomination.staff.department,
            Nomination.unit.name,
        ).where((Nomination.campaign == campaign_id) & Nomination.status.is_in(list(ON_BALLOT)))
        departments = {
            d["id"]: d["name"]
            for d in await Department.select(Department.id, Department.name).where(
                Department.id.is_in([r["staff.department"] for r in rows if r["staff.department"]] or [-1])
            )
        }
        photos = {
            f["nomination"]
            for f in await NominationFile.select(NominationFile.nomination).where(
                NominationFile.nomination.is_in([r["id"] for r in rows] or [-1])
                & (NominationFile.kind == FileKind.PHOTO)
            )
        }
    return sorted(
        (
            {
                "candidate": candidate_id(r["id"]),
                "name": r["staff.name"],
                "gender": r["staff.gender"],
                "title": r["staff.title"],
                "unit": r["unit.name"],
                "department": departments.get(r["staff.department"]),
                "deeds": r["deeds"],
                "has_photo": r["id"] in photos,
                "disqualified": r["status"] == N.disqualified,
            }
            for r in rows
        ),
        key=lambda c: c["candidate"],
    )


# --- review ----------------------------------------------------------------------------------------


async def review(
    rt: Runtime,
    p: Principal,
    nomination_id: int,
    *,
    action: str,
    expected_version: int,
    reason: str = "",
    codes: tuple[str, ...] = (),
    confirm_declarations: bool = False,
) -> dict[str, Any]:
    if action not in REVIEW_ACTIONS:
        raise InvalidInput(f"action is one of {', '.join(sorted(REVIEW_ACTIONS))}", field="action")
    now = rt.clock.now()
    async with write_transaction():
        row = await _load(p, nomination_id, lock=True)
        campaign = await get_campaign(row.campaign, lock=True)
        if campaign.status != CampaignState.under_review:
            raise Conflict(
                "nominations are reviewed while the campaign is under review", state=campaign.status
            )
        rules = rules_of(campaign)
        if action == "approve" and confirm_declarations and not row.declarations_confirmed:
            row.declarations_confirmed = True
            await row.save([Nomination.declarations_confirmed])
        checks = check_eligibility(
            rules,
            declared=msgspec.json.decode(row.declared, type=NomineeFacts),
            from_files=await _files_facts(rt, row.staff),
            reference_date=_reference_date(campaign),
        )
        check = NominationCheck(checks)
        if action == "shortlist":
            have = await Nomination.count().where(
                (Nomination.campaign == campaign.id) & (Nomination.status == N.shortlisted)
            )
            if have >= rules.shortlist_size:
                raise Conflict(
                    f"the shortlist is full ({rules.shortlist_size})", shortlist_size=rules.shortlist_size
                )
        facts = NominationGuardFacts(
            blocking_checks=len(check.failures),
            unconfirmed_declarations=0 if row.declarations_confirmed else len(check.to_review),
            reason=reason,
        )
        if action in ("reject",):
            row.reason = reason
            await row.save([Nomination.reason])
        payload: dict[str, Any] = {"nomination": row.id, "candidate": candidate_id(row.id), "unit": row.unit}
        if reason:
            payload["reason_sha256"] = text_hash(reason)
        if codes:
            payload["codes"] = list(codes)
        if action == "approve":
            payload["declarations_confirmed"] = row.declarations_confirmed
        await fire(
            row,
            NominationProcess,
            action,
            expected_version=expected_version,
            facts=facts,
            scope=scope_of(campaign.id),
            event=EventType.NOMINATION_TRANSITIONED,
            actor=p.ledger_actor,
            payload=payload,
            at=now,
        )
    return await nomination_view(p, nomination_id)


async def withdraw(rt: Runtime, p: Principal, nomination_id: int, *, expected_version: int) -> dict[str, Any]:
    now = rt.clock.now()
    async with write_transaction():
        row = await _load(p, nomination_id, lock=True)
        require_manage_unit(p, UnitId(row.unit))
        campaign = await get_campaign(row.campaign, lock=True)
        if campaign.status not in (
            CampaignState.nomination_open,
            CampaignState.nomination_closed,
            CampaignState.under_review,
        ):
            raise Conflict(
                "nominations can be withdrawn until the shortlist is frozen", state=campaign.status
            )
        await fire(
            row,
            NominationProcess,
            "withdraw",
            expected_version=expected_version,
            facts=NominationGuardFacts(),
            scope=scope_of(campaign.id),
            event=EventType.NOMINATION_TRANSITIONED,
            actor=p.ledger_actor,
            payload={"nomination": row.id, "candidate": candidate_id(row.id), "unit": row.unit},
            at=now,
        )
    return await nomination_view(p, nomination_id)


# --- expert scores ---------------------------------------------------------------------------------


async def submit_scores(
    rt: Runtime, p: Principal, nomination_id: int, *, scores: dict[str, int]
) -> dict[str, Any]:
    """An expert's sheet for one shortlisted candidate; a later sheet replaces the earlier one."""
    now = rt.clock.now()
    async with write_transaction():
        row = await _load(p, nomination_id, lock=True)
        campaign = await get_campaign(row.campaign, lock=True)
        if campaign.status not in SCORING_STATES:
            raise Conflict(
                "experts score between the freeze of the shortlist and the tally", state=campaign.status
            )
        if row.status != N.shortlisted:
            raise Conflict("only shortlisted candidates are scored", status=row.status)
        criteria = {c.key for c in rules_of(campaign).experts.criteria}
        if set(scores) != criteria:
            raise InvalidInput(
                "score every criterion and nothing else", field="scores", criteria=sorted(criteria)
            )
        bad = sorted(k for k, v in scores.items() if not 0 <= v <= 100)
        if bad:
            raise InvalidInput("scores are 0..100", field="scores", criteria=bad)
        existing = (
            await ExpertScore.objects()
            .where((ExpertScore.nomination == row.id) & (ExpertScore.expert == p.account_id))
            .first()
        )
        text = json.dumps(dict(sorted(scores.items())))
        if existing is None:
            await ExpertScore.insert(
                ExpertScore(
                    campaign=campaign.id,
                    nomination=row.id,
                    expert=p.account_id,
                    scores=text,
                    submitted_at=now,
                )
            )
        else:
            existing.scores, existing.submitted_at = text, now
            await existing.save([ExpertScore.scores, ExpertScore.submitted_at])
        await log(
            campaign.id,
            EventType.SCORE_SUBMITTED,
            p.ledger_actor,
            {
                "candidate": candidate_id(row.id),
                "scores": dict(sorted(scores.items())),
                "replaces": existing is not None,
            },
            at=now,
        )
    return {"candidate": candidate_id(row.id), "expert": p.account_id, "scores": dict(sorted(scores.items()))}


async def list_scores(campaign_id: int) -> list[dict[str, Any]]:
    await get_campaign(campaign_id)
    rows = (
        await ExpertScore.select(
            ExpertScore.nomination, ExpertScore.expert, ExpertScore.scores, ExpertScore.submitted_at
        )
        .where(ExpertScore.campaign == campaign_id)
        .order_by(ExpertScore.nomination, ExpertScore.expert)
    )
    return [
        {
            "candidate": candidate_id(r["nomination"]),
            "expert": r["expert"],
            "scores": json.loads(r["scores"]),
            "submitted_at": iso(r["submitted_at"]),
        }
        for r in rows
    ]
