"""Builders shared by the selection tests: rules, campaign facts, deterministic randomness."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from workflow.selection.ballot import CampaignFacts
from workflow.selection.rules import (
    BallotShape,
    CampaignRules,
    Channels,
    ChannelWeights,
    PublicChannel,
    StaffChannel,
    validate_rules,
)

CAMPAIGN = "zmys-2025-longgang"
OPENS = datetime(2025, 7, 1, 0, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(days=7)
NOW = OPENS + timedelta(days=1, hours=3)
CANDIDATES = ("c01", "c02", "c03", "c04", "c05", "c06")


def make_rules(**changes: Any) -> CampaignRules:
    """Small valid rules (6 candidates, 3 winners, pick 1..3, both channels) with overrides."""
    base = CampaignRules(
        shortlist_size=6,
        winners=3,
        ballot=BallotShape(min_choices=1, max_choices=3, blank_allowed=False),
        channels=Channels(
            staff=StaffChannel(enabled=True, weighted=True, max_weight=5),
            public=PublicChannel(enabled=True, ballots_per_phone_per_day=1, ballots_per_ip_per_day=3),
            weights=ChannelWeights(staff=60, public=40),
        ),
    )
    return validate_rules(msgspec.structs.replace(base, **changes))


def make_facts(
    rules: CampaignRules | None = None, *, voting_open: bool = True, candidates: Sequence[str] = CANDIDATES
) -> CampaignFacts:
    return CampaignFacts.build(
        campaign=CAMPAIGN,
        rules=rules or make_rules(),
        candidates=candidates,
        voting_open=voting_open,
        opens_at=OPENS,
        closes_at=CLOSES,
    )


def counter_bytes(label: str) -> Callable[[int], bytes]:
    """Deterministic stand-in for ``secrets.token_bytes`` (for vectors and reproducible tests)."""
    state = {"n": 0}

    def draw(size: int) -> bytes:
        out = b""
        while len(out) < size:
            out += hashlib.sha256(f"{label}/{state['n']}".encode()).digest()
            state["n"] += 1
        return out[:size]

    return draw
