"""Request and response bodies of the selection API.

Requests forbid unknown fields and bound every length and number before the domain sees them; the
campaign rules are the core's own :class:`~workflow.selection.rules.CampaignRules` (already a
bounded, strict Struct). Responses mirror the services' views; nested documents the core defines
exactly (rules, results, seal totals) pass through as JSON objects.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

import msgspec

from api.schemas.common import Id, Struct, Version
from workflow.selection.common import CANDIDATE_ID_PATTERN, HEX_SHA256_PATTERN
from workflow.selection.credentials import PublicCredential
from workflow.selection.rules import CampaignRules, EthicsGrade
from workflow.selection.tables import FileKind, OutcomeType

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
LongText = Annotated[str, msgspec.Meta(max_length=5000)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Note = Annotated[str, msgspec.Meta(max_length=1000)]
Candidate = Annotated[str, msgspec.Meta(pattern=CANDIDATE_ID_PATTERN)]
TrackingCode = Annotated[str, msgspec.Meta(pattern=HEX_SHA256_PATTERN)]
KeyB64 = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{43}$")]
Day = Annotated[list[dt.date], msgspec.Meta(max_length=400)]
UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


# --- campaigns -------------------------------------------------------------------------------------


class ScheduleIn(Struct):
    """Times with a zone offset (e.g. ``2026-07-01T08:00:00+08:00``); a phase without a time moves by hand."""

    nomination_opens_at: dt.datetime | None = None
    nomination_closes_at: dt.datetime | None = None
    voting_opens_at: dt.datetime | None = None
    voting_closes_at: dt.datetime | None = None


class SchedulePatch(Struct):
    """Only the fields sent change; ``null`` clears a time."""

    nomination_opens_at: dt.datetime | Unset | None = UNSET
    nomination_closes_at: dt.datetime | Unset | None = UNSET
    voting_opens_at: dt.datetime | Unset | None = UNSET
    voting_closes_at: dt.datetime | Unset | None = UNSET


class ApprovalsIn(Struct):
    """N-of-M: ``required`` approvals by distinct accounts of ``panel`` (empty: organizers and reviewers)."""

    required: Annotated[int, msgspec.Meta(ge=1, le=20)] = 1
    panel: Annotated[list[Id], msgspec.Meta(max_length=50)] = msgspec.field(default_factory=list)
    initiator_counts: bool = True
    hours: Annotated[int, msgspec.Meta(ge=1, le=24 * 60)] = 72


class ContactIn(Struct):
    """Where real-name objections go during the 公示 (printed on the notice)."""

    office: Annotated[str, msgspec.Meta(max_length=100)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""
    email: Annotated[str, msgspec.Meta(max_length=100)] = ""
    address: Annotated[str, msgspec.Meta(max_length=200)] = ""


class CampaignIn(Struct):
    title: Title
    description: LongText = ""
    outcome_type: OutcomeType = OutcomeType.PUBLIC_PRAISE
    approval_reference: Annotated[str, msgspec.Meta(max_length=200)] = ""
    issuer: Annotated[str, msgspec.Meta(max_length=100)] = ""
    """Who publishes the notices (落款), e.g. 北京市顺义区卫生健康委员会."""
    objection_contact: ContactIn | None = None
    rules: CampaignRules | None = None
    schedule: ScheduleIn | None = None
    reference_date: dt.date | None = None
    holidays: Day = msgspec.field(default_factory=list)
    workdays: Day = msgspec.field(default_factory=list)
    approvals: ApprovalsIn | None = None


class CampaignPatch(Struct):
    version: Version
    title: Title | None = None
    description: LongText | None = None
    outcome_type: OutcomeType | None = None
    approval_reference: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    issuer: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    objection_contact: ContactIn | None = None
    rules: CampaignRules | None = None
    schedule: SchedulePatch | None = None
    reference_date: dt.date | None = None
    holidays: Day | None = None
    workdays: Day | None = None
    approvals: ApprovalsIn | None = None


class ActionIn(Struct):
    """A campaign action by its trigger name (see ``GET /api/processes``), at the version you read."""

    action: Annotated[str, msgspec.Meta(pattern=r"^[a-z_]{1,32}$")]
    version: Version
    note: Note = ""


class CampaignOut(msgspec.Struct):
    id: int
    uid: str
    title: str
    description: str
    outcome_type: str
    approval_reference: str
    issuer: str
    objection_contact: dict[str, str]
    status: str
    version: int
    rules: dict[str, Any] | None
    rules_hash: str
    reference_date: str | None
    schedule: dict[str, str | None]
    holidays: list[str]
    workdays: list[str]
    approvals: dict[str, Any]
    allowed_actions: list[str]
    candidates: list[str]
    census: int
    seal_hash: str | None
    publicity: dict[str, str | None]
    created_at: str | None


class PublicCampaignOut(msgspec.Struct):
    id: int
    uid: str
    title: str
    description: str
    outcome_type: str
    approval_reference: str
    issuer: str
    objection_contact: dict[str, str]
    status: str
    rules: dict[str, Any] | None
    rules_hash: str
    reference_date: str | None
    schedule: dict[str, str | None]
    holidays: list[str]
    workdays: list[str]
    allowed_actions: list[str]
    candidates: list[str]
    census: int
    seal_hash: str | None
    publicity: dict[str, str | None]
    created_at: str | None


class ApprovalRequestOut(msgspec.Struct):
    id: int
    campaign_id: int
    subject: str
    subject_id: int
    action: str
    status: str
    initiator: int
    approvers: list[int]
    counted: int
    required: int
    initiator_counts: bool
    note: str
    created_at: str | None
    expires_at: str | None
    decided_at: str | None


class ActionOut(msgspec.Struct):
    """``executed`` false: the action waits for more approvals (HTTP 202) and ``request`` says how many."""

    executed: bool
    status: str
    version: int
    request: ApprovalRequestOut | None = None


class TieBreakIn(Struct):
    """Either the drawn order of tied candidates, or the seed the rules committed to."""

    lots: Annotated[list[Candidate], msgspec.Meta(max_length=500)] | None = None
    seed: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None


class TieBreakOut(msgspec.Struct):
    lots: list[str]
    seed: str | None


class ResultOut(msgspec.Struct):
    kind: str
    result_hash: str
    ledger_index: int
    result: dict[str, Any]


class PublicResultOut(msgspec.Struct):
    campaign_id: int
    kind: str
    result_hash: str
    ledger_index: int
    final: bool
    result: dict[str, Any]
    names: dict[str, dict[str, str]]


class NoticeOut(msgspec.Struct):
    campaign_id: int
    notice: str
    notice_sha256: str
    opens_at: str | None
    closes_at: str | None
    announcement: str | None
    announcement_sha256: str | None


# --- nominations -----------------------------------------------------------------------------------


class GradeIn(Struct):
    year: Annotated[int, msgspec.Meta(ge=1950, le=2100)]
    grade: EthicsGrade


Dates = Annotated[list[dt.date], msgspec.Meta(max_length=50)]


class DeclaredIn(Struct):
    """Facts the unit declares (申报); a reviewer confirms them. ``null``: not declared."""

    has_licence: bool | None = None
    service_start: dt.date | None = None
    medical_accidents: Dates | None = None
    discipline_actions: Dates | None = None
    ethics_grades: Annotated[list[GradeIn], msgspec.Meta(max_length=50)] | None = None


class NominationIn(Struct):
    staff_id: Id
    deeds: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    declared: DeclaredIn = msgspec.field(default_factory=DeclaredIn)


class ReviewAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    RECOMMEND = "recommend"
    UNRECOMMEND = "unrecommend"
    SHORTLIST = "shortlist"


class ReviewIn(Struct):
    action: ReviewAction
    version: Version
    reason: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    codes: Annotated[list[Annotated[str, msgspec.Meta(max_length=64)]], msgspec.Meta(max_length=20)] = (
        msgspec.field(default_factory=list)
    )
    confirm_declarations: bool = False


class FileOut(msgspec.Struct):
    id: int
    kind: str
    media_type: str
    size: int
    sha256: str
    filename: str | None = None


class NominationOut(msgspec.Struct):
    id: int
    campaign_id: int
    candidate: str
    unit_id: int
    unit_name: str
    staff_id: int
    staff_name: str
    staff_title: str
    status: str
    version: int
    deeds: str
    declared: dict[str, Any]
    checks: list[dict[str, Any]]
    declarations_confirmed: bool
    reason: str | None
    files: list[FileOut]
    submitted_at: str | None
    allowed_actions: list[str]
    receipt: str | None = None


class ScoresIn(Struct):
    scores: Annotated[dict[Annotated[str, msgspec.Meta(max_length=32)], int], msgspec.Meta(max_length=20)]


class ScoreOut(msgspec.Struct):
    candidate: str
    expert: int
    scores: dict[str, int]
    submitted_at: str | None = None


class CandidateOut(msgspec.Struct):
    candidate: str
    name: str
    gender: str
    title: str
    unit: str
    department: str | None
    deeds: str
    has_photo: bool
    disqualified: bool


class FileKindIn(StrEnum):
    PHOTO = FileKind.PHOTO.value
    ATTACHMENT = FileKind.ATTACHMENT.value


# --- credentials and voting ------------------------------------------------------------------------


class CredentialListIn(Struct):
    """The credential authority's public list L: keys with weights, sorted by key, no identities."""

    credentials: Annotated[list[PublicCredential], msgspec.Meta(min_length=1, max_length=200_000)]


