from __future__ import annotations

from datetime import datetime

from piccolo.apps.migrations.tables import Migration

from workflow.db import engine, write_transaction
from workflow.ledger.scopes import ORG, Visibility
from workflow.ledger.service import open_scope
from workflow.piccolo_app import APP_CONFIG


def _tables() -> list[str]:
    return [t._meta.tablename for t in APP_CONFIG.table_classes if t is not Migration]


async def reset_database(*, at: datetime) -> None:
    db = engine()
    names = _tables()
    if db.engine_type == "sqlite":
        async with write_transaction():
            await db.run_ddl("PRAGMA defer_foreign_keys = ON")
            for name in names:
                await db.run_ddl(f"DELETE FROM {name}")
    else:
        await db.run_ddl(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
    async with write_transaction():
        await open_scope(ORG, Visibility.INTERNAL, actor="operator", at=at)
