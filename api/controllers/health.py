from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency

from api.access import PUBLIC
from workflow.db import engine
from workflow.migrate import require_migrated
from workflow.runtime import Runtime


class HealthOut(msgspec.Struct):
    status: str


class ReadyOut(msgspec.Struct):
    status: str
    database: str


class HealthController(Controller):
    tags = ["health"]

    @get("/health", guards=[PUBLIC], operation_id="Health", cache=False)
    async def health(self) -> HealthOut:
        """The process is up (liveness)."""
        return HealthOut("ok")

    @get("/ready", guards=[PUBLIC], operation_id="Ready", cache=False)
    async def ready(self, rt: NamedDependency[Runtime]) -> ReadyOut:
        """The database answers and carries every migration (readiness); 503 otherwise."""
        await require_migrated()
        return ReadyOut("ready", engine().engine_type)
