"""Offline verification of an audit bundle: every numbered check in one streaming pass.

The verifier trusts nothing in the bundle but what it can recompute or check a signature on. It reads
``entries.jsonl`` once, line by line, feeding each leaf hash into a :class:`CompactRange` (O(log n)
memory), and reads ``checkpoints.jsonl`` alongside it in size order: when the entry count reaches a
checkpoint's size, the recomputed root must equal the signed one. So memory stays flat however large
the log, and every failure is reported with the first entry (or checkpoint) at fault.

Malformed input never raises: whatever is wrong becomes a failed check. The checks and how domain
checks plug in are described in :mod:`workflow.ledger.checks`; the bundle layout in
:mod:`workflow.ledger.bundle` and docs/audit-format.md.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import IO, Any

import msgspec

from workflow.errors import InvalidInput
from workflow.ledger.bundle import (
    BUNDLE_FORMAT,
    CHECKPOINTS,
    CONTENT_FILES,
    ENTRIES,
    KEYS,
    KEYS_FORMAT,
    MANIFEST,
)
from workflow.ledger.checks import CORE_CHECKS, BundleInfo, DomainCheck, EntryCheck, Failure, checks_for
from workflow.ledger.entry import ENTRY_DOMAIN, Entry
from workflow.ledger.events import EventType, is_registered
from workflow.ledger.merkle import CompactRange, leaf_hash
from workflow.ledger.note import (
    Checkpoint,
    InvalidNoteSignature,
    SignatureType,
    UnverifiedNote,
    VerifierKey,
    open_checkpoint,
    parse_note,
    verify_cosignature,
)
from workflow.ledger.scopes import SCOPE_NAME, Visibility, scope_kind

MAX_SMALL_FILE = 1 << 20
"""manifest.json and keys.json are small; anything larger is refused before parsing."""
MAX_LINE = 1 << 20
"""No entry or checkpoint record is anywhere near a mebibyte."""
PROGRESS_EVERY = 8192
_HEX64 = re.compile(r"[0-9a-f]{64}")


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 - a check status, not a password
    FAIL = "fail"
    SKIP = "skip"


@dataclass
class CheckResult:
    id: str
    title: str
    status: Status = Status.PASS
    failures: int = 0
    first: Failure | None = None
    notes: list[str] = field(default_factory=list)

    def fail(self, message: str, index: int | None = None) -> None:
        self.status = Status.FAIL
        self.failures += 1
        if self.first is None:
            self.first = Failure(message, index)

    def skip(self, why: str) -> None:
        if self.status is not Status.FAIL:
            self.status = Status.SKIP
            self.notes.append(why)

    def as_json(self) -> dict[str, Any]:
        first = None if self.first is None else {"message": self.first.message, "index": self.first.index}
        return {
            "id": self.id,
            "title": self.title,
            "status": str(self.status),
            "failures": self.failures,
            "first_failure": first,
            "notes": self.notes,
        }


@dataclass
class VerifyReport:
    bundle: str
    origin: str = ""
    scope: str = ""
    tree_size: int = 0
    entries: int = 0
    checkpoints: int = 0
    results: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.status is not Status.FAIL for r in self.results)

    def result(self, check_id: str) -> CheckResult:
        return next(r for r in self.results if r.id == check_id)

    def failed(self) -> list[str]:
        return [r.id for r in self.results if r.status is Status.FAIL]

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "bundle": self.bundle,
            "origin": self.origin,
            "scope": self.scope,
            "tree_size": self.tree_size,
            "entries": self.entries,
            "checkpoints": self.checkpoints,
            "checks": [r.as_json() for r in self.results],
        }


class _Unreadable(Exception):
    """A file that cannot be used at all; the message says why."""


class _Digest:
    def __init__(self) -> None:
        self.sha256 = hashlib.sha256()
        self.size = 0

    def update(self, data: bytes) -> None:
        self.sha256.update(data)
        self.size += len(data)


def _lines(member: IO[bytes], digest: _Digest) -> Iterator[tuple[bytes, bool]]:
    """(line without newline, whether a newline ended it); hashes everything read."""
    carry = b""
    while chunk := member.read(1 << 20):
        digest.update(chunk)
        parts = (carry + chunk).split(b"\n")
        carry = parts.pop()
        for line in parts:
            yield line, True
        if len(carry) > MAX_LINE:
            raise _Unreadable("a line is longer than 1 MiB")
    if carry:
        yield carry, False


def _small_json(zf: zipfile.ZipFile, name: str, digests: dict[str, _Digest]) -> Any:
    info = zf.getinfo(name)
    if info.file_size > MAX_SMALL_FILE:
        raise _Unreadable(f"{name} is larger than 1 MiB")
    data = zf.read(name)
    digest = _Digest()
    digest.update(data)
    digests[name] = digest
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Unreadable(f"{name} is not JSON: {exc}") from None


@dataclass(frozen=True)
class _Manifest:
    origin: str
    scope: str
    visibility: Visibility
    tree_size: int
    root: bytes
    files: dict[str, tuple[int, str]]


def _manifest(raw: Any) -> _Manifest:
    if not isinstance(raw, dict) or raw.get("format") != BUNDLE_FORMAT:
        raise _Unreadable(f"manifest.json is not a {BUNDLE_FORMAT} manifest")
    if raw.get("entry_format") != ENTRY_DOMAIN:
        raise _Unreadable(f"the entries are not {ENTRY_DOMAIN}")
    origin, scope, visibility = raw.get("origin"), raw.get("scope"), raw.get("visibility")
    tree_size, root, listed = raw.get("tree_size"), raw.get("root"), raw.get("files")
    if not (isinstance(scope, str) and SCOPE_NAME.match(scope)):
        raise _Unreadable("the manifest names no valid scope")
    if not (isinstance(origin, str) and origin.endswith("/" + scope)):
        raise _Unreadable("the manifest's origin is not <log name>/<scope>")
    if visibility not in {v.value for v in Visibility}:
        raise _Unreadable("the manifest's visibility is neither public nor internal")
    if not (isinstance(tree_size, int) and not isinstance(tree_size, bool) and tree_size >= 0):
        raise _Unreadable("the manifest's tree_size is not a non-negative integer")
    if not (isinstance(root, str) and _HEX64.fullmatch(root)):
        raise _Unreadable("the manifest's root is not 64 lowercase hex digits")
    files: dict[str, tuple[int, str]] = {}
    for item in listed if isinstance(listed, list) else [None]:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("path"), str)
            and isinstance(item.get("size"), int)
            and isinstance(item.get("sha256"), str)
            and _HEX64.fullmatch(item["sha256"])
        ):
            raise _Unreadable("the manifest's files are not {path, size, sha256} records")
        files[item["path"]] = (item["size"], item["sha256"])
    return _Manifest(origin, scope, Visibility(visibility), tree_size, bytes.fromhex(root), files)


def _published_keys(raw: Any, origin: str) -> tuple[list[VerifierKey], list[VerifierKey]]:
    if not isinstance(raw, dict) or raw.get("format") != KEYS_FORMAT or raw.get("origin") != origin:
        raise _Unreadable(f"keys.json is not a {KEYS_FORMAT} document for {origin}")
    log_keys, witnesses = [], []
    try:
        for item in raw.get("log_keys") or []:
            key = VerifierKey.parse(item["vkey"])
            if key.sig_type is not SignatureType.ED25519 or key.name != origin:
                raise _Unreadable(f"log key {item['vkey']} is not an Ed25519 note key named {origin}")
            log_keys.append(key)
        for item in raw.get("witnesses") or []:
            key = VerifierKey.parse(item["vkey"])
            if key.sig_type is not SignatureType.COSIGNATURE_V1:
                raise _Unreadable(f"witness key {item['vkey']} is not a cosignature/v1 key")
            witnesses.append(key)
    except (InvalidInput, KeyError, TypeError) as exc:
        raise _Unreadable(f"keys.json holds a malformed key: {exc}") from None
    if not log_keys:
        raise _Unreadable("keys.json publishes no log key")
    return log_keys, witnesses


def _parse_keys(vkeys: Sequence[str]) -> list[VerifierKey]:
    """Keys the auditor pins on the command line: a malformed one is a usage error, not a finding."""
    return [VerifierKey.parse(v.strip()) for v in vkeys] if vkeys else []


class _Run:
    """The state of one verification."""

    def __init__(self, path: Path, progress: Callable[[int, int], None] | None) -> None:
        self.path = path
        self.progress = progress
        self.report = VerifyReport(str(path))
        self.checks = {check_id: CheckResult(check_id, title) for check_id, title in CORE_CHECKS}
        self.report.results = list(self.checks.values())
        self.digests: dict[str, _Digest] = {}
        self.tree = CompactRange()
        self.log_keys: list[VerifierKey] = []
        self.witnesses: dict[str, VerifierKey] = {}
        self.cosigned: dict[str, int] = {}
        self.unknown_signers = 0
        self.signed_size = -1
        self.matched_size = 0
        self.previous: Checkpoint | None = None
        self.external: Checkpoint | None = None
        self.domain: list[tuple[DomainCheck, CheckResult, EntryCheck]] = []

    def check(self, check_id: str) -> CheckResult:
        return self.checks[check_id]

    def skip_all(self, why: str, *, but: Sequence[str] = ()) -> None:
        for result in self.report.results:
            if result.id not in but:
                result.skip(why)

    # --- checkpoints ------------------------------------------------------------------------

    def open_checkpoint(
        self, line: bytes, newline: bool, number: int, manifest: _Manifest
    ) -> Checkpoint | None:
        """Check one checkpoints.jsonl record's signatures (A3, A5.1); its signed head if usable."""
        a3 = self.check("A3")
        where = f"checkpoints.jsonl line {number}"
        try:
            record = msgspec.json.decode(line)
        except msgspec.DecodeError:
            record = None
        if not (
            newline
            and isinstance(record, dict)
            and set(record) == {"note", "root", "size"}
            and isinstance(record["note"], str)
        ):
            a3.fail(f"{where} is not a {{note, root, size}} record")
            return None
        try:
            parsed = parse_note(record["note"])
            signed = Checkpoint.parse(parsed.body)
        except InvalidInput as exc:
            a3.fail(f"{where}: {exc.detail}")
            return None
        label = f"checkpoint of size {signed.size}"
        if signed.origin != manifest.origin:
            a3.fail(f"{label} is for another log ({signed.origin})")
            return None
        keys = [
            k
            for k in self.log_keys
            if any(s.key_id == k.key_id and s.name == k.name for s in parsed.signatures)
        ]
        if not keys:
            a3.fail(f"{label} is not signed by a trusted log key")
            return None
        try:
            open_checkpoint(record["note"], origin=manifest.origin, log_key=keys[0])
        except (InvalidNoteSignature, UnverifiedNote):
            a3.fail(f"the log signature on the {label} does not verify")
            return None
        if record["size"] != signed.size or record["root"] != signed.root_hash.hex():
            a3.fail(f"{where} states size/root other than its signed note")
        for signature in parsed.signatures:
            if signature.name == manifest.origin:
                continue
            witness = self.witnesses.get(signature.name)
            if witness is None or witness.key_id != signature.key_id:
                self.unknown_signers += 1
            elif verify_cosignature(signed, signature, witness):
                self.cosigned[witness.name] = self.cosigned.get(witness.name, 0) + 1
            else:
                self.check("A5.1").fail(f"the cosignature by {witness.name} on the {label} does not verify")
        self.signed_size = max(self.signed_size, signed.size)
        return signed

    def order(self, signed: Checkpoint) -> None:
        """Checkpoints come in size order; two of one size must agree (else the log forked)."""
        previous, self.previous = self.previous, signed
        if previous is None:
            return
        if signed.size < previous.size:
            self.check("A4").fail(
                f"checkpoints.jsonl is not in size order ({signed.size} after {previous.size})"
            )
        elif signed.size == previous.size and signed.root_hash != previous.root_hash:
            self.check("A4").fail(f"fork: two signed checkpoints of size {signed.size} with different roots")

    def match(self, signed: Checkpoint, count: int, *, check_id: str = "A4") -> None:
        """The signed root of ``count`` entries equals the recomputed one."""
        if signed.root_hash == self.tree.root():
            if check_id == "A4":
                self.matched_size = count
            return
        what = (
            "the checkpoint given with --checkpoint" if check_id == "A5.2" else f"checkpoint of size {count}"
        )
        self.check(check_id).fail(
            f"{what} is not a prefix of this log: its root {signed.root_hash.hex()[:16]}… differs from "
            f"the root recomputed from the entries; the altered or forked entries lie in "
            f"[{self.matched_size}, {count})",
            self.matched_size,
        )

    # --- entries ------------------------------------------------------------------------------

    def entry(self, position: int, line: bytes, newline: bool, manifest: _Manifest) -> None:
        a11, a12, a2 = self.check("A1.1"), self.check("A1.2"), self.check("A2")
        self.tree.append(leaf_hash(line))
        if not newline:
            a11.fail("the last entry is not terminated by a newline", position)
        try:
            entry = Entry.decode(line)
        except InvalidInput as exc:
            a11.fail(f"entry at position {position}: {exc.detail}", position)
            return
        if entry.scope != manifest.scope:
            a11.fail(f"entry {position} belongs to scope {entry.scope!r}", position)
        if not is_registered(entry.type):
            a12.fail(f"entry {position} has the unregistered event type {entry.type!r}", position)
        if not entry.actor:
            a12.fail(f"entry {position} names no actor", position)
        if entry.index != position:
            a2.fail(f"the entry at position {position} states index {entry.index}", position)
        if position == 0 and not (
            entry.type == EventType.SCOPE_OPENED
            and entry.payload.get("scope") == manifest.scope
            and entry.payload.get("visibility") == manifest.visibility
        ):
            a2.fail(f"entry 0 does not open the {manifest.visibility} scope {manifest.scope}", 0)
        for check, result, state in self.domain:
            if check.wants(entry.type):
                for failure in _guarded(partial(state.feed, entry), position):
                    result.fail(failure.message, failure.index)


