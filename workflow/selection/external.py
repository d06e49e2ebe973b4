"""Where the selection calls the ledger service: signed receipts and signed, stored checkpoints.

The ballot ingest answers every accepted ballot with the log's signed receipt; the 公示 notice and
the announcement each rest on a checkpoint signed and stored in the same transaction as the entries
they refer to, so a reader can check the printed list against the log.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.ids import ScopeName
from workflow.ledger.checkpoints import checkpoint_now, log_verifier_keys, origin_of
from workflow.ledger.receipts import receipt
from workflow.ledger.service import Appended
from workflow.runtime import Runtime


def receipt_for(rt: Runtime, appended: Appended) -> str:
    """The log's signed statement that it holds ``appended`` at its index (after the commit)."""
    return receipt(rt, appended)


@dataclass(frozen=True)
class Pinned:
    """A signed checkpoint of a campaign log; fits the documents' ``CheckpointLike``."""

    origin: str
    size: int
    root_hash: bytes
    note: str
    """The signed note exactly as the log serves it."""


async def checkpoint_for(rt: Runtime, scope: ScopeName) -> Pinned:
    """Sign and store the scope's checkpoint now (joins the caller's transaction)."""
    signed = await checkpoint_now(rt, scope)
    return Pinned(origin_of(rt, scope), signed.size, signed.root, signed.text())


def log_vkeys(rt: Runtime, scope: ScopeName) -> list[str]:
    """The vkeys that verify the scope's checkpoints, as printed on the 公示 notice."""
    return [key.encode() for key in log_verifier_keys(rt, scope)]
