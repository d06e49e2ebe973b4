"""Merkle and signed-note cases for the browser's verifiers, with the answers the server's code gives.

The inputs are the committed known-answer data of ``tests/unit/ledger/`` (transparency-dev probes and
reference proofs, the Go sumdb and C2SP notes, the audit-format worked example) plus every
single-character change of a few signed checkpoints. Each case carries what ``workflow.ledger``
answers, so the JavaScript verifiers are tested differentially: same input, same verdict, same
error code.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from typing import Any

from tests.unit.ledger import audit_format_example as example
from tests.unit.ledger import test_merkle as tm
from tests.unit.ledger import test_note as tn
from workflow.errors import DomainError
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
    open_checkpoint,
    open_note_report,
    sign_note,
)
from workflow.signing import Ed25519Signer

Case = dict[str, Any]


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


def _inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> Case:
    return {
        "kind": "inclusion",
        "leaf": leaf.hex(),
        "index": str(index),
        "size": str(size),
        "proof": [p.hex() for p in proof],
        "root": root.hex(),
        "expected": verify_inclusion(leaf, index, size, proof, root),
    }


def _consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> Case:
    return {
        "kind": "consistency",
        "old": str(old),
        "new": str(new),
        "old_root": old_root.hex(),
        "new_root": new_root.hex(),
        "proof": [p.hex() for p in proof],
        "expected": verify_consistency(old, new, old_root, new_root, proof),
    }


def merkle_cases() -> list[Case]:
    cases = []
    for probe in tm.PROBES["inclusion"]:
        proof = [_b64(p) for p in probe["proof"] or []]
        cases.append(
            _inclusion(
                _b64(probe["leafHash"]), probe["leafIdx"], probe["treeSize"], proof, _b64(probe["root"])
            )
        )
    for probe in tm.PROBES["consistency"]:
        proof = [_b64(p) for p in probe["proof"] or []]
        cases.append(
            _consistency(probe["size1"], probe["size2"], _b64(probe["root1"]), _b64(probe["root2"]), proof)
        )
    nodes = tm.stored_nodes()
    for index, size, _ in tm.INCLUSION_PROOFS:
        proof = assemble(inclusion_proof_nodes(index, size), nodes)
        cases.append(_inclusion(tm.nh(0, index), index, size, proof, bytes.fromhex(tm.ROOT_HASHES[size])))
    for old, new, _ in tm.CONSISTENCY_PROOFS:
        proof = assemble(consistency_proof_nodes(old, new), nodes)
        old_root, new_root = bytes.fromhex(tm.ROOT_HASHES[old]), bytes.fromhex(tm.ROOT_HASHES[new])
        cases.append(_consistency(old, new, old_root, new_root, proof))
    cases += _random_tree_cases(random.Random(9162))
    return cases


def _random_tree_cases(rng: random.Random) -> list[Case]:
    """Proofs in a 70-leaf tree, each also with one flipped bit, a wrong index and a wrong size."""
    acc = CompactRange()
    nodes: dict[tuple[int, int], bytes] = {}
    for i in range(70):
        for level, index, value in acc.append(leaf_hash(f"entry {i}".encode())):
            nodes[(level, index)] = value
    cases = []
    for _ in range(25):
        size = rng.randint(1, 70)
        index = rng.randrange(size)
        root = root_from_nodes(size, nodes)
        proof = assemble(inclusion_proof_nodes(index, size), nodes)
        leaf = nodes[(0, index)]
        cases.append(_inclusion(leaf, index, size, proof, root))
        if proof:
            bad = list(proof)
            k = rng.randrange(len(bad))
            bad[k] = bytes([bad[k][0] ^ 1]) + bad[k][1:]
            cases.append(_inclusion(leaf, index, size, bad, root))
        cases.append(_inclusion(leaf, (index + 1) % size, size, proof, root))
        cases.append(_inclusion(leaf, index, size + 1, proof, root))
        old = rng.randint(1, size)
        old_root = root_from_nodes(old, nodes)
        cproof = assemble(consistency_proof_nodes(old, size), nodes)
        cases.append(_consistency(old, size, old_root, root, cproof))
        if cproof:
            cases.append(_consistency(old, size, old_root, root, cproof[:-1]))
    return cases


def _outcome(run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return {"ok": True, **run()}
    except DomainError as error:
        return {"ok": False, "code": error.code}


def _text(value: str | bytes) -> Any:
    return {"bytes": list(value)} if isinstance(value, bytes) else value


def note_case(text: str | bytes, vkeys: list[str]) -> Case:
    def run() -> dict[str, Any]:
        keys = {k.name: k for k in (VerifierKey.parse(v) for v in vkeys)}
        opened = open_note_report(text, keys)
        return {
            "body": opened.body.decode(),
            "verified": opened.verified_names,
            "unknown": [s.key_ref for s in opened.unknown],
        }

    return {"kind": "note", "text": _text(text), "vkeys": vkeys, "expected": _outcome(run)}


def checkpoint_case(text: str | bytes, origin: str, log: str, witnesses: list[str]) -> Case:
    def run() -> dict[str, Any]:
        verified = open_checkpoint(
            text,
            origin=origin,
            log_key=VerifierKey.parse(log),
            witnesses=[VerifierKey.parse(w) for w in witnesses],
        )
        return {
            "origin": verified.checkpoint.origin,
            "size": str(verified.checkpoint.size),
            "root": verified.checkpoint.root_hash.hex(),
            "cosigned_at": dict(verified.cosigned_at),
        }

    return {
        "kind": "checkpoint",
        "text": _text(text),
        "origin": origin,
        "log": log,
        "witnesses": witnesses,
        "expected": _outcome(run),
    }


def vkey_case(vkey: str) -> Case:
    def run() -> dict[str, Any]:
        key = VerifierKey.parse(vkey)
        return {"name": key.name, "type": int(key.sig_type), "key_id": key.key_id.hex()}

    return {"kind": "vkey", "vkey": vkey, "expected": _outcome(run)}


def parse_checkpoint_case(text: str | bytes) -> Case:
    def run() -> dict[str, Any]:
        checkpoint = Checkpoint.parse(text)
        return {"origin": checkpoint.origin, "size": str(checkpoint.size), "root": checkpoint.root_hash.hex()}

    return {"kind": "parse_checkpoint", "text": _text(text), "expected": _outcome(run)}


def _mutations(text: str, rng: random.Random, count: int) -> list[str]:
    """Single-character changes anywhere in a note: text, blank line, names, base64."""
    out = []
    for position in rng.sample(range(len(text)), min(count, len(text))):
        replacement = rng.choice("AZaz09+/=\n —x")
        if replacement != text[position]:
            out.append(text[:position] + replacement + text[position + 1 :])
    return out


def note_cases() -> list[Case]:
    rng = random.Random(8032)
    cases: list[Case] = []
    for vkey in [tn.PETER_VKEY, tn.ENOCH_VKEY, tn.C2SP_VKEY, tn.REMORA_COSIGNER_VKEY, *tn.BAD_VKEYS]:
        cases.append(vkey_case(vkey))
    peter_enoch = tn.TEXT + "\n" + tn.PETER_SIG + tn.ENOCH_SIG
    cases += [
        note_case(tn.TEXT + "\n" + tn.PETER_SIG, [tn.PETER_VKEY]),
        note_case(peter_enoch, [tn.PETER_VKEY]),
        note_case(peter_enoch, [tn.PETER_VKEY, tn.ENOCH_VKEY]),
        note_case(peter_enoch, [tn.ENOCH_VKEY]),
        note_case(peter_enoch, []),
        note_case(tn.TEXT + "\n" + tn.PETER_SIG + tn.PETER_SIG, [tn.PETER_VKEY]),
        note_case(tn.C2SP_NOTE, [tn.C2SP_VKEY]),
        note_case(tn.QUASIMODO_NOTE, [tn.PETER_VKEY]),
        note_case(tn.TEXT.replace("problem", "pr0blem", 1) + "\n" + tn.PETER_SIG, [tn.PETER_VKEY]),
    ]
    for _, text in tn.MALFORMED_NOTES:
        if isinstance(text, str | bytes):
            cases.append(note_case(text, [tn.PETER_VKEY]))
    for text in tn.BAD_CHECKPOINTS:
        cases.append(parse_checkpoint_case(text))
    cases.append(parse_checkpoint_case(tn.parse_note(tn.SOFA_CHECKPOINT).body))

    # the witnessed checkpoint of test_note.py: log + two witnesses
    log, key_a, key_b = tn.LOG_KEY.encode(), tn.KEY_A.encode(), tn.KEY_B.encode()
    witnessed = tn.witnessed()
    cases += [
        checkpoint_case(witnessed, tn.ORIGIN, log, [key_a, key_b]),
        checkpoint_case(witnessed, tn.ORIGIN, log, [key_a]),
        checkpoint_case(witnessed, tn.ORIGIN, log, []),
        checkpoint_case(witnessed, "yide.example/campaign/43", log, [key_a]),
        checkpoint_case(witnessed, tn.ORIGIN, key_a, []),
        checkpoint_case(witnessed, tn.ORIGIN, log, [log]),
    ]
    forged = cosign(tn.CHECKPOINT, tn.WITNESS_B, tn.KEY_A.name, 1)
    lying = tn.NoteSignature(tn.KEY_A.name, tn.KEY_A.key_id, forged.signature)
    cases.append(
        checkpoint_case(
            add_signatures(sign_note(tn.CHECKPOINT.body(), tn.LOG, tn.ORIGIN), [lying]),
            tn.ORIGIN,
            log,
            [key_a],
        )
    )

    # the audit-format worked example: the log and the 纪检 witness
    ex = example.Example.build()
    size = len(example.ENTRIES)
    checkpoint = Checkpoint(example.ORIGIN, size, root_from_nodes(size, ex.nodes))
    ex_log = VerifierKey.ed25519(example.ORIGIN, ex.log.public_key).encode()
    ex_witness = VerifierKey.cosigner(example.WITNESS, ex.witness.public_key).encode()
    signed = add_signatures(
        sign_note(checkpoint.body(), ex.log, example.ORIGIN),
        [cosign(checkpoint, ex.witness, example.WITNESS, example.TIMESTAMP)],
    )
    cases.append(checkpoint_case(signed, example.ORIGIN, ex_log, [ex_witness]))
    for mutated in _mutations(signed, rng, 60):
        cases.append(checkpoint_case(mutated, example.ORIGIN, ex_log, [ex_witness]))
    for mutated in _mutations(witnessed, rng, 40):
        cases.append(checkpoint_case(mutated, tn.ORIGIN, log, [key_a, key_b]))

    # a large tree size and extension lines survive the round trip
    big = Checkpoint(tn.ORIGIN, 2**64 - 1, bytes(range(32)), ("ext one",))
    cases.append(checkpoint_case(sign_note(big.body(), tn.LOG, tn.ORIGIN), tn.ORIGIN, log, []))
    other = Ed25519Signer.from_seed(bytes([9]) * 32)
    cases.append(checkpoint_case(sign_note(big.body(), other, tn.ORIGIN), tn.ORIGIN, log, []))
    return cases
