"""Tables of a selection campaign.

What is secret stays here and never reaches the ledger: the per-campaign phone salt, objectors'
names and contacts, nominees' declared facts and the reviewers' written reasons. The ledger carries
ids, rule codes, hashes and counts. Composite unique keys live in a raw migration (SQLite cannot run
the ``ALTER TABLE … ADD CONSTRAINT`` Piccolo would emit for them).
"""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    BigInt,
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

from workflow.org.tables import Staff, Unit
from workflow.selection.states import ApprovalState, CampaignState, NominationState, ObjectionState


class OutcomeType(StrEnum):
    """What the selection results in (domain-rules §5.2): only 表彰 needs a prior approval reference."""

    COMMENDATION = "commendation"  # 表彰
    PUBLIC_PRAISE = "public_praise"  # 公开表扬
    PROMOTION = "promotion"  # 选树宣传


class FileKind(StrEnum):
    PHOTO = "photo"
    ATTACHMENT = "attachment"


def _account() -> ForeignKey[Table]:
    return ForeignKey(LazyTableReference("Account", module_path="workflow.accounts.tables"), null=True)


class Campaign(Table):
    """One selection: its rules, schedule, approval policy and the artefacts of its close."""

    id = Serial(primary_key=True)
    uid = Varchar(length=64, unique=True)  # public id that ballots and credential keys bind to
    title = Varchar(length=200)
    description = Text(default="")
    outcome_type = Varchar(length=16, choices=OutcomeType, default=OutcomeType.PUBLIC_PRAISE)
    approval_reference = Varchar(length=200, default="")  # 表彰 approval document number
    issuer = Varchar(length=100, default="")  # who publishes the notices (落款), e.g. 区卫生健康委员会
    objection_office = Varchar(length=100, default="")  # where objections go (受理部门)
    objection_phone = Varchar(length=40, default="")
    objection_email = Varchar(length=100, default="")
    objection_address = Varchar(length=200, default="")
    status = Varchar(length=24, choices=CampaignState, default=CampaignState.draft)
    version = Integer(default=1)
    rules = Text()  # RFC 8785 JSON of CampaignRules, exactly the hashed bytes
    rules_hash = Varchar(length=64)
    reference_date = Date(null=True, default=None)  # eligibility is judged on this day
    nomination_opens_at = Timestamptz(null=True, default=None)
    nomination_closes_at = Timestamptz(null=True, default=None)
    voting_opens_at = Timestamptz(null=True, default=None)
    voting_closes_at = Timestamptz(null=True, default=None)
    holidays = Text(default="[]")  # JSON ISO dates that are not working days
    workdays = Text(default="[]")  # JSON ISO dates of make-up working days (调休)
    approvals_required = Integer(default=1)
    approval_panel = Text(default="[]")  # JSON account ids; empty: every organizer and reviewer
    initiator_counts = Boolean(default=True)
    approval_hours = Integer(default=72)
    phone_salt = Varchar(length=64)  # hex; keys phone and IP hashes; never leaves the server
    tie_lots = Text(default="[]")  # JSON candidate ids in the drawn order
    tie_seed = Varchar(length=200, null=True, default=None)
    seal_hash = Varchar(length=64, default="")
    seal_manifest = Text(default="")
    publicity_started_at = Timestamptz(null=True, default=None)
    publicity_closes_at = Timestamptz(null=True, default=None)
    notice = Text(default="")
    notice_sha256 = Varchar(length=64, default="")
    notice_pdf = Bytea(null=True, default=None)
    announcement = Text(default="")
    created_by = _account()
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Nomination(Table):
    """A unit's nominee; on the ballot as candidate ``n<id>``."""

    id = Serial(primary_key=True)
    campaign = ForeignKey(Campaign)
    unit = ForeignKey(Unit)
    staff = ForeignKey(Staff)
    status = Varchar(length=16, choices=NominationState, default=NominationState.submitted)
    version = Integer(default=1)
    deeds = Text()  # 事迹
    declared = Text()  # JSON NomineeFacts as the unit declared them
    checks = Text()  # JSON RuleChecks at submission
    declarations_confirmed = Boolean(default=False)
    reason = Text(default="")  # the reviewer's written reason (reject, disqualify)
    submitted_by = _account()
    submitted_at = Timestamptz(default=TimestamptzNow())


