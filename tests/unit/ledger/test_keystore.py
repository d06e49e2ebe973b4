"""Log keys on disk: created once with mode 0600, rotated under new labels, never forgotten."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from workflow.errors import Conflict, InvalidInput
from workflow.keystore import FileKeyStore, MemoryKeyStore


def test_first_use_creates_one_private_key_0600_and_publishes_its_public_half(tmp_path: Path) -> None:
    keys = FileKeyStore(tmp_path)
    signer = keys.log_signer()
    pem = tmp_path / "log" / "k1.pem"
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    assert (tmp_path / "log" / "active").read_text() == "k1\n"
    [published] = keys.log_keys()
    assert published.label == "k1" and published.active and published.public_key == signer.public_key
    # A second worker reading the same directory signs with the same key.
    assert FileKeyStore(tmp_path).log_signer().public_key == signer.public_key


def test_rotation_switches_every_reader_and_keeps_old_keys_published(tmp_path: Path) -> None:
    worker = FileKeyStore(tmp_path)
    old = worker.log_signer()
    new = FileKeyStore(tmp_path).rotate_log_key("k2")
    assert worker.log_signer().public_key == new.public_key  # no restart needed
    listed = {k.label: k for k in worker.log_keys()}
    assert listed["k1"].public_key == old.public_key and not listed["k1"].active
    assert listed["k2"].active
    # The retired private key may be deleted; its public half stays published.
    (tmp_path / "log" / "k1.pem").unlink()
    assert {k.label for k in FileKeyStore(tmp_path).log_keys()} == {"k1", "k2"}
    with pytest.raises(Conflict):
        worker.rotate_log_key("k1")
    with pytest.raises(InvalidInput):
        worker.rotate_log_key("Bad Label")


def test_memory_store_rotates_too() -> None:
    keys = MemoryKeyStore()
    first = keys.log_signer()
    keys.rotate_log_key("k2")
    assert keys.log_signer().public_key != first.public_key
    assert [(k.label, k.active) for k in keys.log_keys()] == [("k1", False), ("k2", True)]
    with pytest.raises(Conflict):
        keys.rotate_log_key("k2")
