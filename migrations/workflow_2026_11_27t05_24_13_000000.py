"""Composite unique keys and lookup indexes.

Kept out of the tables: Piccolo would emit ``ALTER TABLE … ADD CONSTRAINT``, which SQLite cannot
run. ``CREATE UNIQUE INDEX IF NOT EXISTS`` works on SQLite, PostgreSQL and CockroachDB alike.
Index names carry their table name because PostgreSQL index names share one namespace.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T05:24:13:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique_keys"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS department_unit_code_uniq ON department (unit, code)",
    "CREATE UNIQUE INDEX IF NOT EXISTS staff_unit_staff_no_uniq ON staff (unit, staff_no)",
    "CREATE INDEX IF NOT EXISTS staff_department_idx ON staff (department)",
    "CREATE UNIQUE INDEX IF NOT EXISTS role_grant_uniq ON role_grant (account, role, COALESCE(unit, 0), COALESCE(department, 0))",
    "CREATE INDEX IF NOT EXISTS auth_session_account_idx ON auth_session (account)",
    "CREATE UNIQUE INDEX IF NOT EXISTS ledger_entry_scope_idx_uniq ON ledger_entry (scope, idx)",
    "CREATE INDEX IF NOT EXISTS ledger_entry_scope_leaf_idx ON ledger_entry (scope, leaf_hash)",
    "CREATE UNIQUE INDEX IF NOT EXISTS merkle_node_uniq ON merkle_node (scope, level, idx)",
    "CREATE INDEX IF NOT EXISTS checkpoint_scope_size_idx ON checkpoint (scope, size)",
    "CREATE UNIQUE INDEX IF NOT EXISTS cosignature_uniq ON cosignature (checkpoint, witness)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="workflow", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in STATEMENTS:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
