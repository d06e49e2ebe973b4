"""Audit-bundle vectors: one good bundle and deliberately broken ones, each for one check.

Run ``python -m tests.vectors.generate_bundle_vectors`` from the repository root to rewrite
``tests/vectors/bundles/``; ``test_bundle_vectors.py`` fails whenever the code and the committed files
disagree, and checks that ``yide verify`` rejects each broken bundle with the check named in
``EXPECTED``.

The log is built in memory with the real encoders (entries, Merkle tree, signed notes) from fixed
keys and times, so the output is reproducible. A tampered bundle is what an adversary *without the
log key* could produce: they may edit any file and recompute the manifest's sizes, hashes, size and
root, but cannot sign. ``file-corrupted`` is the exception: it keeps the stale manifest. The keys are
derived from public labels: never use them for anything real.
"""

from __future__ import annotations

import argparse
import base64
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from workflow.keystore import LogKey
from workflow.ledger.bundle import REPORT, BundleHeader, BundleWriter, keys_document
from workflow.ledger.checkpoints import SignedCheckpoint
from workflow.ledger.entry import Entry
from workflow.ledger.events import EventType
from workflow.ledger.merkle import CompactRange, leaf_hash, root_from_leaf_hashes
from workflow.ledger.note import Checkpoint, VerifierKey, cosign, sign_note
from workflow.ledger.scopes import Visibility
from workflow.signing import Ed25519Signer, sha256

OUT = Path(__file__).with_name("bundles")
SCOPE = "campaign-1"
ORIGIN = f"vectors.yide.example/{SCOPE}"
WITNESS = "jijian.example/witness"
TIME = "2026-01-01T08:00:00.000Z"
EXPORTED = "2026-01-01T09:00:00Z"
COSIGNED_AT = 1767258000  # 2026-01-01T09:00:00Z
SIZE = 24
CHECKPOINT_SIZES = (1, 8, 17, 24)
EXTERNAL_SIZE = 20

LOG = Ed25519Signer.from_seed(sha256(b"yide bundle vectors: log key"))
WITNESS_KEY = Ed25519Signer.from_seed(sha256(b"yide bundle vectors: witness key"))
INTRUDER = Ed25519Signer.from_seed(sha256(b"yide bundle vectors: intruder key"))

EXPECTED: dict[str, tuple[set[str], str]] = {
    "good.zip": (set(), "a well-formed log: every check passes"),
    "entry-byte-flipped.zip": ({"A1.1", "A4"}, "entry 5's domain tag altered (entry → entrz)"),
    "payload-byte-flipped.zip": ({"A4"}, "one character of entry 9's payload altered"),
    "signature-byte-flipped.zip": ({"A3"}, "one byte of the log signature on checkpoint 17 altered"),
    "cosignature-byte-flipped.zip": (
        {"A5.1"},
        "one byte of the witness cosignature on checkpoint 24 altered",
    ),
    "entry-dropped.zip": ({"A2", "A4"}, "entry 12 removed"),
    "entries-reordered.zip": ({"A2", "A4"}, "entries 3 and 4 swapped"),
    "entry-inserted.zip": ({"A2", "A3", "A4"}, "a forged entry inserted before entry 10"),
    "key-swapped.zip": ({"A3"}, "keys.json publishes another key than the one that signed"),
    "checkpoint-forked.zip": ({"A4"}, "a second, validly signed checkpoint of size 17 with another root"),
    "file-corrupted.zip": ({"E4"}, "report.html altered, manifest left as it was"),
    "unregistered-type.zip": ({"A1.2"}, "the log itself wrote an entry of an unregistered event type"),
    "resigned-by-intruder.zip": (set(), "rewritten and re-signed with another key: passes unless pinned"),
}
"""Vector → the checks ``yide verify`` must fail (with no pinned key), and what was done to it."""
PINNED_EXPECTED = {"resigned-by-intruder.zip": {"A3"}}
"""Vector → the checks that fail when the auditor pins the real log key (``log.vkey``)."""
EXTERNAL_EXPECTED = {"checkpoint-20.txt": set(), "checkpoint-20-forked.txt": {"A5.2"}}
"""External checkpoint (``--checkpoint``) given with good.zip → the checks that fail."""


def log_vkey(signer: Ed25519Signer = LOG) -> VerifierKey:
    return VerifierKey.ed25519(ORIGIN, signer.public_key)


def witness_vkey() -> VerifierKey:
    return VerifierKey.cosigner(WITNESS, WITNESS_KEY.public_key)


