"""Request and response shapes of the ethics API (医德医风 files and the annual 医德考评).

Inputs are bounded here (lengths, ranges, enums, unknown fields refused) before they reach the
services; outputs are built from the services' plain data with ``msgspec.convert``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from api.schemas.common import Code, Id, Name, ShortText, Struct, Version
from workflow.ethics.feedback import Answer
from workflow.ethics.policy import Grade, RecordKind, Severity

Year = Annotated[int, msgspec.Meta(ge=2000, le=2100)]
Opinion = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
Summary = Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
GroupKey = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")]
Phone = Annotated[str, msgspec.Meta(pattern=r"^\+?[0-9 -]{5,20}$")]
Stay = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z-]+$")]
Comment = Annotated[str, msgspec.Meta(max_length=500)]
VersionOrNew = Annotated[int, msgspec.Meta(ge=0, le=2**31)]


# --- policy --------------------------------------------------------------------------------------------


class PolicyIn(Struct):
    policy: dict[str, Any]
    """An ``EthicsPolicy`` as JSON; omitted fields take the national defaults (docs/ethics-rules.md)."""
    note: ShortText = ""


class PolicyVersionOut(msgspec.Struct):
    version: int
    sha256: str
    note: str
    created_at: dt.datetime


class PolicyOut(msgspec.Struct):
    region_id: int
    version: int | None
    """``None``: no bureau on the way up has set one; the national defaults apply."""
    source_region_id: int | None
    sha256: str
    policy: dict[str, Any]
    history: list[PolicyVersionOut]


# --- years -----------------------------------------------------------------------------------------------


class YearIn(Struct):
    unit_id: Id
    year: Year


class PublicityOut(msgspec.Struct):
    publicity_opens_at: dt.datetime | None
    publicity_closes_at: dt.datetime | None
    appeal_closes_at: dt.datetime | None


class YearOut(msgspec.Struct):
    id: int
    unit_id: int
    unit_name: str
    year: int
    scope: str
    policy_version: int | None
    policy_region_id: int | None
    policy_sha256: str
    quota_scope: str
    tie_policy: str
    opened_at: dt.datetime
    graded_at: dt.datetime | None
    grading_stale: bool
    pending_ties: int
    publicized_at: dt.datetime | None
    archived_at: dt.datetime | None
    files: int
    files_by_state: dict[str, int]
    first_publicity: PublicityOut | None
    version: int


class YearOpenedOut(msgspec.Struct):
    year: YearOut
    created: bool
    files_added: int


class YearPageOut(msgspec.Struct):
    items: list[YearOut]
    next_cursor: str | None


# --- grading ---------------------------------------------------------------------------------------------


class PersonOut(msgspec.Struct):
    cycle_id: int
    staff_id: int
    name: str
    staff_no: str
    department_id: int | None
    department: str
    total: str | None = None
    provisional: str | None = None
    suggested: str | None = None
    outcome: str | None = None


class VetoReasonOut(msgspec.Struct):
    code: str
    title: str
    record_id: int | None


class VetoedPersonOut(PersonOut, kw_only=True):
    reasons: list[VetoReasonOut]


class MissingPersonOut(PersonOut, kw_only=True):
    marked: bool


class DepartmentGradesOut(msgspec.Struct):
    department_id: int | None
    name: str
    headcount: int
    grades: dict[str, int]
    vetoed: int
    missing_self_evaluations: int


class BoundaryOut(msgspec.Struct):
    cutoff_score: str | None
    open_places: int
    tie: bool
    resolution: str | None
    decided_by: str | None
    above_cutoff: int
    at_cutoff: list[PersonOut]
    kept_at_cutoff: list[int]
    demoted_at_cutoff: list[int]
    first_below: list[PersonOut]
    first_below_score: str | None


class GroupOut(msgspec.Struct):
    group: str
    label: str
    headcount: int
    places: int | None
    soft_places: int | None
    candidates: int
    excellent: int
    soft_exceeded: bool
    over_hard_limit: int
    pending: list[PersonOut]
    committee_decided: bool
    notes: list[str]
    boundary: BoundaryOut | None


class GradingSummaryOut(msgspec.Struct):
    """What close-year reports: grades per department, quota boundary, vetoes, missing self-evaluations."""

    ethics_year_id: int
    unit_id: int
    year: int
    graded_at: str
    files: int
    quota_scope: str
    tie_policy: str
    grade_counts: dict[str, int]
    departments: list[DepartmentGradesOut]
    groups: list[GroupOut]
    vetoes: list[VetoedPersonOut]
    self_deadline: str
    marked_missing: int
    missing_self_evaluations: list[MissingPersonOut]
    grading_stale: bool = False


class TieDecisionIn(Struct):
    keep: Annotated[list[Id], msgspec.Meta(max_length=1000)]
    """File ids (cycle ids) of the tied people who keep 优秀; may be empty."""
    minutes: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    group: GroupKey = "unit"


class TieDecisionOut(msgspec.Struct):
    group: str
    kept: list[int]
    demoted: list[int]


class UnitOverrideIn(Struct):
    cycle_id: Id
    grade: Grade
    opinion: Opinion


class UnitEvaluationBatchIn(Struct):
    opinion: Opinion
    overrides: Annotated[list[UnitOverrideIn], msgspec.Meta(max_length=5000)] = msgspec.field(
        default_factory=list
    )


class CountOut(msgspec.Struct):
    evaluated: int


class WindowOut(msgspec.Struct):
    first_day: dt.date
    last_day: dt.date
    closes_at: dt.datetime
    label: str


class PublicizedOut(msgspec.Struct):
    publicized: int
    publicity: WindowOut
    appeal_closes_at: dt.datetime


class WaitingOut(msgspec.Struct):
    file: int
    reason: str


class FinalizedOut(msgspec.Struct):
    finalized: int
    waiting: list[WaitingOut]


class ArchivedOut(msgspec.Struct):
    archived: int
    checkpoint: CheckpointOut | None


# --- files and file-years -----------------------------------------------------------------------------------


class ItemOut(msgspec.Struct):
    code: str
    title: str
    max_score: str
    deductions: str
    raw_deductions: str
    praise: str
    score: str


class ScoreOut(msgspec.Struct):
    total: str
    deductions: str
    raw_deductions: str
    bonus: str
    base: str
    feedback_adjustment: str
    provisional: str
    suggested: str | None
    outcome: str | None
    rank: int | None
    vetoed: bool
    vetoes: list[VetoReasonOut]
    items: list[ItemOut]
    explanation: list[str]
    computed_at: dt.datetime


class ObjectorOut(msgspec.Struct):
    name: str
    work_unit: str
    phone: str


class AppealOut(msgspec.Struct):
    id: int
    appellant: str
    reason: str
    lodged_at: dt.datetime
    decide_by: dt.datetime | None
    previous_grade: str
    decision: str | None
    decided_grade: str | None
    decision_reasons: str
    decided_at: dt.datetime | None
    objector: ObjectorOut | None


class CycleStaffOut(msgspec.Struct):
    id: int
    name: str
    staff_no: str
    title: str
    department_id: int | None
    department_name: str | None


class CycleOut(msgspec.Struct):
    id: int
    ethics_year_id: int
    unit_id: int
    year: int
    status: str
    status_label: str
    version: int
    self_grade: str | None
    self_missing: bool
    department_grade: str | None
    unit_grade: str | None
    final_grade: str | None
    vetoed: bool
    total: str | None
    staff: CycleStaffOut
    self_summary: str
    self_at: dt.datetime | None
    department_opinion: str
    department_at: dt.datetime | None
    unit_opinion: str
    unit_at: dt.datetime | None
    return_reason: str | None
    publicity_opens_at: dt.datetime | None
    publicity_closes_at: dt.datetime | None
    appeal_closes_at: dt.datetime | None
    finalized_at: dt.datetime | None
    score: ScoreOut | None
    appeals: list[AppealOut]
    allowed_actions: list[str]


class CycleListItemOut(msgspec.Struct):
    id: int
    ethics_year_id: int
    unit_id: int
    year: int
    status: str
    status_label: str
    version: int
    staff_id: int
    staff_name: str
    staff_no: str
    department_id: int | None
    self_grade: str | None
    self_missing: bool
    department_grade: str | None
    unit_grade: str | None
    final_grade: str | None
    vetoed: bool
    total: str | None


class CyclePageOut(msgspec.Struct):
    items: list[CycleListItemOut]
    next_cursor: str | None


class SelfEvaluationIn(Struct):
    version: Version
    summary: Summary
    grade: Grade


class EvaluationIn(Struct):
    version: Version
    opinion: Opinion
    grade: Grade


class ReturnIn(Struct):
    version: Version
    reason: Reason


class ObjectorIn(Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    work_unit: Name
    phone: Phone


class AppealIn(Struct):
    reason: Opinion
    objector: ObjectorIn | None = None
    """Only for the ethics office registering a real-name objection received by phone or letter."""


class AppealDecisionIn(Struct):
    version: Version
    decision: Literal["maintain", "change"]
    grade: Grade
    reasons: Opinion


class AttachmentOut(msgspec.Struct):
    id: int
    filename: str
    media_type: str
    size: int
    sha256: str


class RecordOut(msgspec.Struct):
    id: int
    staff_id: int
    unit_id: int
    year: int
    occurred_on: dt.date
    kind: str
    item: str
    points: str
    category: str | None
    severity: str | None
    veto: str | None
    description: str
    source: str
    status: str
    status_label: str
    version: int
    corrects: int | None
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str
    attachments: list[AttachmentOut]
    allowed_actions: list[str]


class RecordPageOut(msgspec.Struct):
    items: list[RecordOut]
    next_cursor: str | None


class RecordIn(Struct):
    staff_id: Id
    occurred_on: dt.date
    kind: RecordKind
    item: Code
    points: Decimal
    """Magnitude, 0–100 with at most two decimals; ``kind`` gives the sign (0 only in a correction)."""
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    category: Code | None = None
    """九项准则 (JX1–JX9) or 九不准 (JBZ1–JBZ9) code of a violation."""
    severity: Severity | None = None
    veto: Code | None = None
    """一票否决 condition code (V1–V8 by default)."""
    corrects: Id | None = None
    """The approved record this one corrects; it is superseded when this one is approved."""


class ApproveIn(Struct):
    version: Version


class RejectIn(Struct):
    version: Version
    reason: Reason


class PersonalOut(msgspec.Struct):
    ethnicity: str
    birth_month: str
    political_status: str
    education: str
    position: str
    work_history: str
    version: int
    updated_at: dt.datetime | None


class PersonalPatch(Struct):
    version: VersionOrNew
    """The version read (0 when the section was never filled in)."""
    ethnicity: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    birth_month: Annotated[str, msgspec.Meta(pattern=r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$")] | None = None
    political_status: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    education: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    position: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    work_history: Annotated[str, msgspec.Meta(max_length=5000)] | None = None


class FileStaffOut(msgspec.Struct):
    id: int
    unit_id: int
    unit_name: str | None
    department_id: int | None
    department_name: str | None
    staff_no: str
    name: str
    gender: str
    title: str
    licence_type: str
    hire_date: dt.date | None
    status: str


class ChannelOut(msgspec.Struct):
    satisfied: int
    fairly_satisfied: int
    dissatisfied: int
    invalid: int
    minimum: int
    valid: int
    meets_minimum: bool
    rate: str | None
    mean_points: str | None


class FeedbackOut(msgspec.Struct):
    year: int
    sms: ChannelOut
    inpatient: ChannelOut | None
    """Shown only with at least the policy's minimum of ratings (k ≥ 5 by default), for anonymity."""
    inpatient_count: int | None
    satisfaction_rate: str | None
    social_score: str | None
    channels_used: list[str]