class NominationFile(Table):
    """A photo or attachment, stored in the database so every worker and machine serves it."""

    id = Serial(primary_key=True)
    nomination = ForeignKey(Nomination)
    kind = Varchar(length=12, choices=FileKind)
    filename = Varchar(length=200)
    media_type = Varchar(length=64)
    size = Integer()
    sha256 = Varchar(length=64)
    content = Bytea()
    created_at = Timestamptz(default=TimestamptzNow())


class ExpertScore(Table):
    """One expert's current sheet for one candidate (each change is also a ledger entry)."""

    id = Serial(primary_key=True)
    campaign = ForeignKey(Campaign)
    nomination = ForeignKey(Nomination)
    expert = Integer()  # account id
    scores = Text()  # JSON {criterion key: 0..100}
    submitted_at = Timestamptz(default=TimestamptzNow())


class VoterCredential(Table):
    """One entry of the public credential list: a key and its weight, never a person."""

    id = Serial(primary_key=True)
    campaign = ForeignKey(Campaign)
    public_key = Varchar(length=43)  # unpadded base64url of the raw Ed25519 key
    key_id = Varchar(length=16)
    weight = Integer(default=1)
    revoked = Boolean(default=False)
    revoked_at = Timestamptz(null=True, default=None)
    replaces = Varchar(length=16, default="")  # key id of the revoked credential this one reissues
    created_at = Timestamptz(default=TimestamptzNow())


class Ballot(Table):
    """An accepted ballot; its full signed record is the ledger entry at ``ledger_index``."""

    id = Serial(primary_key=True)
    campaign = ForeignKey(Campaign)
    channel = Varchar(length=8)
    tracking_code = Varchar(length=64)
    voter = Varchar(length=64)  # staff: b64u public key; public: hex phone HMAC
    weight = Integer(default=1)
    choices = Text()  # JSON candidate ids
    day = Date()  # China day
    accepted_at = Timestamptz()
    ledger_index = BigInt()
    ip_hash = Varchar(length=64, null=True, default=None)  # public channel, for caps and the report
    device_hash = Varchar(length=64, null=True, default=None)
    disqualified = Boolean(default=False)
    disposition = Varchar(length=16, default="")  # set by the seal


class PhoneCode(Table):
    """A one-time code sent to a phone: only its keyed hash is kept, with expiry and attempts."""

    id = Serial(primary_key=True)
    campaign = ForeignKey(Campaign)
    phone_hash = Varchar(length=64)
    code_hash = Varchar(length=64)
    expires_at = Timestamptz()
    attempts = Integer(default=0)
    used = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class ApprovalRequest(Table):
    """N-of-M approval of one high-impact action on a campaign or an objection."""

    id = Serial(primary_key=True)
    campaign = ForeignKey(Campaign)
    subject = Varchar(length=16)  # "campaign" or "objection"
    subject_id = Integer()
    action = Varchar(length=32)
    subject_version = Integer()  # the request lapses once the subject moves on
    status = Varchar(length=16, choices=ApprovalState, default=ApprovalState.open)
    version = Integer(default=1)
    initiator = Integer()  # account id
    note = Text(default="")
    payload = Text(default="{}")  # JSON: what a resolution decides
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    decided_at = Timestamptz(null=True, default=None)


class Approval(Table):
    id = Serial(primary_key=True)
    request = ForeignKey(ApprovalRequest)
    account = Integer()
    created_at = Timestamptz(default=TimestamptzNow())


class CampaignResult(Table):
    """A tally or a recount: the exact result bytes the ledger entry carries."""

    id = Serial(primary_key=True)
    campaign = ForeignKey(Campaign)
    kind = Varchar(length=8)  # "tally" or "recount"
    result = Text()
    result_hash = Varchar(length=64)
    ledger_index = BigInt()
    created_at = Timestamptz(default=TimestamptzNow())


class Objection(Table):
    """A real-name objection during 公示; the objector's identity stays in this table."""

    id = Serial(primary_key=True)
    campaign = ForeignKey(Campaign)
    nomination = ForeignKey(Nomination)
    status = Varchar(length=16, choices=ObjectionState, default=ObjectionState.lodged)
    version = Integer(default=1)
    objector_name = Varchar(length=50)
    objector_unit = Varchar(length=100, default="")
    objector_contact = Varchar(length=100)
    content = Text()
    content_sha256 = Varchar(length=64)
    lodged_at = Timestamptz()
    decision = Varchar(length=16, default="")
    disqualify = Boolean(default=False)
    reason = Text(default="")
    decided_at = Timestamptz(null=True, default=None)
