"""Where an ethics year meets the ledger: its signed checkpoints.

``archive`` signs a checkpoint of the year's scope as the last step (the archived year is pinned by a
log-signed tree head that witnesses may cosign), and the 医德考评表 prints the newest checkpoint in
its footer — signed lazily if the log grew since the last one — so paper can be matched to the log.
The verifier's ethics check is in ``audit.py``.
"""

from __future__ import annotations

from typing import Any

from workflow.ids import ScopeName
from workflow.ledger.checkpoints import SignedCheckpoint, checkpoint_now, origin_of
from workflow.ledger.checkpoints import latest_checkpoint as newest
from workflow.ledger.store import ScopeNotFound, scope_head
from workflow.runtime import Runtime


def _view(rt: Runtime, scope: ScopeName, checkpoint: SignedCheckpoint) -> dict[str, Any]:
    return {
        "origin": origin_of(rt, scope),
        "size": checkpoint.size,
        "root_hash": checkpoint.root.hex(),
        "signed": True,
        "note": checkpoint.text(),
    }


async def after_archive(rt: Runtime, scope: ScopeName) -> dict[str, Any]:
    """Sign the archived year's tree head now (in the caller's transaction, if any)."""
    return _view(rt, scope, await checkpoint_now(rt, scope))


async def latest_checkpoint(rt: Runtime, scope: ScopeName) -> dict[str, Any] | None:
    """The newest signed checkpoint of ``scope`` (signing one if the log grew): the form's footer."""
    try:
        head = await scope_head(scope)
    except ScopeNotFound:
        return None
    return _view(rt, scope, await newest(rt, head))


def verification_url(rt: Runtime, scope: ScopeName) -> str:
    """The page a printed form's QR code leads to (served by the public pages)."""
    return f"{rt.settings.server.public_url}/verify/{scope}"
