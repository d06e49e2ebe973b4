"""Serving and migrating."""

from __future__ import annotations

import click

from workflow.cli.app import cli, run_async, runtime
from workflow.migrate import migrate, require_migrated


@cli.command("migrate")
def migrate_command() -> None:
    """Apply pending database migrations (safe to run again)."""
    rt = runtime()
    applied = run_async(lambda: migrate(at=rt.clock.now()))
    click.echo(f"applied {len(applied)} migration(s)" if applied else "database is up to date")


@cli.command("serve")
@click.option("--host", default=None, help="Address to listen on [YIDE_HOST, default 127.0.0.1].")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port [YIDE_PORT, default 8000].")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes [YIDE_WORKERS].")
def serve_command(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the API and pages with uvicorn (refuses an unmigrated database)."""
    rt = runtime()
    run_async(require_migrated)
    rt.keys.session_secret()
    rt.keys.log_signer()  # created before workers start, so they all read the same key
    serve(
        host or rt.settings.server.host,
        port or rt.settings.server.port,
        workers or rt.settings.server.workers,
    )


def serve(host: str, port: int, workers: int) -> None:
    import uvicorn  # noqa: PLC0415 - only the serving commands need it

    click.echo(f"yide listening on http://{host}:{port}  (OpenAPI: /schema)")
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")
