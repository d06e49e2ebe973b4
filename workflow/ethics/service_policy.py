"""A bureau's ethics policy: stored per region (卫健委), versioned, validated by ``EthicsPolicy``.

A unit follows the newest policy of its region, or of the nearest parent region that has one, or
the national defaults (``DEFAULT_POLICY``). A change is a new version; an evaluation year freezes the
version in force when it opens, so changing the policy never regrades a year already running.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from workflow.accounts.roles import Principal, Role
from workflow.db import write_transaction
from workflow.errors import InvalidInput, NotFound, PermissionDenied
from workflow.ethics.common import sha256_text
from workflow.ethics.policy import DEFAULT_POLICY, EthicsPolicy, QuotaScope
from workflow.ethics.tables import EthicsPolicyVersion
from workflow.ids import RegionId
from workflow.ledger.events import EventType
from workflow.ledger.scopes import ORG
from workflow.ledger.service import Record, append
from workflow.org.tables import Region
from workflow.runtime import Runtime

_FIELDS = frozenset(f.name for f in msgspec.structs.fields(EthicsPolicy))


def parse_policy(data: bytes | str) -> EthicsPolicy:
    """Decode and validate a submitted policy; unknown top-level fields are refused, not dropped."""
    try:
        document = json.loads(data)
    except ValueError:
        raise InvalidInput("the policy is not JSON", field="policy") from None
    if not isinstance(document, dict):
        raise InvalidInput("the policy is a JSON object", field="policy")
    unknown = sorted(set(document) - _FIELDS)
    if unknown:
        raise InvalidInput(f"unknown policy field(s): {', '.join(unknown)}", field="policy")
    try:
        policy = EthicsPolicy.from_json(data)
    except ArithmeticError:  # e.g. a NaN compared in a check the policy did not anticipate
        raise InvalidInput("the policy holds a number that cannot be compared", field="policy") from None
    if policy.quota.scope is QuotaScope.PARTY_BRANCH:
        raise InvalidInput(
            "quota scope party_branch needs party-branch membership, which yide does not hold yet; "
            "use unit or department",
            field="quota.scope",
        )
    return policy


async def _region_chain(region_id: RegionId) -> list[int]:
    chain: list[int] = []
    current: int | None = region_id
    while current is not None and current not in chain and len(chain) < 10:
        row = await Region.select(Region.id, Region.parent).where(Region.id == current).first()
        if row is None:
            break
        chain.append(int(row["id"]))
        current = row["parent"]
    return chain


async def policy_in_force(region_id: RegionId) -> tuple[EthicsPolicy, int | None, int | None]:
    """(policy, version, region that set it) for a unit of ``region_id``; version None = defaults."""
    for region in await _region_chain(region_id):
        row = (
            await EthicsPolicyVersion.select(EthicsPolicyVersion.version, EthicsPolicyVersion.policy)
            .where(EthicsPolicyVersion.region == region)
            .order_by(EthicsPolicyVersion.version, ascending=False)
            .first()
        )
        if row is not None:
            return EthicsPolicy.from_json(row["policy"]), int(row["version"]), region
    return DEFAULT_POLICY, None, None


async def get_policy(region_id: RegionId) -> dict[str, Any]:
    """The policy units of a region follow now, and the region's own version history."""
    if not await Region.exists().where(Region.id == region_id):
        raise NotFound("no such region")
    policy, version, source = await policy_in_force(region_id)
    history = await (
        EthicsPolicyVersion.select(
            EthicsPolicyVersion.version,
            EthicsPolicyVersion.sha256,
            EthicsPolicyVersion.note,
            EthicsPolicyVersion.created_at,
        )
        .where(EthicsPolicyVersion.region == region_id)
        .order_by(EthicsPolicyVersion.version, ascending=False)
    )
    return {
        "region_id": region_id,
        "version": version,
        "source_region_id": source,
        "policy": msgspec.to_builtins(policy),
        "sha256": sha256_text(policy.to_json().decode()),
        "history": list(history),
    }


async def publish_policy(
    rt: Runtime, p: Principal, *, region_id: RegionId, data: bytes | str, note: str
) -> dict[str, Any]:
    """Store a new version for the region; years already open keep the version they froze."""
    if not p.has(Role.ORGANIZER):
        raise PermissionDenied("only the bureau (organizer) sets the ethics policy")
    policy = parse_policy(data)
    text = policy.to_json().decode()
    digest = sha256_text(text)
    now = rt.clock.now()
    async with write_transaction():
        if not await Region.exists().where(Region.id == region_id):
            raise NotFound("no such region")
        last = (
            await EthicsPolicyVersion.select(EthicsPolicyVersion.version)
            .where(EthicsPolicyVersion.region == region_id)
            .order_by(EthicsPolicyVersion.version, ascending=False)
            .first()
        )
        version = 1 if last is None else int(last["version"]) + 1
        await EthicsPolicyVersion.insert(
            EthicsPolicyVersion(
                region=region_id,
                version=version,
                policy=text,
                sha256=digest,
                note=note[:200],
                created_by=None if p.is_operator else p.account_id,
                created_at=now,
            )
        )
        await append(
            ORG,
            Record(
                EventType.ETHICS_POLICY_PUBLISHED,
                p.ledger_actor,
                {"region": region_id, "version": version, "sha256": digest},
            ),
            at=now,
        )
    return await get_policy(region_id)
