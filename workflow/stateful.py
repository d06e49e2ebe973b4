"""Firing a process on a database row: state, version and ledger entry in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from piccolo.table import Table

from workflow.db import engine
from workflow.errors import StaleVersion
from workflow.ids import ScopeName
from workflow.ledger.events import EventType
from workflow.ledger.service import Appended, Record, append
from workflow.process import Fired, Process


def check_version(row: Table, expected: int | None) -> None:
    """Optimistic concurrency: refuse to act on a row that changed since the caller read it."""
    current = row.version  # type: ignore[attr-defined]
    if expected is not None and current != expected:
        raise StaleVersion(
            f"this record is at version {current}, not {expected}; reload it and try again",
            current_version=current,
        )


async def fire(
    row: Table,
    process: type[Process],
    trigger: str,
    *,
    expected_version: int | None,
    facts: object = None,
    scope: ScopeName,
    event: EventType,
    actor: str,
    payload: Mapping[str, Any],
    at: datetime,
) -> tuple[Fired, Appended]:
    """Run ``trigger`` on a row the caller loaded ``for_update`` inside ``write_transaction``.

    ``facts`` is whatever the process's guards read: a typed dataclass, or a mapping.
    """
    if engine().current_transaction.get() is None:
        raise RuntimeError("fire() must run inside write_transaction()")
    check_version(row, expected_version)
    table = type(row)
    fired = process(row.status, facts).fire(trigger)  # type: ignore[attr-defined]
    row.status = fired.dest  # type: ignore[attr-defined]
    row.version += 1  # type: ignore[attr-defined]
    await row.save([table.status, table.version])  # type: ignore[attr-defined]
    entry = await append(
        scope,
        Record(event, actor, {**payload, "action": trigger, "from": fired.source, "to": fired.dest}),
        at=at,
    )
    return fired, entry
