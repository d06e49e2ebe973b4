"""The offline verifier on malformed bundles, and how domain checks plug into it."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.vectors.generate_bundle_vectors import (
    INTRUDER,
    LOG,
    ORIGIN,
    SCOPE,
    TIME,
    Contents,
    checkpoints_for,
    entry_bodies,
    good_contents,
    signed_checkpoint,
    write,
)
from workflow.errors import InvalidInput
from workflow.ledger.checks import BundleInfo, DomainCheck, Failure, per_entry, register, unregister
from workflow.ledger.entry import Entry
from workflow.ledger.note import VerifierKey
from workflow.ledger.verifier import Status, verify_bundle


def _save(tmp_path: Path, data: bytes, name: str = "b.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _rezip(bundle: bytes, change: dict[str, bytes | None]) -> bytes:
    """The same archive with files replaced, removed (None) or added, manifest untouched."""
    source = zipfile.ZipFile(io.BytesIO(bundle))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in change:
                data = change.pop(info.filename)
                if data is not None:
                    target.writestr(info.filename, data)
            else:
                target.writestr(info, source.read(info))
        for name, data in change.items():
            if data is not None:
                target.writestr(name, data)
    return out.getvalue()


def test_a_file_that_is_not_a_zip_fails_e4_and_skips_the_rest(tmp_path: Path) -> None:
    report = verify_bundle(_save(tmp_path, b"PK but not really"))
    assert report.failed() == ["E4"]
    assert all(r.status is Status.SKIP for r in report.results if r.id != "E4")


def test_missing_extra_and_unreadable_files_are_e4(tmp_path: Path) -> None:
    good = write(good_contents())
    extra = verify_bundle(_save(tmp_path, _rezip(good, {"notes.txt": b"hello"})))
    assert extra.failed() == ["E4"] and "notes.txt" in extra.result("E4").first.message  # type: ignore[union-attr]
    no_manifest = verify_bundle(_save(tmp_path, _rezip(good, {"manifest.json": None})))
    assert "E4" in no_manifest.failed() and no_manifest.result("A4").status is Status.SKIP
    bad_manifest = verify_bundle(_save(tmp_path, _rezip(good, {"manifest.json": b"{not json"})))
    assert bad_manifest.failed() == ["E4"]
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(good)).read("manifest.json"))
    for field, value in [("format", "other/v9"), ("scope", "Bad Scope"), ("root", "00"), ("tree_size", -1)]:
        altered = json.dumps(manifest | {field: value}).encode()
        assert "E4" in verify_bundle(_save(tmp_path, _rezip(good, {"manifest.json": altered}))).failed(), (
            field
        )
    lying = json.dumps(manifest | {"tree_size": 23}).encode()
    assert verify_bundle(_save(tmp_path, _rezip(good, {"manifest.json": lying}))).failed() == ["E4"]


def test_keys_json_problems_are_a3(tmp_path: Path) -> None:
    good = write(good_contents())
    for keys in [b"[]", b'{"format": "yide-bundle-keys/v1", "origin": "elsewhere/x"}', b"x" * (1 << 21)]:
        report = verify_bundle(_save(tmp_path, write(replace(good_contents(), keys=keys))))
        assert "A3" in report.failed()
    missing = verify_bundle(_save(tmp_path, _rezip(good, {"keys.json": None})))
    assert {"E4", "A3"} <= set(missing.failed())


def test_pinned_keys_must_be_log_keys_of_this_origin(tmp_path: Path) -> None:
    path = _save(tmp_path, write(good_contents()))
    other_origin = VerifierKey.ed25519("elsewhere/campaign-1", LOG.public_key).encode()
    assert "A3" in verify_bundle(path, log_keys=[other_origin]).failed()
    unpublished = VerifierKey.ed25519(ORIGIN, INTRUDER.public_key).encode()
    assert "A3" in verify_bundle(path, log_keys=[unpublished]).failed()
    with pytest.raises(InvalidInput):
        verify_bundle(path, log_keys=["not-a-vkey"])


def test_checkpoint_records_out_of_order_malformed_or_beyond_the_entries(tmp_path: Path) -> None:
    contents = good_contents()
    shuffled = replace(contents, checkpoints=list(reversed(contents.checkpoints)))
    assert "A4" in verify_bundle(_save(tmp_path, write(shuffled))).failed()
    beyond = replace(contents, entries=contents.entries[:20], checkpoints=contents.checkpoints)
    report = verify_bundle(_save(tmp_path, write(beyond)))
    assert "A4" in report.failed() and "beyond" in report.result("A4").first.message  # type: ignore[union-attr]
    good = write(contents)
    lines = zipfile.ZipFile(io.BytesIO(good)).read("checkpoints.jsonl").split(b"\n")
    lines[1] = b'{"size": 8}'
    broken = verify_bundle(_save(tmp_path, _rezip(good, {"checkpoints.jsonl": b"\n".join(lines)})))
    assert "A3" in broken.failed()
    other = json.loads(lines[0])
    other["note"] = other["note"].replace(ORIGIN, "elsewhere/campaign-1", 1)
    lines[0] = json.dumps(other).encode()
    foreign = verify_bundle(_save(tmp_path, _rezip(good, {"checkpoints.jsonl": b"\n".join(lines)})))
    assert "A3" in foreign.failed()


def test_entry_problems(tmp_path: Path) -> None:
    entries = good_contents().entries
    no_newline = zipfile.ZipFile(io.BytesIO(write(good_contents()))).read("entries.jsonl")[:-1]
    report = verify_bundle(_save(tmp_path, _rezip(write(good_contents()), {"entries.jsonl": no_newline})))
    assert "A1.1" in report.failed()

    def relog(bodies: list[bytes]) -> Path:
        return _save(tmp_path, write(Contents(bodies, checkpoints_for(bodies), good_contents().keys)))

    foreign = Entry("campaign-2", 3, "org:unit:created", "account:1", TIME, {}).encode()
    assert "A1.1" in verify_bundle(relog([*entries[:3], foreign, *entries[4:]])).failed()
    anonymous = Entry(SCOPE, 3, "org:unit:created", "", TIME, {}).encode()
    assert verify_bundle(relog([*entries[:3], anonymous, *entries[4:]])).failed() == ["A1.2"]
    no_opening = Entry(SCOPE, 0, "org:unit:created", "account:1", TIME, {}).encode()
    assert verify_bundle(relog([no_opening, *entries[1:]])).failed() == ["A2"]
    not_canonical = entries[2].replace(b'{"actor"', b'{ "actor"')
    assert "A1.1" in verify_bundle(relog([*entries[:2], not_canonical, *entries[3:]])).failed()


def test_an_empty_log_and_an_uncovered_tail(tmp_path: Path) -> None:
    empty = verify_bundle(_save(tmp_path, write(Contents([], [], good_contents().keys))))
    assert {"A2", "A3"} <= set(empty.failed())
    contents = good_contents()
    tail = verify_bundle(_save(tmp_path, write(replace(contents, checkpoints=contents.checkpoints[:3]))))
    assert tail.failed() == ["A3"] and tail.result("A3").first.index == 17  # type: ignore[union-attr]


def test_external_checkpoints_newer_or_unsigned(tmp_path: Path) -> None:
    path = _save(tmp_path, write(good_contents()))
    longer = entry_bodies(30)
    newer = signed_checkpoint(longer, 30).text()
    assert verify_bundle(path, checkpoint=newer).failed() == ["A5.2"]
    unsigned = signed_checkpoint(entry_bodies(), 20, signer=INTRUDER).text()
    assert verify_bundle(path, checkpoint=unsigned).failed() == ["A5.2"]
    assert verify_bundle(path, checkpoint="not a note").failed() == ["A5.2"]
    assert verify_bundle(path, checkpoint=signed_checkpoint(entry_bodies(), 24).text()).ok


class _CountPerActor:
    """A stateful domain check: no actor may act more than 7 times, and 5 must take part (a toy rule)."""

    def __init__(self, info: BundleInfo) -> None:
        assert info.kind == "campaign" and info.origin == ORIGIN
        self.seen: dict[str, int] = {}

    def feed(self, entry: Entry) -> Iterable[Failure]:
        self.seen[entry.actor] = self.seen.get(entry.actor, 0) + 1
        if self.seen[entry.actor] == 8:
            yield Failure(f"{entry.actor} acted an eighth time", entry.index)

    def finish(self) -> Iterable[Failure]:
        if len(self.seen) < 5:
            yield Failure(f"only {len(self.seen)} actors took part")


@pytest.fixture
def plugins() -> Iterator[list[str]]:
    registered: list[str] = []
    yield registered
    for check_id in registered:
        unregister(check_id)


def test_domain_checks_plug_in_per_scope_kind_and_event_type(tmp_path: Path, plugins: list[str]) -> None:
    path = _save(tmp_path, write(good_contents()))
    register(DomainCheck("C4", "at most 7 actions per actor", _CountPerActor, frozenset({"campaign"})))
    register(
        per_entry(
            "B2",
            "units have names",
            lambda e: ["a unit named 单位13"] if e.payload.get("name") == "单位13" else [],
            event_types=["org:unit:created"],
        )
    )
    register(per_entry("D9", "never runs here", lambda e: ["x"], scope_kinds=["ethics"]))
    plugins += ["C4", "B2", "D9"]
    report = verify_bundle(path)
    assert [r.id for r in report.results][-2:] == ["B2", "C4"]
    assert report.failed() == ["B2", "C4"]
    assert report.result("B2").first == Failure("a unit named 单位13", 13)
    # Entry i (1..23) is by account:(i % 3 + 1): accounts 2 and 3 act an eighth time at 22 and 23.
    c4 = report.result("C4")
    assert c4.failures == 3 and c4.first == Failure("account:2 acted an eighth time", 22)
    with pytest.raises(ValueError, match="taken"):
        register(per_entry("A4", "no", lambda e: []))
    with pytest.raises(ValueError, match="taken"):
        register(per_entry("C4", "again", lambda e: []))


def test_a_crashing_domain_check_fails_itself_only(tmp_path: Path, plugins: list[str]) -> None:
    def explode(entry: Entry) -> list[str]:
        raise KeyError("ballot")

    def cannot_start(info: BundleInfo) -> _CountPerActor:
        raise RuntimeError("no rules")

    register(per_entry("C1", "explodes", explode))
    register(DomainCheck("C2", "cannot start", cannot_start))
    plugins += ["C1", "C2"]
    report = verify_bundle(_save(tmp_path, write(good_contents())))
    assert report.failed() == ["C1", "C2"]
    assert "crashed: KeyError" in report.result("C1").first.message  # type: ignore[union-attr]


def test_progress_and_json(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    report = verify_bundle(_save(tmp_path, write(good_contents())), progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (24, 24)
    document = report.as_json()
    assert document["ok"] and document["entries"] == 24 and document["checkpoints"] == 4
    assert [c["id"] for c in document["checks"]] == ["E4", "A1.1", "A1.2", "A2", "A3", "A4", "A5.1", "A5.2"]
