"""Regenerates the worked example in docs/audit-format.md from the ledger code.

Run from the repository root::

    python -m tests.unit.ledger.audit_format_example --write

``test_audit_format_doc.py`` fails whenever the document and this output differ, so every hex
value in the document is one the code really produces.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
from dataclasses import dataclass
from pathlib import Path

from workflow.keystore import LogKey
from workflow.ledger.bundle import BundleHeader, BundleWriter, checkpoint_line, keys_document
from workflow.ledger.checkpoints import SignedCheckpoint
from workflow.ledger.entry import Entry, pseudonym
from workflow.ledger.merkle import (
    CompactRange,
    assemble,
    consistency_proof_nodes,
    inclusion_proof_nodes,
    leaf_hash,
    root_from_nodes,
    verify_consistency,
    verify_inclusion,
)
from workflow.ledger.note import (
    Checkpoint,
    VerifierKey,
    add_signatures,
    cosign,
    cosignature_message,
    open_checkpoint,
    sign_note,
)
from workflow.ledger.receipts import Receipt, verify_receipt
from workflow.ledger.scopes import Visibility
from workflow.ledger.tiles import EntryBundle, Tile, encode_entry_bundle, tile_bytes
from workflow.signing import Ed25519Signer, sha256

DOC = Path(__file__).resolve().parents[3] / "docs" / "audit-format.md"
BEGIN = "<!-- BEGIN GENERATED: python -m tests.unit.ledger.audit_format_example --write -->"
END = "<!-- END GENERATED -->"

LOG_NAME = "wjw.example.gov.cn/yide"
SCOPE = "org"
ORIGIN = f"{LOG_NAME}/{SCOPE}"
WITNESS = "jijian.example.gov.cn/witness"
LOG_SEED_LABEL = b"yide audit-format example: log key"
WITNESS_SEED_LABEL = b"yide audit-format example: witness key"
SALT_LABEL = b"yide audit-format example: org salt"
SALT = sha256(SALT_LABEL)
TIMESTAMP = 1767225600  # 2026-01-01T00:00:00Z
EXPORTED_AT = "2026-01-01T09:00:00Z"
STAFF_PSEUDONYM = pseudonym(SALT, "staff", "1:S001")


def _entries() -> list[Entry]:
    def at(second: int) -> str:
        return f"2026-01-01T08:00:{second:02d}.000Z"

    witness_vkey = VerifierKey.cosigner(
        WITNESS, Ed25519Signer.from_seed(sha256(WITNESS_SEED_LABEL)).public_key
    )
    return [
        Entry(SCOPE, 0, "ledger:scope:opened", "operator", at(0), {"scope": SCOPE, "visibility": "internal"}),
        Entry(
            SCOPE,
            1,
            "org:unit:created",
            "operator",
            at(1),
            {"unit": 1, "code": "SYH", "name": "顺义区医院", "kind": "hospital"},
        ),
        Entry(
            SCOPE,
            2,
            "org:department:created",
            "account:1",
            at(2),
            {"unit": 1, "department": 1, "code": "NK", "name": "内科"},
        ),
        Entry(
            SCOPE,
            3,
            "org:staff:updated",
            "account:2",
            at(3),
            {"unit": 1, "staff": STAFF_PSEUDONYM, "fields": ["title"]},
        ),
        Entry(
            SCOPE,
            4,
            "ledger:witness:added",
            "account:1",
            at(4),
            {"name": WITNESS, "vkey": witness_vkey.encode()},
        ),
    ]


ENTRY_OBJECTS = _entries()
ENTRIES = [e.encode() for e in ENTRY_OBJECTS]


def _block(title: str, lines: list[str]) -> list[str]:
    return [f"#### {title}", "", "```text", *lines, "```", ""]


def _node(level: int, index: int) -> str:
    return f"({level},{index})"


@dataclass
class Example:
    """Keys and the tree of five entries the example is computed from."""

    log: Ed25519Signer
    witness: Ed25519Signer
    nodes: dict[tuple[int, int], bytes]
    frontier: list[bytes]

    @classmethod
    def build(cls) -> Example:
        acc = CompactRange()
        nodes: dict[tuple[int, int], bytes] = {}
        for entry in ENTRIES:
            for level, index, value in acc.append(leaf_hash(entry)):
                nodes[(level, index)] = value
        log = Ed25519Signer.from_seed(sha256(LOG_SEED_LABEL))
        witness = Ed25519Signer.from_seed(sha256(WITNESS_SEED_LABEL))
        return cls(log, witness, nodes, acc.frontier())

    @property
    def log_key(self) -> VerifierKey:
        return VerifierKey.ed25519(ORIGIN, self.log.public_key)

    @property
    def witness_key(self) -> VerifierKey:
        return VerifierKey.cosigner(WITNESS, self.witness.public_key)

    def root(self, size: int) -> bytes:
        return root_from_nodes(size, self.nodes)


def _entries_section() -> list[str]:
    salt = [
        f'salt = SHA-256("{SALT_LABEL.decode()}") = {SALT.hex()}',
        'pseudonym("staff", "1:S001") = HMAC-SHA256(salt, "staff:1:S001")',
        f"                             = {STAFF_PSEUDONYM}",
    ]
    texts = [f"entry[{i}] = {entry.decode()}" for i, entry in enumerate(ENTRIES)]
    assert all(Entry.decode(body) == obj for body, obj in zip(ENTRIES, ENTRY_OBJECTS, strict=True))
    return [
        *_block("A pseudonym (the scope's salt is kept by the server, never published)", salt),
        *_block("The five entries, canonical (RFC 8785) text", texts),
        *_block(
            "entry[1] as bytes (UTF-8; 顺义区医院 is e9a1ba e4b989 e58cba e58cbb e999a2)", [ENTRIES[1].hex()]
        ),
    ]


def _tree(ex: Example) -> list[str]:
    leaves = [
        f"leaf[{i}] = SHA-256(00 ‖ entry[{i}]) = {leaf_hash(entry).hex()}" for i, entry in enumerate(ENTRIES)
    ]
    stored = [f"{_node(level, index):8} {value.hex()}" for (level, index), value in ex.nodes.items()]
    roots = [
        f"root(3) = node(node(leaf[0], leaf[1]), leaf[2]) = {ex.root(3).hex()}",
        f"root(5) = node((2,0), (0,4)) = {ex.root(5).hex()}",
        f"frontier(5) = [(2,0), (0,4)] = [{', '.join(h.hex() for h in ex.frontier)}]",
        f"root(3) base64 = {base64.b64encode(ex.root(3)).decode()}",
        f"root(5) base64 = {base64.b64encode(ex.root(5)).decode()}",
    ]
    return [
        *_block("Leaf hashes", leaves),
        *_block("Stored nodes after 5 appends, in append order", stored),
        *_block("Roots and frontier", roots),
    ]


def _proofs(ex: Example) -> list[str]:
    inclusion_spans = inclusion_proof_nodes(2, 5)
    inclusion = assemble(inclusion_spans, ex.nodes)
    assert verify_inclusion(leaf_hash(ENTRIES[2]), 2, 5, inclusion, ex.root(5))
    consistency_spans = consistency_proof_nodes(3, 5)
    consistency = assemble(consistency_spans, ex.nodes)
    assert verify_consistency(3, 5, ex.root(3), ex.root(5), consistency)
    return [
        *_block(
            "Inclusion proof for leaf 2 in the tree of size 5",
            [f"spans = {inclusion_spans}", *(f"proof[{i}] = {h.hex()}" for i, h in enumerate(inclusion))],
        ),
        *_block(
            "Consistency proof from size 3 to size 5",
            [f"spans = {consistency_spans}", *(f"proof[{i}] = {h.hex()}" for i, h in enumerate(consistency))],
        ),
    ]


def _keys(ex: Example) -> list[str]:
    log_input = ORIGIN.encode() + b"\n" + b"\x01" + ex.log.public_key
    witness_input = WITNESS.encode() + b"\n" + b"\x04" + ex.witness.public_key
    return _block(
        "Keys (example seeds: SHA-256 of the quoted labels; never use them for real)",
        [
            f'log seed = SHA-256("{LOG_SEED_LABEL.decode()}") = {sha256(LOG_SEED_LABEL).hex()}',
            f"log public key = {ex.log.public_key.hex()}",
            f"log key id = SHA-256({log_input.hex()})[:4] = {ex.log_key.key_id.hex()}",
            f"log vkey = {ex.log_key.encode()}",
            f'witness seed = SHA-256("{WITNESS_SEED_LABEL.decode()}") = {sha256(WITNESS_SEED_LABEL).hex()}',
            f"witness public key = {ex.witness.public_key.hex()}",
            f"witness key id = SHA-256({witness_input.hex()})[:4] = {ex.witness_key.key_id.hex()}",
            f"witness vkey = {ex.witness_key.encode()}",
        ],
    )


def _checkpoint(ex: Example) -> list[str]:
    checkpoint = Checkpoint(ORIGIN, 5, ex.root(5))
    cosignature = cosign(checkpoint, ex.witness, WITNESS, TIMESTAMP)
    note = add_signatures(sign_note(checkpoint.body(), ex.log, ORIGIN), [cosignature])
    verified = open_checkpoint(note, origin=ORIGIN, log_key=ex.log_key, witnesses=[ex.witness_key])
    assert dict(verified.cosigned_at) == {WITNESS: TIMESTAMP}
    message = cosignature_message(checkpoint.body(), TIMESTAMP)
    return [
        *_block("Checkpoint text (the signed body), hex", [checkpoint.body().hex()]),
        *_block("Cosigned message (witness signs these bytes)", message.decode().splitlines()),
        *_block(
            "Cosignature bytes after the key id: uint64 time ‖ Ed25519 signature",
            [cosignature.signature[:8].hex(), cosignature.signature[8:].hex()],
        ),
        *_block("Signed checkpoint note, log signature then witness cosignature", note.splitlines()),
    ]


def _tiles(ex: Example) -> list[str]:
    tile, bundle = Tile(0, 0, 5), EntryBundle(0, 5)
    digest = sha256(tile_bytes(tile, ex.nodes)).hex()
    entries = encode_entry_bundle(ENTRIES)
    layout = " ‖ ".join(f"{len(e):04x} ‖ entry[{i}]" for i, e in enumerate(ENTRIES))
    return _block(
        "Tiles at size 5",
        [
            f"{tile.path()} = 5 × 32 bytes = leaf[0] ‖ … ‖ leaf[4], SHA-256 of the tile {digest}",
            f"{bundle.path()} = {layout}",
            f"  ({len(entries)} bytes, SHA-256 {sha256(entries).hex()})",
        ],
    )


def _receipt(ex: Example) -> list[str]:
    stated = Receipt(ORIGIN, 3, leaf_hash(ENTRIES[3]), ENTRY_OBJECTS[3].time)
    note = sign_note(stated.body(), ex.log, ORIGIN)
    assert verify_receipt(note, [ex.log_key]) == stated
    return _block("Receipt for entry 3 (a signed note by the log key)", note.splitlines())


def _bundle(ex: Example) -> list[str]:
    checkpoint = Checkpoint(ORIGIN, 5, ex.root(5))
    cosignature = cosign(checkpoint, ex.witness, WITNESS, TIMESTAMP)
    signed = SignedCheckpoint(
        1, 5, ex.root(5), sign_note(checkpoint.body(), ex.log, ORIGIN), (cosignature.line(),)
    )
    keys = keys_document(ORIGIN, [LogKey("k1", ex.log.public_key, True)], [ex.witness_key])
    header = BundleHeader(ORIGIN, SCOPE, Visibility.INTERNAL, 5, ex.root(5), EXPORTED_AT)
    writer = BundleWriter(io.BytesIO(), header)
    writer.add_entries(ENTRIES)
    writer.add_checkpoints([signed])
    manifest = writer.finish(keys, [WITNESS])
    for item in manifest["files"]:
        if item["path"] == "report.html":
            item["sha256"], item["size"] = "(depends on the report's layout)", "…"
    return [
        *_block("checkpoints.jsonl (one line)", [checkpoint_line(signed).decode().rstrip("\n")]),
        *_block("keys.json", keys.decode().splitlines()),
        *_block(
            "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).splitlines()
        ),
    ]


def render() -> str:
    """The generated part of the document, deterministic byte for byte."""
    ex = Example.build()
    sections = [
        _entries_section(),
        _tree(ex),
        _proofs(ex),
        _keys(ex),
        _checkpoint(ex),
        _receipt(ex),
        _tiles(ex),
        _bundle(ex),
    ]
    lines = [BEGIN, "", *(line for section in sections for line in section), END]
    return "\n".join(lines) + "\n"


def replace_generated(document: str, generated: str) -> str:
    """The document with its generated block swapped for ``generated``."""
    start, stop = document.index(BEGIN), document.index(END) + len(END) + 1
    return document[:start] + generated + document[stop:]


def generated_part(document: str) -> str:
    start, stop = document.index(BEGIN), document.index(END) + len(END) + 1
    return document[start:stop]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="update the document in place")
    args = parser.parse_args()
    if args.write:
        DOC.write_text(replace_generated(DOC.read_text(encoding="utf-8"), render()), encoding="utf-8")
    else:
        print(render(), end="")


if __name__ == "__main__":
    main()
