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


def log_origin(log_name: str, scope: str) -> str:
    """The checkpoint origin of a scope's log, ``<log_name>/<scope>``; also the log key's note name.

    With ``YIDE_LOG_NAME`` set to the public URL prefix of the log endpoints (``host/log``), this is
    the schema-less URL the tlog-tiles resources are served under, as c2sp.org/tlog-tiles suggests.
    """
    return f"{log_name}/{scope}"


def scope_kind(name: str) -> str:
    """What sort of log a scope is (``campaign``, ``ethics``, ``org``): the name up to its first hyphen.

    Verifier plug-ins select the scopes they check by kind.
    """
    return name.split("-", 1)[0]
