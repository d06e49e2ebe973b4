"""Database engines and the two transaction shapes every service uses.

Engine differences stay here: SQLite serialises writers with ``BEGIN IMMEDIATE`` (a DEFERRED
read-then-write fails with "database is locked" under concurrency), PostgreSQL and CockroachDB take
row locks with ``SELECT … FOR UPDATE``. Services only ever call :func:`write_transaction`,
:func:`read_transaction` and :func:`for_update`.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import weakref
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from piccolo.engine.base import Engine

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: SQLite's busy handler alone serialises
    fcntl = None  # type: ignore[assignment]
from piccolo.engine.cockroach import CockroachEngine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString

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


_SQLITE_WRITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)
_LOCK_FILES: dict[str, int] = {}


def _writer_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _SQLITE_WRITERS.get(loop)
    if lock is None:
        lock = _SQLITE_WRITERS[loop] = asyncio.Lock()
    return lock


def _lock_file(db: Engine) -> int | None:  # type: ignore[type-arg]
    """A descriptor of ``<database>.writers`` that every process's writers take in turn (POSIX)."""
    if fcntl is None:  # pragma: no cover - not POSIX
        return None
    path = str(getattr(db, "path", "")) + ".writers"
    fd = _LOCK_FILES.get(path)
    if fd is None:
        fd = _LOCK_FILES[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return fd


@asynccontextmanager
async def _across_processes(db: Engine) -> AsyncIterator[None]:  # type: ignore[type-arg]
    """Hold an exclusive ``flock`` for the transaction: the other workers' writers wait in the
    kernel and wake the moment it is released, instead of polling in SQLite's busy handler."""
    fd = _lock_file(db)
    if fd is None:  # pragma: no cover
        yield
        return
    taking = asyncio.ensure_future(asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX))
    try:
        await asyncio.shield(taking)
    except asyncio.CancelledError:
        # the thread may still get the lock after we stopped waiting: give it back then
        taking.add_done_callback(lambda _: fcntl.flock(fd, fcntl.LOCK_UN))
        raise
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction that will write: IMMEDIATE on SQLite, plain on PostgreSQL.

    Nested calls join the outer transaction, so a service may call another service. On SQLite,
    writers queue before ``BEGIN IMMEDIATE`` — on an asyncio lock within a process and on a
    ``flock`` across processes — because only one can hold the file's write lock anyway, and
    SQLite's own busy handler makes the others sleep in steps of up to 100 ms (measured: with two
    workers, concurrent ballot batches spent most of their time asleep).
    """
    db = engine()
    if db.engine_type == "sqlite":
        if db.current_transaction.get() is not None:
            async with db.transaction(transaction_type=TransactionType.immediate):
                yield
            return
        async with (
            _writer_lock(),
            _across_processes(db),
            db.transaction(transaction_type=TransactionType.immediate),
        ):
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
    result = await engine().run_querystring(QueryString(sql, *args))
    return list(result or [])


_sqlite_readers = threading.local()


def _sqlite_reader(path: str) -> sqlite3.Connection:
    """This thread's read-only connection to the SQLite file, opened once.

    Piccolo opens a new connection (and a worker thread) for every query outside a transaction,
    about 1.5 ms each; an indexed lookup on a kept connection takes about 10 µs, less than handing
    it to a thread would, so hot-path reads run here synchronously. Connections are per thread
    because sqlite3 forbids sharing them; in WAL mode they never block writers.
    """
    readers: dict[str, sqlite3.Connection] = getattr(_sqlite_readers, "by_path", None) or {}
    _sqlite_readers.by_path = readers
    connection = readers.get(path)
    if connection is None:
        connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        connection.execute("PRAGMA query_only = ON")
        readers[path] = connection
    return connection


async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """A small read-only query on a hot path (proofs, tiles, checkpoints), ``{}`` placeholders.

    Inside a transaction it joins that transaction, so a service sees its own uncommitted writes.
    Otherwise PostgreSQL uses the pool, and SQLite uses :func:`_sqlite_reader`. Two calls may see
    different snapshots; callers only read append-only rows at sizes they already know exist.
    """
    db = engine()
    if not isinstance(db, SQLiteEngine) or db.current_transaction.get() is not None:
        return await raw(sql, *args)
    compiled, values = QueryString(sql, *args).compile_string("sqlite")
    cursor = _sqlite_reader(db.path).execute(compiled, values)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


async def insert_many(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows with one prepared statement, inside the current write transaction.

    Piccolo builds a Table object and a query fragment for every row (about 100 µs each); ledger
    appends insert thousands of rows a second, so they hand the rows straight to the driver.
    ``table`` and ``columns`` are identifiers from code, never from input.
    """
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("insert_many must run inside write_transaction()")
    if not rows:
        return
    names = ", ".join(columns)
    if is_sqlite():
        marks = ", ".join("?" for _ in columns)
    else:
        marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - identifiers from code
    await transaction.connection.executemany(sql, rows)


def _transaction_connection() -> Any:
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("bulk reads run inside read_transaction() or write_transaction()")
    return transaction.connection


async def fetch_rows(sql: str, *args: Any) -> list[Sequence[Any]]:
    """Rows as tuples, in the current transaction: for bulk reads where a dict per row is the cost.

    ``sql`` uses ``{}`` placeholders like :func:`raw`. Columns come in the order selected.
    """
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
