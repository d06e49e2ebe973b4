"""The ``yide`` command. Every failure is one clear line on stderr and a non-zero exit."""

from __future__ import annotations

import os
import sys

import click

from workflow.cli.app import cli, run_async
from workflow.errors import DomainError
from workflow.settings import SettingsError

# Sub-command modules register themselves on ``cli`` when imported.
from workflow.cli import admin, demo, ethics, keys, ledger, selection, server, witness  # noqa: F401  isort: skip

__all__ = ["cli", "main", "run_async"]


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SettingsError as exc:
        click.echo(f"error: configuration: {exc}", err=True)
        sys.exit(2)
    except DomainError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(1)
    except (OSError, RuntimeError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("YIDE_DEBUG"):
            raise
        click.echo(
            f"error: unexpected {type(exc).__name__}: {exc} (YIDE_DEBUG=1 shows the traceback)", err=True
        )
        sys.exit(1)
