"""Campaigns for the people who run them: settings, actions, approvals, results, objections."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.access import roles
from api.schemas.common import VersionIn
from api.schemas.selection import (
    ActionIn,
    ActionOut,
    ApprovalRequestOut,
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    ContactIn,
    ObjectionOut,
    ResolutionIn,
    ResultOut,
    ScheduleIn,
    TieBreakIn,
    TieBreakOut,
)
from workflow.accounts.roles import Principal, Role
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns
from workflow.selection import service_results as results
from workflow.selection.approvals import ApprovalPolicy
from workflow.selection.schedule import Schedule

ORGANIZER = roles(Role.ORGANIZER)
CAMPAIGN_READERS = roles(
    Role.ORGANIZER, Role.REVIEWER, Role.UNIT_ADMIN, Role.CREDENTIAL_AUTHORITY, Role.AUDITOR
)
COMMITTEE_READERS = roles(Role.ORGANIZER, Role.REVIEWER, Role.AUDITOR)
APPROVERS = roles(Role.ORGANIZER, Role.REVIEWER)


def _schedule(value: ScheduleIn | None) -> Schedule | None:
    return None if value is None else Schedule(**msgspec.structs.asdict(value))


def _contact(value: ContactIn | None) -> dict[str, str | None]:
    if value is None:
        return {}
    return {
        "objection_office": value.office,
        "objection_phone": value.phone,
        "objection_email": value.email,
        "objection_address": value.address,
    }


def _policy(value: Any) -> ApprovalPolicy | None:
    if value is None:
        return None
    return ApprovalPolicy(value.required, frozenset(value.panel), value.initiator_counts, value.hours)


def action_response(outcome: campaigns.ActionOutcome) -> Response[ActionOut]:
    body = ActionOut(
        outcome.executed,
        outcome.status,
        outcome.version,
        None if outcome.request is None else msgspec.convert(outcome.request, ApprovalRequestOut),
    )
    return Response(body, status_code=200 if outcome.executed else 202)


class CampaignController(Controller):
    path = "/api/campaigns"
    tags = ["selection"]

    @get("/", guards=[CAMPAIGN_READERS], operation_id="ListCampaigns")
    async def list_campaigns(self) -> list[CampaignOut]:
        """Every campaign, drafts included, newest first (rules omitted; read one campaign for them)."""
        return [msgspec.convert(c, CampaignOut) for c in await campaigns.list_campaigns(include_drafts=True)]

    @post("/", guards=[ORGANIZER], operation_id="CreateCampaign")
    async def create_campaign(
        self, data: JSONBody[CampaignIn], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> CampaignOut:
        """A draft campaign with its rules (domain defaults if omitted), schedule and approval policy."""
        spec = campaigns.CampaignSpec(
            title=data.title,
            description=data.description,
            outcome_type=data.outcome_type,
            approval_reference=data.approval_reference,
            issuer=data.issuer,
            **_contact(data.objection_contact),
            rules=data.rules,
            schedule=_schedule(data.schedule),
            reference_date=data.reference_date,
            holidays=tuple(data.holidays),
            workdays=tuple(data.workdays),
            approvals=_policy(data.approvals),
        )
        return msgspec.convert(await campaigns.create_campaign(rt, principal, spec), CampaignOut)

    @get("/{campaign_id:int}", guards=[CAMPAIGN_READERS], operation_id="GetCampaign")
    async def get_campaign(self, campaign_id: FromPath[int]) -> CampaignOut:
        return msgspec.convert(await campaigns.campaign_view(campaign_id), CampaignOut)

    @patch("/{campaign_id:int}", guards=[ORGANIZER], operation_id="UpdateCampaign")
    async def update_campaign(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[CampaignPatch],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CampaignOut:
        """Change what the state still allows (rules until voting opens); ``version`` as read."""
        schedule = None
        sent: frozenset[str] = frozenset()
        if data.schedule is not None:
            given = {k: v for k, v in msgspec.structs.asdict(data.schedule).items() if v is not msgspec.UNSET}
            sent = frozenset(given)
            schedule = Schedule(**given)
        spec = campaigns.CampaignSpec(
            title=data.title,
            description=data.description,
            outcome_type=data.outcome_type,
            approval_reference=data.approval_reference,
            issuer=data.issuer,
            **_contact(data.objection_contact),
            rules=data.rules,
            schedule=schedule,
            reference_date=data.reference_date,
            holidays=None if data.holidays is None else tuple(data.holidays),
            workdays=None if data.workdays is None else tuple(data.workdays),
            approvals=_policy(data.approvals),
            changed=sent,
        )
        view = await campaigns.update_campaign(
            rt, principal, campaign_id, expected_version=data.version, spec=spec
        )
        return msgspec.convert(view, CampaignOut)

    @post("/{campaign_id:int}/actions", guards=[ORGANIZER], operation_id="CampaignAction", status_code=200)
    async def act(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[ActionIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Response[ActionOut]:
        """Fire a lifecycle action. High-impact actions under an N-of-M policy answer 202 with the
        approval request until enough distinct approvals are in; the last approval carries it out."""
        outcome = await campaigns.act(
            rt, principal, campaign_id, action=data.action, expected_version=data.version, note=data.note
        )
        return action_response(outcome)

    @get(
        "/{campaign_id:int}/approval-requests",
        guards=[COMMITTEE_READERS],
        operation_id="ListApprovalRequests",
    )
    async def list_requests(self, campaign_id: FromPath[int]) -> list[ApprovalRequestOut]:
        return [msgspec.convert(r, ApprovalRequestOut) for r in await campaigns.list_requests(campaign_id)]

    @post("/{campaign_id:int}/tie-break", guards=[ORGANIZER], operation_id="RecordTieBreak", status_code=200)
    async def tie_break(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[TieBreakIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> TieBreakOut:
        """Record the committee's drawing of lots (the order of tied candidates) or reveal the seed."""
        view = await results.record_tie_break(rt, principal, campaign_id, lots=data.lots, seed=data.seed)
        return msgspec.convert(view, TieBreakOut)

    @get("/{campaign_id:int}/results", guards=[COMMITTEE_READERS], operation_id="ListResults")
    async def list_results(self, campaign_id: FromPath[int]) -> list[ResultOut]:
        """Every count and recount, also before the 公示."""
        await campaigns.campaign_view(campaign_id)
        return [msgspec.convert(r, ResultOut) for r in await results.results_view(campaign_id)]

    @get("/{campaign_id:int}/objections", guards=[COMMITTEE_READERS], operation_id="ListObjections")
    async def list_objections(self, campaign_id: FromPath[int]) -> list[ObjectionOut]:
        """Objections with the objectors' names and contacts (the committee must be able to reply)."""
        return [msgspec.convert(o, ObjectionOut) for o in await results.list_objections(campaign_id)]


