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
