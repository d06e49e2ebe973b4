"""Campaigns: creation and changes, the lifecycle actions, N-of-M approvals and the scheduler.

Every action goes through :func:`_fire_locked`: the campaign row is locked, the facts its guards
read are loaded, the machine fires, state and version and the ledger entry are written together with
the action's effect (the seal, the tally, the 公示 …) in one transaction. High-impact actions wait
for N distinct approvals when the campaign asks for them; a request is pinned to the campaign
version it was made at, so any change in between lapses it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from workflow.accounts.roles import Principal, Role
from workflow.db import for_update, read_transaction, write_transaction
from workflow.errors import Conflict, DomainError, IllegalTransition, InvalidInput, NotFound, PermissionDenied
from workflow.ledger.events import EventType
from workflow.ledger.scopes import Visibility
from workflow.ledger.service import open_scope
from workflow.process import Process
from workflow.runtime import Runtime
from workflow.selection import service_results as results
from workflow.selection.approvals import ApprovalPolicy, counted
from workflow.selection.ballot import new_phone_salt
from workflow.selection.machine import (
    ApprovalGuardFacts,
    ApprovalProcess,
    CampaignGuardFacts,
    CampaignProcess,
    ObjectionProcess,
)
from workflow.selection.nomination import check_quota_at_close
from workflow.selection.records import (
    ON_BALLOT,
    accounts_exist_with_roles,
    ballot_candidates,
    calendar_of,
    candidate_id,
    committee,
    get_campaign,
    iso,
    log,
    policy_of,
    rules_of,
    schedule_of,
    scope_of,
)
from workflow.selection.rules import (
    CampaignRules,
    Eligibility,
    FactSource,
    ScoreMode,
    encode_rules,
    publicity_calendar,
    rules_hash,
    rules_problems,
)
from workflow.selection.schedule import Schedule, check_schedule, due_action
from workflow.selection.states import (
    HIGH_IMPACT,
    OBJECTION_HIGH_IMPACT,
    RULES_FROZEN,
    ApprovalState,
    CampaignState,
    CampaignTrigger,
    NominationState,
    ObjectionState,
)
from workflow.selection.tables import (
    Approval,
    ApprovalRequest,
    Campaign,
    ExpertScore,
    Nomination,
    Objection,
    OutcomeType,
    VoterCredential,
)
from workflow.stateful import check_version, fire

log_ = logging.getLogger("yide.selection")

S, T = CampaignState, CampaignTrigger
GATED = frozenset(str(t) for t in HIGH_IMPACT)


# --- creating and changing campaigns ---------------------------------------------------------------


@dataclass(frozen=True)
class CampaignSpec:
    """Everything an organizer sets; ``None`` fields of a change mean "leave as is"."""

    title: str | None = None
    description: str | None = None
    outcome_type: OutcomeType | None = None
    approval_reference: str | None = None
    issuer: str | None = None
    objection_office: str | None = None
    objection_phone: str | None = None
    objection_email: str | None = None
    objection_address: str | None = None
    rules: CampaignRules | None = None
    schedule: Schedule | None = None
    reference_date: date | None = None
    holidays: tuple[date, ...] | None = None
    workdays: tuple[date, ...] | None = None
    approvals: ApprovalPolicy | None = None
    changed: frozenset[str] = field(default_factory=frozenset)
    """Schedule fields explicitly sent (a time may be cleared by sending null)."""


def default_rules(rt: Runtime) -> CampaignRules:
    """The domain defaults; without ethics files every fact is declared and checked by a reviewer."""
    rules = CampaignRules()
    if rt.ethics.available:
        return rules
    return msgspec.structs.replace(rules, eligibility=declared_eligibility(rules.eligibility))


def declared_eligibility(eligibility: Eligibility) -> Eligibility:
    """The same eligibility rules with every fact declared by the unit and checked by a reviewer."""
    changes = {
        name: msgspec.structs.replace(getattr(eligibility, name), source=FactSource.DECLARED)
        for name in eligibility.__struct_fields__
    }
    return msgspec.structs.replace(eligibility, **changes)


def check_rules(rt: Runtime, rules: CampaignRules) -> None:
    """Every problem of the rules at once, including facts the ethics files cannot supply yet."""
    problems = [msgspec.to_builtins(p) for p in rules_problems(rules)]
    if not rt.ethics.available:
        for name in rules.eligibility.__struct_fields__:
            rule = getattr(rules.eligibility, name)
            if rule.enabled and rule.source is FactSource.ETHICS_FILES:
                problems.append(
                    {
                        "field": f"eligibility.{name}.source",
                        "code": "ethics_files_unavailable",
                        "message_zh": "医德档案尚未接入，请改为申报核实（declared）",
                        "message_en": "ethics files are not available yet; use declared",
                    }
                )
    if problems:
        raise InvalidInput(f"campaign rules have {len(problems)} problem(s)", problems=problems)


async def _check_policy(policy: ApprovalPolicy) -> None:
    if not 1 <= policy.required <= 20:
        raise InvalidInput("approvals_required must be 1..20", field="approvals.required")
    if policy.panel:
        known = await accounts_exist_with_roles(sorted(policy.panel), [Role.ORGANIZER, Role.REVIEWER])
        unknown = sorted(policy.panel - known)
        if unknown:
            raise InvalidInput(
                "panel members must be organizers or reviewers", field="approvals.panel", accounts=unknown
            )
        if policy.required > len(policy.panel):
            raise InvalidInput("more approvals required than panel members", field="approvals.required")


def _policy_json(policy: ApprovalPolicy) -> dict[str, Any]:
    return {
        "required": policy.required,
        "panel": [f"account:{a}" for a in sorted(policy.panel)],
        "initiator_counts": policy.initiator_counts,
        "hours": policy.hours,
    }


def _schedule_json(schedule: Schedule) -> dict[str, Any]:
    return {name: iso(getattr(schedule, name)) for name in Schedule.__dataclass_fields__}


async def create_campaign(rt: Runtime, p: Principal, spec: CampaignSpec) -> dict[str, Any]:
    if not spec.title:
        raise InvalidInput("a campaign needs a title", field="title")
    rules = spec.rules or default_rules(rt)
    check_rules(rt, rules)
    schedule = spec.schedule or Schedule()
    check_schedule(schedule)
    policy = spec.approvals or ApprovalPolicy()
    await _check_policy(policy)
    _check_calendar(spec.holidays or (), spec.workdays or ())
    now = rt.clock.now()
    async with write_transaction():
        row = Campaign(
            uid=str(uuid.uuid4()),
            title=spec.title,
            description=spec.description or "",
            outcome_type=spec.outcome_type or OutcomeType.PUBLIC_PRAISE,
            approval_reference=spec.approval_reference or "",
            rules=encode_rules(rules).decode("utf-8"),
            rules_hash=rules_hash(rules).hex(),
            reference_date=spec.reference_date,
            holidays=json.dumps(sorted(d.isoformat() for d in spec.holidays or ())),
            workdays=json.dumps(sorted(d.isoformat() for d in spec.workdays or ())),
            approvals_required=policy.required,
            approval_panel=json.dumps(sorted(policy.panel)),
            initiator_counts=policy.initiator_counts,
            approval_hours=policy.hours,
            phone_salt=new_phone_salt().hex(),
            created_by=None if p.is_operator else p.account_id,
            created_at=now,
            updated_at=now,
            **vars(schedule),
        )
        for name in CONTACT_FIELDS:
            setattr(row, name, getattr(spec, name) or "")
        await row.save()
        await open_scope(scope_of(row.id), Visibility.PUBLIC, actor=p.ledger_actor, at=now)
        await log(
            row.id,
            EventType.CAMPAIGN_CREATED,
            p.ledger_actor,
            {
                "campaign": row.id,
                "uid": row.uid,
                "title": row.title,
                "outcome_type": row.outcome_type,
                "rules": msgspec.to_builtins(rules),
                "rules_hash": row.rules_hash,
                "schedule": _schedule_json(schedule),
                "holidays": json.loads(row.holidays),
                "workdays": json.loads(row.workdays),
                "approvals": _policy_json(policy),
            },
            at=now,
        )
    return await campaign_view(row.id)


CONTACT_FIELDS = ("issuer", "objection_office", "objection_phone", "objection_email", "objection_address")


def _check_calendar(holidays: Iterable[date], workdays: Iterable[date]) -> None:
    """The bureau's own days must fit on the national calendar (make-up days fall on weekends …)."""
    publicity_calendar(holidays=holidays, workdays=workdays)


