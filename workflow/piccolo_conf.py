"""Piccolo's configuration: the engine comes from ``YIDE_DATABASE_URL`` (SQLite by default)."""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry

from workflow.db import create_engine
from workflow.settings import get_settings

DB = create_engine(get_settings().database)

APP_REGISTRY = AppRegistry(apps=["workflow.piccolo_app"])
