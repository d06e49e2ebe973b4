"""Group commit: many concurrent requests, one write transaction (the ingest baseline's best path).

Each worker process has one :class:`Sequencer` per kind of work. A request hands its item over and
waits; a drain task takes whatever has queued up (after a short gathering window, at most
``max_batch`` items), runs one ``process`` call on the batch (one transaction, many ledger entries)
and only then wakes every waiter with its own outcome. So a receipt always follows the commit that
made it durable, and the per-request cost of the transaction, the scope lock and the fsync is shared.

If a batch fails as a whole (a database error), its items are retried one by one so that one bad
item cannot sink the others; an item that still fails gets the error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

I = TypeVar("I")  # noqa: E741 - item
R = TypeVar("R")  # outcome

log = logging.getLogger("yide.sequencer")


class Sequencer(Generic[I, R]):
    def __init__(
        self,
        process: Callable[[Sequence[I]], Awaitable[Sequence[R | BaseException]]],
        *,
        window_seconds: float,
        max_batch: int,
    ) -> None:
        self._process = process
        self._window = window_seconds
        self._max = max_batch
        self._queue: list[tuple[I, asyncio.Future[R]]] = []
        self._drain: asyncio.Task[None] | None = None
        self._full = asyncio.Event()
        self.batches = 0
        self.items = 0

    async def submit(self, item: I) -> R:
        """Queue ``item`` and wait for its outcome (raised if it is an exception)."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if len(self._queue) >= self._max:
            self._full.set()
        if self._drain is None or self._drain.done():
            self._drain = asyncio.get_running_loop().create_task(self._run())
        return await asyncio.shield(future)

    async def _run(self) -> None:
        while self._queue:
            if self._window > 0 and len(self._queue) < self._max:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._full.wait(), self._window)
            self._full.clear()
            batch, self._queue = self._queue[: self._max], self._queue[self._max :]
            await self._commit(batch)

    async def _commit(self, batch: list[tuple[I, asyncio.Future[R]]]) -> None:
        try:
            outcomes = await self._process([item for item, _ in batch])
        except Exception as error:
            if len(batch) > 1:
                log.warning("batch of %d failed (%s); retrying one by one", len(batch), error)
                for one in batch:
                    await self._commit([one])
                return
            outcomes = [error]
        self.batches += 1
        self.items += len(batch)
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
