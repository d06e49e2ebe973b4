"""The single Piccolo app ``workflow``: every table, one migrations folder at the top level."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

TABLE_MODULES = [
    "workflow.org.tables",
    "workflow.accounts.tables",
    "workflow.throttle.tables",
    "workflow.ledger.tables",
    "workflow.calendar.tables",
    "workflow.ethics.tables",
    "workflow.notify.tables",
    "workflow.selection.tables",
]

APP_CONFIG = AppConfig(
    app_name="workflow",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations"),
    table_classes=table_finder(modules=TABLE_MODULES, exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
