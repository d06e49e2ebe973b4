"""Witnesses: who may cosign the log's checkpoints, and storing what they cosigned.

A witness (for example the 纪检 auditor's own machine) keeps the last checkpoint it saw, checks that
each new one is consistent with it, and only then cosigns (c2sp.org/tlog-cosignature, type 0x04).
The log accepts a cosignature only from a registered witness key and only if it verifies over the
stored checkpoint; it is then served appended to that checkpoint's note, so any reader sees that an
independent party vouched for this tree head. An organizer registers witness keys; registering one
is itself a ledger entry in the internal ``org`` log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow.db import for_update, write_transaction
from workflow.errors import Conflict, InvalidInput
from workflow.ledger.checkpoints import SignedCheckpoint, checkpoint_at
from workflow.ledger.events import EventType
from workflow.ledger.note import (
    Checkpoint,
    SignatureType,
    VerifierKey,
    cosignature_timestamp,
    parse_note,
    parse_signature_line,
    verify_cosignature,
)
from workflow.ledger.scopes import ORG
from workflow.ledger.service import Record, append
from workflow.ledger.store import ScopeHead
from workflow.ledger.tables import Checkpoint as CheckpointRow
from workflow.ledger.tables import Cosignature, WitnessKey
from workflow.runtime import Runtime

MAX_CLOCK_SKEW_SECONDS = 600
"""A cosignature may claim a time at most this far ahead of the log's clock."""


class UnknownWitness(InvalidInput):
    code = "unknown-witness"
    title = "The cosignature is not by a registered witness key"


class InvalidCosignature(InvalidInput):
    code = "invalid-cosignature"
    title = "The cosignature does not verify over this checkpoint"


@dataclass(frozen=True)
class RegisteredWitness:
    key: VerifierKey
    added_at: datetime


def parse_witness_key(vkey: str) -> VerifierKey:
    key = VerifierKey.parse(vkey.strip())
    if key.sig_type is not SignatureType.COSIGNATURE_V1:
        raise InvalidInput("a witness key is a cosignature/v1 key (type 0x04)", name=key.name)
    return key


async def add_witness_key(rt: Runtime, vkey: str, *, actor: str) -> VerifierKey:
    """Register a witness's verifier key (idempotent for the same key; a name is never re-keyed)."""
    key = parse_witness_key(vkey)
    async with write_transaction():
        existing = await WitnessKey.select(WitnessKey.vkey).where(WitnessKey.name == key.name).first()
        if existing is not None:
            if existing["vkey"] != key.encode():
                raise Conflict(f"a witness named {key.name!r} is registered with another key", name=key.name)
            return key
        await WitnessKey.insert(WitnessKey(name=key.name, vkey=key.encode(), added_by=actor))
        await append(
            ORG,
            Record(EventType.WITNESS_ADDED, actor, {"name": key.name, "vkey": key.encode()}),
            at=rt.clock.now(),
        )
    return key


async def witness_keys() -> list[RegisteredWitness]:
    rows = await WitnessKey.select(WitnessKey.vkey, WitnessKey.created_at).order_by(WitnessKey.id)
    return [RegisteredWitness(VerifierKey.parse(r["vkey"]), r["created_at"]) for r in rows]


async def submit_cosignature(rt: Runtime, head: ScopeHead, size: int, line: str) -> SignedCheckpoint:
    """Store a registered witness's cosignature of the checkpoint of ``size``; a newer cosignature
    by the same witness replaces its older one. Returns the checkpoint with its cosignatures."""
    signature = parse_signature_line(line)
    found = await WitnessKey.select(WitnessKey.vkey).where(WitnessKey.name == signature.name).first()
    if found is None:
        raise UnknownWitness(f"no witness named {signature.name!r} is registered", name=signature.name)
    witness = VerifierKey.parse(found["vkey"])
    if witness.key_id != signature.key_id:
        raise UnknownWitness("the key id is not the registered witness key's", name=signature.name)
    stored = await checkpoint_at(head, size)
    checkpoint = Checkpoint.parse(parse_note(stored.note).body)
    if cosignature_timestamp(signature) > rt.clock.now().timestamp() + MAX_CLOCK_SKEW_SECONDS:
        raise InvalidCosignature("the cosignature claims a time in the future")
    if not verify_cosignature(checkpoint, signature, witness):
        raise InvalidCosignature("the cosignature does not verify with the witness key", name=witness.name)
    async with write_transaction():
        await for_update(CheckpointRow.select(CheckpointRow.id).where(CheckpointRow.id == stored.id)).first()
        await Cosignature.delete().where(
            (Cosignature.checkpoint == stored.id) & (Cosignature.witness == witness.name)
        )
        await Cosignature.insert(
            Cosignature(checkpoint=stored.id, witness=witness.name, signature_line=signature.line())
        )
    return await checkpoint_at(head, size)
