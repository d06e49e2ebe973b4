"""Loading a campaign's rows and turning them into the pure core's values; shared by the services.

No business decisions here: reading rows (locked when the caller will write), decoding the stored
rules, schedule and approval policy, candidate ids, the committee, and the one way every selection
service appends to its campaign's public log.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import msgspec

from workflow.accounts.roles import Role
from workflow.accounts.tables import RoleGrant
from workflow.db import for_update
from workflow.errors import NotFound
from workflow.ids import ScopeName
from workflow.ledger.events import EventType
from workflow.ledger.scopes import campaign_scope
from workflow.ledger.service import Appended, Record, append, append_many
from workflow.selection.approvals import ApprovalPolicy
from workflow.selection.rules import CampaignRules
from workflow.selection.schedule import Schedule
from workflow.selection.states import NominationState
from workflow.selection.tables import Campaign, Nomination

CANDIDATE_PREFIX = "n"
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, tzinfo=UTC)
ON_BALLOT = (NominationState.shortlisted, NominationState.disqualified)
"""Nominations that were on the ballot: shortlisted, and those disqualified after the vote."""


def candidate_id(nomination_id: int) -> str:
    """A nomination's id on the ballot, in results and in the ledger."""
    return f"{CANDIDATE_PREFIX}{nomination_id}"


def nomination_id_of(candidate: str) -> int:
    digits = candidate.removeprefix(CANDIDATE_PREFIX)
    if candidate[:1] != CANDIDATE_PREFIX or not digits.isdigit() or len(digits) > 15:
        raise NotFound(f"no candidate {candidate!r}")
    return int(digits)


def scope_of(campaign_id: int) -> ScopeName:
    return campaign_scope(campaign_id)


async def get_campaign(campaign_id: int, *, lock: bool = False) -> Campaign:
    query = Campaign.objects().where(Campaign.id == campaign_id)
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound("no such campaign")
    return row


@lru_cache(maxsize=64)
def _decode_rules(text: str) -> CampaignRules:
    return msgspec.json.decode(text, type=CampaignRules)


def rules_of(row: Campaign) -> CampaignRules:
    return _decode_rules(row.rules)


def policy_of(row: Campaign) -> ApprovalPolicy:
    return ApprovalPolicy(
        required=row.approvals_required,
        panel=frozenset(json.loads(row.approval_panel)),
        initiator_counts=row.initiator_counts,
        hours=row.approval_hours,
    )


def schedule_of(row: Campaign) -> Schedule:
    return Schedule(
        row.nomination_opens_at, row.nomination_closes_at, row.voting_opens_at, row.voting_closes_at
    )


def calendar_of(row: Campaign) -> tuple[frozenset[date], frozenset[date]]:
    holidays = frozenset(date.fromisoformat(d) for d in json.loads(row.holidays))
    workdays = frozenset(date.fromisoformat(d) for d in json.loads(row.workdays))
    return holidays, workdays


def voting_window(row: Campaign) -> tuple[datetime, datetime]:
    return row.voting_opens_at or EARLIEST, row.voting_closes_at or LATEST


async def committee() -> frozenset[int]:
    """Active accounts holding the organizer or reviewer role: the default approval panel."""
    rows = await RoleGrant.select(RoleGrant.account).where(
        RoleGrant.role.is_in([Role.ORGANIZER, Role.REVIEWER]) & RoleGrant.account._.active.eq(True)
    )
    return frozenset(int(r["account"]) for r in rows)


async def accounts_exist_with_roles(ids: Sequence[int], roles: Sequence[Role]) -> set[int]:
    """Which of ``ids`` are active accounts holding one of ``roles``."""
    if not ids:
        return set()
    rows = await RoleGrant.select(RoleGrant.account).where(
        RoleGrant.account.is_in(list(ids))
        & RoleGrant.role.is_in(list(roles))
        & RoleGrant.account._.active.eq(True)
    )
    return {int(r["account"]) for r in rows}


async def ballot_candidates(campaign_id: int) -> list[str]:
    """Candidate ids on the ballot, sorted (as ballots list their choices)."""
    rows = await Nomination.select(Nomination.id).where(
        (Nomination.campaign == campaign_id) & Nomination.status.is_in(list(ON_BALLOT))
    )
    return sorted(candidate_id(r["id"]) for r in rows)


async def log(
    campaign_id: int, event: EventType, actor: str, payload: dict[str, Any], *, at: datetime
) -> Appended:
    """Append one entry to the campaign's public log (inside the caller's write transaction)."""
    return await append(scope_of(campaign_id), Record(event, actor, payload), at=at)


async def log_many(campaign_id: int, records: Sequence[Record], *, at: datetime) -> list[Appended]:
    return await append_many(scope_of(campaign_id), records, at=at)


def iso(moment: datetime | None) -> str | None:
    """How instants appear in ledger payloads and API views: UTC with ``Z``; sub-seconds only if any."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    fraction = f".{utc.microsecond:06d}" if utc.microsecond else ""
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"
