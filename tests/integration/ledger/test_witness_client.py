"""A witness cosigns only checkpoints consistent with what it saw before, and says why it refuses."""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.support.factories import login, make_account, signed_in
from workflow.accounts.roles import Role
from workflow.db import write_transaction
from workflow.errors import Conflict, InvalidInput
from workflow.ids import ScopeName
from workflow.ledger.events import EventType
from workflow.ledger.note import VerifierKey, open_checkpoint
from workflow.ledger.scopes import Visibility
from workflow.ledger.service import Record, append_many, open_scope
from workflow.ledger.witness_client import (
    CosignatureRefused,
    ForkDetected,
    RollbackDetected,
    UntrustedCheckpoint,
    WitnessIdentity,
    cosign_latest,
    create_witness_key,
    load_witness_key,
)
from workflow.ledger.witnesses import add_witness_key
from workflow.runtime import Runtime
from workflow.signing import Ed25519Signer

SCOPE = ScopeName("campaign-8")
ORIGIN = f"test.yide.local/{SCOPE}"


@pytest.fixture
async def auditor(app, rt: Runtime, clean_db: None) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with write_transaction():
        await open_scope(SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())
    await make_account(rt, "witness-auditor", Role.AUDITOR)
    async with signed_in(app, "witness") as client:
        yield await login(client, "witness-auditor")


@pytest.fixture
async def identity(tmp_path: Path, rt: Runtime) -> WitnessIdentity:
    created, fresh = create_witness_key(tmp_path / "witness.key", "jijian.example/witness")
    assert fresh
    await add_witness_key(rt, created.vkey.encode(), actor="account:1")
    return created


async def _grow(rt: Runtime, count: int) -> None:
    async with write_transaction():
        await append_many(
            SCOPE,
            [Record(EventType.UNIT_CREATED, "account:1", {"n": n}) for n in range(count)],
            at=rt.clock.now(),
        )


async def test_the_witness_follows_a_growing_log_and_its_cosignature_is_served(
    auditor: httpx.AsyncClient, identity: WitnessIdentity, rt: Runtime, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    now = int(rt.clock.now().timestamp())
    first = await cosign_latest(auditor, scope=SCOPE, identity=identity, state_path=state, now=now)
    assert (first.origin, first.old_size, first.new_size, first.trusted_on_first_use) == (
        ORIGIN,
        None,
        1,
        True,
    )
    await _grow(rt, 9)
    second = await cosign_latest(auditor, scope=SCOPE, identity=identity, state_path=state, now=now + 1)
    assert (second.old_size, second.new_size, second.trusted_on_first_use) == (1, 10, False)
    served = (await auditor.get(f"/log/{SCOPE}/checkpoint")).text
    [log_key] = [VerifierKey.parse(k) for k in json.loads(state.read_text())["logs"][ORIGIN]["log_keys"]]
    verified = open_checkpoint(served, origin=ORIGIN, log_key=log_key, witnesses=[identity.vkey])
    assert verified.cosigned_at == {identity.name: now + 1} and verified.checkpoint.size == 10
    again = await cosign_latest(auditor, scope=SCOPE, identity=identity, state_path=state, now=now + 2)
    assert (again.old_size, again.new_size) == (10, 10)


async def test_rollbacks_and_forks_are_refused(
    auditor: httpx.AsyncClient, identity: WitnessIdentity, rt: Runtime, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    now = int(rt.clock.now().timestamp())
    await _grow(rt, 4)
    await cosign_latest(auditor, scope=SCOPE, identity=identity, state_path=state, now=now)
    good = json.loads(state.read_text())

    def seen(size: int, root: str) -> None:
        state.write_text(
            json.dumps(good | {"logs": {ORIGIN: good["logs"][ORIGIN] | {"size": size, "root": root}}})
        )

    seen(9, good["logs"][ORIGIN]["root"])
    with pytest.raises(RollbackDetected, match="saw 9 before"):
        await cosign_latest(auditor, scope=SCOPE, identity=identity, state_path=state, now=now)
    seen(5, "00" * 32)
    with pytest.raises(ForkDetected):
        await cosign_latest(auditor, scope=SCOPE, identity=identity, state_path=state, now=now)
    seen(3, "11" * 32)
    with pytest.raises(ForkDetected, match="does not extend"):
        await cosign_latest(auditor, scope=SCOPE, identity=identity, state_path=state, now=now)
    assert json.loads(state.read_text())["logs"][ORIGIN]["size"] == 3  # a refusal changes nothing


async def test_untrusted_keys_and_unregistered_witnesses(
    auditor: httpx.AsyncClient, identity: WitnessIdentity, rt: Runtime, tmp_path: Path
) -> None:
    now = int(rt.clock.now().timestamp())
    stranger_key = VerifierKey.ed25519(ORIGIN, Ed25519Signer.generate().public_key).encode()
    with pytest.raises(UntrustedCheckpoint):
        await cosign_latest(
            auditor,
            scope=SCOPE,
            identity=identity,
            state_path=tmp_path / "s.json",
            now=now,
            log_keys=(stranger_key,),
        )
    unregistered, _ = create_witness_key(tmp_path / "other.key", "someone.example/witness")
    with pytest.raises(CosignatureRefused, match="unknown-witness"):
        await cosign_latest(
            auditor, scope=SCOPE, identity=unregistered, state_path=tmp_path / "o.json", now=now
        )


def test_witness_key_files(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "w.key"
    created, fresh = create_witness_key(path, "w.example/witness")
    assert fresh and stat.S_IMODE(path.stat().st_mode) == 0o600
    again, fresh_again = create_witness_key(path, "w.example/witness")
    assert not fresh_again and again.vkey == created.vkey == load_witness_key(path).vkey
    with pytest.raises(Conflict):
        create_witness_key(path, "other.example/witness")
    with pytest.raises(InvalidInput):
        create_witness_key(tmp_path / "bad.key", "has space")
    (tmp_path / "junk.key").write_text("{}")
    with pytest.raises(InvalidInput):
        load_witness_key(tmp_path / "junk.key")
