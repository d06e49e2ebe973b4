"""The command group and the bridge from click's synchronous commands to async services."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from workflow.db import close_pool, start_pool
from workflow.runtime import Runtime
from workflow.settings import get_settings

T = TypeVar("T")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="yide")
def cli() -> None:
    """yide: verifiable workflows for 医德医风 files and 最美医生 selections.

    Configuration comes from YIDE_* environment variables (see docs/operations.md).
    """


def runtime() -> Runtime:
    return Runtime.production(get_settings())


def run_async(work: Callable[[], Awaitable[T]]) -> T:
    """Run one async job with the database pool open (PostgreSQL) for its duration."""

    async def wrapped() -> T:
        owns = await start_pool(get_settings().database.pool_size)
        try:
            return await work()
        finally:
            if owns:
                await close_pool()

    return asyncio.run(wrapped())
