"""Proofs from storage: they verify, read only the nodes they need, and in one query."""

from __future__ import annotations

from typing import Any

import pytest

from workflow.db import write_transaction
from workflow.errors import InvalidInput
from workflow.ids import ScopeName
from workflow.ledger import store
from workflow.ledger.events import EventType
from workflow.ledger.merkle import (
    consistency_proof_nodes,
    inclusion_proof_nodes,
    required_nodes,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from workflow.ledger.proofs import consistency_proof, inclusion_proof
from workflow.ledger.scopes import Visibility
from workflow.ledger.service import Record, append_many, open_scope
from workflow.ledger.store import BeyondTree, LeafNotFound, ScopeNotFound, index_of_leaf, root_at, scope_head
from workflow.runtime import Runtime

pytestmark = pytest.mark.usefixtures("clean_db")
SCOPE = ScopeName("campaign-7")


async def _log(rt: Runtime, size: int) -> list[bytes]:
    async with write_transaction():
        await open_scope(SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())
        appended = await append_many(
            SCOPE,
            [Record(EventType.UNIT_CREATED, "account:1", {"n": n}) for n in range(size - 1)],
            at=rt.clock.now(),
        )
    head = await scope_head(SCOPE)
    leaves = [(await store.entries(head, 0, 1))[0].leaf_hash, *(a.leaf_hash for a in appended)]
    assert head.size == size and head.root == root_from_leaf_hashes(leaves)
    return leaves


async def test_every_inclusion_and_consistency_proof_verifies(rt: Runtime) -> None:
    leaves = await _log(rt, 21)
    head = await scope_head(SCOPE)
    roots = {n: root_from_leaf_hashes(leaves[:n]) for n in range(22)}
    for size in range(1, 22):
        assert await root_at(head, size) == roots[size]
        for index in range(size):
            proof = await inclusion_proof(head, index, size)
            assert proof.leaf_hash == leaves[index]
            assert verify_inclusion(proof.leaf_hash, index, size, proof.hashes, roots[size])
            assert proof.nodes_read == len(required_nodes(inclusion_proof_nodes(index, size)) | {(0, index)})
        for old in range(size + 1):
            consistency = await consistency_proof(head, old, size)
            assert verify_consistency(old, size, roots[old], roots[size], consistency.hashes)
            assert consistency.nodes_read == len(required_nodes(consistency_proof_nodes(old, size)))


async def test_a_proof_is_one_query(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    await _log(rt, 300)
    head = await scope_head(SCOPE)
    queries: list[str] = []
    real_fetch = store.fetch

    async def counting(sql: str, *args: Any) -> list[dict[str, Any]]:
        queries.append(sql)
        return await real_fetch(sql, *args)

    monkeypatch.setattr(store, "fetch", counting)
    await inclusion_proof(head, 123, 299)
    assert len(queries) == 1
    await consistency_proof(head, 77, 300)
    assert len(queries) == 2


async def test_leaf_lookup_and_refusals(rt: Runtime) -> None:
    leaves = await _log(rt, 5)
    head = await scope_head(SCOPE)
    assert await index_of_leaf(head, leaves[3]) == 3
    with pytest.raises(LeafNotFound):
        await index_of_leaf(head, b"\x00" * 32)
    with pytest.raises(BeyondTree):
        await inclusion_proof(head, 0, 6)
    with pytest.raises(InvalidInput):
        await inclusion_proof(head, 5, 5)
    with pytest.raises(InvalidInput):
        await consistency_proof(head, 4, 3)
    with pytest.raises(BeyondTree):
        await consistency_proof(head, 1, 9)
    with pytest.raises(ScopeNotFound):
        await scope_head("campaign-404")
    with pytest.raises(ScopeNotFound):
        await scope_head("../etc")
