"""Where an ethics year meets the ledger-service features: its checkpoint and its verifier check.

Kept in one place so that the call sites do not change when the ledger service lands: ``archive``
asks for a checkpoint of the year's scope, the 医德考评表 prints it in its footer, and the bundle
verifier replays each year's processes from the entries (``replay.py``).

Until ``workflow.ledger`` signs checkpoints, ``latest_checkpoint`` returns the scope's current tree
head (origin ``<YIDE_LOG_NAME>/<scope>``, size and RFC 9162 root) with ``signed: False``: the same
three facts a signed checkpoint will attest, so a printed form can already be matched to the log.
"""

from __future__ import annotations

from typing import Any

from workflow.ids import ScopeName
from workflow.ledger.tables import LedgerScope
from workflow.runtime import Runtime


async def after_archive(rt: Runtime, scope: ScopeName) -> dict[str, Any] | None:
    """The tree head of the year's log once it is archived."""
    return await latest_checkpoint(rt, scope)


async def latest_checkpoint(rt: Runtime, scope: ScopeName) -> dict[str, Any] | None:
    """The newest tree head of ``scope`` as the 医德考评表 footer prints it: origin, size, root."""
    row = (
        await LedgerScope.select(LedgerScope.size, LedgerScope.root).where(LedgerScope.name == scope).first()
    )
    if row is None or not row["root"]:
        return None
    return {
        "origin": f"{rt.settings.log_name}/{scope}",
        "size": int(row["size"]),
        "root_hash": row["root"],
        "signed": False,
    }


def verification_url(rt: Runtime, scope: ScopeName) -> str:
    """The page a printed form's QR code leads to (served by the public pages)."""
    return f"{rt.settings.server.public_url}/verify/{scope}"
