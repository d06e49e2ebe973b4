"""Applying migrations and refusing to run on a database that lacks them."""

from __future__ import annotations

import contextlib
import io
from datetime import datetime

from piccolo.apps.migrations.commands.check import CheckMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards

from workflow.db import prepare_sqlite, write_transaction
from workflow.errors import Unavailable
from workflow.ledger.scopes import ORG, Visibility
from workflow.ledger.service import open_scope


class NotMigrated(Unavailable):
    code = "not-migrated"
    title = "The database schema is not up to date"


async def pending() -> list[str]:
    """Ids of migrations not yet applied to the configured database."""
    statuses = await CheckMigrationManager(app_name="workflow").get_migration_statuses()
    return [s.migration_id for s in statuses if not s.has_ran]


async def migrate(*, at: datetime) -> list[str]:
    """Apply every pending migration (each in its own transaction); return the ids applied.

    Also opens the internal ``org`` log, which every later organisation change is recorded in.
    """
    await prepare_sqlite()
    todo = await pending()
    if todo:
        # Piccolo prints progress with emoji; the CLI reports the result itself.
        with contextlib.redirect_stdout(io.StringIO()) as out:
            result = await run_forwards("workflow")
        if not result.success:
            raise RuntimeError(f"migration failed: {result.message or out.getvalue().strip()}")
    async with write_transaction():
        await open_scope(ORG, Visibility.INTERNAL, actor="operator", at=at)
    return todo


async def require_migrated() -> None:
    missing = await pending()
    if missing:
        raise NotMigrated(
            f"the database lacks {len(missing)} migration(s); run `yide migrate` first",
            pending=missing,
        )
