"""Exported bundles verify, stream in bounded chunks, and download for auditors only."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.support.cli import yide
from tests.support.factories import login, make_account, signed_in
from workflow.accounts.roles import Role
from workflow.db import write_transaction
from workflow.ids import ScopeName
from workflow.ledger import bundle
from workflow.ledger.bundle import bundle_chunks, plan_bundle
from workflow.ledger.checkpoints import checkpoint_now, log_verifier_keys
from workflow.ledger.events import EventType
from workflow.ledger.note import Checkpoint, VerifierKey, cosign, parse_note
from workflow.ledger.scopes import ORG, Visibility
from workflow.ledger.service import Record, append_many, open_scope
from workflow.ledger.store import scope_head
from workflow.ledger.verifier import Status, verify_bundle
from workflow.ledger.witnesses import add_witness_key, submit_cosignature
from workflow.runtime import Runtime
from workflow.signing import Ed25519Signer, sha256

pytestmark = pytest.mark.usefixtures("clean_db")
SCOPE = ScopeName("campaign-3")
WITNESS = Ed25519Signer.from_seed(b"j" * 32)


async def _log(rt: Runtime, rounds: int = 3, per_round: int = 40) -> None:
    async with write_transaction():
        await open_scope(SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())
    for r in range(rounds):
        records = [
            Record(
                EventType.UNIT_CREATED,
                f"account:{n % 4}",
                {"n": n, "digest": sha256(b"%d/%d" % (r, n)).hex()},
            )
            for n in range(per_round)
        ]
        async with write_transaction():
            await append_many(SCOPE, records, at=rt.clock.now())
        await checkpoint_now(rt, SCOPE)


async def _export(rt: Runtime, name: str, path: Path) -> list[bytes]:
    plan = await plan_bundle(rt, await scope_head(name))
    chunks = [chunk async for chunk in bundle_chunks(rt, plan)]
    path.write_bytes(b"".join(chunks))  # noqa: ASYNC240 - a test writing a small file
    return chunks


async def test_an_exported_bundle_with_a_witness_verifies(rt: Runtime, tmp_path: Path) -> None:
    await _log(rt)
    witness = VerifierKey.cosigner("jijian.example/witness", WITNESS.public_key)
    await add_witness_key(rt, witness.encode(), actor="account:9")
    head = await scope_head(SCOPE)
    latest = await checkpoint_now(rt, SCOPE)
    signed = Checkpoint.parse(parse_note(latest.note).body)
    line = cosign(signed, WITNESS, witness.name, int(rt.clock.now().timestamp())).line()
    await submit_cosignature(rt, head, latest.size, line)
    path = tmp_path / "campaign.zip"
    await _export(rt, SCOPE, path)
    [log_key] = log_verifier_keys(rt, SCOPE)
    report = verify_bundle(path, log_keys=[log_key.encode()], checkpoint=latest.text())
    assert report.ok, report.as_json()
    assert report.entries == 121 and report.checkpoints == 3
    assert report.result("A5.1").status is Status.PASS
    assert "jijian.example/witness" in report.result("A5.1").notes[0]
    archive = zipfile.ZipFile(path)
    keys = json.loads(archive.read("keys.json"))
    assert keys["witnesses"] == [{"name": witness.name, "vkey": witness.encode()}]
    html = archive.read("report.html").decode()
    assert "新建单位" in html and "121" in html and "jijian.example/witness" in html


async def test_the_internal_org_log_exports_and_verifies(rt: Runtime, tmp_path: Path) -> None:
    await checkpoint_now(rt, ORG)
    path = tmp_path / "org.zip"
    await _export(rt, ORG, path)
    report = verify_bundle(path)
    assert report.ok and report.scope == ORG
    assert json.loads(zipfile.ZipFile(path).read("manifest.json"))["visibility"] == "internal"


async def test_export_streams_in_chunks_that_do_not_grow_with_the_log(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle, "BATCH", 50)
    await _log(rt, rounds=2, per_round=1000)
    chunks = await _export(rt, SCOPE, tmp_path / "b.zip")
    total = sum(map(len, chunks))
    assert len(chunks) == 2001 // 50 + 1 + 2  # one per batch of entries, checkpoints, and the rest
    assert len([c for c in chunks if c]) >= 4  # compressed output leaves as it is produced
    assert max(map(len, chunks)) < total / 3
    assert verify_bundle(tmp_path / "b.zip").ok


async def test_entries_appended_during_an_export_belong_to_the_next_one(rt: Runtime, tmp_path: Path) -> None:
    await _log(rt, rounds=1)
    plan = await plan_bundle(rt, await scope_head(SCOPE))
    async with write_transaction():
        await append_many(
            SCOPE, [Record(EventType.UNIT_CREATED, "account:1", {"late": 1})], at=rt.clock.now()
        )
    data = b"".join([chunk async for chunk in bundle_chunks(rt, plan)])
    (tmp_path / "b.zip").write_bytes(data)
    report = verify_bundle(tmp_path / "b.zip")
    assert report.ok and report.entries == plan.checkpoint.size == 41


async def test_auditors_download_bundles(app, rt: Runtime) -> None:  # type: ignore[no-untyped-def]
    await _log(rt, rounds=1)
    await make_account(rt, "bundle-auditor", Role.AUDITOR)
    await make_account(rt, "bundle-organizer", Role.ORGANIZER)
    async with signed_in(app, "a") as auditor, signed_in(app, "o") as organizer:
        await login(auditor, "bundle-auditor")
        await login(organizer, "bundle-organizer")
        response = await auditor.get(f"/api/ledger/scopes/{SCOPE}/bundle")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/zip"
        assert response.headers["content-disposition"] == f'attachment; filename="{SCOPE}-41.zip"'
        assert response.headers["cache-control"] == "private, no-store"
        assert (
            json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json"))["tree_size"] == 41
        )
        assert (await auditor.get(f"/api/ledger/scopes/{ORG}/bundle")).status_code == 200
        assert (await auditor.get("/api/ledger/scopes/campaign-404/bundle")).status_code == 404
        denied = await organizer.get(f"/api/ledger/scopes/{SCOPE}/bundle")
        assert denied.status_code == 403 and denied.json()["type"] == "urn:yide:problem:role-required"


def test_yide_export_then_verify(tmp_path: Path) -> None:
    assert yide(tmp_path, "migrate").returncode == 0
    out = tmp_path / "org.zip"
    exported = yide(tmp_path, "export", "--scope", "org", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith(f"wrote {out}: yide.local/org, 1 entries, sha256 ")
    assert not (tmp_path / "org.zip.part").exists()
    verified = yide(tmp_path, "verify", str(out))
    assert verified.returncode == 0 and "verified: every check passed" in verified.stdout
    missing = yide(tmp_path, "export", "--scope", "campaign-404", "--out", str(tmp_path / "x.zip"))
    assert missing.returncode == 1 and "no ledger scope 'campaign-404'" in missing.stderr
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "x.zip.part").exists()