class CredentialListOut(msgspec.Struct):
    count: int
    total_weight: int
    list_hash: str


class RevokeIn(Struct):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ReissueIn(Struct):
    public_key: KeyB64
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class CredentialOut(msgspec.Struct):
    public_key: str
    key_id: str
    weight: int
    revoked: bool
    replaces: str | None


class ReceiptOut(msgspec.Struct):
    """Returned only after the ballot is durably committed; ``receipt`` is signed by the log key."""

    campaign_id: int
    tracking_code: str
    channel: str
    weight: int
    scope: str
    index: int
    leaf_hash: str
    time: str
    receipt: str


class BallotStatusOut(msgspec.Struct):
    tracking_code: str
    channel: str
    scope: str
    index: int
    accepted_at: str | None
    disposition: str | None


class PhoneIn(Struct):
    phone: Annotated[str, msgspec.Meta(min_length=5, max_length=24)]


class PhoneCodeIn(Struct):
    phone: Annotated[str, msgspec.Meta(min_length=5, max_length=24)]
    code: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{6}$")]


class CodeSentOut(msgspec.Struct):
    sent: bool
    expires_in: int


class VoteTokenOut(msgspec.Struct):
    token: str
    expires_at: str | None


class PhoneBallotIn(Struct):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
    choices: Annotated[list[Annotated[str, msgspec.Meta(max_length=64)]], msgspec.Meta(max_length=500)]
    device: Annotated[str, msgspec.Meta(min_length=1, max_length=128)] | None = None
    request_id: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{16,64}$")] | None = None
    """A random id the page keeps for one submission: sent again after a lost answer, the server
    returns the receipt of the ballot already logged instead of casting (or refusing) another."""


