"""Composite unique keys and lookup indexes of the selection tables (see the unique_keys migration)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T06:03:22:000000"
VERSION = "1.38.0"
DESCRIPTION = "selection_keys"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS ballot_campaign_tracking_uniq ON ballot (campaign, tracking_code)",
    "CREATE INDEX IF NOT EXISTS ballot_campaign_voter_idx ON ballot (campaign, voter)",
    "CREATE INDEX IF NOT EXISTS ballot_campaign_day_ip_idx ON ballot (campaign, day, ip_hash)",
    "CREATE UNIQUE INDEX IF NOT EXISTS voter_credential_key_uniq ON voter_credential (campaign, public_key)",
    "CREATE INDEX IF NOT EXISTS voter_credential_key_id_idx ON voter_credential (campaign, key_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS expert_score_uniq ON expert_score (nomination, expert)",
    "CREATE UNIQUE INDEX IF NOT EXISTS approval_uniq ON approval (request, account)",
    "CREATE INDEX IF NOT EXISTS approval_request_subject_idx ON approval_request (campaign, subject, subject_id)",
    "CREATE INDEX IF NOT EXISTS nomination_campaign_unit_idx ON nomination (campaign, unit)",
    "CREATE INDEX IF NOT EXISTS nomination_file_nomination_idx ON nomination_file (nomination)",
    "CREATE INDEX IF NOT EXISTS phone_code_phone_idx ON phone_code (campaign, phone_hash)",
    "CREATE INDEX IF NOT EXISTS objection_campaign_idx ON objection (campaign)",
    "CREATE INDEX IF NOT EXISTS campaign_result_campaign_idx ON campaign_result (campaign)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="workflow", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in STATEMENTS:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
