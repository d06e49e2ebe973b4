"""What the ledger's read API answers, one function per question.

Each function resolves the scope for the viewer first (an internal scope is *not found* for anyone
but an auditor), and every proof comes paired with the signed checkpoint it verifies against, so a
client never has to trust a tree size the server merely states.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from workflow.accounts.roles import Principal
from workflow.errors import InvalidInput
from workflow.ledger.checkpoints import (
    SignedCheckpoint,
    checkpoint_at,
    checkpoints_after,
    latest_checkpoint,
    latest_stored,
    log_verifier_keys,
    origin_of,
)
from workflow.ledger.merkle import HASH_SIZE
from workflow.ledger.proofs import ConsistencyProof, InclusionProof, consistency_proof, inclusion_proof
from workflow.ledger.scopes import Visibility
from workflow.ledger.store import (
    BeyondTree,
    ScopeHead,
    StoredEntry,
    entries,
    index_of_leaf,
    list_scopes,
    read_entry_bundle,
    read_tile,
    readable_scope,
)
from workflow.ledger.tiles import EntryBundle, Tile, bundle_available, parse_tile_path, tile_available
from workflow.pagination import check_limit
from workflow.runtime import Runtime

MAX_POSITION = 2**63 - 1
"""Indexes and sizes are stored as signed 64-bit integers; beyond that nothing can exist."""


def _position(value: int, field: str) -> int:
    if not 0 <= value <= MAX_POSITION:
        raise InvalidInput(f"{field} must be between 0 and 2^63 - 1", field=field)
    return value


@dataclass(frozen=True)
class ScopeView:
    head: ScopeHead
    origin: str
    verifier_keys: tuple[str, ...]
    checkpoint_size: int | None
    """Size of the latest stored checkpoint (``None`` before the first one is signed)."""


async def _view(rt: Runtime, head: ScopeHead) -> ScopeView:
    latest = await latest_stored(head.id)
    return ScopeView(
        head,
        origin_of(rt, head.name),
        tuple(k.encode() for k in log_verifier_keys(rt, head.name)),
        latest.size if latest else None,
    )


async def scopes(rt: Runtime, viewer: Principal | None) -> list[ScopeView]:
    return [await _view(rt, head) for head in await list_scopes(viewer)]


async def scope(rt: Runtime, name: str, viewer: Principal | None) -> ScopeView:
    return await _view(rt, await readable_scope(name, viewer))


def _at(head: ScopeHead, checkpoint: SignedCheckpoint) -> ScopeHead:
    """The head as of a checkpoint that may be newer than the head we read a moment earlier."""
    if checkpoint.size <= head.size:
        return head
    return replace(head, size=checkpoint.size, root=checkpoint.root)


async def latest(rt: Runtime, name: str, viewer: Principal | None) -> tuple[ScopeHead, SignedCheckpoint]:
    head = await readable_scope(name, viewer)
    return head, await latest_checkpoint(rt, head)


async def _checkpoint_for(rt: Runtime, head: ScopeHead, size: int | None) -> SignedCheckpoint:
    return await latest_checkpoint(rt, head) if size is None else await checkpoint_at(head, size)


async def checkpoints(
    name: str, viewer: Principal | None, *, after_size: int, limit: int
) -> list[SignedCheckpoint]:
    head = await readable_scope(name, viewer)
    if after_size != -1:
        _position(after_size, "cursor")
    return await checkpoints_after(head, after_size, check_limit(limit))


async def entry_page(
    name: str, viewer: Principal | None, *, start: int, limit: int
) -> tuple[list[StoredEntry], int | None]:
    """Entries from ``start`` in index order and where the next page starts (``None`` at the end)."""
    head = await readable_scope(name, viewer)
    _position(start, "start")
    found = await entries(head, start, min(start + check_limit(limit), MAX_POSITION))
    next_start = start + len(found)
    return found, next_start if found and next_start < head.size else None


def parse_leaf_hash(text: str) -> bytes:
    try:
        value = bytes.fromhex(text)
    except ValueError:
        value = b""
    if len(value) != HASH_SIZE or value.hex() != text:
        raise InvalidInput("a leaf hash is 64 lowercase hex digits", field="leaf_hash")
    return value


async def inclusion(
    rt: Runtime,
    name: str,
    viewer: Principal | None,
    *,
    index: int | None = None,
    leaf_hash: str | None = None,
    size: int | None = None,
) -> tuple[InclusionProof, SignedCheckpoint]:
    """An inclusion proof by index or by leaf hash, against the latest (or a given) checkpoint."""
    if (index is None) == (leaf_hash is None):
        raise InvalidInput("give exactly one of index and leaf_hash")
    head = await readable_scope(name, viewer)
    if leaf_hash is not None:
        index = await index_of_leaf(head, parse_leaf_hash(leaf_hash))
    assert index is not None
    checkpoint = await _checkpoint_for(rt, head, size)
    if index >= checkpoint.size:
        raise BeyondTree(
            "the entry is newer than this checkpoint; ask again for a later one",
            index=index,
            checkpoint_size=checkpoint.size,
        )
    return await inclusion_proof(_at(head, checkpoint), index, checkpoint.size), checkpoint


async def consistency(
    rt: Runtime, name: str, viewer: Principal | None, *, old_size: int, new_size: int | None = None
) -> tuple[ConsistencyProof, SignedCheckpoint]:
    """A consistency proof from any earlier size to the latest (or a given) checkpoint."""
    head = await readable_scope(name, viewer)
    checkpoint = await _checkpoint_for(rt, head, new_size)
    return await consistency_proof(_at(head, checkpoint), old_size, checkpoint.size), checkpoint


@dataclass(frozen=True)
class TileResource:
    data: bytes
    full: bool
    visibility: Visibility


async def tile(name: str, viewer: Principal | None, path: str) -> TileResource:
    """A tlog-tiles resource, served only once a stored checkpoint covers it (never lazily signs)."""
    head = await readable_scope(name, viewer)
    resource = parse_tile_path(path)
    latest = await latest_stored(head.id)
    covered = latest.size if latest else 0
    head = replace(head, size=min(head.size, covered))
    if isinstance(resource, Tile):
        if not tile_available(resource, covered):
            raise BeyondTree("no checkpoint covers this tile yet", path=path)
        data = await read_tile(head, resource)
    else:
        assert isinstance(resource, EntryBundle)
        if not bundle_available(resource, covered):
            raise BeyondTree("no checkpoint covers this entry bundle yet", path=path)
        data = await read_entry_bundle(head, resource)
    return TileResource(data, not resource.is_partial, head.visibility)