class FileYearOut(msgspec.Struct):
    id: int
    ethics_year_id: int
    unit_id: int
    year: int
    status: str
    status_label: str
    self_grade: str | None
    self_missing: bool
    department_grade: str | None
    unit_grade: str | None
    final_grade: str | None
    vetoed: bool
    total: str | None
    self_summary: str
    department_opinion: str
    unit_opinion: str
    score: ScoreOut | None
    feedback: FeedbackOut


class FileOut(msgspec.Struct):
    """一人一档: every section, every year, newest first."""

    staff: FileStaffOut
    personal: PersonalOut
    years: list[FileYearOut]
    records: list[RecordOut]
    commendations: list[RecordOut]
    penalties: list[RecordOut]


# --- eligibility ------------------------------------------------------------------------------------------


class CheckOut(msgspec.Struct):
    rule: str
    passed: bool
    reason: str


class EligibilityOut(msgspec.Struct):
    staff_id: int
    latest_year: int
    purpose: str
    eligible: bool
    reasons: list[str]
    checks: list[CheckOut]


# --- patient feedback ------------------------------------------------------------------------------------


class SmsRowErrorOut(msgspec.Struct):
    line: int
    field: str
    message: str


class SmsReportOut(msgspec.Struct):
    file_format: str
    encoding: str
    rows: int
    new: int
    already_imported: int
    duplicates_in_file: int
    unreadable_replies: int
    tickets: int
    ignored_columns: list[str]
    errors_total: int
    errors: list[SmsRowErrorOut]


