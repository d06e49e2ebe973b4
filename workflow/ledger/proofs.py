"""Inclusion and consistency proofs built from stored Merkle nodes.

A proof never reloads leaves: :mod:`workflow.ledger.merkle` says which perfect-subtree nodes a
proof needs (``O(log n)`` of them), :func:`~workflow.ledger.store.fetch_nodes` reads them in one
query, and :func:`~workflow.ledger.merkle.assemble` folds them. A proof is only meaningful against a
signed tree head of the same size; the API always serves it next to that checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.errors import InvalidInput
from workflow.ledger.merkle import (
    assemble,
    consistency_proof_nodes,
    inclusion_proof_nodes,
    required_nodes,
)
from workflow.ledger.store import BeyondTree, ScopeHead, fetch_nodes


@dataclass(frozen=True)
class InclusionProof:
    """RFC 9162 PATH(index, D[0:tree_size]), leaf end first, and the leaf it is for."""

    index: int
    tree_size: int
    leaf_hash: bytes
    hashes: tuple[bytes, ...]
    nodes_read: int
    """Rows the proof read: what the O(log n) promise is measured by."""


@dataclass(frozen=True)
class ConsistencyProof:
    """RFC 9162 PROOF(old_size, D[0:new_size]): the old tree is a prefix of the new one."""

    old_size: int
    new_size: int
    hashes: tuple[bytes, ...]
    nodes_read: int


async def inclusion_proof(head: ScopeHead, index: int, tree_size: int) -> InclusionProof:
    """Prove entry ``index`` is in the tree of ``tree_size`` leaves, reading its leaf in the same query."""
    head.require_size(tree_size)
    if not 0 <= index < tree_size:
        raise InvalidInput("the leaf index must be below the tree size", index=index, tree_size=tree_size)
    spans = inclusion_proof_nodes(index, tree_size)
    leaf = (0, index)
    stored = await fetch_nodes(head.id, required_nodes(spans) | {leaf})
    if leaf not in stored:
        raise BeyondTree("the leaf is not stored", index=index)
    return InclusionProof(index, tree_size, stored[leaf], tuple(assemble(spans, stored)), len(stored))


async def consistency_proof(head: ScopeHead, old_size: int, new_size: int) -> ConsistencyProof:
    """Prove the tree of ``old_size`` leaves is a prefix of the tree of ``new_size`` leaves."""
    head.require_size(new_size)
    if not 0 <= old_size <= new_size:
        raise InvalidInput("need 0 <= old size <= new size", old_size=old_size, new_size=new_size)
    spans = consistency_proof_nodes(old_size, new_size)
    stored = await fetch_nodes(head.id, required_nodes(spans))
    return ConsistencyProof(old_size, new_size, tuple(assemble(spans, stored)), len(stored))