def _guarded(call: Callable[[], Any], position: int | None) -> list[Failure]:
    """A domain check that crashes fails its check; it never stops the verification."""
    try:
        return list(call())
    except Exception as exc:  # a plug-in's bug is reported, not propagated
        return [Failure(f"the check crashed: {type(exc).__name__}: {exc}", position)]


def verify_bundle(
    path: Path | str,
    *,
    checkpoint: str | bytes | None = None,
    log_keys: Sequence[str] = (),
    witness_keys: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Run every check on the bundle at ``path``.

    ``checkpoint`` is a signed checkpoint obtained elsewhere (the public page, a 公示 notice, a
    witness); ``log_keys`` and ``witness_keys`` are vkeys the auditor trusts from outside the bundle,
    used instead of the bundle's own ``keys.json``. ``progress(done, total)`` is called as entries are
    checked. Raises :class:`InvalidInput` only for a malformed pinned key.
    """
    pinned_log = _parse_keys(log_keys)
    pinned_witnesses = _parse_keys(witness_keys)
    run = _Run(Path(path), progress)
    try:
        zf = zipfile.ZipFile(run.path)
    except (zipfile.BadZipFile, OSError) as exc:
        run.check("E4").fail(f"not a readable zip archive: {exc}")
        run.skip_all("the bundle cannot be read", but=("E4",))
        return run.report
    with zf:
        _verify(run, zf, checkpoint, pinned_log, pinned_witnesses)
    return run.report


def _verify(
    run: _Run,
    zf: zipfile.ZipFile,
    external_text: str | bytes | None,
    pinned_log: list[VerifierKey],
    pinned_witnesses: list[VerifierKey],
) -> None:
    e4 = run.check("E4")
    _check_names(e4, zf.namelist())
    try:
        manifest = _manifest(_small_json(zf, MANIFEST, run.digests))
    except (_Unreadable, KeyError) as exc:
        e4.fail(f"manifest.json: {exc}")
        run.skip_all("without a manifest nothing else can be checked", but=("E4",))
        return
    run.report.origin, run.report.scope = manifest.origin, manifest.scope
    run.report.tree_size = manifest.tree_size
    if set(manifest.files) != set(CONTENT_FILES):
        e4.fail(f"the manifest lists {sorted(manifest.files)}, not {sorted(CONTENT_FILES)}")
    _load_keys(run, zf, manifest, pinned_log, pinned_witnesses)
    _external(run, manifest, external_text)
    info = BundleInfo(
        manifest.origin, manifest.scope, scope_kind(manifest.scope), manifest.visibility, manifest.tree_size
    )
    for check in checks_for(info):
        result = CheckResult(check.id, check.title)
        run.report.results.append(result)
        try:
            run.domain.append((check, result, check.factory(info)))
        except Exception as exc:  # a plug-in's bug is reported, not propagated
            result.fail(f"the check could not start: {type(exc).__name__}: {exc}")
    count = _stream(run, zf, manifest)
    run.report.entries = count
    _check_digests(run, zf, manifest, count)
    _conclude(run, count)


def _check_names(e4: CheckResult, names: list[str]) -> None:
    expected = {*CONTENT_FILES, MANIFEST}
    if len(set(names)) != len(names):
        e4.fail("the archive holds two files of the same name")
    for name in sorted(expected - set(names)):
        e4.fail(f"{name} is missing")
    for name in sorted(set(names) - expected):
        e4.fail(f"{name} is not part of a {BUNDLE_FORMAT} bundle")


def _load_keys(
    run: _Run,
    zf: zipfile.ZipFile,
    manifest: _Manifest,
    pinned_log: list[VerifierKey],
    pinned_witnesses: list[VerifierKey],
) -> None:
    """The keys signatures are checked with: pinned ones if the auditor gave any, else the published."""
    a3 = run.check("A3")
    published_log: list[VerifierKey] = []
    published_witnesses: list[VerifierKey] = []
    try:
        published_log, published_witnesses = _published_keys(
            _small_json(zf, KEYS, run.digests), manifest.origin
        )
    except (_Unreadable, KeyError) as exc:
        a3.fail(f"keys.json: {exc}")
    for key in pinned_log:
        if key.name != manifest.origin or key.sig_type is not SignatureType.ED25519:
            a3.fail(f"the pinned key {key.encode()} is not a log key of {manifest.origin}")
        elif key not in published_log:
            a3.fail(f"the bundle does not publish the pinned log key {key.encode()}")
    run.log_keys = pinned_log or published_log
    run.witnesses = {w.name: w for w in (pinned_witnesses or published_witnesses)}
    a3.notes.append(
        "checked against the log keys given with --log-key"
        if pinned_log
        else "checked against the keys the bundle publishes; pin them with --log-key"
    )


def _external(run: _Run, manifest: _Manifest, text: str | bytes | None) -> None:
    a52 = run.check("A5.2")
    if text is None:
        a52.skip("no --checkpoint given")
        return
    for key in run.log_keys:
        try:
            run.external = open_checkpoint(text, origin=manifest.origin, log_key=key).checkpoint
            return
        except UnverifiedNote:
            continue
        except InvalidInput as exc:
            a52.fail(f"the given checkpoint: {exc.detail}")
            return
    a52.fail("the given checkpoint is not signed by a trusted log key of this origin")


def _stream(run: _Run, zf: zipfile.ZipFile, manifest: _Manifest) -> int:
    """The single pass: entries in order, checkpoints consumed as the count reaches their size."""
    e4, a4 = run.check("E4"), run.check("A4")
    entries_digest, checkpoints_digest = _Digest(), _Digest()
    run.digests[ENTRIES], run.digests[CHECKPOINTS] = entries_digest, checkpoints_digest
    count = 0
    try:
        with zf.open(ENTRIES) as entries_file, zf.open(CHECKPOINTS) as checkpoints_file:
            records = _signed_checkpoints(run, checkpoints_file, checkpoints_digest, manifest)
            pending = next(records, None)
            while pending is not None and pending.size == 0:
                run.match(pending, 0)
                pending = next(records, None)
            if run.external is not None and run.external.size == 0:
                run.match(run.external, 0, check_id="A5.2")
            for position, (line, newline) in enumerate(_lines(entries_file, entries_digest)):
                run.entry(position, line, newline, manifest)
                count = position + 1
                while pending is not None and pending.size <= count:
                    if pending.size == count:
                        run.match(pending, count)
                    pending = next(records, None)
                if run.external is not None and run.external.size == count:
                    run.match(run.external, count, check_id="A5.2")
                if run.progress is not None and count % PROGRESS_EVERY == 0:
                    run.progress(count, manifest.tree_size)
            while pending is not None:
                a4.fail(f"the checkpoint of size {pending.size} is beyond the {count} entries of this bundle")
                pending = next(records, None)
    except (_Unreadable, zipfile.BadZipFile, zlib.error, EOFError, KeyError) as exc:
        e4.fail(f"the entries or checkpoints cannot be read: {exc}")
    if run.progress is not None:
        run.progress(count, manifest.tree_size)
    return count


def _signed_checkpoints(
    run: _Run, member: IO[bytes], digest: _Digest, manifest: _Manifest
) -> Iterator[Checkpoint]:
    for number, (line, newline) in enumerate(_lines(member, digest), start=1):
        signed = run.open_checkpoint(line, newline, number, manifest)
        if signed is not None:
            run.report.checkpoints += 1
            run.order(signed)
            yield signed


def _check_digests(run: _Run, zf: zipfile.ZipFile, manifest: _Manifest, count: int) -> None:
    """E4: every listed file has the size and SHA-256 the manifest states; so do size and root."""
    e4 = run.check("E4")
    for name in CONTENT_FILES:
        if name in run.digests or name not in zf.namelist():
            continue
        digest = _Digest()
        try:
            with zf.open(name) as member:
                while chunk := member.read(1 << 20):
                    digest.update(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            e4.fail(f"{name} cannot be read: {exc}")
            continue
        run.digests[name] = digest
    for name, (size, sha256) in sorted(manifest.files.items()):
        found = run.digests.get(name)
        if found is not None and (found.size, found.sha256.hexdigest()) != (size, sha256):
            e4.fail(f"{name} does not match the size and SHA-256 the manifest lists")
    if manifest.tree_size != count or manifest.root != run.tree.root():
        e4.fail(
            f"the manifest states {manifest.tree_size} entries and a root the entries do not give ({count})"
        )
    e4.notes.append(f"{len(manifest.files)} files, {sum(d.size for d in run.digests.values()):,} bytes")


def _conclude(run: _Run, count: int) -> None:
    """Checks that need the whole pass: coverage by signatures, witnesses, the external checkpoint."""
    a2, a3, a51, a52 = run.check("A2"), run.check("A3"), run.check("A5.1"), run.check("A5.2")
    if count == 0:
        a2.fail("the bundle holds no entry; every log starts with the entry that opens its scope")
    if run.signed_size < 0:
        a3.fail("no checkpoint in the bundle is signed by a trusted log key")
    elif run.signed_size < count:
        a3.fail(
            f"entries from index {run.signed_size} on are not covered by a signed checkpoint", run.signed_size
        )
    if run.cosigned:
        a51.notes.append(
            "cosigned by "
            + ", ".join(f"{name} ({n} checkpoints)" for name, n in sorted(run.cosigned.items()))
        )
    elif a51.status is Status.PASS:
        a51.skip("no checkpoint carries a registered witness's cosignature")
    if run.unknown_signers:
        a51.notes.append(f"{run.unknown_signers} signature lines by keys not registered here were ignored")
    if run.external is not None and run.external.size > count:
        a52.fail(
            f"the given checkpoint (size {run.external.size}) is newer than this bundle ({count} entries)"
        )
    elif run.external is not None and a52.status is Status.PASS:
        a52.notes.append(f"size {run.external.size} is a prefix of this log")
    for _, result, state in run.domain:
        for failure in _guarded(state.finish, None):
            result.fail(failure.message, failure.index)
