"""Database engines and the two transaction shapes every service uses.

Engine differences stay here: SQLite serialises writers with ``BEGIN IMMEDIATE`` (a DEFERRED
read-then-write fails with "database is locked" under concurrency), PostgreSQL and CockroachDB take
row locks with ``SELECT … FOR UPDATE``. Services only ever call :func:`write_transaction`,
:func:`read_transaction` and :func:`for_update`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from piccolo.engine.base import Engine
from piccolo.engine.cockroach import CockroachEngine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from workflow.settings import DatabaseSettings

Q = TypeVar("Q")


def create_engine(settings: DatabaseSettings) -> Engine:  # type: ignore[type-arg]
    """Build the Piccolo engine a database URL names."""
    if settings.engine == "sqlite":
        path = settings.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=str(path), timeout=settings.sqlite_timeout)
    parts = urlsplit(settings.url)
    dsn = urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, parts.fragment))
    if settings.engine == "cockroach":
        return CockroachEngine(config={"dsn": dsn})
    return PostgresEngine(config={"dsn": dsn})


def engine() -> Engine:  # type: ignore[type-arg]
    """The configured engine (``workflow.piccolo_conf.DB``)."""
    db = engine_finder()
    if db is None:  # pragma: no cover - piccolo_conf always defines DB
        raise RuntimeError("Piccolo found no engine; is PICCOLO_CONF set?")
    return db


def is_sqlite() -> bool:
    return engine().engine_type == "sqlite"


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction that will write: IMMEDIATE on SQLite, plain on PostgreSQL.

    Nested calls join the outer transaction, so a service may call another service.
    """
    db = engine()
    if db.engine_type == "sqlite":
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


@asynccontextmanager
async def read_transaction() -> AsyncIterator[None]:
    """Run several reads on one connection and one snapshot.

    On SQLite this also avoids Piccolo opening a fresh connection (and thread) per query.
    """
    db = engine()
    if db.engine_type == "sqlite":
        async with db.transaction(transaction_type=TransactionType.deferred):
            yield
    else:
        async with db.transaction():
            yield


def for_update(query: Q) -> Q:
    """Lock the selected rows until the transaction ends (a no-op where IMMEDIATE already serialises)."""
    if is_sqlite():
        return query
    return query.lock_rows()  # type: ignore[attr-defined, no-any-return]


async def prepare_sqlite() -> None:
    """Switch a SQLite file to WAL once; the mode persists in the file."""
    if is_sqlite():
        await engine().run_ddl("PRAGMA journal_mode=WAL")


async def start_pool(size: int) -> bool:
    """Open the connection pool if this engine has one and none is open; say whether we opened it."""
    db = engine()
    if db.engine_type == "sqlite" or getattr(db, "pool", None) is not None:
        return False
    await db.start_connection_pool(min_size=1, max_size=size)  # type: ignore[no-untyped-call, call-arg]
    return True


async def close_pool() -> None:
    db = engine()
    if db.engine_type != "sqlite":
        await db.close_connection_pool()  # type: ignore[no-untyped-call]


def is_unique_violation(error: BaseException) -> bool:
    """True when the database refused a row because a unique index already holds its key."""
    if isinstance(error, sqlite3.IntegrityError):
        return "UNIQUE" in str(error)
    try:
        import asyncpg  # noqa: PLC0415 - PostgreSQL driver is present only where it is used
    except ImportError:  # pragma: no cover
        return False
    return isinstance(error, asyncpg.UniqueViolationError)


async def raw(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run literal SQL (with ``{}`` placeholders) in the current transaction if there is one."""
    from piccolo.querystring import QueryString  # noqa: PLC0415

    result = await engine().run_querystring(QueryString(sql, *args))
    return list(result or [])


def _transaction_connection() -> Any:
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("bulk reads and writes run inside read_transaction() or write_transaction()")
    return transaction.connection


async def fetch_rows(sql: str, *args: Any) -> list[Sequence[Any]]:
    """Rows as tuples, in the current transaction: for bulk reads where a dict per row is the cost.

    ``sql`` uses ``{}`` placeholders like :func:`raw`. Columns come in the order selected.
    """
    from piccolo.querystring import QueryString  # noqa: PLC0415

    db = engine()
    text, params = QueryString(sql, *args).compile_string(db.engine_type)
    connection = _transaction_connection()
    if db.engine_type == "sqlite":
        cursor = await connection.execute(text, params)
        cursor.row_factory = None  # Piccolo's connections build a dict per row
        rows: list[Sequence[Any]] = list(await cursor.fetchall())
        await cursor.close()
        return rows
    return list(await connection.fetch(text, *params))


async def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows in the current transaction: ``executemany`` on SQLite, ``COPY`` on PostgreSQL."""
    if not rows:
        return
    connection = _transaction_connection()
    if is_sqlite():
        marks = ", ".join("?" for _ in columns)
        await connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608
        return
    await connection.copy_records_to_table(table, columns=list(columns), records=rows)
