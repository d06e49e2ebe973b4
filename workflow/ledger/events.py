"""The ledger vocabulary: every entry type yide writes, in one readable place.

Values are ``area:subject:action``. A verifier or an auditor reads this file to know what a log can
contain; adding an event is adding a line here.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    area: str
    subject: str
    action: str

    def __new__(cls, value: str) -> EventType:
        member = str.__new__(cls, value)
        member._value_ = value
        parts = value.split(":")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"event type {value!r} is not area:subject:action")
        member.area, member.subject, member.action = parts
        return member

    # Ledger itself
    SCOPE_OPENED = "ledger:scope:opened"
    WITNESS_ADDED = "ledger:witness:added"

    # Organisation (internal scope "org")
    UNIT_CREATED = "org:unit:created"
    DEPARTMENT_CREATED = "org:department:created"
    STAFF_IMPORT_PREVIEWED = "org:staff-import:previewed"
    STAFF_IMPORT_COMMITTED = "org:staff-import:committed"
    STAFF_IMPORT_DISCARDED = "org:staff-import:discarded"
    STAFF_UPDATED = "org:staff:updated"

    # Accounts (internal scope "org")
    ACCOUNT_CREATED = "account:account:created"
    ACCOUNT_DISABLED = "account:account:disabled"
    ACCOUNT_LOCKED = "account:account:locked"
    ROLE_GRANTED = "account:role:granted"
    ROLE_REVOKED = "account:role:revoked"
    PASSWORD_CHANGED = "account:password:changed"  # noqa: S105 - an event name

    # Holiday calendar (internal scope "org")
    CALENDAR_YEAR_LOADED = "calendar:year:loaded"

    # Ethics configuration (internal scope "org")
    ETHICS_POLICY_PUBLISHED = "ethics:policy:published"
    ETHICS_WARD_CREATED = "ethics:ward:created"
    ETHICS_WARD_DISABLED = "ethics:ward:disabled"
    ETHICS_FILE_UPDATED = "ethics:file:updated"

    # Ethics evaluation year (internal scope "ethics-<year>-unit-<id>"; people only as pseudonyms)
    ETHICS_YEAR_OPENED = "ethics:year:opened"
    ETHICS_FILE_OPENED = "ethics:file:opened"
    ETHICS_YEAR_GRADED = "ethics:year:graded"
    ETHICS_TIE_DECIDED = "ethics:quota:tie-decided"
    ETHICS_SELF_EVALUATED = "ethics:cycle:self-evaluated"
    ETHICS_SELF_EVALUATION_MISSING = "ethics:cycle:self-evaluation-missing"
    ETHICS_RETURNED = "ethics:cycle:returned"
    ETHICS_DEPARTMENT_EVALUATED = "ethics:cycle:department-evaluated"
    ETHICS_UNIT_EVALUATED = "ethics:cycle:unit-evaluated"
    ETHICS_PUBLICIZED = "ethics:cycle:publicized"
    ETHICS_APPEAL_LODGED = "ethics:cycle:appeal-lodged"
    ETHICS_APPEAL_DECIDED = "ethics:cycle:appeal-decided"
    ETHICS_REPUBLICIZED = "ethics:cycle:republicized"
    ETHICS_FINALIZED = "ethics:cycle:finalized"
    ETHICS_ARCHIVED = "ethics:cycle:archived"
    ETHICS_RECORD_SUBMITTED = "ethics:record:submitted"
    ETHICS_EVIDENCE_ATTACHED = "ethics:record:evidence-attached"
    ETHICS_RECORD_APPROVED = "ethics:record:approved"
    ETHICS_RECORD_REJECTED = "ethics:record:rejected"
    ETHICS_RECORD_SUPERSEDED = "ethics:record:superseded"
    ETHICS_SMS_IMPORT_PREVIEWED = "ethics:sms-import:previewed"
    ETHICS_SMS_IMPORT_COMMITTED = "ethics:sms-import:committed"
    ETHICS_SMS_IMPORT_DISCARDED = "ethics:sms-import:discarded"
    ETHICS_INPATIENT_SUBMITTED = "ethics:inpatient:submitted"

    # Selections (public scope "campaign-<id>"). No personal data: ids, codes, hashes and counts only.
    CAMPAIGN_CREATED = "selection:campaign:created"
    CAMPAIGN_UPDATED = "selection:campaign:updated"
    CAMPAIGN_TRANSITIONED = "selection:campaign:transitioned"
    APPROVAL_REQUESTED = "selection:approval:requested"
    APPROVAL_GIVEN = "selection:approval:given"
    APPROVAL_DECIDED = "selection:approval:decided"
    NOMINATION_SUBMITTED = "selection:nomination:submitted"
    NOMINATION_REFUSED = "selection:nomination:refused"
    NOMINATION_FILE_ADDED = "selection:nomination:file-added"
    NOMINATION_TRANSITIONED = "selection:nomination:transitioned"
    SCORE_SUBMITTED = "selection:score:submitted"
    CREDENTIALS_PUBLISHED = "selection:credentials:published"
    CREDENTIAL_LIST_COMPLETE = "selection:credentials:complete"
    CREDENTIAL_REVOKED = "selection:credential:revoked"
    CREDENTIAL_ISSUED = "selection:credential:issued"
    BALLOT_ACCEPTED = "selection:ballot:accepted"
    BALLOT_REJECTED = "selection:ballot:rejected"
    BALLOTS_DISQUALIFIED = "selection:ballot:disqualified"
    SEAL_MADE = "selection:seal:made"
    TIE_LOTS_DRAWN = "selection:tie:lots-drawn"
    TIE_SEED_REVEALED = "selection:tie:seed-revealed"
    RESULT_COMPUTED = "selection:result:computed"
    PUBLICITY_STARTED = "selection:publicity:started"
    OBJECTION_LODGED = "selection:objection:lodged"
    OBJECTION_REFUSED = "selection:objection:refused"
    OBJECTION_TRANSITIONED = "selection:objection:transitioned"
    ANNOUNCEMENT_MADE = "selection:announcement:made"


TITLES: dict[str, str] = {
    EventType.SCOPE_OPENED: "日志开启",
    EventType.WITNESS_ADDED: "登记见证人密钥",
    EventType.UNIT_CREATED: "新建单位",
    EventType.DEPARTMENT_CREATED: "新建科室",
    EventType.STAFF_IMPORT_PREVIEWED: "人员导入预览",
    EventType.STAFF_IMPORT_COMMITTED: "人员导入提交",
    EventType.STAFF_IMPORT_DISCARDED: "人员导入作废",
    EventType.STAFF_UPDATED: "人员信息修改",
    EventType.ACCOUNT_CREATED: "创建账号",
    EventType.ACCOUNT_DISABLED: "停用账号",
    EventType.ACCOUNT_LOCKED: "账号锁定",
    EventType.ROLE_GRANTED: "授予角色",
    EventType.ROLE_REVOKED: "撤销角色",
    EventType.PASSWORD_CHANGED: "修改密码",
    EventType.CALENDAR_YEAR_LOADED: "载入节假日安排",
    EventType.ETHICS_POLICY_PUBLISHED: "发布医德考评办法",
    EventType.ETHICS_WARD_CREATED: "新建病区评议链接",
    EventType.ETHICS_WARD_DISABLED: "停用病区评议链接",
    EventType.ETHICS_FILE_UPDATED: "医德档案基本信息修改",
    EventType.ETHICS_YEAR_OPENED: "开启年度医德考评",
    EventType.ETHICS_FILE_OPENED: "建立年度考评档案",
    EventType.ETHICS_YEAR_GRADED: "年度计分定等",
    EventType.ETHICS_TIE_DECIDED: "考评委员会决定并列人选",
    EventType.ETHICS_SELF_EVALUATED: "个人自评",
    EventType.ETHICS_SELF_EVALUATION_MISSING: "逾期未自评",
    EventType.ETHICS_RETURNED: "退回",
    EventType.ETHICS_DEPARTMENT_EVALUATED: "科室评价",
    EventType.ETHICS_UNIT_EVALUATED: "单位评价",
    EventType.ETHICS_PUBLICIZED: "考评结果公示",
    EventType.ETHICS_APPEAL_LODGED: "提出复核申请",
    EventType.ETHICS_APPEAL_DECIDED: "复核决定",
    EventType.ETHICS_REPUBLICIZED: "变更结果重新公示",
    EventType.ETHICS_FINALIZED: "考评结果确定",
    EventType.ETHICS_ARCHIVED: "归档",
    EventType.ETHICS_RECORD_SUBMITTED: "提交医德记录",
    EventType.ETHICS_EVIDENCE_ATTACHED: "附加证明材料",
    EventType.ETHICS_RECORD_APPROVED: "医德记录审核通过",
    EventType.ETHICS_RECORD_REJECTED: "医德记录退回",
    EventType.ETHICS_RECORD_SUPERSEDED: "医德记录被更正",
    EventType.ETHICS_SMS_IMPORT_PREVIEWED: "短信回访导入预览",
    EventType.ETHICS_SMS_IMPORT_COMMITTED: "短信回访导入提交",
    EventType.ETHICS_SMS_IMPORT_DISCARDED: "短信回访导入作废",
    EventType.ETHICS_INPATIENT_SUBMITTED: "住院患者评议",
    EventType.CAMPAIGN_CREATED: "创建评选",
    EventType.CAMPAIGN_UPDATED: "修改评选设置",
    EventType.CAMPAIGN_TRANSITIONED: "评选环节变更",
    EventType.APPROVAL_REQUESTED: "发起审批",
    EventType.APPROVAL_GIVEN: "审批同意",
    EventType.APPROVAL_DECIDED: "审批结束",
    EventType.NOMINATION_SUBMITTED: "单位推荐",
    EventType.NOMINATION_REFUSED: "推荐不符合条件",
    EventType.NOMINATION_FILE_ADDED: "上传推荐材料",
    EventType.NOMINATION_TRANSITIONED: "推荐审核",
    EventType.SCORE_SUBMITTED: "专家评分",
    EventType.CREDENTIALS_PUBLISHED: "公布投票凭证公钥",
    EventType.CREDENTIAL_LIST_COMPLETE: "凭证公钥列表完成",
    EventType.CREDENTIAL_REVOKED: "作废投票凭证",
    EventType.CREDENTIAL_ISSUED: "补发投票凭证",
    EventType.BALLOT_ACCEPTED: "收到选票",
    EventType.BALLOT_REJECTED: "拒收选票",
    EventType.BALLOTS_DISQUALIFIED: "选票作废（刷票）",
    EventType.SEAL_MADE: "投票封存",
    EventType.TIE_LOTS_DRAWN: "抽签确定并列名次",
    EventType.TIE_SEED_REVEALED: "公开并列种子",
    EventType.RESULT_COMPUTED: "计票结果",
    EventType.PUBLICITY_STARTED: "结果公示",
    EventType.OBJECTION_LODGED: "受理异议",
    EventType.OBJECTION_REFUSED: "不予受理的异议",
    EventType.OBJECTION_TRANSITIONED: "异议处理",
    EventType.ANNOUNCEMENT_MADE: "结果公布",
}
"""How people read each event in reports (审计报告); an event without a title shows its type."""


def title_of(event_type: str) -> str:
    return TITLES.get(event_type, event_type)


def is_registered(event_type: str) -> bool:
    """Whether a verifier should accept this type: it is in the vocabulary above."""
    return event_type in EventType._value2member_map_
