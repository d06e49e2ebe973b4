"""Audit bundles: one zip file holding everything needed to verify a scope's log offline.

Layout (docs/audit-format.md §bundle specifies it byte for byte)::

    entries.jsonl      every entry's canonical bytes, in index order, one per line
    checkpoints.jsonl  every stored checkpoint up to the bundle's size, in size order:
                       {"note": signed note with cosignatures, "root": hex, "size": n}
    keys.json          the log's verifier keys for this origin (retired ones too) and the witness keys
    report.html        a human-readable account of what happened (self-contained, Chinese)
    manifest.json      format, origin, scope, size, root, and the size and SHA-256 of every file above

The bundle is written in one pass and streamed: entries are read from the database in batches and
compressed into the zip as they come, so memory does not grow with the log. Only per-type and
per-day counters (for the report) are kept.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import Counter, deque
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib.resources import files
from typing import IO, Any

import jinja2
import msgspec

from workflow.keystore import LogKey
from workflow.ledger.checkpoints import SignedCheckpoint, checkpoints_after, latest_checkpoint, origin_of
from workflow.ledger.entry import ENTRY_DOMAIN
from workflow.ledger.events import title_of
from workflow.ledger.note import VerifierKey, parse_note
from workflow.ledger.scopes import Visibility
from workflow.ledger.store import ScopeHead, entries
from workflow.ledger.witnesses import witness_keys
from workflow.runtime import Runtime

BUNDLE_FORMAT = "yide-bundle/v1"
KEYS_FORMAT = "yide-bundle-keys/v1"
MANIFEST = "manifest.json"
ENTRIES = "entries.jsonl"
CHECKPOINTS = "checkpoints.jsonl"
KEYS = "keys.json"
REPORT = "report.html"
CONTENT_FILES = (ENTRIES, CHECKPOINTS, KEYS, REPORT)
"""Every file the manifest lists; a bundle holds exactly these plus the manifest."""

BATCH = 2000
"""Entries read per query while exporting: large enough to be fast, small enough to stay flat."""


@dataclass(frozen=True)
class BundleHeader:
    origin: str
    scope: str
    visibility: Visibility
    tree_size: int
    root: bytes
    exported_at: str
    """UTC, ``2026-01-01T08:00:00Z``; also the zip members' timestamp, so an export is reproducible."""