async def update_campaign(
    rt: Runtime, p: Principal, campaign_id: int, *, expected_version: int, spec: CampaignSpec
) -> dict[str, Any]:
    """Change what the state still allows: rules until voting opens, the approval policy in draft,
    the schedule of phases not yet begun (the end of voting may be moved while voting runs)."""
    now = rt.clock.now()
    async with write_transaction():
        row = await get_campaign(campaign_id, lock=True)
        check_version(row, expected_version)
        state = S(row.status)
        if state in (S.announced, S.archived, S.cancelled):
            raise Conflict("the campaign is over", state=state)
        changed: dict[str, Any] = {
            **_apply_texts(row, spec),
            **_apply_rules(rt, row, spec, state),
            **await _apply_policy(row, spec, state),
            **_apply_schedule(row, spec, state),
            **_apply_calendar(row, spec, state),
        }
        if not changed:
            raise InvalidInput("nothing to change")
        row.version += 1
        row.updated_at = now
        await row.save()
        await log(
            row.id,
            EventType.CAMPAIGN_UPDATED,
            p.ledger_actor,
            {
                "campaign": row.id,
                "version": row.version,
                "changed": sorted(changed),
                **_public_changes(changed),
            },
            at=now,
        )
    return await campaign_view(row.id)


def _apply_texts(row: Campaign, spec: CampaignSpec) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    for name in ("title", "description", "approval_reference", "outcome_type", *CONTACT_FIELDS):
        value = getattr(spec, name)
        if value is not None and value != getattr(row, name):
            setattr(row, name, value)
            changed[name] = value if name != "description" else True
    return changed


