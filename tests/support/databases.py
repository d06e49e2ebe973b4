"""Which database a test process uses.

A run uses SQLite in a fresh temporary directory unless ``YIDE_DATABASE_URL`` names PostgreSQL. Under
pytest-xdist every worker gets its own database (its own SQLite file, or ``<db>_<worker>`` created
on the same PostgreSQL server and dropped at exit), because tests empty tables between them.
"""

from __future__ import annotations

import asyncio
import atexit
import os
from urllib.parse import urlsplit, urlunsplit

BASE_VARIABLE = "YIDE_TEST_BASE_DATABASE_URL"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def _run(url: str, *statements: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(_with_database(url, "postgres").replace("postgresql", "postgres", 1))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _worker_database(base: str, worker: str) -> str:
    name = f"{urlsplit(base).path.strip('/')}_{worker}"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    asyncio.run(_run(base, drop, f'CREATE DATABASE "{name}"'))
    atexit.register(lambda: asyncio.run(_run(base, drop)))
    return _with_database(base, name)


def choose(data_dir: str) -> str:
    """The database URL for this process (the caller puts it into YIDE_DATABASE_URL)."""
    base = os.environ.setdefault(BASE_VARIABLE, os.environ.get("YIDE_DATABASE_URL", ""))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if urlsplit(base).scheme.startswith("postgres"):
        return _worker_database(base, worker) if worker else base
    return f"sqlite:///{data_dir}/test.sqlite"
