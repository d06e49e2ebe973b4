"""Scope names and visibility: which logs the public may read."""

from __future__ import annotations

from enum import StrEnum

from workflow.ids import ScopeName


class Visibility(StrEnum):
    PUBLIC = "public"  # campaign logs: anyone may read and verify
    INTERNAL = "internal"  # org and ethics-cycle logs: auditors only; personal data only as pseudonyms


ORG = ScopeName("org")


def campaign_scope(campaign_id: int) -> ScopeName:
    return ScopeName(f"campaign/{campaign_id}")


def ethics_scope(year: int, unit_id: int) -> ScopeName:
    return ScopeName(f"ethics/{year}/unit/{unit_id}")
