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