def checkpoint_line(checkpoint: SignedCheckpoint) -> bytes:
    """One line of checkpoints.jsonl (sorted keys, compact, UTF-8, no escapes beyond JSON's)."""
    record = {"note": checkpoint.text(), "root": checkpoint.root.hex(), "size": checkpoint.size}
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def keys_document(origin: str, log_keys: Iterable[LogKey], witnesses: Iterable[VerifierKey]) -> bytes:
    """keys.json: the vkeys that verify this origin's notes, and the registered witnesses."""
    document = {
        "format": KEYS_FORMAT,
        "origin": origin,
        "log_keys": [
            {
                "label": key.label,
                "vkey": VerifierKey.ed25519(origin, key.public_key).encode(),
                "active": key.active,
            }
            for key in log_keys
        ],
        "witnesses": [{"name": w.name, "vkey": w.encode()} for w in witnesses],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"


@dataclass
class _TypeStats:
    count: int = 0
    first: str = ""
    last: str = ""


@dataclass
class Activity:
    """What the report says about the entries, gathered while they stream past (bounded memory)."""

    entries: int = 0
    by_type: dict[str, _TypeStats] = field(default_factory=dict)
    by_day: dict[str, Counter[str]] = field(default_factory=dict)
    checkpoints: int = 0
    recent_checkpoints: deque[tuple[int, str, list[str]]] = field(default_factory=lambda: deque(maxlen=10))

    def see_entry(self, body: bytes) -> None:
        fields = msgspec.json.decode(body)
        kind, time = str(fields.get("type", "?")), str(fields.get("time", ""))
        stats = self.by_type.setdefault(kind, _TypeStats(first=time))
        stats.count += 1
        stats.last = time
        self.by_day.setdefault(time[:10], Counter())[kind] += 1
        self.entries += 1

    def see_checkpoint(self, checkpoint: SignedCheckpoint, origin: str) -> None:
        self.checkpoints += 1
        signers = [s.name for s in parse_note(checkpoint.text()).signatures if s.name != origin]
        self.recent_checkpoints.append((checkpoint.size, checkpoint.root.hex(), signers))


def _report_template() -> jinja2.Template:
    source = files("workflow.ledger").joinpath("templates/bundle_report.html.j2").read_text("utf-8")
    return jinja2.Environment(autoescape=True, keep_trailing_newline=True).from_string(source)


def render_report(header: BundleHeader, activity: Activity, witnesses: Sequence[str]) -> bytes:
    """report.html: a self-contained page (inline CSS, no scripts, no external fonts)."""
    busiest = max((sum(c.values()) for c in activity.by_day.values()), default=1)
    types = sorted(activity.by_type.items(), key=lambda item: (item[1].first, item[0]))
    return (
        _report_template()
        .render(
            header=header,
            root=header.root.hex(),
            activity=activity,
            types=[(kind, title_of(kind), stats) for kind, stats in types],
            days=[
                (
                    day,
                    sum(counts.values()),
                    round(100 * sum(counts.values()) / busiest),
                    counts.most_common(4),
                )
                for day, counts in sorted(activity.by_day.items())
            ],
            title_of=title_of,
            witnesses=witnesses,
        )
        .encode("utf-8")
    )


class _HashingWriter:
    """Counts and hashes what goes into one zip member."""

    def __init__(self, member: IO[bytes]) -> None:
        self.member = member
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.member.write(data)
        self.sha256.update(data)
        self.size += len(data)


class BundleWriter:
    """Writes a bundle to any writable byte stream, seekable or not (an HTTP response, a file).

    Call :meth:`add_entries` (any number of times), then :meth:`add_checkpoints`, then
    :meth:`finish`. Nothing but the counters in :class:`Activity` is kept.
    """

    def __init__(
        self, out: IO[bytes], header: BundleHeader, *, compression: int = zipfile.ZIP_DEFLATED
    ) -> None:
        self.header = header
        self.activity = Activity()
        self._zip = zipfile.ZipFile(out, "w", compression=compression, allowZip64=True)
        self._compression = compression
        self._stamp = datetime.strptime(header.exported_at, "%Y-%m-%dT%H:%M:%SZ").timetuple()[:6]
        self._files: dict[str, tuple[int, str]] = {}
        self._open: tuple[str, IO[bytes], _HashingWriter] | None = None

    def _member(self, name: str) -> _HashingWriter:
        if self._open is not None and self._open[0] == name:
            return self._open[2]
        self._close_member()
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = self._compression
        handle = self._zip.open(info, "w", force_zip64=True)
        writer = _HashingWriter(handle)
        self._open = (name, handle, writer)
        return writer

    def _close_member(self) -> None:
        if self._open is not None:
            name, handle, writer = self._open
            handle.close()
            self._files[name] = (writer.size, writer.sha256.hexdigest())
            self._open = None

    def _write_file(self, name: str, data: bytes) -> None:
        self._member(name).write(data)
        self._close_member()

    def add_entries(self, bodies: Iterable[bytes]) -> None:
        writer = self._member(ENTRIES)
        for body in bodies:
            writer.write(body + b"\n")
            self.activity.see_entry(body)

    def add_checkpoints(self, checkpoints: Iterable[SignedCheckpoint]) -> None:
        if ENTRIES not in self._files:
            self._member(ENTRIES)  # an empty log still has an (empty) entries file
            self._close_member()
        writer = self._member(CHECKPOINTS)
        for checkpoint in checkpoints:
            writer.write(checkpoint_line(checkpoint))
            self.activity.see_checkpoint(checkpoint, self.header.origin)

    def finish(self, keys: bytes, witnesses: Sequence[str] = ()) -> dict[str, Any]:
        """Write keys.json, report.html and the manifest; close the zip. Returns the manifest."""
        self.add_checkpoints(())
        self._close_member()
        self._write_file(KEYS, keys)
        self._write_file(REPORT, render_report(self.header, self.activity, witnesses))
        manifest = {
            "format": BUNDLE_FORMAT,
            "entry_format": ENTRY_DOMAIN,
            "origin": self.header.origin,
            "scope": self.header.scope,
            "visibility": str(self.header.visibility),
            "tree_size": self.header.tree_size,
            "root": self.header.root.hex(),
            "exported_at": self.header.exported_at,
            "files": [
                {"path": name, "size": size, "sha256": digest}
                for name, (size, digest) in sorted(self._files.items())
            ],
        }
        self._write_file(
            MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"
        )
        self._zip.close()
        return manifest


class _Chunks:
    """A non-seekable sink the exporter drains after every batch (zipfile handles non-seekable output)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


@dataclass(frozen=True)
class BundlePlan:
    """What an export will contain, fixed before the first byte is sent: the log up to this checkpoint."""

    head: ScopeHead
    checkpoint: SignedCheckpoint
    header: BundleHeader

    @property
    def filename(self) -> str:
        return f"{self.head.name}-{self.checkpoint.size}.zip"


async def plan_bundle(rt: Runtime, head: ScopeHead) -> BundlePlan:
    """Pin the export to the latest checkpoint (signing one if the log grew): entries appended while
    the bundle streams belong to the next export."""
    checkpoint = await latest_checkpoint(rt, head)
    if checkpoint.size > head.size:
        head = replace(head, size=checkpoint.size, root=checkpoint.root)
    header = BundleHeader(
        origin=origin_of(rt, head.name),
        scope=head.name,
        visibility=head.visibility,
        tree_size=checkpoint.size,
        root=checkpoint.root,
        exported_at=rt.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    return BundlePlan(head, checkpoint, header)


async def bundle_chunks(rt: Runtime, plan: BundlePlan) -> AsyncIterator[bytes]:
    """The bundle's bytes, batch by batch."""
    sink = _Chunks()
    writer = BundleWriter(sink, plan.header)  # type: ignore[arg-type]
    size = plan.checkpoint.size
    for start in range(0, size, BATCH):
        batch = await entries(plan.head, start, min(start + BATCH, size))
        writer.add_entries(e.body for e in batch)
        yield sink.drain()
    after = -1
    while True:
        found = [c for c in await checkpoints_after(plan.head, after, BATCH) if c.size <= size]
        writer.add_checkpoints(found)
        yield sink.drain()
        if len(found) < BATCH:
            break
        after = found[-1].size
    registered = [w.key for w in await witness_keys()]
    keys = keys_document(plan.header.origin, rt.keys.log_keys(), registered)
    writer.finish(keys, [w.name for w in registered])
    yield sink.drain()
