"""Ledger storage.

``LedgerScope`` holds the size and the Merkle frontier (the roots of the perfect subtrees covering
the log) so an append touches O(log n) rows; ``MerkleNode`` keeps every complete subtree hash so a
proof at any size reads O(log n) rows and C2SP tiles are plain range reads. Unique keys on
(scope, idx) and (scope, level, idx) are in a raw migration and make a gap or a duplicate impossible
even if a caller forgot the scope lock.
"""

from __future__ import annotations

from piccolo.columns import BigInt, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from workflow.ledger.scopes import Visibility


class LedgerScope(Table):
    id = Serial(primary_key=True)
    name = Varchar(length=100, unique=True)  # "org", "campaign-12", "ethics-2025-unit-3"
    visibility = Varchar(length=12, choices=Visibility)
    size = BigInt(default=0)
    root = Varchar(length=64, default="")  # hex root of the first `size` entries
    frontier = Text(default="[]")  # JSON list of hex perfect-subtree roots, largest first
    salt = Varchar(length=64)  # hex; keys pseudonyms of personal data in this scope
    created_at = Timestamptz(default=TimestamptzNow())


class LedgerEntry(Table):
    id = Serial(primary_key=True)
    scope = ForeignKey(LedgerScope)
    idx = BigInt()
    event_type = Varchar(length=80)
    body = Text()  # the canonical bytes (RFC 8785 JSON, UTF-8) that were hashed
    leaf_hash = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


class MerkleNode(Table):
    id = Serial(primary_key=True)
    scope = ForeignKey(LedgerScope)
    level = Integer()
    idx = BigInt()
    hash = Varchar(length=64)


class Checkpoint(Table):
    id = Serial(primary_key=True)
    scope = ForeignKey(LedgerScope)
    size = BigInt()
    root = Varchar(length=64)
    note = Text()  # the signed note, exactly as served
    created_at = Timestamptz(default=TimestamptzNow())


class Cosignature(Table):
    id = Serial(primary_key=True)
    checkpoint = ForeignKey(Checkpoint)
    witness = Varchar(length=200)  # the witness key name
    signature_line = Text()  # "— <name> <base64>" exactly as it is appended to the note
    created_at = Timestamptz(default=TimestamptzNow())


class WitnessKey(Table):
    """A witness whose cosignatures (c2sp.org/tlog-cosignature, type 0x04) the log accepts and serves.

    The key name is the witness's identity in every cosignature line, so it is unique; a key is
    registered by an organizer and never edited (a new key is a new name).
    """

    id = Serial(primary_key=True)
    name = Varchar(length=200, unique=True)
    vkey = Varchar(length=300)  # "<name>+<hex key id>+<base64(0x04 ‖ key)>"
    added_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
