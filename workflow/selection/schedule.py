"""Scheduled phase changes: which trigger is due for a campaign at a given instant.

Pure: the scheduler loads campaigns, asks :func:`due_action`, and fires the answer in a transaction
that locks the row first, so with several workers the change happens exactly once (the others find
the state already moved and do nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow.errors import InvalidInput
from workflow.selection.states import CampaignState as S
from workflow.selection.states import CampaignTrigger as T


@dataclass(frozen=True)
class Schedule:
    nomination_opens_at: datetime | None = None
    nomination_closes_at: datetime | None = None
    voting_opens_at: datetime | None = None
    voting_closes_at: datetime | None = None


_ORDER = ("nomination_opens_at", "nomination_closes_at", "voting_opens_at", "voting_closes_at")


def check_schedule(schedule: Schedule) -> None:
    """Times that are set must be aware and in phase order; raise InvalidInput naming the field."""
    previous: tuple[str, datetime] | None = None
    for name in _ORDER:
        value = getattr(schedule, name)
        if value is None:
            continue
        if value.tzinfo is None:
            raise InvalidInput(f"{name} needs a time zone", field=name)
        if previous is not None and value <= previous[1]:
            raise InvalidInput(f"{name} must come after {previous[0]}", field=name)
        previous = (name, value)


def due_action(state: str, schedule: Schedule, now: datetime) -> T | None:
    """The trigger whose scheduled time has come in ``state``, if any."""
    due = {
        S.draft: (schedule.nomination_opens_at, T.open_nominations),
        S.nomination_open: (schedule.nomination_closes_at, T.close_nominations),
        S.shortlist_frozen: (schedule.voting_opens_at, T.open_voting),
        S.voting_open: (schedule.voting_closes_at, T.close_voting),
        S.voting_paused: (schedule.voting_closes_at, T.close_voting),
    }.get(S(state))
    if due is None or due[0] is None or now < due[0]:
        return None
    return due[1]
