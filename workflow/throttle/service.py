"""Fixed-window counters kept in the database.

Every worker sees the same counts, so a limit set per IP, per phone or per account holds however many
processes serve requests. Subjects are hashed before they are stored: counters never hold a raw IP
address or phone number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from workflow.db import raw
from workflow.throttle.tables import RateCounter

_TABLE = RateCounter._meta.tablename


@dataclass(frozen=True)
class Window:
    key: str
    start: datetime
    ends: datetime


def window_for(purpose: str, subject: str, *, seconds: int, now: datetime) -> Window:
    number = int(now.timestamp()) // seconds
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    start = datetime.fromtimestamp(number * seconds, tz=now.tzinfo)
    return Window(f"{purpose}:{digest}:{number}", start, start + timedelta(seconds=seconds))


async def hit(purpose: str, subject: str, *, seconds: int, now: datetime) -> int:
    """Count one more event and return the count in the current window, atomically."""
    window = window_for(purpose, subject, seconds=seconds, now=now)
    rows = await raw(
        f"INSERT INTO {_TABLE} (key, hits, window_start) VALUES ({{}}, 1, {{}}) "  # noqa: S608
        "ON CONFLICT (key) DO UPDATE SET hits = " + _TABLE + ".hits + 1 RETURNING hits",
        window.key,
        window.start,
    )
    return int(rows[0]["hits"])


async def counts(purpose: str, subjects: list[str], *, seconds: int, now: datetime) -> dict[str, int]:
    """The counts of many subjects in the current window in one query (a batch checks them all)."""
    keys = {window_for(purpose, subject, seconds=seconds, now=now).key: subject for subject in subjects}
    if not keys:
        return {}
    rows = await RateCounter.select(RateCounter.key, RateCounter.hits).where(
        RateCounter.key.is_in(list(keys))
    )
    found = {keys[r["key"]]: int(r["hits"]) for r in rows}
    return {subject: found.get(subject, 0) for subject in subjects}


async def add(purpose: str, subject: str, n: int, *, seconds: int, now: datetime) -> None:
    """Count ``n`` more events at once (a batch adds what it saw)."""
    window = window_for(purpose, subject, seconds=seconds, now=now)
    await raw(
        f"INSERT INTO {_TABLE} (key, hits, window_start) VALUES ({{}}, {{}}, {{}}) "  # noqa: S608
        "ON CONFLICT (key) DO UPDATE SET hits = " + _TABLE + ".hits + {}",
        window.key,
        n,
        window.start,
        n,
    )


async def count(purpose: str, subject: str, *, seconds: int, now: datetime) -> int:
    """The count in the current window, without adding to it."""
    window = window_for(purpose, subject, seconds=seconds, now=now)
    row = await RateCounter.select(RateCounter.hits).where(RateCounter.key == window.key).first()
    return int(row["hits"]) if row else 0


async def reset(purpose: str, subject: str, *, seconds: int, now: datetime) -> None:
    window = window_for(purpose, subject, seconds=seconds, now=now)
    await RateCounter.delete().where(RateCounter.key == window.key)


async def purge_before(when: datetime) -> None:
    """Drop windows that ended long ago; counters are operational data, not records."""
    await RateCounter.delete().where(RateCounter.window_start < when)
