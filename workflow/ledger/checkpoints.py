"""Signed checkpoints: the log's tree heads, as C2SP tlog-checkpoint signed notes.

A checkpoint is signed lazily: when someone asks for the latest one and the tree grew since the last
stored checkpoint, one is signed for the current size (at most one per size: the scope row is locked
and ``(scope, size)`` is unique). Workflows call :func:`checkpoint_now` at moments that must be
pinned by a signature at once (seal, publish). Every checkpoint is kept; witnesses' cosignatures are
stored beside it and served appended to its note.

The log key signs under the note name ``<log_name>/<scope>`` (the checkpoint origin), as
c2sp.org/tlog-checkpoint recommends; after a key rotation the new key has the same name and a new key
id, and verifiers configured with all published keys accept checkpoints of either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workflow.db import fetch, for_update, write_transaction
from workflow.ids import ScopeName
from workflow.ledger.merkle import empty_root
from workflow.ledger.note import Checkpoint, VerifierKey, sign_note
from workflow.ledger.scopes import log_origin
from workflow.ledger.store import BeyondTree, ScopeHead, ScopeNotFound
from workflow.ledger.tables import Checkpoint as CheckpointRow
from workflow.ledger.tables import LedgerScope
from workflow.runtime import Runtime


@dataclass(frozen=True)
class SignedCheckpoint:
    """A stored checkpoint: the log-signed note and the witness cosignature lines added since."""

    id: int
    size: int
    root: bytes
    note: str
    cosignatures: tuple[str, ...] = ()

    def text(self) -> str:
        """The note as served: the log's signature line, then each witness's cosignature line."""
        return self.note + "".join(self.cosignatures)


def origin_of(rt: Runtime, scope: str) -> str:
    return log_origin(rt.settings.log_name, scope)


def log_verifier_keys(rt: Runtime, scope: str) -> list[VerifierKey]:
    """The published vkeys that verify this scope's checkpoints and receipts (every key, retired too)."""
    origin = origin_of(rt, scope)
    return [VerifierKey.ed25519(origin, key.public_key) for key in rt.keys.log_keys()]


_COLUMNS = "id, size, root, note"


async def _with_cosignatures(rows: Sequence[dict[str, Any]]) -> list[SignedCheckpoint]:
    if not rows:
        return []
    ids = [int(r["id"]) for r in rows]
    lines: dict[int, list[str]] = {i: [] for i in ids}
    placeholders = ", ".join("{}" for _ in ids)
    for row in await fetch(
        f"SELECT checkpoint, signature_line FROM cosignature WHERE checkpoint IN ({placeholders}) "  # noqa: S608
        "ORDER BY witness",
        *ids,
    ):
        lines[int(row["checkpoint"])].append(row["signature_line"])
    return [
        SignedCheckpoint(
            id=int(r["id"]),
            size=int(r["size"]),
            root=bytes.fromhex(r["root"]),
            note=r["note"],
            cosignatures=tuple(lines[int(r["id"])]),
        )
        for r in rows
    ]


async def latest_stored(scope_id: int) -> SignedCheckpoint | None:
    rows = await fetch(
        f"SELECT {_COLUMNS} FROM checkpoint WHERE scope = {{}} ORDER BY size DESC LIMIT 1",  # noqa: S608
        scope_id,
    )
    found = await _with_cosignatures(rows)
    return found[0] if found else None


async def checkpoint_at(head: ScopeHead, size: int) -> SignedCheckpoint:
    """The stored checkpoint of exactly ``size`` leaves; proofs for other sizes have nothing signed
    to verify against, so they are refused."""
    rows = await fetch(
        f"SELECT {_COLUMNS} FROM checkpoint WHERE scope = {{}} AND size = {{}}",  # noqa: S608
        head.id,
        size,
    )
    if not rows:
        raise BeyondTree(f"the log {head.name} has no checkpoint of size {size}", size=size)
    return (await _with_cosignatures(rows))[0]


async def checkpoints_after(head: ScopeHead, after_size: int, limit: int) -> list[SignedCheckpoint]:
    """Stored checkpoints with ``size > after_size`` in size order (``after_size = -1`` from the start)."""
    rows = await fetch(
        f"SELECT {_COLUMNS} FROM checkpoint WHERE scope = {{}} AND size > {{}} "  # noqa: S608
        "ORDER BY size LIMIT {}",
        head.id,
        after_size,
        limit,
    )
    return await _with_cosignatures(rows)


async def checkpoint_now(rt: Runtime, scope: ScopeName) -> SignedCheckpoint:
    """Sign the current tree head now unless a checkpoint of this size exists; return it either way.

    Joins the caller's transaction if there is one, so a workflow's seal and the checkpoint that pins
    it commit together.
    """
    async with write_transaction():
        row = await for_update(
            LedgerScope.select(LedgerScope.id, LedgerScope.size, LedgerScope.root).where(
                LedgerScope.name == scope
            )
        ).first()
        if row is None:
            raise ScopeNotFound(f"no ledger scope {scope!r}")
        latest = await latest_stored(row["id"])
        if latest is not None and latest.size == row["size"]:
            return latest
        size = int(row["size"])
        root = bytes.fromhex(row["root"]) if size else empty_root()
        origin = origin_of(rt, scope)
        note = sign_note(Checkpoint(origin, size, root).body(), rt.keys.log_signer(), origin)
        saved = await CheckpointRow.insert(
            CheckpointRow(scope=row["id"], size=size, root=root.hex(), note=note)
        ).returning(CheckpointRow.id)
    return SignedCheckpoint(int(saved[0]["id"]), size, root, note)


async def latest_checkpoint(rt: Runtime, head: ScopeHead) -> SignedCheckpoint:
    """The newest checkpoint, signing one first if the tree grew since the last (lazy signing)."""
    latest = await latest_stored(head.id)
    if latest is not None and latest.size >= head.size:
        return latest
    return await checkpoint_now(rt, head.name)