class SmsImportOut(msgspec.Struct):
    id: int
    ethics_year_id: int
    status: str
    version: int
    filename: str
    file_sha256: str
    report: SmsReportOut
    allowed_actions: list[str]


class WardIn(Struct):
    department_id: Id
    name: Name


class WardOut(msgspec.Struct):
    id: int
    unit_id: int
    department_id: int
    department_name: str
    name: str
    active: bool
    link: str
    created_at: dt.datetime


class PublicStaffOut(msgspec.Struct):
    id: int
    name: str
    title: str
    role: str


class AnswerOut(msgspec.Struct):
    value: str
    label: str


class PublicWardOut(msgspec.Struct):
    ward: str
    unit: str
    department: str
    staff: list[PublicStaffOut]
    answers: list[AnswerOut]


class RatingIn(Struct):
    staff_id: Id
    answer: Answer
    comment: Comment = ""


class InpatientIn(Struct):
    stay: Stay
    """The admission number (住院号) printed on the discharge papers: used once, never stored."""
    ratings: Annotated[list[RatingIn], msgspec.Meta(min_length=1, max_length=30)]


class InpatientOut(msgspec.Struct):
    submission: str
    ratings: int


# --- reports ---------------------------------------------------------------------------------------------


class FormStaffOut(msgspec.Struct):
    name: str
    gender: str
    title: str
    staff_number: str
    unit: str
    department: str