def _apply_rules(rt: Runtime, row: Campaign, spec: CampaignSpec, state: CampaignState) -> dict[str, Any]:
    if spec.rules is None or encode_rules(spec.rules).decode() == row.rules:
        return {}
    if state in RULES_FROZEN:
        raise Conflict("the rules are frozen since voting opened", state=state, field="rules")
    check_rules(rt, spec.rules)
    row.rules = encode_rules(spec.rules).decode()
    row.rules_hash = rules_hash(spec.rules).hex()
    return {"rules": msgspec.to_builtins(spec.rules), "rules_hash": row.rules_hash}


async def _apply_policy(row: Campaign, spec: CampaignSpec, state: CampaignState) -> dict[str, Any]:
    if spec.approvals is None or spec.approvals == policy_of(row):
        return {}
    if state is not S.draft:
        raise Conflict("the approval policy is fixed once nominations open", field="approvals")
    await _check_policy(spec.approvals)
    row.approvals_required = spec.approvals.required
    row.approval_panel = json.dumps(sorted(spec.approvals.panel))
    row.initiator_counts = spec.approvals.initiator_counts
    row.approval_hours = spec.approvals.hours
    return {"approvals": _policy_json(spec.approvals)}


def _apply_calendar(row: Campaign, spec: CampaignSpec, state: CampaignState) -> dict[str, Any]:
    """The eligibility date and the bureau's own calendar days, frozen with the rules."""
    changed: dict[str, Any] = {}
    holidays, workdays = calendar_of(row)
    if spec.holidays is not None or spec.workdays is not None:
        _check_calendar(
            spec.holidays if spec.holidays is not None else holidays,
            spec.workdays if spec.workdays is not None else workdays,
        )
    for name in ("reference_date", "holidays", "workdays"):
        value = getattr(spec, name)
        if value is None:
            continue
        stored = value if name == "reference_date" else json.dumps(sorted(d.isoformat() for d in value))
        if stored == getattr(row, name):
            continue
        if state in RULES_FROZEN:
            raise Conflict(f"{name} is frozen since voting opened", field=name)
        setattr(row, name, stored)
        changed[name] = value.isoformat() if isinstance(value, date) else json.loads(stored)
    return changed


def _public_changes(changed: dict[str, Any]) -> dict[str, Any]:
    keep = ("title", "rules", "rules_hash", "approvals", "schedule", "holidays", "workdays", "outcome_type")
    return {k: changed[k] for k in keep if k in changed}


_SCHEDULE_LOCKS = {
    "nomination_opens_at": (S.draft,),
    "nomination_closes_at": (S.draft, S.nomination_open),
    "voting_opens_at": (S.draft, S.nomination_open, S.nomination_closed, S.under_review, S.shortlist_frozen),
    "voting_closes_at": (
        S.draft,
        S.nomination_open,
        S.nomination_closed,
        S.under_review,
        S.shortlist_frozen,
        S.voting_open,
        S.voting_paused,
    ),
}


def _apply_schedule(row: Campaign, spec: CampaignSpec, state: CampaignState) -> dict[str, Any]:
    if spec.schedule is None:
        return {}
    current = schedule_of(row)
    updates = {
        name: getattr(spec.schedule, name)
        for name in spec.changed
        if name in _SCHEDULE_LOCKS and getattr(spec.schedule, name) != getattr(current, name)
    }
    if not updates:
        return {}
    for name in updates:
        if state not in _SCHEDULE_LOCKS[name]:
            raise Conflict(f"{name} can no longer change in state {state}", field=f"schedule.{name}")
    merged = Schedule(**{**vars(current), **updates})
    check_schedule(merged)
    for name, value in updates.items():
        setattr(row, name, value)
    return {"schedule": _schedule_json(merged)}


