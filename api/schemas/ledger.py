"""Ledger read API shapes. Hashes are lowercase hex; notes are C2SP signed-note text."""

from __future__ import annotations

import base64
from typing import Annotated

import msgspec
from litestar.params import Parameter

from api.schemas.common import Struct
from workflow.keystore import LogKey
from workflow.ledger.checkpoints import SignedCheckpoint
from workflow.ledger.proofs import ConsistencyProof, InclusionProof
from workflow.ledger.reads import ScopeView
from workflow.ledger.scopes import Visibility
from workflow.ledger.store import StoredEntry
from workflow.ledger.witnesses import RegisteredWitness

MAX_TREE_SIZE = 2**63 - 1
"""Sizes and indexes are stored as signed 64-bit integers."""
SizeParam = Annotated[int, Parameter(ge=0, le=MAX_TREE_SIZE)]
"""A tree size or leaf index in a path or query: larger values are a bad request, not a database error."""
OptionalSizeParam = Annotated[int | None, Parameter(ge=0, le=MAX_TREE_SIZE)]
"""The same, optional (Litestar drops the bounds of ``SizeParam | None``)."""


class LedgerScopeOut(msgspec.Struct):
    name: str
    visibility: Visibility
    origin: str
    """The checkpoint origin: ``<log name>/<scope>``; also the log key's note name."""
    size: int
    root: str
    checkpoint_size: int | None
    """Size of the latest signed checkpoint; ``GET …/checkpoint`` signs one for the current size."""
    verifier_keys: list[str]
    """Every log key's vkey for this origin (retired keys too): what verifies its notes."""

    @classmethod
    def of(cls, view: ScopeView) -> LedgerScopeOut:
        head = view.head
        return cls(
            name=head.name,
            visibility=head.visibility,
            origin=view.origin,
            size=head.size,
            root=head.root.hex(),
            checkpoint_size=view.checkpoint_size,
            verifier_keys=list(view.verifier_keys),
        )


class EntryOut(msgspec.Struct):
    index: int
    type: str
    leaf_hash: str
    entry: str
    """The canonical entry bytes as a string: UTF-8 encode it to get exactly the bytes hashed."""

    @classmethod
    def of(cls, stored: StoredEntry) -> EntryOut:
        return cls(stored.index, stored.event_type, stored.leaf_hash.hex(), stored.body.decode("utf-8"))


class EntryPage(msgspec.Struct):
    items: list[EntryOut]
    next_cursor: str | None


class CheckpointOut(msgspec.Struct):
    size: int
    root: str
    note: str
    """The signed note with any witness cosignature lines appended."""

    @classmethod
    def of(cls, checkpoint: SignedCheckpoint) -> CheckpointOut:
        return cls(checkpoint.size, checkpoint.root.hex(), checkpoint.text())


class CheckpointPage(msgspec.Struct):
    items: list[CheckpointOut]
    next_cursor: str | None


class InclusionProofOut(msgspec.Struct):
    index: int
    tree_size: int
    leaf_hash: str
    hashes: list[str]
    """RFC 9162 PATH(index, D[0:tree_size]), sibling of the leaf first."""
    checkpoint: str
    """The signed checkpoint of ``tree_size`` that the proof verifies against."""

    @classmethod
    def of(cls, proof: InclusionProof, checkpoint: SignedCheckpoint) -> InclusionProofOut:
        return cls(
            proof.index,
            proof.tree_size,
            proof.leaf_hash.hex(),
            [h.hex() for h in proof.hashes],
            checkpoint.text(),
        )


class ConsistencyProofOut(msgspec.Struct):
    old_size: int
    new_size: int
    hashes: list[str]
    """RFC 9162 PROOF(old_size, D[0:new_size])."""
    checkpoint: str
    """The signed checkpoint of ``new_size``."""

    @classmethod
    def of(cls, proof: ConsistencyProof, checkpoint: SignedCheckpoint) -> ConsistencyProofOut:
        return cls(proof.old_size, proof.new_size, [h.hex() for h in proof.hashes], checkpoint.text())


class CosignatureIn(Struct):
    size: Annotated[int, msgspec.Meta(ge=1, le=MAX_TREE_SIZE)]
    """The size of the stored checkpoint the witness cosigned."""
    signature: Annotated[str, msgspec.Meta(min_length=10, max_length=400)]
    """The witness's signature line, ``— <name> <base64(key id ‖ time ‖ signature)>``."""


class WitnessKeyIn(Struct):
    vkey: Annotated[str, msgspec.Meta(min_length=10, max_length=300)]
    """A cosignature/v1 verifier key: ``<name>+<hex key id>+<base64(0x04 ‖ key)>``."""


class LogKeyOut(msgspec.Struct):
    label: str
    algorithm: str
    public_key: str
    """Standard base64 of the 32-byte Ed25519 key."""
    active: bool

    @classmethod
    def of(cls, key: LogKey) -> LogKeyOut:
        return cls(key.label, "ed25519", base64.b64encode(key.public_key).decode(), key.active)


class WitnessKeyOut(msgspec.Struct):
    name: str
    vkey: str
    key_id: str

    @classmethod
    def of(cls, witness: RegisteredWitness) -> WitnessKeyOut:
        return cls(witness.key.name, witness.key.encode(), witness.key.key_id.hex())


class LedgerKeysOut(msgspec.Struct):
    log_keys: list[LogKeyOut]
    """The log's signing keys; a scope's vkey is ``VerifierKey(<origin>, 0x01, key)``."""
    witnesses: list[WitnessKeyOut]