class TurnoutOut(msgspec.Struct):
    shown: bool
    channels: list[dict[str, Any]]


class DisqualifyIn(Struct):
    tracking_codes: Annotated[list[TrackingCode], msgspec.Meta(min_length=1, max_length=10_000)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class DisqualifiedOut(msgspec.Struct):
    disqualified: int
    tracking_codes: list[str]


class AntibrushOut(msgspec.Struct):
    ballots: int
    thresholds: dict[str, int]
    findings: list[dict[str, Any]]


# --- objections ------------------------------------------------------------------------------------


class ObjectionIn(Struct):
    """Real name, work unit and a way to reach you are required; anonymous objections are refused."""

    candidate: Candidate
    name: Annotated[str, msgspec.Meta(max_length=50)]
    contact: Annotated[str, msgspec.Meta(max_length=100)]
    content: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    unit: Annotated[str, msgspec.Meta(max_length=100)] = ""


class ObjectionReceiptOut(msgspec.Struct):
    id: int
    status: str
    candidate: str
    lodged_at: str | None
    receipt: str


class ObjectionOut(msgspec.Struct):
    id: int
    campaign_id: int
    candidate: str
    status: str
    version: int
    content: str
    content_sha256: str
    lodged_at: str | None
    decision: str | None
    disqualify: bool
    reason: str | None
    decided_at: str | None
    allowed_actions: list[str]
    objector: dict[str, str] | None = None


class Decision(StrEnum):
    UPHOLD = "uphold"
    DISMISS = "dismiss"


class ResolutionIn(Struct):
    decision: Decision
    reason: Reason
    disqualify: bool = False
