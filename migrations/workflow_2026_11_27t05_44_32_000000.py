"""One checkpoint per (scope, size).

Checkpoints are signed lazily by whichever request first sees the tree grow; the scope row lock
serialises signers, and this unique index makes a second checkpoint of the same size impossible
even so. It replaces the plain lookup index of the same columns.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T05:44:32:000000"
VERSION = "1.38.0"
DESCRIPTION = "checkpoint_unique_size"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS checkpoint_scope_size_uniq ON checkpoint (scope, size)",
    "DROP INDEX IF EXISTS checkpoint_scope_size_idx",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="workflow", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in STATEMENTS:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
