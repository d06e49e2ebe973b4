"""Appending to the ledger: the one function every workflow records through.

``append`` must run inside the caller's write transaction, so an entry exists exactly when the state
change it records was committed. The scope row is locked (``FOR UPDATE`` on PostgreSQL; SQLite's
IMMEDIATE transaction already serialises writers), which makes the index sequence gap-free and
duplicate-free under concurrent writers; the unique keys in the database back that up.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflow.db import engine, for_update, insert_many
from workflow.errors import NotFound
from workflow.ids import ScopeName
from workflow.ledger.entry import Entry, format_time, pseudonym
from workflow.ledger.events import EventType
from workflow.ledger.merkle import CompactRange, leaf_hash
from workflow.ledger.scopes import SCOPE_NAME, Visibility
from workflow.ledger.tables import LedgerScope


@dataclass(frozen=True)
class Record:
    """One entry to append: what happened, who did it, and the facts that matter."""

    event: EventType
    actor: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class Appended:
    scope: ScopeName
    index: int
    leaf_hash: bytes
    body: bytes
    time: str


def _require_transaction() -> None:
    if engine().current_transaction.get() is None:
        raise RuntimeError("ledger appends must run inside write_transaction()")


async def open_scope(name: ScopeName, visibility: Visibility, *, actor: str, at: datetime) -> None:
    """Create a scope (idempotent) and record its opening as entry 0."""
    _require_transaction()
    if not SCOPE_NAME.match(name):
        raise ValueError(f"scope name {name!r} is not lowercase letters, digits and hyphens")
    exists = await LedgerScope.exists().where(LedgerScope.name == name)
    if exists:
        return
    await LedgerScope.insert(
        LedgerScope(name=name, visibility=visibility, salt=secrets.token_hex(32), root="", frontier="[]")
    )
    await append(
        name,
        Record(EventType.SCOPE_OPENED, actor, {"scope": name, "visibility": str(visibility)}),
        at=at,
    )


async def append(scope: ScopeName, record: Record, *, at: datetime) -> Appended:
    return (await append_many(scope, [record], at=at))[0]


async def append_many(scope: ScopeName, records: Sequence[Record], *, at: datetime) -> list[Appended]:
    """Append entries in order under one lock; return their indices and leaf hashes."""
    _require_transaction()
    row = await for_update(LedgerScope.objects().where(LedgerScope.name == scope)).first()
    if row is None:
        raise NotFound(f"ledger scope {scope!r} does not exist")
    tree = CompactRange.from_frontier(row.size, [bytes.fromhex(h) for h in json.loads(row.frontier)])
    time = format_time(at)
    appended: list[Appended] = []
    entries: list[tuple[int, int, str, str, str]] = []
    nodes: list[tuple[int, int, int, str]] = []
    for record in records:
        index = tree.size
        body = Entry(scope, index, str(record.event), record.actor, time, record.payload).encode()
        leaf = leaf_hash(body)
        entries.append((row.id, index, str(record.event), body.decode(), leaf.hex()))
        nodes.extend((row.id, level, idx, h.hex()) for level, idx, h in tree.append(leaf))
        appended.append(Appended(scope, index, leaf, body, time))
    if entries:
        await insert_many("ledger_entry", ("scope", "idx", "event_type", "body", "leaf_hash"), entries)
        await insert_many("merkle_node", ("scope", "level", "idx", "hash"), nodes)
        await LedgerScope.update(
            {
                LedgerScope.size: tree.size,
                LedgerScope.root: tree.root().hex(),
                LedgerScope.frontier: json.dumps([h.hex() for h in tree.frontier()]),
            }
        ).where(LedgerScope.id == row.id)
    return appended


async def scope_pseudonym(scope: ScopeName, kind: str, value: str) -> str:
    """The pseudonym personal data gets in ``scope``'s entries."""
    row = await LedgerScope.select(LedgerScope.salt).where(LedgerScope.name == scope).first()
    if row is None:
        raise NotFound(f"ledger scope {scope!r} does not exist")
    return pseudonym(bytes.fromhex(row["salt"]), kind, value)
