"""Composite unique keys and lookup indexes of the ethics tables (see the first raw migration)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T05:51:58:000000"
VERSION = "1.38.0"
DESCRIPTION = "ethics_keys"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS ethics_policy_version_uniq ON ethics_policy_version (region, version)",
    "CREATE UNIQUE INDEX IF NOT EXISTS ethics_year_unit_year_uniq ON ethics_year (unit, year)",
    "CREATE UNIQUE INDEX IF NOT EXISTS ethics_cycle_year_staff_uniq ON ethics_cycle (ethics_year, staff)",
    "CREATE INDEX IF NOT EXISTS ethics_cycle_staff_idx ON ethics_cycle (staff, year)",
    "CREATE INDEX IF NOT EXISTS ethics_score_year_idx ON ethics_score (ethics_year)",
    "CREATE INDEX IF NOT EXISTS ethics_record_unit_year_idx ON ethics_record (unit, year, status)",
    "CREATE INDEX IF NOT EXISTS ethics_record_staff_year_idx ON ethics_record (staff, year)",
    "CREATE INDEX IF NOT EXISTS ethics_attachment_record_idx ON ethics_attachment (record)",
    "CREATE UNIQUE INDEX IF NOT EXISTS sms_reply_unit_message_uniq ON sms_reply (unit, message_id)",
    "CREATE INDEX IF NOT EXISTS sms_reply_unit_year_idx ON sms_reply (unit, year, staff)",
    "CREATE INDEX IF NOT EXISTS inpatient_rating_unit_year_idx ON inpatient_rating (unit, year, staff)",
    "CREATE INDEX IF NOT EXISTS ethics_appeal_cycle_idx ON ethics_appeal (cycle)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="workflow", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in STATEMENTS:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
