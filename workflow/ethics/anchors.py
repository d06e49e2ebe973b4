"""Where an ethics year meets the ledger-service features: its checkpoint and its verifier check.

Kept in one place so that the call sites do not change when the ledger service lands: ``archive``
asks for a checkpoint of the year's scope, the 医德考评表 prints it in its footer, and the bundle
verifier replays each year's ``ethics-cycle`` and ``ethics-record`` processes from the entries.
Until ``workflow.ledger`` offers checkpoints these return ``None`` and the form says so.
"""

from __future__ import annotations

from typing import Any

from workflow.ids import ScopeName
from workflow.runtime import Runtime


async def after_archive(rt: Runtime, scope: ScopeName) -> dict[str, Any] | None:
    """A signed checkpoint of the year's log once it is archived (``None`` until the ledger service)."""
    return await latest_checkpoint(rt, scope)


async def latest_checkpoint(rt: Runtime, scope: ScopeName) -> dict[str, Any] | None:
    """The newest checkpoint of ``scope`` as the 医德考评表 footer prints it: origin, size, root."""
    return None