class FormItemOut(msgspec.Struct):
    code: str
    title: str
    max_score: str
    deductions: str
    praise: str
    score: str


class FormLineOut(msgspec.Struct):
    day: dt.date
    item: str
    points: str
    description: str
    veto: bool


class SatisfactionOut(msgspec.Struct):
    satisfied: int
    fairly_satisfied: int
    dissatisfied: int
    rate: str | None
    note: str


class OpinionOut(msgspec.Struct):
    text: str
    grade: str | None
    signer: str
    signed_on: dt.datetime | None


class CheckpointOut(msgspec.Struct):
    origin: str
    size: int
    root_hash: str
    """Hex RFC 9162 root of the year's log at ``size`` entries."""
    signed: bool
    note: str
    """The C2SP signed note (with any witness cosignatures), as ``yide verify --checkpoint`` reads it."""


class VerificationOut(msgspec.Struct):
    scope: str
    url: str
    checkpoint: CheckpointOut | None


class FormOut(msgspec.Struct):
    """The 医德考评表 of one person and year, field for field what the printed form shows."""

    year: int
    status: str
    staff: FormStaffOut
    items: list[FormItemOut]
    base: str
    deductions: str | None
    bonus: str | None
    raw_bonus: str | None
    feedback_adjustment: str | None
    total: str | None
    grade: str | None
    grade_label: str
    grade_note: str
    vetoes: list[str]
    praise: list[FormLineOut]
    penalties: list[FormLineOut]
    satisfaction: SatisfactionOut
    self_summary: str
    self_evaluation: OpinionOut
    department: OpinionOut
    unit: OpinionOut
    explanation: list[str]
    verification: VerificationOut


class GradeRowOut(msgspec.Struct):
    cycle_id: int
    staff_number: str
    name: str
    department: str
    title: str
    total: str | None
    deductions: str | None
    bonus: str | None
    grade: str | None
    suggested: str | None
    vetoed: bool
    state: str
    note: str


class UnitSummaryOut(msgspec.Struct):
    unit: str
    headcount: int
    excellent: int
    good: int
    fair: int
    poor: int
    ungraded: int
    vetoed: int
    excellent_share: float | None


class UnitReportOut(msgspec.Struct):
    unit: str
    year: int
    rows: list[GradeRowOut]
    summary: UnitSummaryOut


class OverviewUnitOut(UnitSummaryOut, kw_only=True):
    unit_id: int
    ethics_year_id: int
    graded_at: dt.datetime | None
    archived_at: dt.datetime | None


class OverviewOut(msgspec.Struct):
    year: int
    units: list[OverviewUnitOut]
    total: UnitSummaryOut


class NoticeEntryOut(msgspec.Struct):
    name: str
    department: str
    grade: str
    grade_label: str
    status_label: str
    publicity_closes_at: dt.datetime | None


class NoticeOut(msgspec.Struct):
    unit: str
    year: int
    publicized_at: dt.datetime | None
    entries: list[NoticeEntryOut]