# --- reading ---------------------------------------------------------------------------------------


async def campaign_view(campaign_id: int) -> dict[str, Any]:
    async with read_transaction():
        row = await get_campaign(campaign_id)
        candidates = await ballot_candidates(row.id) if _candidates_fixed(row.status) else []
        census = await VoterCredential.count().where(
            (VoterCredential.campaign == row.id) & VoterCredential.revoked.eq(False)
        )
    return _view(row, candidates, census)


def _candidates_fixed(status: str) -> bool:
    return S(status) not in (S.draft, S.nomination_open, S.nomination_closed, S.under_review)


def _view(row: Campaign, candidates: list[str], census: int) -> dict[str, Any]:
    return {
        "id": row.id,
        "uid": row.uid,
        "title": row.title,
        "description": row.description,
        "outcome_type": row.outcome_type,
        "approval_reference": row.approval_reference,
        "issuer": row.issuer,
        "objection_contact": {
            "office": row.objection_office,
            "phone": row.objection_phone,
            "email": row.objection_email,
            "address": row.objection_address,
        },
        "status": row.status,
        "version": row.version,
        "rules": msgspec.json.decode(row.rules),
        "rules_hash": row.rules_hash,
        "reference_date": row.reference_date.isoformat() if row.reference_date else None,
        "schedule": _schedule_json(schedule_of(row)),
        "holidays": json.loads(row.holidays),
        "workdays": json.loads(row.workdays),
        "approvals": {
            "required": row.approvals_required,
            "panel": json.loads(row.approval_panel),
            "initiator_counts": row.initiator_counts,
            "hours": row.approval_hours,
        },
        "allowed_actions": CampaignProcess(row.status).allowed(),
        "candidates": candidates,
        "census": census,
        "seal_hash": row.seal_hash or None,
        "publicity": {"opens": iso(row.publicity_started_at), "closes": iso(row.publicity_closes_at)},
        "created_at": iso(row.created_at),
    }


async def list_campaigns(*, include_drafts: bool) -> list[dict[str, Any]]:
    async with read_transaction():
        query = Campaign.objects().order_by(Campaign.id, ascending=False)
        if not include_drafts:
            query = query.where(Campaign.status != S.draft)
        rows = await query
    return [_view(r, [], 0) | {"rules": None} for r in rows]


async def public_campaign(campaign_id: int) -> dict[str, Any]:
    view = await campaign_view(campaign_id)
    if view["status"] == S.draft:
        raise NotFound("no such campaign")
    view.pop("approvals")
    view.pop("version")
    return view


# --- the lifecycle ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionOutcome:
    """What an action did: ``executed`` (and the new state) or still waiting for approvals."""

    executed: bool
    status: str
    version: int
    request: dict[str, Any] | None = None


async def act(
    rt: Runtime, p: Principal, campaign_id: int, *, action: str, expected_version: int, note: str = ""
) -> ActionOutcome:
    """An organizer's action on the campaign; high-impact ones may first collect approvals."""
    if action not in CampaignProcess.definition.triggers:
        raise IllegalTransition(f"{action!r} is not a campaign action", state="", allowed=[])
    if action == T.cancel and not note.strip():
        raise InvalidInput("say why the campaign is cancelled", field="note")
    row = await get_campaign(campaign_id)
    if action in GATED and not policy_of(row).trivial:
        return await _approve(
            rt,
            p,
            campaign_id,
            subject="campaign",
            subject_id=campaign_id,
            action=action,
            expected_version=expected_version,
            note=note,
            payload={},
        )
    now = rt.clock.now()
    async with write_transaction():
        row = await get_campaign(campaign_id, lock=True)
        await _fire_locked(
            rt,
            row,
            action,
            actor=p.ledger_actor,
            expected_version=expected_version,
            note=note,
            now=now,
            approvals=None,
        )
    return ActionOutcome(True, row.status, row.version)


