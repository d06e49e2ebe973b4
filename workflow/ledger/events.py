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
