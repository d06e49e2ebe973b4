"""Scope names and visibility: which logs the public may read."""

from __future__ import annotations

import re
from enum import StrEnum

from workflow.ids import ScopeName


class Visibility(StrEnum):
    PUBLIC = "public"  # campaign logs: anyone may read and verify
    INTERNAL = "internal"  # org and ethics-cycle logs: auditors only; personal data only as pseudonyms


ORG = ScopeName("org")


# Scope names are URL path segments (``/api/ledger/campaign-12/...``) and part of every checkpoint
# origin, so they hold only lowercase letters, digits and hyphens.
SCOPE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,62}$")


def campaign_scope(campaign_id: int) -> ScopeName:
    return ScopeName(f"campaign-{campaign_id}")


def ethics_scope(year: int, unit_id: int) -> ScopeName:
    return ScopeName(f"ethics-{year}-unit-{unit_id}")