async def _facts(
    rt: Runtime, row: Campaign, action: str, *, approvals: tuple[int, int] | None
) -> CampaignGuardFacts:
    """What the guards of ``action`` read, loaded inside the locked transaction."""
    now = rt.clock.now()
    rules = rules_of(row)
    have, need = approvals if approvals is not None else (1, 1)
    base: dict[str, Any] = {
        "approvals_met": approvals is None or have >= need,
        "approvals_have": have,
        "approvals_need": need,
        "shortlist_size": rules.shortlist_size,
    }
    if action in (T.open_nominations, T.open_voting):
        try:
            check_rules(rt, rules)
            base["rules_valid"] = True
        except InvalidInput:
            base["rules_valid"] = False
    nominations = Nomination.campaign == row.id
    if action in (T.start_review, T.freeze_shortlist):
        base["nominations"] = await Nomination.count().where(
            nominations & (Nomination.status != NominationState.withdrawn)
        )
        base["pending_reviews"] = await Nomination.count().where(
            nominations & (Nomination.status == NominationState.submitted)
        )
        base["shortlisted"] = await Nomination.count().where(
            nominations & (Nomination.status == NominationState.shortlisted)
        )
    if action == T.open_voting:
        base["census_size"] = await VoterCredential.count().where(
            (VoterCredential.campaign == row.id) & VoterCredential.revoked.eq(False)
        )
    if action == T.resume_voting:
        base["before_deadline"] = row.voting_closes_at is None or now < row.voting_closes_at
    if action == T.tally:
        base["expert_scores_complete"] = await _experts_complete(row)
    if action in (T.review_objections, T.resolve_objections, T.announce):
        base["pending_objections"] = await Objection.count().where(
            (Objection.campaign == row.id)
            & Objection.status.is_in([ObjectionState.lodged, ObjectionState.under_review])
        )
    if action == T.recount:
        base["new_disqualification"] = await results.new_disqualification(row.id)
    if action == T.announce:
        base["publicity_over"] = row.publicity_closes_at is not None and now >= row.publicity_closes_at
    return CampaignGuardFacts(**base)


async def _experts_complete(row: Campaign) -> bool:
    if rules_of(row).scoring.mode is ScoreMode.VOTES_ONLY:
        return True
    on_ballot = await Nomination.select(Nomination.id).where(
        (Nomination.campaign == row.id) & Nomination.status.is_in(list(ON_BALLOT))
    )
    scored = await ExpertScore.select(ExpertScore.nomination).where(ExpertScore.campaign == row.id)
    return {r["id"] for r in on_ballot} <= {r["nomination"] for r in scored}


async def _transition_extras(row: Campaign, action: str) -> dict[str, Any]:
    """Facts worth having in the transition's own ledger entry."""
    if action == T.close_nominations:
        counts: dict[Any, int] = {}
        for r in await Nomination.select(Nomination.unit).where(
            (Nomination.campaign == row.id) & (Nomination.status != NominationState.withdrawn)
        ):
            counts[r["unit"]] = counts.get(r["unit"], 0) + 1
        short = check_quota_at_close(rules_of(row).quota, counts)
        return {"nominations": sum(counts.values()), "units_below_minimum": sorted(short)}
    if action in (T.freeze_shortlist, T.open_voting):
        extra: dict[str, Any] = {"rules_hash": row.rules_hash}
        shortlisted = await Nomination.select(Nomination.id).where(
            (Nomination.campaign == row.id) & (Nomination.status == NominationState.shortlisted)
        )
        extra["candidates"] = sorted(candidate_id(r["id"]) for r in shortlisted)
        if action == T.open_voting:
            extra["census"] = await VoterCredential.count().where(
                (VoterCredential.campaign == row.id) & VoterCredential.revoked.eq(False)
            )
        return extra
    return {}


async def _fire_locked(
    rt: Runtime,
    row: Campaign,
    action: str,
    *,
    actor: str,
    expected_version: int | None,
    note: str,
    now: datetime,
    approvals: tuple[int, int, int, list[str]] | None,
) -> None:
    """Fire ``action`` on a row locked by the caller's write transaction, with its effect."""
    facts = await _facts(
        rt, row, action, approvals=None if approvals is None else (approvals[1], approvals[2])
    )
    payload: dict[str, Any] = {"campaign": row.id, **await _transition_extras(row, action)}
    if note:
        payload["note"] = note[:500]
    if approvals is not None:
        payload["request"] = approvals[0]
        payload["approvers"] = approvals[3]
    republish = action == T.resolve_objections and await results.recounted_since_publicity(row)
    await fire(
        row,
        CampaignProcess,
        action,
        expected_version=expected_version,
        facts=facts,
        scope=scope_of(row.id),
        event=EventType.CAMPAIGN_TRANSITIONED,
        actor=actor,
        payload=payload,
        at=now,
    )
    if action == T.seal:
        await results.seal_effect(rt, row, actor=actor, now=now)
    elif action in (T.tally, T.recount):
        await results.result_effect(
            rt, row, kind="tally" if action == T.tally else "recount", actor=actor, now=now
        )
    elif action == T.publish_result or republish:
        await results.publicity_effect(rt, row, actor=actor, now=now, republished=republish)
    elif action == T.announce:
        await results.announce_effect(rt, row, actor=actor, now=now)
    row.updated_at = now
    await row.save([Campaign.updated_at])


