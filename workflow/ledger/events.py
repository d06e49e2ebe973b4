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
}
"""How people read each event in reports (审计报告); an event without a title shows its type."""


def title_of(event_type: str) -> str:
    return TITLES.get(event_type, event_type)


def is_registered(event_type: str) -> bool:
    """Whether a verifier should accept this type: it is in the vocabulary above."""
    return event_type in EventType._value2member_map_