class ApprovalController(Controller):
    path = "/api/approval-requests"
    tags = ["selection"]

    @post("/{request_id:int}/approve", guards=[APPROVERS], operation_id="ApproveRequest", status_code=200)
    async def approve(
        self, request_id: FromPath[int], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> Response[ActionOut]:
        """Add your approval (panel members only); the N-th distinct approval carries the action out."""
        return action_response(await campaigns.approve_request(rt, principal, request_id))

    @post("/{request_id:int}/withdraw", guards=[APPROVERS], operation_id="WithdrawRequest", status_code=200)
    async def withdraw(
        self, request_id: FromPath[int], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> ApprovalRequestOut:
        """The initiator (or an organizer) withdraws a request that waits for approvals."""
        return msgspec.convert(
            await campaigns.withdraw_request(rt, principal, request_id), ApprovalRequestOut
        )


class ObjectionController(Controller):
    path = "/api/objections"
    tags = ["selection"]

    @post(
        "/{objection_id:int}/review",
        guards=[roles(Role.REVIEWER)],
        operation_id="StartObjectionReview",
        status_code=200,
    )
    async def start_review(
        self,
        objection_id: FromPath[int],
        data: JSONBody[VersionIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> ObjectionOut:
        view = await results.start_objection_review(
            rt, principal, objection_id, expected_version=data.version
        )
        return msgspec.convert(view, ObjectionOut)

    @post(
        "/{objection_id:int}/resolution",
        guards=[roles(Role.REVIEWER)],
        operation_id="ProposeResolution",
        status_code=200,
    )
    async def propose(
        self,
        objection_id: FromPath[int],
        data: JSONBody[ResolutionIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Response[ActionOut]:
        """Propose uphold or dismiss with a written reason; it takes effect with the campaign's N
        approvals. Upholding with ``disqualify`` removes the candidate and triggers a logged recount."""
        outcome = await campaigns.propose_resolution(
            rt,
            principal,
            objection_id,
            decision=str(data.decision),
            reason=data.reason,
            disqualify=data.disqualify,
        )
        return action_response(outcome)
