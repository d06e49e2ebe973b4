"""The committed bundle vectors match the generator, and the verifier names the right check for each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import yide
from tests.vectors.generate_bundle_vectors import (
    EXPECTED,
    EXTERNAL_EXPECTED,
    OUT,
    PINNED_EXPECTED,
    build,
    log_vkey,
    members,
)
from workflow.ledger.verifier import Status, verify_bundle


def test_committed_vectors_are_what_the_generator_makes() -> None:
    for name, data in build().items():
        committed = (OUT / name).read_bytes()
        if name.endswith(".zip"):
            assert members(committed) == members(data), f"{name} is stale: run generate_bundle_vectors"
        else:
            assert committed == data, f"{name} is stale: run python -m tests.vectors.generate_bundle_vectors"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_vector_fails_exactly_its_checks(name: str) -> None:
    expected, _ = EXPECTED[name]
    report = verify_bundle(OUT / name)
    assert set(report.failed()) == expected
    assert report.ok == (not expected)
    for check_id in expected:
        assert report.result(check_id).first is not None


def test_pinning_the_real_log_key_catches_a_log_re_signed_by_someone_else() -> None:
    for name, expected in PINNED_EXPECTED.items():
        report = verify_bundle(OUT / name, log_keys=[log_vkey().encode()])
        assert set(report.failed()) == expected
    assert verify_bundle(OUT / "good.zip", log_keys=[log_vkey().encode()]).ok


@pytest.mark.parametrize("name", sorted(EXTERNAL_EXPECTED))
def test_external_checkpoints_are_checked_against_the_bundle(name: str) -> None:
    report = verify_bundle(OUT / "good.zip", checkpoint=(OUT / name).read_bytes())
    assert set(report.failed()) == EXTERNAL_EXPECTED[name]
    assert report.result("A5.2").status is not Status.SKIP


def test_yide_verify_prints_each_check_and_exits_non_zero_on_failure(tmp_path: Path) -> None:
    good = yide(tmp_path, "verify", str(OUT / "good.zip"))
    assert good.returncode == 0, good.stderr
    assert "PASS  A4" in good.stdout and "verified: every check passed" in good.stdout
    dropped = yide(tmp_path, "verify", str(OUT / "entry-dropped.zip"))
    assert dropped.returncode == 1
    assert "FAIL  A2" in dropped.stdout and "FAILED: A2, A4" in dropped.stdout
    assert "first failure: entry 12: the entry at position 12 states index 13" in dropped.stdout
    as_json = yide(tmp_path, "verify", "--json", str(OUT / "checkpoint-forked.zip"))
    assert as_json.returncode == 1
    document = json.loads(as_json.stdout)
    assert document["ok"] is False and document["entries"] == 24
    [a4] = [c for c in document["checks"] if c["id"] == "A4"]
    assert a4["status"] == "fail" and "fork" in a4["first_failure"]["message"]
    pinned = yide(
        tmp_path,
        "verify",
        "--log-key",
        (OUT / "log.vkey").read_text().strip(),
        "--checkpoint",
        str(OUT / "checkpoint-20.txt"),
        str(OUT / "resigned-by-intruder.zip"),
    )
    assert pinned.returncode == 1 and "FAIL  A3" in pinned.stdout
    bad_key = yide(tmp_path, "verify", "--log-key", "nonsense", str(OUT / "good.zip"))
    assert bad_key.returncode == 1 and bad_key.stderr.startswith("error: ")
    assert "Traceback" not in bad_key.stderr
