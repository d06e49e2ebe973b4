"""Tables of the 医德医风 files and the annual 医德考评.

- ``EthicsPolicyVersion``: a bureau's (region's) policy, one immutable row per version.
- ``EthicsYear``: one unit's evaluation year: the frozen policy, the ledger scope, the last grading.
- ``EthicsFile``: the 基本信息 section of a person's file (one per staff member, across years).
- ``EthicsCycle``: one file in one year, the row the ``ethics-cycle`` process runs on.
- ``EthicsScore``: the latest computed score of a file-year (replaced by each grading run).
- ``DailyRecord`` (+ ``EthicsAttachment``): praise and deductions, the ``ethics-record`` process.
- ``SmsImport`` / ``SmsReply``, ``Ward`` / ``InpatientRating``: patient feedback.
- ``EthicsAppeal``: appeals and real-name objections during the 公示, with their decisions.

Points are stored as integer hundredths (``points`` 150 = 1.5 points): exact on every engine and cheap
to read in bulk. Grades are ``workflow.ethics.policy.Grade`` values, ``""`` where none is set yet.
Composite unique keys and lookup indexes are in a raw migration (stack-notes P1).
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    LazyTableReference,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from workflow.ethics.policy import RecordKind, Severity
from workflow.ethics.states import CycleState, RecordState
from workflow.org.states import ImportStatus
from workflow.org.tables import Department, Region, Staff, Unit


def _account() -> ForeignKey[Table]:
    return ForeignKey(LazyTableReference("Account", module_path="workflow.accounts.tables"), null=True)


class EthicsPolicyVersion(Table):
    """A bureau's ethics policy; a change is a new version, never an edit."""

    id = Serial(primary_key=True)
    region = ForeignKey(Region)
    version = Integer()
    policy = Text()  # EthicsPolicy.to_json()
    sha256 = Varchar(length=64)
    note = Varchar(length=200, default="")
    created_by = _account()
    created_at = Timestamptz(default=TimestamptzNow())


class EthicsYear(Table):
    """One unit's evaluation year: the policy frozen when it opened and the internal ledger scope."""

    id = Serial(primary_key=True)
    unit = ForeignKey(Unit)
    year = Integer()
    scope = Varchar(length=100)
    policy = Text()
    policy_sha256 = Varchar(length=64)
    policy_version = Integer(null=True, default=None)  # None: the national defaults
    policy_region = ForeignKey(Region, null=True)
    opened_at = Timestamptz(default=TimestamptzNow())
    graded_at = Timestamptz(null=True, default=None)
    grading = Text(default="")  # JSON: the UnitGrading of each quota group
    grading_stale = Boolean(default=True)  # records or feedback changed since the last grading
    summary = Text(default="")  # JSON: the last close-year summary
    publicized_at = Timestamptz(null=True, default=None)
    archived_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)


class EthicsFile(Table):
    """The 基本信息 of a person's 医德档案 beyond the staff list (domain-rules §2)."""

    id = Serial(primary_key=True)
    staff = ForeignKey(Staff, unique=True)
    ethnicity = Varchar(length=20, default="")  # 民族
    birth_month = Varchar(length=7, default="")  # 出生年月, "1980-05"
    political_status = Varchar(length=20, default="")  # 政治面貌
    education = Varchar(length=100, default="")  # 学历学位
    position = Varchar(length=50, default="")  # 现任职务
    work_history = Text(default="")  # 工作简历
    version = Integer(default=1)
    updated_at = Timestamptz(default=TimestamptzNow())


class EthicsCycle(Table):
    """One file in one year; ``status`` is the ``ethics-cycle`` process state."""

    id = Serial(primary_key=True)
    ethics_year = ForeignKey(EthicsYear)
    staff = ForeignKey(Staff)
    unit = ForeignKey(Unit)
    year = Integer()
    status = Varchar(length=24, choices=CycleState, default=CycleState.open)
    version = Integer(default=1)
    self_summary = Text(default="")
    self_grade = Varchar(length=12, default="")
    self_missing = Boolean(default=False)
    self_at = Timestamptz(null=True, default=None)
    department_opinion = Text(default="")
    department_grade = Varchar(length=12, default="")
    department_by = _account()
    department_at = Timestamptz(null=True, default=None)
    unit_opinion = Text(default="")
    unit_grade = Varchar(length=12, default="")
    unit_by = _account()
    unit_at = Timestamptz(null=True, default=None)
    return_reason = Text(default="")
    publicity_opens_at = Timestamptz(null=True, default=None)
    publicity_closes_at = Timestamptz(null=True, default=None)
    appeal_closes_at = Timestamptz(null=True, default=None)
    final_grade = Varchar(length=12, default="")
    vetoed = Boolean(default=False)
    finalized_at = Timestamptz(null=True, default=None)