# --- approvals -------------------------------------------------------------------------------------


async def _subject_version(subject: str, subject_id: int, *, lock: bool) -> tuple[int, str]:
    """(version, state) of the campaign or objection a request is about."""
    if subject == "campaign":
        row = await get_campaign(subject_id, lock=lock)
        return row.version, row.status
    objection = await results.load_objection(subject_id, lock=lock)
    return objection.version, objection.status


async def _lapse_stale(rt: Runtime, campaign_id: int, now: datetime) -> None:
    """Open requests whose subject moved on or whose time ran out lapse (logged)."""
    for req in await ApprovalRequest.objects().where(
        (ApprovalRequest.campaign == campaign_id) & (ApprovalRequest.status == ApprovalState.open)
    ):
        version, _ = await _subject_version(req.subject, req.subject_id, lock=False)
        if version != req.subject_version or now >= req.expires_at:
            await _decide(
                req,
                "lapse",
                actor="system",
                now=now,
                have=0,
                need=0,
                why="expired" if now >= req.expires_at else "changed",
            )


async def _decide(
    req: ApprovalRequest, trigger: str, *, actor: str, now: datetime, have: int, need: int, why: str = ""
) -> None:
    payload: dict[str, Any] = {
        "request": req.id,
        "subject": req.subject,
        "subject_id": req.subject_id,
        "action": req.action,
    }
    if why:
        payload["why"] = why
    await fire(
        req,
        ApprovalProcess,
        trigger,
        expected_version=None,
        facts=ApprovalGuardFacts(have=have, need=need),
        scope=scope_of(req.campaign),
        event=EventType.APPROVAL_DECIDED,
        actor=actor,
        payload=payload,
        at=now,
    )
    req.decided_at = now
    await req.save([ApprovalRequest.decided_at])


async def _approvers(request_id: int) -> list[int]:
    rows = await Approval.select(Approval.account).where(Approval.request == request_id).order_by(Approval.id)
    return [int(r["account"]) for r in rows]


async def _approve(
    rt: Runtime,
    p: Principal,
    campaign_id: int,
    *,
    subject: str,
    subject_id: int,
    action: str,
    expected_version: int | None,
    note: str,
    payload: dict[str, Any],
) -> ActionOutcome:
    """Open a request for ``action`` (or join the open one) with the caller's approval; execute at N."""
    now = rt.clock.now()
    async with write_transaction():
        row = await get_campaign(campaign_id, lock=True)
        await _lapse_stale(rt, campaign_id, now)
        version, state = await _subject_version(subject, subject_id, lock=True)
        if expected_version is not None and subject == "campaign":
            check_version(row, expected_version)
        process: type[Process] = CampaignProcess if subject == "campaign" else ObjectionProcess
        if subject == "objection":
            await results.require_review(campaign_id)
        if action not in process(state).allowed():
            raise IllegalTransition(
                f"{action!r} is not allowed now", state=state, allowed=process(state).allowed()
            )
        policy = policy_of(row)
        members = await committee()
        req = (
            await ApprovalRequest.objects()
            .where(
                (ApprovalRequest.campaign == campaign_id)
                & (ApprovalRequest.subject == subject)
                & (ApprovalRequest.subject_id == subject_id)
                & (ApprovalRequest.action == action)
                & (ApprovalRequest.status == ApprovalState.open)
            )
            .first()
        )
        if req is not None and req.payload != json.dumps(payload, sort_keys=True):
            raise Conflict("another resolution is waiting for approvals; withdraw it first", request=req.id)
        if req is None:
            req = ApprovalRequest(
                campaign=campaign_id,
                subject=subject,
                subject_id=subject_id,
                action=action,
                subject_version=version,
                initiator=p.account_id,
                note=note[:2000],
                payload=json.dumps(payload, sort_keys=True),
                created_at=now,
                expires_at=now + timedelta(hours=policy.hours),
            )
            await req.save()
            await log(
                campaign_id,
                EventType.APPROVAL_REQUESTED,
                p.ledger_actor,
                {
                    "request": req.id,
                    "subject": subject,
                    "subject_id": subject_id,
                    "action": action,
                    "subject_version": version,
                    "required": policy.required,
                    "initiator_counts": policy.initiator_counts,
                    "expires": iso(req.expires_at),
                },
                at=now,
            )
        given = await _approvers(req.id)
        if p.account_id in given:
            raise Conflict("you already approved this request", request=req.id)
        if p.account_id != req.initiator and not policy.in_panel(p.account_id, members):
            raise PermissionDenied("you are not on this campaign's approval panel")
        await Approval.insert(Approval(request=req.id, account=p.account_id, created_at=now))
        await log(
            campaign_id,
            EventType.APPROVAL_GIVEN,
            p.ledger_actor,
            {
                "request": req.id,
                "action": action,
                "counts": counted(
                    policy, initiator=req.initiator, approvers=[p.account_id], committee=members
                )
                == 1,
            },
            at=now,
        )
        have = counted(policy, initiator=req.initiator, approvers=[*given, p.account_id], committee=members)
        request_id = req.id
    campaign = await get_campaign(campaign_id)
    if have < policy.required or (subject == "campaign" and _scheduled_later(campaign, action, now)):
        return ActionOutcome(False, campaign.status, campaign.version, await request_view(request_id))
    return await execute_request(rt, request_id, actor=p.ledger_actor)


