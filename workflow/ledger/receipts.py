"""Receipts: the log's signed statement that it accepted an entry at a given index.

Whatever the ledger accepts on someone's behalf (a ballot, a nomination, an objection) is answered
with a receipt, issued only after the entry's transaction committed. The receipt is a C2SP signed
note by the log key (note name = the scope's checkpoint origin), so the same published vkeys verify
receipts and checkpoints. Its text is::

    yide/receipt/v1
    origin <checkpoint origin>
    index <leaf index, decimal>
    leaf <leaf hash, 64 lowercase hex: the tracking code>
    time <entry time, as in the entry>

The holder later fetches an inclusion proof for ``index`` against any checkpoint of a larger size
and checks it with :func:`receipt_included`; a log that dropped or changed the entry cannot produce
one. Verification here is pure, for auditors' offline tools.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workflow.errors import InvalidInput
from workflow.ledger.merkle import HASH_SIZE, is_uint64, verify_inclusion
from workflow.ledger.note import (
    Checkpoint,
    SignatureType,
    UnverifiedNote,
    VerifierKey,
    open_note_report,
    parse_note,
    sign_note,
)
from workflow.ledger.scopes import log_origin

if TYPE_CHECKING:
    from workflow.ledger.service import Appended
    from workflow.runtime import Runtime

RECEIPT_FORMAT = "yide/receipt/v1"
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")
_HEX_HASH = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")


class MalformedReceipt(InvalidInput):
    code = "malformed-receipt"
    title = "Malformed receipt"


@dataclass(frozen=True)
class Receipt:
    """What the log promised: entry ``index`` of ``origin`` has leaf hash ``leaf_hash``."""

    origin: str
    index: int
    leaf_hash: bytes
    time: str

    def __post_init__(self) -> None:
        if not self.origin or any(ch.isspace() for ch in self.origin) or "+" in self.origin:
            raise MalformedReceipt("the origin is a non-empty name without spaces or '+'")
        if not is_uint64(self.index):
            raise MalformedReceipt("the index is a uint64")
        if not isinstance(self.leaf_hash, bytes) or len(self.leaf_hash) != HASH_SIZE:
            raise MalformedReceipt("the leaf hash is 32 bytes")
        if not _TIME.fullmatch(self.time):
            raise MalformedReceipt("the time is UTC with milliseconds, e.g. 2026-01-01T08:00:00.000Z")

    @property
    def tracking_code(self) -> str:
        """The leaf hash in hex: what a voter writes down and later looks up."""
        return self.leaf_hash.hex()

    def body(self) -> bytes:
        """The signed note text."""
        return (
            f"{RECEIPT_FORMAT}\norigin {self.origin}\nindex {self.index}\n"
            f"leaf {self.tracking_code}\ntime {self.time}\n"
        ).encode()

    @classmethod
    def parse(cls, body: bytes) -> Receipt:
        """Read receipt text strictly: exactly these five lines, in this order, one spelling each."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedReceipt("a receipt is UTF-8") from None
        lines = text.split("\n")
        if len(lines) != 6 or lines[-1] != "" or lines[0] != RECEIPT_FORMAT:
            raise MalformedReceipt(f"a receipt is five lines starting with {RECEIPT_FORMAT}")
        fields: dict[str, str] = {}
        for line, name in zip(lines[1:5], ("origin", "index", "leaf", "time"), strict=True):
            prefix = name + " "
            if not line.startswith(prefix):
                raise MalformedReceipt(f"expected the {name} line")
            fields[name] = line[len(prefix) :]
        if not _DECIMAL.fullmatch(fields["index"]) or not _HEX_HASH.fullmatch(fields["leaf"]):
            raise MalformedReceipt("the index is decimal and the leaf 64 lowercase hex digits")
        receipt = cls(fields["origin"], int(fields["index"]), bytes.fromhex(fields["leaf"]), fields["time"])
        if receipt.body() != body:
            raise MalformedReceipt("the receipt is not in its one canonical spelling")
        return receipt


def sign_receipt(receipt: Receipt, rt: Runtime) -> str:
    return sign_note(receipt.body(), rt.keys.log_signer(), receipt.origin)


def receipt(rt: Runtime, appended: Appended) -> str:
    """The signed receipt for an entry; call it only after the append's transaction committed."""
    origin = log_origin(rt.settings.log_name, appended.scope)
    return sign_receipt(Receipt(origin, appended.index, appended.leaf_hash, appended.time), rt)


def verify_receipt(text: str | bytes, log_keys: Iterable[VerifierKey]) -> Receipt:
    """Check a receipt's log signature against the published log keys; return what it states.

    ``log_keys`` are the vkeys of the receipt's origin (every published key, retired ones too);
    the receipt must be signed by one of them under its own origin's name.
    """
    parsed = parse_note(text)
    receipt = Receipt.parse(parsed.body)
    keys = [k for k in log_keys if k.sig_type is SignatureType.ED25519 and k.name == receipt.origin]
    signer_ids = {sig.key_id for sig in parsed.signatures if sig.name == receipt.origin}
    for key in keys:
        if key.key_id in signer_ids:
            open_note_report(text, {key.name: key})  # raises InvalidNoteSignature if it does not verify
            return receipt
    raise UnverifiedNote("no published log key signed this receipt", origin=receipt.origin)


def receipt_included(receipt: Receipt, proof: Sequence[bytes], checkpoint: Checkpoint) -> bool:
    """Whether a *verified* checkpoint of the same log includes the receipt's entry.

    The tree size comes from the signed checkpoint, never from the proof.
    """
    return (
        checkpoint.origin == receipt.origin
        and receipt.index < checkpoint.size
        and verify_inclusion(receipt.leaf_hash, receipt.index, checkpoint.size, proof, checkpoint.root_hash)
    )
