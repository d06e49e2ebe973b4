"""The application factory: routes, auth, problem details, OpenAPI and the database lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.logging import LoggingConfig
from litestar.routes import HTTPRoute

from api.access import EXCLUDE_FROM_AUTH, access_of
from api.auth import jwt_auth
from api.controllers.accounts import AccountController
from api.controllers.auth import AuthController
from api.controllers.ethics import (
    EthicsCycleController,
    EthicsFileController,
    EthicsOverviewController,
    EthicsPolicyController,
    EthicsYearController,
)
from api.controllers.ethics_feedback import PublicWardController, SmsImportController, WardController
from api.controllers.ethics_records import EthicsAttachmentController, EthicsRecordController
from api.controllers.health import HealthController
from api.controllers.imports import StaffImportController
from api.controllers.ledger import LedgerController, TileController
from api.controllers.org import RegionController, StaffController, UnitController
from api.controllers.pages import HomePages
from api.controllers.pages_public import CampaignPages, EvaluatePages
from api.controllers.pages_verify import LogPages, VerifyPages
from api.controllers.pages_vote import VotePages
from api.controllers.processes import ProcessController
from api.controllers.selection import ApprovalController, CampaignController, ObjectionController
from api.controllers.selection_nominations import CampaignNominationController, NominationController
from api.controllers.selection_public import PublicCampaignController
from api.controllers.selection_voting import VotingAdminController
from api.deps import provide_client, provide_principal, provide_runtime, provide_viewer
from api.openapi import openapi_config, swagger_assets
from api.problems import internal_error_handler
from api.problems import plugin as problem_details
from api.web import static_router, template_config
from workflow.db import close_pool, start_pool
from workflow.migrate import require_migrated
from workflow.runtime import Runtime
from workflow.selection.service_campaigns import scheduler_loop
from workflow.settings import get_settings

ROUTES = [
    HealthController,
    AuthController,
    AccountController,
    RegionController,
    UnitController,
    StaffController,
    StaffImportController,
    ProcessController,
    CampaignController,
    CampaignNominationController,
    NominationController,
    VotingAdminController,
    ApprovalController,
    ObjectionController,
    PublicCampaignController,
    LedgerController,
    TileController,
    EthicsPolicyController,
    EthicsYearController,
    EthicsOverviewController,
    EthicsCycleController,
    EthicsFileController,
    EthicsRecordController,
    EthicsAttachmentController,
    SmsImportController,
    WardController,
    PublicWardController,
]

COMPRESSION = CompressionConfig(backend="gzip", gzip_compress_level=6, exclude=[r"^/api/", r"^/log/"])
"""Pages and static assets go out gzipped: a phone on a weak signal loads the voter page (scripts and
the vendored fallback) in a third of the bytes. API and tlog answers are left alone: they are small,
sit on the ballot hot path, and never mix secrets with reflected input in a compressed body."""

PAGES = [HomePages, CampaignPages, EvaluatePages, VotePages, VerifyPages, LogPages]
"""Server-rendered voter and public pages (HTML, not in the OpenAPI document)."""


def _is_openapi_document(path: str) -> bool:
    return path == "/schema" or path.startswith("/schema/")


def _check_access_rules(app: Litestar) -> None:
    """Refuse to start unless every handler has exactly one access rule; open the public ones."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.http_methods <= {"OPTIONS", "HEAD"}:
                continue  # Litestar's automatic preflight handlers
            if _is_openapi_document(route.path):
                continue  # Litestar's own OpenAPI documents: public by nature
            rule = access_of(handler)
            if rule.public:
                handler.opt[EXCLUDE_FROM_AUTH] = True


def http_handlers(app: Litestar) -> list[tuple[str, str, HTTPRouteHandler]]:
    """(method, path, handler) for every API endpoint: what the role matrix walks."""
    found = []
    for route in app.routes:
        if isinstance(route, HTTPRoute) and not _is_openapi_document(route.path):
            for handler in route.route_handlers:
                for method in sorted(handler.http_methods):
                    if method not in {"HEAD", "OPTIONS"}:
                        found.append((method, route.path, handler))
    return found


def create_app(rt: Runtime | None = None) -> Litestar:
    runtime = rt or Runtime.production(get_settings())
    auth = jwt_auth(runtime)

    @asynccontextmanager
    async def database(_: Litestar) -> AsyncIterator[None]:
        owns_pool = await start_pool(runtime.settings.database.pool_size)
        scheduler: asyncio.Task[None] | None = None
        try:
            await require_migrated()
            every = runtime.settings.selection.scheduler_seconds
            if every:
                scheduler = asyncio.create_task(scheduler_loop(runtime, every))
            yield
        finally:
            if scheduler is not None:
                scheduler.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await scheduler
            if owns_pool:
                await close_pool()

    app = Litestar(
        route_handlers=[*ROUTES, *PAGES, swagger_assets(), static_router()],
        template_config=template_config(),
        dependencies={
            "rt": Provide(provide_runtime),
            "principal": Provide(provide_principal),
            "client": Provide(provide_client),
            "viewer": Provide(provide_viewer),
        },
        on_app_init=[auth.on_app_init],
        plugins=[problem_details()],
        exception_handlers={Exception: internal_error_handler},
        openapi_config=openapi_config(version("yide")),
        compression_config=COMPRESSION,
        lifespan=[database],
        request_max_body_size=runtime.settings.upload_max_bytes + 64 * 1024,
        logging_config=LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            loggers={"transitions": {"level": "WARNING"}},
            log_exceptions="debug",
        ),
        state=State({"runtime": runtime, "jwt_auth": auth}),
    )
    _check_access_rules(app)
    logging.getLogger("transitions").setLevel(logging.WARNING)
    return app