def entry_bodies(size: int = SIZE, odd_type_at: int | None = None) -> list[bytes]:
    bodies = [
        Entry(SCOPE, 0, EventType.SCOPE_OPENED, "operator", TIME, {"scope": SCOPE, "visibility": "public"})
    ]
    for i in range(1, size):
        kind = "selection:ballot:stuffed" if i == odd_type_at else EventType.UNIT_CREATED
        bodies.append(Entry(SCOPE, i, kind, f"account:{i % 3 + 1}", TIME, {"n": i, "name": f"单位{i}"}))
    return [b.encode() for b in bodies]


def signed_checkpoint(
    bodies: Sequence[bytes], size: int, *, signer: Ed25519Signer = LOG, cosigned: bool = False
) -> SignedCheckpoint:
    root = root_from_leaf_hashes([leaf_hash(b) for b in bodies[:size]])
    checkpoint = Checkpoint(ORIGIN, size, root)
    note = sign_note(checkpoint.body(), signer, ORIGIN)
    lines = (cosign(checkpoint, WITNESS_KEY, WITNESS, COSIGNED_AT).line(),) if cosigned else ()
    return SignedCheckpoint(size, size, root, note, lines)


def checkpoints_for(bodies: Sequence[bytes], *, signer: Ed25519Signer = LOG) -> list[SignedCheckpoint]:
    return [signed_checkpoint(bodies, s, signer=signer, cosigned=s >= 17) for s in CHECKPOINT_SIZES]


@dataclass(frozen=True)
class Contents:
    entries: list[bytes]
    checkpoints: list[SignedCheckpoint]
    keys: bytes


def good_contents() -> Contents:
    bodies = entry_bodies()
    return Contents(bodies, checkpoints_for(bodies), keys_for(LOG))


def keys_for(signer: Ed25519Signer) -> bytes:
    return keys_document(ORIGIN, [LogKey("k1", signer.public_key, True)], [witness_vkey()])


def write(contents: Contents) -> bytes:
    """A bundle whose manifest is consistent with its (possibly tampered) contents."""
    tree = CompactRange()
    for body in contents.entries:
        tree.append(leaf_hash(body))
    header = BundleHeader(ORIGIN, SCOPE, Visibility.PUBLIC, tree.size, tree.root(), EXPORTED)
    out = io.BytesIO()
    writer = BundleWriter(out, header)
    writer.add_entries(contents.entries)
    writer.add_checkpoints(contents.checkpoints)
    writer.finish(contents.keys, [WITNESS])
    return out.getvalue()


def _flip_signature(checkpoint: SignedCheckpoint, *, cosignature: bool) -> SignedCheckpoint:
    """Change one byte inside a signature (after the 4-byte key id; for a cosignature, after the time)."""
    line = checkpoint.cosignatures[0] if cosignature else checkpoint.note.rsplit("\n", 2)[1] + "\n"
    prefix, encoded = line.rstrip("\n").rsplit(" ", 1)
    raw = bytearray(base64.b64decode(encoded))
    raw[4 + (8 if cosignature else 0) + 10] ^= 0x01
    flipped = f"{prefix} {base64.b64encode(bytes(raw)).decode()}\n"
    if cosignature:
        return replace(checkpoint, cosignatures=(flipped,))
    return replace(checkpoint, note=checkpoint.note.replace(line, flipped))


def _tampered(change: Callable[[Contents], Contents]) -> bytes:
    return write(change(good_contents()))


def _with_entries(contents: Contents, entries: list[bytes]) -> Contents:
    return replace(contents, entries=entries)


def _replace_byte(body: bytes, old: bytes, new: bytes) -> bytes:
    assert old in body
    return body.replace(old, new, 1)


def _forked(contents: Contents) -> Contents:
    fork = list(contents.entries)
    fork[16] = _replace_byte(fork[16], "单位16".encode(), "单位61".encode())
    forked = signed_checkpoint(fork, 17)
    return replace(contents, checkpoints=sorted([*contents.checkpoints, forked], key=lambda c: c.size))


def _inserted(contents: Contents) -> Contents:
    forged = Entry(SCOPE, 10, EventType.UNIT_CREATED, "account:9", TIME, {"n": 999, "name": "伪造"}).encode()
    return _with_entries(contents, [*contents.entries[:10], forged, *contents.entries[10:]])


def _reordered(contents: Contents) -> Contents:
    e = list(contents.entries)
    e[3], e[4] = e[4], e[3]
    return _with_entries(contents, e)


def _corrupt_report(bundle: bytes) -> bytes:
    """Rewrite one member's bytes in place of the zip, keeping the old manifest."""
    source = zipfile.ZipFile(io.BytesIO(bundle))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == REPORT:
                data = data.replace("审计包报告".encode(), "审计报告书".encode(), 1)
            target.writestr(info, data)
    return out.getvalue()


