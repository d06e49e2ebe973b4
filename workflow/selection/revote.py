"""Which accepted ballots count: the revote policy for credentials, the daily cap for phones.

Ingest already refuses ballots past the limits, but two concurrent submissions can both be
accepted, and the verifier must reach the same answer from the ledger alone. So the final word
is this deterministic function of the accepted ballots in ledger order (``sequence``), the policy,
the organizer's disqualifications and the revoked credentials.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum

import msgspec

from workflow.errors import InvalidInput
from workflow.selection.ballot import Channel
from workflow.selection.rules import CampaignRules, RevoteMode, RevotePolicy


class Disposition(StrEnum):
    COUNTED = "counted"
    SUPERSEDED = "superseded"
    """Replaced by a later ballot of the same credential (last counts / at most k)."""
    OVER_LIMIT = "over_limit"
    """Past the revote limit or the per-phone daily cap (only possible under concurrency)."""
    DISQUALIFIED = "disqualified"
    """Voided by the organizer with a logged reason (e.g. confirmed brushing)."""
    REVOKED = "revoked"
    """Cast with a credential that was later revoked (lost, reissued)."""


class CastBallot(msgspec.Struct, frozen=True):
    """An accepted ballot as revote resolution needs it; ``sequence`` is its ledger order."""

    tracking_code: str
    channel: Channel
    voter: str
    weight: int
    day: date
    sequence: int


class Resolution(msgspec.Struct, frozen=True):
    tracking_code: str
    channel: Channel
    disposition: Disposition
    weight: int


def staff_dispositions(ballots: Sequence[CastBallot], policy: RevotePolicy) -> list[Disposition]:
    """Dispositions of one credential's ballots, given in submission order."""
    n = len(ballots)
    if policy.mode is RevoteMode.LAST_COUNTS:
        return [Disposition.SUPERSEDED] * (n - 1) + [Disposition.COUNTED] if n else []
    allowed = min(n, 1 + (policy.k or 0) if policy.mode is RevoteMode.AT_MOST_K else 1)
    within = [Disposition.SUPERSEDED] * (allowed - 1) + [Disposition.COUNTED] if allowed else []
    return within + [Disposition.OVER_LIMIT] * (n - allowed)


def public_dispositions(ballots: Sequence[CastBallot], per_day: int) -> list[Disposition]:
    """One phone's ballots of one day in order: the first ``per_day`` count, the rest are over the cap."""
    return [Disposition.COUNTED if i < per_day else Disposition.OVER_LIMIT for i in range(len(ballots))]


def resolve(
    ballots: Iterable[CastBallot],
    rules: CampaignRules,
    *,
    disqualified: frozenset[str] = frozenset(),
    revoked_voters: frozenset[str] = frozenset(),
) -> tuple[Resolution, ...]:
    """Every ballot's disposition, sorted by tracking code (the seal's order).

    Policy first, then overrides: a disqualified or revoked ballot never counts, and voiding a
    credential's last ballot does not bring its earlier, superseded one back.
    """
    ordered = sorted(ballots, key=lambda b: b.sequence)
    if len({b.sequence for b in ordered}) != len(ordered):
        raise InvalidInput("two ballots share a ledger sequence number")
    groups: dict[tuple[Channel, str, date | None], list[CastBallot]] = defaultdict(list)
    for b in ordered:
        groups[(b.channel, b.voter, b.day if b.channel is Channel.PUBLIC else None)].append(b)
    per_day = rules.channels.public.ballots_per_phone_per_day
    results: list[Resolution] = []
    for (channel, voter, _), group in groups.items():
        if channel is Channel.STAFF:
            dispositions = staff_dispositions(group, rules.revote)
        else:
            dispositions = public_dispositions(group, per_day)
        for ballot, disposition in zip(group, dispositions, strict=True):
            final = _override(ballot, disposition, disqualified, voter in revoked_voters)
            weight = ballot.weight if channel is Channel.STAFF else 1
            results.append(Resolution(ballot.tracking_code, channel, final, weight))
    return tuple(sorted(results, key=lambda r: r.tracking_code))


def _override(
    ballot: CastBallot, disposition: Disposition, disqualified: frozenset[str], revoked: bool
) -> Disposition:
    if ballot.tracking_code in disqualified:
        return Disposition.DISQUALIFIED
    if revoked and ballot.channel is Channel.STAFF:
        return Disposition.REVOKED
    return disposition
