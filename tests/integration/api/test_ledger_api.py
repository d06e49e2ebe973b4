"""The ledger read API through HTTP: what anyone can fetch and verify, and what only auditors see."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.db import reset_database
from tests.support.factories import login, make_account, make_org, signed_in
from workflow.accounts.roles import Role
from workflow.db import write_transaction
from workflow.ids import ScopeName
from workflow.ledger.checkpoints import checkpoint_now
from workflow.ledger.entry import Entry
from workflow.ledger.events import EventType
from workflow.ledger.merkle import leaf_hash, root_from_leaf_hashes, verify_consistency, verify_inclusion
from workflow.ledger.note import Checkpoint, VerifierKey, cosign, open_checkpoint
from workflow.ledger.scopes import ORG, Visibility
from workflow.ledger.service import Record, append_many, open_scope
from workflow.ledger.tables import Checkpoint as Checkpoint_
from workflow.ledger.tables import Cosignature, LedgerEntry, LedgerScope, MerkleNode, WitnessKey
from workflow.ledger.tiles import decode_entry_bundle, decode_tile
from workflow.runtime import Runtime
from workflow.signing import Ed25519Signer

SCOPE = ScopeName("campaign-1")
ORIGIN = f"test.yide.local/{SCOPE}"
NOT_AUDITORS: list[Role | None] = [None, *(r for r in Role if r != Role.AUDITOR)]


@pytest.fixture(scope="module")
async def accounts(app, rt: Runtime, database: None) -> AsyncIterator[dict[Role | None, httpx.AsyncClient]]:  # type: ignore[no-untyped-def]
    """A signed-in client per role (and an anonymous one), created once: argon2 is slow on purpose."""
    await reset_database(at=rt.clock.now())
    org = await make_org(rt, units=1, staff_per_unit=1)
    unit = org.units[0]
    clients: dict[Role | None, httpx.AsyncClient] = {None: signed_in(app, "anonymous")}
    for role in Role:
        await make_account(
            rt,
            f"ledger-{role}",
            role,
            unit=unit,
            department=org.departments[unit][0],
            staff=org.staff[unit][0],
        )
        clients[role] = await login(signed_in(app, f"ledger-{role}"), f"ledger-{role}")
    yield clients
    for client in clients.values():
        await client.aclose()


@pytest.fixture
async def world(
    accounts: dict[Role | None, httpx.AsyncClient], rt: Runtime
) -> dict[Role | None, httpx.AsyncClient]:
    """A fresh public log of 300 entries (and no witnesses) next to the org log."""
    async with write_transaction():
        await WitnessKey.delete(force=True)
        found = await LedgerScope.select(LedgerScope.id).where(LedgerScope.name == SCOPE).first()
        if found:
            checkpoints = Checkpoint_.select(Checkpoint_.id).where(Checkpoint_.scope == found["id"])
            await Cosignature.delete().where(Cosignature.checkpoint.is_in(checkpoints))
            for table in (Checkpoint_, MerkleNode, LedgerEntry):
                await table.delete().where(table.scope == found["id"])
            await LedgerScope.delete().where(LedgerScope.id == found["id"])
        await open_scope(SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())
        await append_many(
            SCOPE,
            [Record(EventType.UNIT_CREATED, "account:1", {"n": n, "名": "单位"}) for n in range(299)],
            at=rt.clock.now(),
        )
    return accounts


def _log_key(keys: dict[str, object], origin: str = ORIGIN) -> VerifierKey:
    [active] = [k for k in keys["log_keys"] if k["active"]]  # type: ignore[attr-defined]
    return VerifierKey.ed25519(origin, base64.b64decode(active["public_key"]))


async def test_anyone_reads_a_public_log_and_verifies_its_checkpoint(world) -> None:  # type: ignore[no-untyped-def]
    anonymous = world[None]
    listed = (await anonymous.get("/api/ledger/scopes")).json()
    assert [s["name"] for s in listed] == [SCOPE]
    keys = (await anonymous.get("/api/ledger/keys")).json()
    response = await anonymous.get(f"/log/{SCOPE}/checkpoint")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=5"
    verified = open_checkpoint(response.text, origin=ORIGIN, log_key=_log_key(keys))
    assert verified.checkpoint.size == 300
    same = await anonymous.get(f"/api/ledger/scopes/{SCOPE}/checkpoint")
    assert same.text == response.text
    scope = (await anonymous.get(f"/api/ledger/scopes/{SCOPE}")).json()
    assert scope["origin"] == ORIGIN and scope["size"] == 300 and scope["checkpoint_size"] == 300
    assert scope["verifier_keys"] == [_log_key(keys).encode()]
    assert scope["root"] == verified.checkpoint.root_hash.hex()


async def test_entries_page_by_cursor_and_hash_to_the_signed_root(world) -> None:  # type: ignore[no-untyped-def]
    client = world[None]
    checkpoint = Checkpoint.parse(
        (await client.get(f"/log/{SCOPE}/checkpoint")).text.split("\n\n")[0].encode() + b"\n"
    )
    leaves, cursor = [], None
    while True:
        params: dict[str, str | int] = {"limit": 128} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"/api/ledger/scopes/{SCOPE}/entries", params=params)).json()
        for item in page["items"]:
            body = item["entry"].encode()
            assert leaf_hash(body).hex() == item["leaf_hash"] and item["index"] == len(leaves)
            assert Entry.decode(body).type == item["type"]
            leaves.append(leaf_hash(body))
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(leaves) == 300 and root_from_leaf_hashes(leaves) == checkpoint.root_hash
    ranged = (await client.get(f"/api/ledger/scopes/{SCOPE}/entries", params={"start": 298})).json()
    assert [i["index"] for i in ranged["items"]] == [298, 299] and ranged["next_cursor"] is None
    bad = await client.get(f"/api/ledger/scopes/{SCOPE}/entries", params={"limit": 0})
    assert bad.status_code == 400


async def test_inclusion_proofs_by_index_or_leaf_hash_come_with_their_checkpoint(world, rt: Runtime) -> None:  # type: ignore[no-untyped-def]
    client = world[None]
    key = _log_key((await client.get("/api/ledger/keys")).json())
    by_index = (await client.get(f"/api/ledger/scopes/{SCOPE}/proofs/inclusion", params={"index": 77})).json()
    checkpoint = open_checkpoint(by_index["checkpoint"], origin=ORIGIN, log_key=key).checkpoint
    assert by_index["tree_size"] == checkpoint.size == 300
    proof = [bytes.fromhex(h) for h in by_index["hashes"]]
    assert verify_inclusion(bytes.fromhex(by_index["leaf_hash"]), 77, 300, proof, checkpoint.root_hash)
    by_leaf = (
        await client.get(
            f"/api/ledger/scopes/{SCOPE}/proofs/inclusion", params={"leaf_hash": by_index["leaf_hash"]}
        )
    ).json()
    assert by_leaf == by_index
    # The log grows; a proof against the older, stored checkpoint is still served for that size.
    async with write_transaction():
        await append_many(SCOPE, [Record(EventType.UNIT_CREATED, "account:1", {})], at=rt.clock.now())
    old = (
        await client.get(f"/api/ledger/scopes/{SCOPE}/proofs/inclusion", params={"index": 77, "size": 300})
    ).json()
    assert old == by_index
    latest = (await client.get(f"/api/ledger/scopes/{SCOPE}/proofs/inclusion", params={"index": 300})).json()
    assert latest["tree_size"] == 301
    refused = {
        "no stored checkpoint of that size": ({"index": 1, "size": 200}, 404),
        "both index and leaf": ({"index": 1, "leaf_hash": "00" * 32}, 400),
        "neither": ({}, 400),
        "malformed leaf": ({"leaf_hash": "XYZ"}, 400),
        "unknown leaf": ({"leaf_hash": "00" * 32}, 404),
        "index beyond": ({"index": 301}, 404),
        "index beyond that checkpoint": ({"index": 300, "size": 300}, 404),
        "not a number": ({"index": "x"}, 400),
    }
    for why, (params, status) in refused.items():
        response = await client.get(f"/api/ledger/scopes/{SCOPE}/proofs/inclusion", params=params)
        assert response.status_code == status, why
        assert response.headers["content-type"] == "application/problem+json", why


async def test_consistency_proofs_link_checkpoints(world, rt: Runtime) -> None:  # type: ignore[no-untyped-def]
    client = world[None]
    key = _log_key((await client.get("/api/ledger/keys")).json())
    first = open_checkpoint((await client.get(f"/log/{SCOPE}/checkpoint")).text, origin=ORIGIN, log_key=key)
    async with write_transaction():
        await append_many(
            SCOPE,
            [Record(EventType.UNIT_CREATED, "account:2", {"k": k}) for k in range(5)],
            at=rt.clock.now(),
        )
    answer = (
        await client.get(f"/api/ledger/scopes/{SCOPE}/proofs/consistency", params={"old_size": 300})
    ).json()
    second = open_checkpoint(answer["checkpoint"], origin=ORIGIN, log_key=key).checkpoint
    assert (answer["old_size"], answer["new_size"]) == (300, second.size) == (300, 305)
    proof = [bytes.fromhex(h) for h in answer["hashes"]]
    assert verify_consistency(300, 305, first.checkpoint.root_hash, second.root_hash, proof)
    listed = (await client.get(f"/api/ledger/scopes/{SCOPE}/checkpoints", params={"limit": 1})).json()
    assert [c["size"] for c in listed["items"]] == [300] and listed["next_cursor"]
    rest = (
        await client.get(f"/api/ledger/scopes/{SCOPE}/checkpoints", params={"cursor": listed["next_cursor"]})
    ).json()
    assert [c["size"] for c in rest["items"]] == [305] and rest["next_cursor"] is None
    exact = await client.get(f"/api/ledger/scopes/{SCOPE}/checkpoints/300")
    assert exact.text == listed["items"][0]["note"]
    for params in ({"old_size": 306}, {"old_size": 2, "new_size": 1}, {"old_size": -1}):
        response = await client.get(f"/api/ledger/scopes/{SCOPE}/proofs/consistency", params=params)
        assert response.status_code in (400, 404), params


async def test_tiles_are_c2sp_resources_with_long_lived_caching(world, rt: Runtime) -> None:  # type: ignore[no-untyped-def]
    client = world[None]
    assert (await client.get(f"/log/{SCOPE}/tile/0/000")).status_code == 404  # no checkpoint yet
    await client.get(f"/log/{SCOPE}/checkpoint")
    entries = (await client.get(f"/api/ledger/scopes/{SCOPE}/entries", params={"limit": 500})).json()["items"]
    full = await client.get(f"/log/{SCOPE}/tile/0/000")
    assert full.status_code == 200 and full.headers["content-type"] == "application/data"
    assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert [h.hex() for h in decode_tile(full.content)] == [e["leaf_hash"] for e in entries[:256]]
    partial = await client.get(f"/log/{SCOPE}/tile/0/001.p/44")
    assert partial.headers["cache-control"] == "public, max-age=86400"
    assert [h.hex() for h in decode_tile(partial.content, 44)] == [e["leaf_hash"] for e in entries[256:]]
    assert len((await client.get(f"/log/{SCOPE}/tile/1/000.p/1")).content) == 32
    bundle = await client.get(f"/log/{SCOPE}/tile/entries/000", headers={"Accept-Encoding": "gzip"})
    assert bundle.headers["content-encoding"] == "gzip" and bundle.headers["vary"] == "Accept-Encoding"
    assert [e.decode() for e in decode_entry_bundle(bundle.content)] == [e["entry"] for e in entries[:256]]
    plain = await client.get(f"/log/{SCOPE}/tile/entries/001.p/44", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert len(decode_entry_bundle(plain.content)) == 44
    for path, status in {
        "tile/0/001.p/45": 404,  # wider than any checkpoint covers
        "tile/0/002": 404,
        "tile/entries/001": 404,
        "tile/0/1": 400,  # not the canonical spelling
        "tile/0/001.p/256": 400,
        "tile/x/000": 400,
    }.items():
        assert (await client.get(f"/log/{SCOPE}/{path}")).status_code == status, path


async def test_internal_logs_exist_for_auditors_only(world) -> None:  # type: ignore[no-untyped-def]
    await world[Role.AUDITOR].get(f"/log/{ORG}/checkpoint")  # sign one, so tiles exist
    paths = [
        f"/api/ledger/scopes/{ORG}",
        f"/api/ledger/scopes/{ORG}/checkpoint",
        f"/api/ledger/scopes/{ORG}/checkpoints",
        f"/api/ledger/scopes/{ORG}/entries",
        f"/api/ledger/scopes/{ORG}/proofs/inclusion?index=0",
        f"/api/ledger/scopes/{ORG}/proofs/consistency?old_size=1",
        f"/log/{ORG}/checkpoint",
        f"/log/{ORG}/tile/0/000.p/1",
    ]
    auditor = world[Role.AUDITOR]
    for path in paths:
        allowed = await auditor.get(path)
        assert allowed.status_code == 200, path
        if "/log/" in path or path.endswith("checkpoint"):
            assert allowed.headers["cache-control"].startswith("private"), path
        for role in NOT_AUDITORS:
            denied = await world[role].get(path)
            assert denied.status_code == 404, (path, role)
            assert denied.json()["type"] == "urn:yide:problem:ledger-scope-not-found"
    assert ORG in [s["name"] for s in (await auditor.get("/api/ledger/scopes")).json()]
    for garbage in ("Bearer garbage", "Bearer eyJhbGciOiJub25lIn0.e30."):  # forged tokens are anonymous
        response = await world[None].get(f"/api/ledger/scopes/{ORG}", headers={"Authorization": garbage})
        assert response.status_code == 404
    for role in NOT_AUDITORS:
        assert ORG not in [s["name"] for s in (await world[role].get("/api/ledger/scopes")).json()]


async def test_witness_keys_and_cosignatures(world, rt: Runtime) -> None:  # type: ignore[no-untyped-def]
    organizer, auditor = world[Role.ORGANIZER], world[Role.AUDITOR]
    witness = Ed25519Signer.from_seed(b"w" * 32)
    vkey = VerifierKey.cosigner("jijian.example/witness", witness.public_key).encode()
    added = await organizer.post("/api/ledger/witnesses", json={"vkey": vkey})
    assert added.status_code == 201 and added.json()["vkey"] == vkey
    assert (await organizer.post("/api/ledger/witnesses", json={"vkey": vkey})).status_code == 201
    rekeyed = VerifierKey.cosigner("jijian.example/witness", Ed25519Signer.generate().public_key).encode()
    assert (await organizer.post("/api/ledger/witnesses", json={"vkey": rekeyed})).status_code == 409
    note_key = VerifierKey.ed25519("someone", witness.public_key).encode()
    assert (await organizer.post("/api/ledger/witnesses", json={"vkey": note_key})).status_code == 400
    assert (
        await organizer.post("/api/ledger/witnesses", json={"vkey": "not a key at all"})
    ).status_code == 400
    keys = (await auditor.get("/api/ledger/keys")).json()
    assert [w["vkey"] for w in keys["witnesses"]] == [vkey]
    org_entries = (await auditor.get(f"/api/ledger/scopes/{ORG}/entries", params={"limit": 500})).json()
    assert org_entries["items"][-1]["type"] == "ledger:witness:added"

    text = (await auditor.get(f"/log/{SCOPE}/checkpoint")).text
    checkpoint = Checkpoint.parse(text.split("\n\n")[0].encode() + b"\n")
    now = int(rt.clock.now().timestamp())
    line = cosign(checkpoint, witness, "jijian.example/witness", now).line()
    stored = await auditor.post(
        f"/api/ledger/scopes/{SCOPE}/cosignatures", json={"size": 300, "signature": line}
    )
    assert stored.status_code == 201 and stored.json()["note"] == text + line
    served = (await world[None].get(f"/log/{SCOPE}/checkpoint")).text
    verified = open_checkpoint(
        served, origin=ORIGIN, log_key=_log_key(keys), witnesses=[VerifierKey.parse(vkey)]
    )
    assert verified.cosigned_at == {"jijian.example/witness": now}
    newer = cosign(checkpoint, witness, "jijian.example/witness", now + 1).line()
    await auditor.post(f"/api/ledger/scopes/{SCOPE}/cosignatures", json={"size": 300, "signature": newer})
    assert (await world[None].get(f"/log/{SCOPE}/checkpoint")).text == text + newer  # replaced, not added

    stranger = cosign(checkpoint, Ed25519Signer.generate(), "stranger.example", now).line()
    forged = cosign(Checkpoint(checkpoint.origin, 300, b"\x01" * 32), witness, "jijian.example/witness", now)
    future = cosign(checkpoint, witness, "jijian.example/witness", now + 3600).line()
    for why, body, status, code in [
        ("unregistered", {"size": 300, "signature": stranger}, 400, "unknown-witness"),
        ("other root", {"size": 300, "signature": forged.line()}, 400, "invalid-cosignature"),
        ("future", {"size": 300, "signature": future}, 400, "invalid-cosignature"),
        ("no such checkpoint", {"size": 299, "signature": line}, 404, "beyond-tree-size"),
        ("garbage", {"size": 300, "signature": "— jijian.example/witness !!!"}, 400, "malformed-note"),
        ("not a line", {"size": 300, "signature": "hello world, a long string"}, 400, "malformed-note"),
        ("unknown field", {"size": 300, "signature": line, "x": 1}, 400, "validation-failed"),
    ]:
        response = await auditor.post(f"/api/ledger/scopes/{SCOPE}/cosignatures", json=body)
        assert (response.status_code, response.json()["type"]) == (status, f"urn:yide:problem:{code}"), why
    staff = await world[Role.STAFF].post(
        f"/api/ledger/scopes/{SCOPE}/cosignatures", json={"size": 300, "signature": line}
    )
    assert staff.status_code == 403
    assert (await world[None].post("/api/ledger/witnesses", json={"vkey": vkey})).status_code == 401


async def test_unknown_scopes_are_not_found(world) -> None:  # type: ignore[no-untyped-def]
    paths = ("/api/ledger/scopes/campaign-404", "/log/campaign-404/checkpoint", "/log/NOT_A_NAME/checkpoint")
    for path in paths:
        response = await world[None].get(path)
        assert response.status_code == 404, path


@pytest.fixture(scope="module")
async def grown_log(app, rt: Runtime, database: None) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """One public log of 97 entries with a stored checkpoint at every size."""
    await reset_database(at=rt.clock.now())
    async with write_transaction():
        await open_scope(SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())
    await checkpoint_now(rt, SCOPE)
    for n in range(96):
        async with write_transaction():
            await append_many(SCOPE, [Record(EventType.UNIT_CREATED, "a", {"n": n})], at=rt.clock.now())
        await checkpoint_now(rt, SCOPE)
    client = signed_in(app, "anonymous")
    yield client
    await client.aclose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_served_proofs_verify_for_random_sizes(
    grown_log: httpx.AsyncClient, data: st.DataObject
) -> None:
    size = data.draw(st.integers(1, 97), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    old = data.draw(st.integers(0, size), label="old_size")
    keys = (await grown_log.get("/api/ledger/keys")).json()
    key = _log_key(keys)
    inclusion = (
        await grown_log.get(
            f"/api/ledger/scopes/{SCOPE}/proofs/inclusion", params={"index": index, "size": size}
        )
    ).json()
    signed = open_checkpoint(inclusion["checkpoint"], origin=ORIGIN, log_key=key).checkpoint
    assert signed.size == inclusion["tree_size"] == size
    hashes = [bytes.fromhex(h) for h in inclusion["hashes"]]
    assert verify_inclusion(bytes.fromhex(inclusion["leaf_hash"]), index, size, hashes, signed.root_hash)
    consistency = (
        await grown_log.get(
            f"/api/ledger/scopes/{SCOPE}/proofs/consistency", params={"old_size": old, "new_size": size}
        )
    ).json()
    old_note = (await grown_log.get(f"/api/ledger/scopes/{SCOPE}/checkpoints/{old}")).text if old else None
    old_root = (
        open_checkpoint(old_note, origin=ORIGIN, log_key=key).checkpoint.root_hash
        if old_note
        else root_from_leaf_hashes([])
    )
    proof = [bytes.fromhex(h) for h in consistency["hashes"]]
    assert verify_consistency(old, size, old_root, signed.root_hash, proof)


async def test_numbers_beyond_64_bits_are_bad_requests(world) -> None:  # type: ignore[no-untyped-def]
    big = str(2**63)
    huge_cursor = "aWQ6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ"  # "id:9999999999999999999999"
    for path, code in [
        (f"/api/ledger/scopes/{SCOPE}/proofs/inclusion?index={big}", "validation-failed"),
        (f"/api/ledger/scopes/{SCOPE}/proofs/inclusion?index=0&size={big}", "validation-failed"),
        (f"/api/ledger/scopes/{SCOPE}/proofs/consistency?old_size={big}", "validation-failed"),
        (f"/api/ledger/scopes/{SCOPE}/checkpoints/{big}", "validation-failed"),
        (f"/api/ledger/scopes/{SCOPE}/entries?start={big}", "validation-failed"),
        (f"/api/ledger/scopes/{SCOPE}/entries?limit=501", "validation-failed"),
        (f"/api/ledger/scopes/{SCOPE}/checkpoints?cursor={huge_cursor}", "invalid-input"),
        (f"/api/ledger/scopes/{SCOPE}/entries?cursor={huge_cursor}", "invalid-input"),
    ]:
        response = await world[None].get(path)
        assert (response.status_code, response.json()["type"]) == (400, f"urn:yide:problem:{code}"), path
