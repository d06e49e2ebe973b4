"""Test configuration: a real database (SQLite by default, PostgreSQL when YIDE_DATABASE_URL is set;
one database per pytest-xdist worker, see tests/support/databases.py).

The environment is set before anything imports ``workflow``: Piccolo resolves its engine once.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from tests.support import databases

_DATA_DIR = tempfile.mkdtemp(prefix="yide-test-")
os.environ["YIDE_DATA_DIR"] = _DATA_DIR
os.environ["YIDE_DATABASE_URL"] = databases.choose(_DATA_DIR)
os.environ.setdefault("YIDE_LOG_NAME", "test.yide.local")

import logging  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402

from tests.support.db import reset_database  # noqa: E402
from workflow.clock import FixedClock  # noqa: E402
from workflow.db import close_pool, start_pool  # noqa: E402
from workflow.keystore import MemoryKeyStore  # noqa: E402
from workflow.migrate import migrate  # noqa: E402
from workflow.notify.sms import FakeSmsGateway  # noqa: E402
from workflow.runtime import Runtime  # noqa: E402
from workflow.settings import get_settings  # noqa: E402

logging.getLogger("httpx").setLevel(logging.WARNING)

# Cheap argon2id for the in-process suite: each login would otherwise cost ~0.1 s of CPU.
# Subprocess servers and CLI runs keep the production parameters.
from argon2 import PasswordHasher  # noqa: E402

from workflow.accounts.passwords import use_hasher  # noqa: E402

use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session")
def clock() -> FixedClock:
    # Real "now" so that session tokens (whose expiry PyJWT checks against the wall clock) stay valid.
    return FixedClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture(scope="session")
def rt(clock: FixedClock) -> Runtime:
    return Runtime(get_settings(), MemoryKeyStore(), clock, sms=FakeSmsGateway())


@pytest.fixture(scope="session", autouse=True)
async def database(clock: FixedClock) -> AsyncIterator[None]:
    owns = await start_pool(4)
    await migrate(at=clock.now())
    yield
    if owns:
        await close_pool()


@pytest.fixture
async def clean_db(database: None, clock: FixedClock) -> None:
    """Empty every table (and reopen the org log) so a test starts from a known state."""
    await reset_database(at=clock.now())


@pytest.fixture(scope="session")
def app(rt: Runtime):  # type: ignore[no-untyped-def]
    from api.app import create_app

    return create_app(rt)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, client=("10.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def artifacts_dir() -> str:
    path = os.path.join(os.path.dirname(__file__), "artifacts")
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real server (uvicorn subprocess) on the demo database."""
    from tests.support.server import live_server

    with live_server(tmp_path_factory.mktemp("live")) as running:
        yield running