class EthicsScore(Table):
    """The latest computed score of a file-year and, after a grading run, its quota outcome."""

    id = Serial(primary_key=True)
    cycle = ForeignKey(EthicsCycle, unique=True)
    ethics_year = ForeignKey(EthicsYear)
    total = Varchar(length=16)
    deductions = Varchar(length=16)
    raw_deductions = Varchar(length=16)
    bonus = Varchar(length=16)
    provisional = Varchar(length=12)
    suggested = Varchar(length=12, default="")  # after the quota; "" while a committee decides
    outcome = Varchar(length=24, default="")  # QuotaOutcome; "" when not graded with the unit
    rank = Integer(null=True, default=None)
    quota_group = Varchar(length=40, default="")
    vetoed = Boolean(default=False)
    detail = Text()  # JSON: the rules' Score, explanation included
    computed_at = Timestamptz(default=TimestamptzNow())


class DailyRecord(Table, tablename="ethics_record"):
    """A daily record (表扬 +, 批评/投诉/处罚 −); ``status`` is the ``ethics-record`` process state."""

    id = Serial(primary_key=True)
    unit = ForeignKey(Unit)
    staff = ForeignKey(Staff)
    year = Integer()
    occurred_on = Date()
    kind = Varchar(length=12, choices=RecordKind)
    item = Varchar(length=32)
    points = Integer()  # hundredths of a point, ≥ 0; ``kind`` gives the sign
    category = Varchar(length=32, null=True, default=None)
    severity = Varchar(length=12, choices=Severity, null=True, default=None)
    veto = Varchar(length=32, null=True, default=None)
    description = Text(default="")
    source = Varchar(length=80, default="manual")  # "manual", "sms:<message id>", "inpatient:<id>"
    status = Varchar(length=16, choices=RecordState, default=RecordState.submitted)
    version = Integer(default=1)
    corrects: ForeignKey[DailyRecord] = ForeignKey("self", null=True)
    submitted_by = _account()
    submitted_at = Timestamptz(default=TimestamptzNow())
    decided_by = _account()
    decided_at = Timestamptz(null=True, default=None)
    decision_reason = Text(default="")


class EthicsAttachment(Table):
    """Evidence for a record, kept in the database so every worker and machine serves it."""

    id = Serial(primary_key=True)
    record = ForeignKey(DailyRecord)
    filename = Varchar(length=200)
    media_type = Varchar(length=40)
    size = Integer()
    sha256 = Varchar(length=64)
    content = Bytea()
    uploaded_by = _account()
    uploaded_at = Timestamptz(default=TimestamptzNow())


class SmsImport(Table):
    """An uploaded SMS follow-up file between its preview and its commit (or discard)."""

    id = Serial(primary_key=True)
    ethics_year = ForeignKey(EthicsYear)
    status = Varchar(length=16, choices=ImportStatus, default=ImportStatus.PREVIEWED)
    version = Integer(default=1)
    filename = Varchar(length=200)
    file_sha256 = Varchar(length=64)
    file_format = Varchar(length=8)  # "csv" or "xlsx"
    rows = Text()  # JSON: the parsed rows, kept until the commit
    report = Text()  # JSON: counts and per-row errors
    created_by = _account()
    created_at = Timestamptz(default=TimestamptzNow())
    decided_at = Timestamptz(null=True, default=None)


class SmsReply(Table):
    """One SMS follow-up reply (§6.1). No phone number: the platform's message id is the key."""

    id = Serial(primary_key=True)
    unit = ForeignKey(Unit)
    year = Integer()
    staff = ForeignKey(Staff)
    message_id = Varchar(length=64)
    received_on = Date()
    answer = Varchar(length=20, null=True, default=None)  # feedback.Answer; None = unreadable reply
    comment = Text(default="")
    sms_import = ForeignKey(SmsImport)


class Ward(Table, tablename="ethics_ward"):
    """A ward whose inpatients evaluate its doctors and nurses through a link or QR code (§6.2)."""

    id = Serial(primary_key=True)
    unit = ForeignKey(Unit)
    department = ForeignKey(Department)
    name = Varchar(length=100)
    token = Varchar(length=43, unique=True)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class InpatientRating(Table):
    """One anonymous rating of one doctor or nurse; no patient data is kept."""

    id = Serial(primary_key=True)
    ward = ForeignKey(Ward)
    unit = ForeignKey(Unit)
    staff = ForeignKey(Staff)
    year = Integer()
    rated_on = Date()
    answer = Varchar(length=20)
    comment = Text(default="")
    submission = Varchar(length=32)  # random id grouping the ratings of one form


class EthicsAppeal(Table):
    """An appeal by the person, or a real-name objection, against a publicized grade (§4)."""

    id = Serial(primary_key=True)
    cycle = ForeignKey(EthicsCycle)
    appellant = Varchar(length=12)  # "self" or "objector"
    lodged_by = _account()
    objector_name = Varchar(length=50, default="")
    objector_unit = Varchar(length=100, default="")
    objector_phone = Varchar(length=20, default="")
    reason = Text()
    lodged_at = Timestamptz(default=TimestamptzNow())
    decide_by = Timestamptz(null=True, default=None)
    previous_grade = Varchar(length=12)
    decision = Varchar(length=12, default="")  # "maintain" or "change"
    decided_grade = Varchar(length=12, default="")
    decision_reasons = Text(default="")
    decided_by = _account()
    decided_at = Timestamptz(null=True, default=None)