def _resigned(contents: Contents) -> Contents:
    entries = list(contents.entries)
    entries[9] = _replace_byte(entries[9], "单位9".encode(), "单位0".encode())
    return Contents(entries, checkpoints_for(entries, signer=INTRUDER), keys_for(INTRUDER))


def build() -> dict[str, bytes]:
    """Every vector file's bytes, by file name."""
    odd = entry_bodies(odd_type_at=7)
    files = {
        "good.zip": write(good_contents()),
        "entry-byte-flipped.zip": _tampered(
            lambda c: _with_entries(
                c, [*c.entries[:5], _replace_byte(c.entries[5], b"entry/v1", b"entrz/v1"), *c.entries[6:]]
            )
        ),
        "payload-byte-flipped.zip": _tampered(
            lambda c: _with_entries(
                c,
                [
                    *c.entries[:9],
                    _replace_byte(c.entries[9], "单位9".encode(), "单位8".encode()),
                    *c.entries[10:],
                ],
            )
        ),
        "signature-byte-flipped.zip": _tampered(
            lambda c: replace(
                c,
                checkpoints=[
                    _flip_signature(cp, cosignature=False) if cp.size == 17 else cp for cp in c.checkpoints
                ],
            )
        ),
        "cosignature-byte-flipped.zip": _tampered(
            lambda c: replace(
                c,
                checkpoints=[
                    _flip_signature(cp, cosignature=True) if cp.size == 24 else cp for cp in c.checkpoints
                ],
            )
        ),
        "entry-dropped.zip": _tampered(lambda c: _with_entries(c, [*c.entries[:12], *c.entries[13:]])),
        "entries-reordered.zip": _tampered(_reordered),
        "entry-inserted.zip": _tampered(_inserted),
        "key-swapped.zip": _tampered(lambda c: replace(c, keys=keys_for(INTRUDER))),
        "checkpoint-forked.zip": _tampered(_forked),
        "file-corrupted.zip": _corrupt_report(write(good_contents())),
        "unregistered-type.zip": write(Contents(odd, checkpoints_for(odd), keys_for(LOG))),
        "resigned-by-intruder.zip": _tampered(_resigned),
    }
    good = entry_bodies()
    fork = list(good)
    fork[19] = _replace_byte(fork[19], "单位19".encode(), "单位91".encode())
    files["checkpoint-20.txt"] = signed_checkpoint(good, EXTERNAL_SIZE).text().encode()
    files["checkpoint-20-forked.txt"] = signed_checkpoint(fork, EXTERNAL_SIZE).text().encode()
    files["log.vkey"] = (log_vkey().encode() + "\n").encode()
    files["README.md"] = readme().encode()
    return files


def readme() -> str:
    rows = [
        f"| `{name}` | {what} | {', '.join(sorted(fails)) or 'none'} |"
        for name, (fails, what) in EXPECTED.items()
    ]
    return "\n".join(
        [
            "# Audit-bundle vectors",
            "",
            "Generated by `python -m tests.vectors.generate_bundle_vectors`; checked by",
            f"`test_bundle_vectors.py`. One log of {SIZE} entries (origin `{ORIGIN}`),",
            f"checkpoints at sizes {', '.join(map(str, CHECKPOINT_SIZES))},",
            f"the last two cosigned by `{WITNESS}`.",
            "Tampered bundles are what someone without the log key could make: the manifest is",
            "recomputed to match (except in `file-corrupted.zip`). The keys come from public labels:",
            "never use them for anything real.",
            "",
            "| bundle | what was done | `yide verify` fails |",
            "|---|---|---|",
            *rows,
            "",
            '`yide verify --log-key "$(cat log.vkey)" resigned-by-intruder.zip` fails A3: pinning the real',
            "log key is what catches a log rewritten and re-signed with another key.",
            "",
            f"`checkpoint-20.txt` is a signed checkpoint of size {EXTERNAL_SIZE} of the same log:",
            "`yide verify --checkpoint checkpoint-20.txt good.zip` passes. `checkpoint-20-forked.txt`",
            "is signed validly by the log key over a different history: with it, A5.2 fails.",
            "",
        ]
    )


def members(zipped: bytes) -> dict[str, bytes]:
    """A zip's files by name (compressed bytes may differ between zlib versions; contents may not)."""
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report whether the files are current")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    stale = []
    for name, data in build().items():
        path = OUT / name
        current = path.exists() and (
            members(path.read_bytes()) == members(data)
            if name.endswith(".zip")
            else path.read_bytes() == data
        )
        if not current:
            stale.append(name)
            if not args.check:
                path.write_bytes(data)
    print(("stale: " if args.check else "written: ") + (", ".join(stale) or "nothing"))


if __name__ == "__main__":
    main()
