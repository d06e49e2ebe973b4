"""Finding the demo's public things from a browser test: campaigns by title, the demo ward's link."""

from __future__ import annotations

import sqlite3

from tests.support.server import LiveServer
from workflow.demo_results import ANNOUNCED_TITLE, PUBLICIZED_TITLE

__all__ = ["ANNOUNCED_TITLE", "PUBLICIZED_TITLE", "demo_ward_tokens"]


def demo_ward_tokens(server: LiveServer) -> list[str]:
    """The active demo wards' tokens, read from the demo database (the QR codes hold them)."""
    with sqlite3.connect(server.data_dir / "yide.sqlite") as db:
        rows = db.execute("SELECT token FROM ethics_ward WHERE active ORDER BY id").fetchall()
    return [str(r[0]) for r in rows]
