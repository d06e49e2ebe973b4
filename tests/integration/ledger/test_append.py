"""Appends: in the caller's transaction, gap-free and duplicate-free under concurrent writers."""

from __future__ import annotations

import asyncio
import json

import pytest

from workflow.db import write_transaction
from workflow.ids import ScopeName
from workflow.ledger.entry import Entry
from workflow.ledger.events import EventType
from workflow.ledger.merkle import leaf_hash, root_from_leaf_hashes
from workflow.ledger.scopes import Visibility
from workflow.ledger.service import Record, append, append_many, open_scope
from workflow.ledger.tables import LedgerEntry, LedgerScope, MerkleNode
from workflow.runtime import Runtime

pytestmark = pytest.mark.usefixtures("clean_db")
SCOPE = ScopeName("campaign-1")


async def _entries(scope: str) -> list[dict[str, object]]:
    scope_row = await LedgerScope.select(LedgerScope.id).where(LedgerScope.name == scope).first()
    assert scope_row
    return list(
        await LedgerEntry.select(LedgerEntry.idx, LedgerEntry.body, LedgerEntry.leaf_hash)
        .where(LedgerEntry.scope == scope_row["id"])
        .order_by(LedgerEntry.idx)
    )


async def test_entries_are_canonical_and_the_root_matches_recomputation(rt: Runtime) -> None:
    async with write_transaction():
        await open_scope(SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())
        await append_many(
            SCOPE,
            [Record(EventType.UNIT_CREATED, "account:1", {"unit": n, "name": f"单位{n}"}) for n in range(6)],
            at=rt.clock.now(),
        )
    rows = await _entries(SCOPE)
    assert [r["idx"] for r in rows] == list(range(7))
    for row in rows:
        body = str(row["body"]).encode()
        entry = Entry.decode(body)
        assert entry.scope == SCOPE and entry.index == row["idx"]
        assert leaf_hash(body).hex() == row["leaf_hash"]
    scope = await LedgerScope.objects().where(LedgerScope.name == SCOPE).first()
    assert scope is not None and scope.size == 7
    assert scope.root == root_from_leaf_hashes([bytes.fromhex(str(r["leaf_hash"])) for r in rows]).hex()
    # Every complete subtree is stored: 7 leaves → 7 + 3 + 1 nodes.
    assert await MerkleNode.count().where(MerkleNode.scope == scope.id) == 11
    assert json.loads(scope.frontier) and len(json.loads(scope.frontier)) == 3


async def test_an_append_rolls_back_with_the_change_it_records(rt: Runtime) -> None:
    async with write_transaction():
        await open_scope(SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())
    with pytest.raises(RuntimeError, match="boom"):
        async with write_transaction():
            await append(SCOPE, Record(EventType.UNIT_CREATED, "x", {}), at=rt.clock.now())
            raise RuntimeError("boom")
    assert [r["idx"] for r in await _entries(SCOPE)] == [0]
    with pytest.raises(RuntimeError, match="inside write_transaction"):
        await append(SCOPE, Record(EventType.UNIT_CREATED, "x", {}), at=rt.clock.now())


async def test_fifty_concurrent_writers_leave_no_gap_and_no_duplicate(rt: Runtime) -> None:
    async with write_transaction():
        await open_scope(SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())

    async def writer(n: int) -> int:
        async with write_transaction():
            appended = await append(
                SCOPE, Record(EventType.UNIT_CREATED, f"account:{n}", {"n": n}), at=rt.clock.now()
            )
        return appended.index

    indices = await asyncio.gather(*(writer(n) for n in range(50)))
    assert sorted(indices) == list(range(1, 51))
    rows = await _entries(SCOPE)
    assert [r["idx"] for r in rows] == list(range(51))
    assert sorted(Entry.decode(str(r["body"]).encode()).payload.get("n", -1) for r in rows[1:]) == list(
        range(50)
    )
    scope = await LedgerScope.objects().where(LedgerScope.name == SCOPE).first()
    assert scope is not None
    assert scope.root == root_from_leaf_hashes([bytes.fromhex(str(r["leaf_hash"])) for r in rows]).hex()


async def test_floats_and_non_json_payloads_are_refused(rt: Runtime) -> None:
    from workflow.errors import InvalidInput

    async with write_transaction():
        await open_scope(SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())
    with pytest.raises(InvalidInput, match="float"):
        async with write_transaction():
            await append(SCOPE, Record(EventType.UNIT_CREATED, "x", {"score": 0.3}), at=rt.clock.now())
    assert len(await _entries(SCOPE)) == 1
