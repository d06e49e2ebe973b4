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
