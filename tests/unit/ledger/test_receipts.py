"""Receipts: signed by the log, strict to parse, and checkable against a later checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.clock import FixedClock
from workflow.errors import InvalidInput
from workflow.ids import ScopeName
from workflow.keystore import MemoryKeyStore
from workflow.ledger.merkle import CompactRange, assemble, inclusion_proof_nodes, leaf_hash
from workflow.ledger.note import Checkpoint, InvalidNoteSignature, UnverifiedNote, VerifierKey
from workflow.ledger.receipts import Receipt, receipt, receipt_included, verify_receipt
from workflow.ledger.service import Appended
from workflow.runtime import Runtime
from workflow.settings import load_settings
from workflow.signing import Ed25519Signer

ORIGIN = "test.yide.local/campaign-3"


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("YIDE_LOG_NAME", "test.yide.local")
    from datetime import UTC, datetime

    return Runtime(load_settings(), MemoryKeyStore(), FixedClock(datetime(2026, 1, 1, tzinfo=UTC)))


def _appended(index: int, body: bytes) -> Appended:
    return Appended(ScopeName("campaign-3"), index, leaf_hash(body), body, "2026-01-01T08:00:00.000Z")


def test_a_receipt_states_origin_index_tracking_code_and_time(runtime: Runtime) -> None:
    text = receipt(runtime, _appended(7, b"ballot seven"))
    body = text.split("\n\n")[0] + "\n"
    assert body == (
        "yide/receipt/v1\n"
        f"origin {ORIGIN}\n"
        "index 7\n"
        f"leaf {leaf_hash(b'ballot seven').hex()}\n"
        "time 2026-01-01T08:00:00.000Z\n"
    )
    key = VerifierKey.ed25519(ORIGIN, runtime.keys.log_signer().public_key)
    checked = verify_receipt(text, [key])
    assert checked.index == 7 and checked.tracking_code == leaf_hash(b"ballot seven").hex()


def test_receipts_from_a_retired_key_still_verify(runtime: Runtime) -> None:
    old_text = receipt(runtime, _appended(1, b"x"))
    runtime.keys.rotate_log_key("k2")
    keys = [VerifierKey.ed25519(ORIGIN, k.public_key) for k in runtime.keys.log_keys()]
    assert verify_receipt(old_text, keys).index == 1
    assert verify_receipt(receipt(runtime, _appended(2, b"y")), keys).index == 2


def test_forged_or_foreign_receipts_are_refused(runtime: Runtime) -> None:
    text = receipt(runtime, _appended(3, b"z"))
    key = VerifierKey.ed25519(ORIGIN, runtime.keys.log_signer().public_key)
    with pytest.raises(InvalidNoteSignature):
        verify_receipt(text.replace("index 3", "index 4"), [key])
    stranger = VerifierKey.ed25519(ORIGIN, Ed25519Signer.generate().public_key)
    with pytest.raises(UnverifiedNote):
        verify_receipt(text, [stranger])
    other_log = VerifierKey.ed25519("test.yide.local/campaign-4", runtime.keys.log_signer().public_key)
    with pytest.raises(UnverifiedNote):
        verify_receipt(text, [other_log])


@pytest.mark.parametrize(
    "body",
    [
        b"yide/receipt/v2\norigin a/b\nindex 1\nleaf " + b"0" * 64 + b"\ntime 2026-01-01T08:00:00.000Z\n",
        b"yide/receipt/v1\norigin a/b\nindex 01\nleaf " + b"0" * 64 + b"\ntime 2026-01-01T08:00:00.000Z\n",
        b"yide/receipt/v1\norigin a/b\nindex 1\nleaf " + b"A" * 64 + b"\ntime 2026-01-01T08:00:00.000Z\n",
        b"yide/receipt/v1\norigin a/b\nindex 1\nleaf " + b"0" * 64 + b"\ntime 2026-01-01 08:00\n",
        b"yide/receipt/v1\nindex 1\norigin a/b\nleaf " + b"0" * 64 + b"\ntime 2026-01-01T08:00:00.000Z\n",
        b"yide/receipt/v1\norigin a/b\nindex 1\nleaf " + b"0" * 64 + b"\ntime 2026-01-01T08:00:00.000Z",
        b"yide/receipt/v1\norigin a b\nindex 1\nleaf " + b"0" * 64 + b"\ntime 2026-01-01T08:00:00.000Z\n",
    ],
)
def test_receipt_text_has_one_spelling(body: bytes) -> None:
    with pytest.raises(InvalidInput):
        Receipt.parse(body)


def test_an_inclusion_proof_against_a_later_checkpoint_confirms_the_receipt() -> None:
    entries = [f"entry {i}".encode() for i in range(11)]
    tree = CompactRange()
    nodes: dict[tuple[int, int], bytes] = {}
    for entry in entries:
        for level, index, value in tree.append(leaf_hash(entry)):
            nodes[(level, index)] = value
    later = Checkpoint(ORIGIN, 11, tree.root())
    stated = Receipt(ORIGIN, 6, leaf_hash(entries[6]), "2026-01-01T08:00:00.000Z")
    proof = assemble(inclusion_proof_nodes(6, 11), nodes)
    assert receipt_included(stated, proof, later)
    assert not receipt_included(Receipt(ORIGIN, 6, leaf_hash(b"other"), stated.time), proof, later)
    assert not receipt_included(stated, proof, Checkpoint("elsewhere/log", 11, tree.root()))
    assert not receipt_included(Receipt(ORIGIN, 11, stated.leaf_hash, stated.time), proof, later)