_SCHEDULED = {
    T.open_nominations: "nomination_opens_at",
    T.close_nominations: "nomination_closes_at",
    T.open_voting: "voting_opens_at",
    T.close_voting: "voting_closes_at",
}


def _scheduled_later(row: Campaign, action: str, now: datetime) -> bool:
    """An approved action with a time in the schedule waits for it; the scheduler carries it out."""
    name = _SCHEDULED.get(T(action)) if action in T.__members__ else None
    when = getattr(row, name) if name else None
    return when is not None and now < when


async def execute_request(rt: Runtime, request_id: int, *, actor: str) -> ActionOutcome:
    """Carry out an approved request: its state, the subject's transition, the effect; or raise why not."""
    now = rt.clock.now()
    fell = False
    async with write_transaction():
        req = await for_update(ApprovalRequest.objects().where(ApprovalRequest.id == request_id)).first()
        if req is None:
            raise NotFound("no such approval request")
        row = await get_campaign(req.campaign, lock=True)
        if req.status != ApprovalState.open:
            raise Conflict(f"the request is {req.status}", request=req.id)
        version, _ = await _subject_version(req.subject, req.subject_id, lock=True)
        policy = policy_of(row)
        members = await committee()
        given = await _approvers(req.id)
        have = counted(policy, initiator=req.initiator, approvers=given, committee=members)
        if version != req.subject_version:
            raise Conflict("the subject changed after the request; ask for approvals again", request=req.id)
        await _decide(req, "execute", actor=actor, now=now, have=have, need=policy.required)
        approvers = [f"account:{a}" for a in given]
        if req.subject == "campaign":
            await _fire_locked(
                rt,
                row,
                req.action,
                actor=actor,
                expected_version=None,
                note=req.note,
                now=now,
                approvals=(req.id, have, policy.required, approvers),
            )
        else:
            decided = json.loads(req.payload)
            fell = await results.execute_resolution(
                rt,
                req.subject_id,
                decision=req.action,
                reason=decided["reason"],
                disqualify=bool(decided.get("disqualify")),
                actor=actor,
                request=req.id,
                approvers=approvers,
                now=now,
            )
        campaign_id = row.id
    if fell:
        await _try_recount(rt, campaign_id, actor=actor)
    campaign = await get_campaign(campaign_id)
    return ActionOutcome(True, campaign.status, campaign.version, await request_view(request_id))


async def _try_recount(rt: Runtime, campaign_id: int, *, actor: str) -> None:
    """A disqualifying resolution triggers the recount; if a tie needs lots first, the organizer recounts."""
    now = rt.clock.now()
    try:
        async with write_transaction():
            row = await get_campaign(campaign_id, lock=True)
            await _fire_locked(
                rt, row, T.recount, actor=actor, expected_version=None, note="", now=now, approvals=None
            )
    except DomainError as error:
        log_.warning("recount of campaign %s postponed: %s", campaign_id, error.detail)


async def withdraw_request(rt: Runtime, p: Principal, request_id: int) -> dict[str, Any]:
    now = rt.clock.now()
    async with write_transaction():
        req = await for_update(ApprovalRequest.objects().where(ApprovalRequest.id == request_id)).first()
        if req is None:
            raise NotFound("no such approval request")
        if req.initiator != p.account_id and not p.has(Role.ORGANIZER):
            raise PermissionDenied("only the initiator or an organizer may withdraw a request")
        await _decide(req, "withdraw", actor=p.ledger_actor, now=now, have=0, need=0)
    return await request_view(request_id)


