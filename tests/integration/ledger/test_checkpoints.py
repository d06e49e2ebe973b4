"""Checkpoints: signed lazily, at most one per size, pinned at once on demand, verifiable by anyone."""

from __future__ import annotations

import asyncio

import pytest

from workflow.clock import FixedClock
from workflow.db import write_transaction
from workflow.ids import ScopeName
from workflow.keystore import MemoryKeyStore
from workflow.ledger.checkpoints import (
    checkpoint_at,
    checkpoint_now,
    latest_checkpoint,
    log_verifier_keys,
    origin_of,
)
from workflow.ledger.events import EventType
from workflow.ledger.note import open_checkpoint
from workflow.ledger.scopes import Visibility
from workflow.ledger.service import Record, append, open_scope
from workflow.ledger.store import BeyondTree, ScopeNotFound, scope_head
from workflow.ledger.tables import Checkpoint
from workflow.runtime import Runtime

pytestmark = pytest.mark.usefixtures("clean_db")
SCOPE = ScopeName("campaign-9")


async def _grow(rt: Runtime, count: int) -> None:
    async with write_transaction():
        await open_scope(SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())
        for n in range(count):
            await append(SCOPE, Record(EventType.UNIT_CREATED, "account:1", {"n": n}), at=rt.clock.now())


async def test_the_latest_checkpoint_is_signed_when_the_tree_grew_and_reused_otherwise(rt: Runtime) -> None:
    await _grow(rt, 3)
    first = await latest_checkpoint(rt, await scope_head(SCOPE))
    assert first.size == 4
    again = await latest_checkpoint(rt, await scope_head(SCOPE))
    assert again == first
    verified = open_checkpoint(
        first.text(), origin=origin_of(rt, SCOPE), log_key=log_verifier_keys(rt, SCOPE)[0]
    )
    head = await scope_head(SCOPE)
    assert verified.checkpoint.size == 4 and verified.checkpoint.root_hash == head.root
    assert first.note.startswith(f"test.yide.local/{SCOPE}\n4\n")
    await _grow(rt, 2)
    grown = await latest_checkpoint(rt, await scope_head(SCOPE))
    assert grown.size == 6 and grown.id != first.id
    assert await checkpoint_at(await scope_head(SCOPE), 4) == first
    with pytest.raises(BeyondTree):
        await checkpoint_at(await scope_head(SCOPE), 5)


async def test_concurrent_readers_sign_at_most_one_checkpoint_per_size(rt: Runtime) -> None:
    await _grow(rt, 5)
    head = await scope_head(SCOPE)
    results = await asyncio.gather(*(latest_checkpoint(rt, head) for _ in range(20)))
    assert {r.id for r in results} == {results[0].id}
    assert await Checkpoint.count() == 1


async def test_checkpoint_now_commits_or_rolls_back_with_the_callers_transaction(rt: Runtime) -> None:
    await _grow(rt, 1)
    with pytest.raises(RuntimeError, match="seal failed"):
        async with write_transaction():
            await append(SCOPE, Record(EventType.UNIT_CREATED, "account:1", {"seal": 1}), at=rt.clock.now())
            pinned = await checkpoint_now(rt, SCOPE)
            assert pinned.size == 3
            raise RuntimeError("seal failed")
    assert await Checkpoint.count() == 0
    async with write_transaction():
        await append(SCOPE, Record(EventType.UNIT_CREATED, "account:1", {"seal": 1}), at=rt.clock.now())
        pinned = await checkpoint_now(rt, SCOPE)
    assert pinned.size == 3 and await checkpoint_now(rt, SCOPE) == pinned
    with pytest.raises(ScopeNotFound):
        await checkpoint_now(rt, ScopeName("campaign-404"))


async def test_retired_key_checkpoints_still_verify(rt: Runtime, clock: FixedClock) -> None:
    own = Runtime(rt.settings, MemoryKeyStore(), clock)
    await _grow(own, 1)
    before = await checkpoint_now(own, SCOPE)
    own.keys.rotate_log_key("k2")
    await _grow(own, 1)
    after = await checkpoint_now(own, SCOPE)
    old_key, new_key = log_verifier_keys(own, SCOPE)
    assert old_key.name == new_key.name == origin_of(own, SCOPE) and old_key.key_id != new_key.key_id
    assert open_checkpoint(before.text(), origin=old_key.name, log_key=old_key).checkpoint.size == 2
    assert open_checkpoint(after.text(), origin=new_key.name, log_key=new_key).checkpoint.size == 3
