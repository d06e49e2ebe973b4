"""Where the selection calls the ledger service: one function per seam.

The ledger service (signed receipts, stored checkpoints, bundle export, verifier plug-ins) is built
in parallel. Until it is merged the functions here produce interim forms of the same things from
what ``main`` already has, so that switching to the real ones touches this module only:

* :func:`receipt_for`: a signed note (C2SP signed-note format, log key) over origin, leaf index,
  leaf hash and time;
* :func:`checkpoint_for`: a C2SP tlog-checkpoint signed by the log key over the scope's current
  size and root (not yet stored or cosigned).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from workflow.ids import ScopeName
from workflow.ledger.note import Checkpoint, sign_note
from workflow.ledger.service import Appended
from workflow.ledger.tables import LedgerScope
from workflow.runtime import Runtime

RECEIPT_HEADER = "yide/receipt/v1"


def log_origin(rt: Runtime, scope: ScopeName) -> str:
    return f"{rt.settings.log_name}/{scope}"


def receipt_for(rt: Runtime, appended: Appended) -> str:
    """The log's signed statement that it holds ``appended`` at its index."""
    origin = log_origin(rt, appended.scope)
    body = "\n".join(
        [
            RECEIPT_HEADER,
            origin,
            str(appended.index),
            base64.b64encode(appended.leaf_hash).decode("ascii"),
            appended.time,
        ]
    )
    return sign_note((body + "\n").encode("utf-8"), rt.keys.log_signer(), origin)


@dataclass(frozen=True)
class Pinned:
    """A signed checkpoint of a campaign log; fits the documents' ``CheckpointLike``."""

    origin: str
    size: int
    root_hash: bytes
    note: str
    """The signed note exactly as the log serves it."""


async def checkpoint_for(rt: Runtime, scope: ScopeName) -> Pinned:
    """A signed checkpoint of the scope as it stands now (inside the caller's transaction)."""
    row = (
        await LedgerScope.select(LedgerScope.size, LedgerScope.root).where(LedgerScope.name == scope).first()
    )
    if row is None:
        raise LookupError(scope)
    origin = log_origin(rt, scope)
    checkpoint = Checkpoint(origin, int(row["size"]), bytes.fromhex(row["root"]))
    note = sign_note(checkpoint.body(), rt.keys.log_signer(), origin)
    return Pinned(origin, checkpoint.size, checkpoint.root_hash, note)