async def approve_request(rt: Runtime, p: Principal, request_id: int) -> ActionOutcome:
    req = await ApprovalRequest.objects().where(ApprovalRequest.id == request_id).first()
    if req is None:
        raise NotFound("no such approval request")
    return await _approve(
        rt,
        p,
        req.campaign,
        subject=req.subject,
        subject_id=req.subject_id,
        action=req.action,
        expected_version=None,
        note=req.note,
        payload=json.loads(req.payload),
    )


async def propose_resolution(
    rt: Runtime, p: Principal, objection_id: int, *, decision: str, reason: str, disqualify: bool
) -> ActionOutcome:
    """A reviewer proposes uphold or dismiss; it takes effect with the campaign's N approvals."""
    if decision not in {str(t) for t in OBJECTION_HIGH_IMPACT}:
        raise InvalidInput("decision is uphold or dismiss", field="decision")
    if not reason.strip():
        raise InvalidInput("a resolution needs a written reason", field="reason")
    if disqualify and decision != "uphold":
        raise InvalidInput("only an upheld objection disqualifies", field="disqualify")
    objection = await results.load_objection(objection_id)
    payload = {"reason": reason, "disqualify": disqualify}
    return await _approve(
        rt,
        p,
        objection.campaign,
        subject="objection",
        subject_id=objection_id,
        action=decision,
        expected_version=None,
        note="",
        payload=payload,
    )


async def request_view(request_id: int) -> dict[str, Any]:
    req = await ApprovalRequest.objects().where(ApprovalRequest.id == request_id).first()
    if req is None:
        raise NotFound("no such approval request")
    row = await get_campaign(req.campaign)
    policy = policy_of(row)
    given = await _approvers(req.id)
    have = counted(policy, initiator=req.initiator, approvers=given, committee=await committee())
    return {
        "id": req.id,
        "campaign_id": req.campaign,
        "subject": req.subject,
        "subject_id": req.subject_id,
        "action": req.action,
        "status": req.status,
        "initiator": req.initiator,
        "approvers": given,
        "counted": have,
        "required": policy.required,
        "initiator_counts": policy.initiator_counts,
        "note": req.note,
        "created_at": iso(req.created_at),
        "expires_at": iso(req.expires_at),
        "decided_at": iso(req.decided_at),
    }


async def list_requests(campaign_id: int) -> list[dict[str, Any]]:
    await get_campaign(campaign_id)
    rows = (
        await ApprovalRequest.select(ApprovalRequest.id)
        .where(ApprovalRequest.campaign == campaign_id)
        .order_by(ApprovalRequest.id)
    )
    return [await request_view(r["id"]) for r in rows]


# --- the scheduler ---------------------------------------------------------------------------------


async def run_due(rt: Runtime) -> list[tuple[int, str]]:
    """Fire every scheduled phase change that is due; safe to run in every worker at once."""
    now = rt.clock.now()
    candidates = await Campaign.objects().where(
        Campaign.status.is_in(
            [S.draft, S.nomination_open, S.shortlist_frozen, S.voting_open, S.voting_paused]
        )
    )
    done: list[tuple[int, str]] = []
    for row in candidates:
        action = due_action(row.status, schedule_of(row), now)
        if action is None:
            continue
        try:
            if await _run_scheduled(rt, row.id, action, now):
                done.append((row.id, str(action)))
        except DomainError as error:
            log_.info("scheduled %s of campaign %s not done: %s", action, row.id, error.detail)
    return done


async def _run_scheduled(rt: Runtime, campaign_id: int, action: str, now: datetime) -> bool:
    row = await get_campaign(campaign_id)
    if action in GATED and not policy_of(row).trivial:
        req = (
            await ApprovalRequest.objects()
            .where(
                (ApprovalRequest.campaign == campaign_id)
                & (ApprovalRequest.subject == "campaign")
                & (ApprovalRequest.action == action)
                & (ApprovalRequest.status == ApprovalState.open)
                & (ApprovalRequest.subject_version == row.version)
            )
            .first()
        )
        if req is None:
            return False
        await execute_request(rt, req.id, actor="scheduler")
        return True
    async with write_transaction():
        row = await get_campaign(campaign_id, lock=True)
        if due_action(row.status, schedule_of(row), now) != action:
            return False  # another worker was first
        await _fire_locked(
            rt,
            row,
            action,
            actor="scheduler",
            expected_version=None,
            note="scheduled",
            now=now,
            approvals=None,
        )
    return True


async def scheduler_loop(rt: Runtime, every_seconds: float) -> None:
    """The app lifespan runs this in every worker; the row lock makes each change happen once."""
    while True:
        try:
            await run_due(rt)
        except Exception:
            log_.exception("selection scheduler pass failed")
        await asyncio.sleep(every_seconds)
