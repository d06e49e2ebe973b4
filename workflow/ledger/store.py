"""Reading the stored log: scope heads, Merkle nodes, entries and tiles.

Everything here reads append-only rows at sizes the caller already knows exist, through
:func:`workflow.db.fetch`, so a read costs one indexed query and never a scan: a scope's head is one
row, a set of Merkle nodes is one query whatever the tree size, a tile is one range of one level.
Visibility is decided here too, so every reader (HTTP, CLI, bundle export) applies the same rule:
internal scopes exist only for auditors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workflow.accounts.roles import Principal, Role
from workflow.db import fetch
from workflow.errors import InvalidInput, NotFound
from workflow.ids import ScopeName
from workflow.ledger.merkle import MissingNode, NodeId, empty_root, fold_span, root_span
from workflow.ledger.scopes import SCOPE_NAME, Visibility
from workflow.ledger.tiles import EntryBundle, Tile, encode_entry_bundle, tile_bytes


class ScopeNotFound(NotFound):
    code = "ledger-scope-not-found"
    title = "No such ledger scope"


class BeyondTree(NotFound):
    """A size or index the log has not reached (yet)."""

    code = "beyond-tree-size"
    title = "The log is not that large"


@dataclass(frozen=True)
class ScopeHead:
    """A scope as stored right now: its current size and root."""

    id: int
    name: ScopeName
    visibility: Visibility
    size: int
    root: bytes

    def require_size(self, size: int) -> None:
        """Refuse sizes beyond the current tree: nothing is known about them yet."""
        if not 0 <= size <= self.size:
            raise BeyondTree(f"the log {self.name} has {self.size} entries", size=size, tree_size=self.size)


def may_read(visibility: Visibility, viewer: Principal | None) -> bool:
    """Public logs are for everyone; internal ones (personal data as pseudonyms) for auditors only."""
    return visibility == Visibility.PUBLIC or (viewer is not None and viewer.has(Role.AUDITOR))


_HEAD_COLUMNS = "id, name, visibility, size, root"


def _head(row: dict[str, Any]) -> ScopeHead:
    size = int(row["size"])
    return ScopeHead(
        id=int(row["id"]),
        name=ScopeName(row["name"]),
        visibility=Visibility(row["visibility"]),
        size=size,
        root=bytes.fromhex(row["root"]) if size else empty_root(),
    )


async def scope_head(name: str) -> ScopeHead:
    """The stored head of ``name``; :class:`ScopeNotFound` for unknown (or malformed) names."""
    if not SCOPE_NAME.match(name):
        raise ScopeNotFound(f"no ledger scope {name!r}")
    rows = await fetch(f"SELECT {_HEAD_COLUMNS} FROM ledger_scope WHERE name = {{}}", name)  # noqa: S608
    if not rows:
        raise ScopeNotFound(f"no ledger scope {name!r}")
    return _head(rows[0])


async def readable_scope(name: str, viewer: Principal | None) -> ScopeHead:
    """The head of a scope this viewer may read; an internal scope is *not found* for anyone else,
    so its existence does not leak."""
    head = await scope_head(name)
    if not may_read(head.visibility, viewer):
        raise ScopeNotFound(f"no ledger scope {name!r}")
    return head


async def list_scopes(viewer: Principal | None) -> list[ScopeHead]:
    """Every scope the viewer may read, oldest first."""
    rows = await fetch(f"SELECT {_HEAD_COLUMNS} FROM ledger_scope ORDER BY id")  # noqa: S608
    return [head for head in map(_head, rows) if may_read(head.visibility, viewer)]


async def fetch_nodes(scope_id: int, nodes: Iterable[NodeId]) -> dict[NodeId, bytes]:
    """The stored hashes of ``nodes`` in ONE query, however large the tree.

    Proof shapes touch about one node per level, so the query is a handful of
    ``(scope = ? AND level = ? AND idx IN (…))`` terms. Each term repeats the scope: SQLite then
    answers every term with its own lookup in the ``(scope, level, idx)`` index (a "multi-index OR");
    with the scope outside the OR it would scan the whole scope.
    """
    by_level: dict[int, list[int]] = defaultdict(list)
    for level, index in sorted(set(nodes)):
        by_level[level].append(index)
    if not by_level:
        return {}
    terms: list[str] = []
    args: list[int] = []
    for level, indexes in by_level.items():
        terms.append("(scope = {} AND level = {} AND idx IN (" + ", ".join("{}" for _ in indexes) + "))")
        args += [scope_id, level, *indexes]
    where = " OR ".join(terms)  # placeholders only; every value is a bound parameter
    rows = await fetch(f"SELECT level, idx, hash FROM merkle_node WHERE {where}", *args)  # noqa: S608
    return {(int(r["level"]), int(r["idx"])): bytes.fromhex(r["hash"]) for r in rows}


async def root_at(head: ScopeHead, size: int) -> bytes:
    """The root the tree had at ``size`` (any past size), from its O(log n) frontier nodes."""
    head.require_size(size)
    if size == head.size:
        return head.root
    span = root_span(size)
    if not span:
        return empty_root()
    return fold_span(span, await fetch_nodes(head.id, span))


@dataclass(frozen=True)
class StoredEntry:
    index: int
    event_type: str
    leaf_hash: bytes
    body: bytes


async def entries(head: ScopeHead, start: int, end: int) -> list[StoredEntry]:
    """Entries ``[start, end)`` in index order (``end`` is clipped to the tree size)."""
    if start < 0 or end < start:
        raise InvalidInput("entry range must have 0 <= start <= end", start=start, end=end)
    end = min(end, head.size)
    if start >= end:
        return []
    rows = await fetch(
        "SELECT idx, event_type, leaf_hash, body FROM ledger_entry "
        "WHERE scope = {} AND idx >= {} AND idx < {} ORDER BY idx",
        head.id,
        start,
        end,
    )
    return [
        StoredEntry(int(r["idx"]), r["event_type"], bytes.fromhex(r["leaf_hash"]), r["body"].encode("utf-8"))
        for r in rows
    ]


class LeafNotFound(NotFound):
    code = "leaf-not-found"
    title = "No entry with this leaf hash"


async def index_of_leaf(head: ScopeHead, leaf_hash: bytes) -> int:
    """The index of the entry whose leaf hash (a receipt's tracking code) is ``leaf_hash``."""
    rows = await fetch(
        "SELECT idx FROM ledger_entry WHERE scope = {} AND leaf_hash = {}", head.id, leaf_hash.hex()
    )
    if not rows:
        raise LeafNotFound("no entry of this log has that leaf hash", leaf_hash=leaf_hash.hex())
    return int(rows[0]["idx"])


async def read_tile(head: ScopeHead, tile: Tile) -> bytes:
    """A tile's bytes: one range of one level (``tile.nodes()`` are consecutive)."""
    first_level, first_index = tile.nodes()[0]
    rows = await fetch(
        "SELECT idx, hash FROM merkle_node WHERE scope = {} AND level = {} AND idx >= {} AND idx < {}",
        head.id,
        first_level,
        first_index,
        first_index + tile.width,
    )
    stored = {(first_level, int(r["idx"])): bytes.fromhex(r["hash"]) for r in rows}
    try:
        return tile_bytes(tile, stored)
    except MissingNode:
        raise BeyondTree("the tile is not complete at this size", path=tile.path()) from None


async def read_entry_bundle(head: ScopeHead, bundle: EntryBundle) -> bytes:
    """An entry bundle's bytes: the entries of level-0 tile ``bundle.index``."""
    start, end = bundle.leaf_range()
    found = await entries(head, start, end)
    if len(found) != bundle.width:
        raise BeyondTree("the entry bundle is not complete at this size", path=bundle.path())
    return encode_entry_bundle([e.body for e in found])
