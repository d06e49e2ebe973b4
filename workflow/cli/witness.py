"""``yide witness``: register witness keys on the server, and be a witness from anywhere."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import click
import httpx

from workflow.accounts.roles import OPERATOR
from workflow.cli.app import cli, run_async, runtime
from workflow.errors import Unauthenticated
from workflow.ledger.witness_client import cosign_latest, create_witness_key, load_witness_key
from workflow.ledger.witnesses import add_witness_key
from workflow.migrate import require_migrated

DEFAULT_KEY_FILE = "witness.key"


@cli.group("witness")
def witness_group() -> None:
    """Witness keys and cosigning (c2sp.org/tlog-cosignature)."""


@witness_group.command("add-key")
@click.argument("vkey")
def witness_add_key(vkey: str) -> None:
    """Register a witness's verifier key on this server (recorded in the org log)."""
    rt = runtime()

    async def work() -> str:
        await require_migrated()
        return (await add_witness_key(rt, vkey, actor=OPERATOR.ledger_actor)).name

    click.echo(f"witness {run_async(work)} registered")


@witness_group.command("init")
@click.option("--name", required=True, help="The witness's key name, e.g. jijian.example.gov.cn/witness.")
@click.option("--key-file", required=True, type=click.Path(dir_okay=False, path_type=Path))
def witness_init(name: str, key_file: Path) -> None:
    """Create a local Ed25519 witness key (mode 0600) unless it exists; print its verifier key.

    Give the verifier key to the log's organizer: `yide witness add-key VKEY` on the server.
    """
    identity, created = create_witness_key(key_file, name)
    click.echo(("created " if created else "existing ") + f"witness key {key_file}")
    click.echo(identity.vkey.encode())


@witness_group.command("cosign")
@click.option("--url", required=True, help="The log's address, e.g. https://yide.example.gov.cn")
@click.option("--scope", "scope_name", required=True, help="The scope to witness, e.g. campaign-12.")
@click.option("--username", required=True, help="An auditor account on the log.")
@click.option("--key-file", default=DEFAULT_KEY_FILE, show_default=True, type=click.Path(path_type=Path))
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Default: <key file>.state.json",
)
@click.option(
    "--log-key", "log_keys", multiple=True, help="The log's vkey, as published (else trusted on first use)."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def witness_cosign(
    url: str,
    scope_name: str,
    username: str,
    key_file: Path,
    state_file: Path | None,
    log_keys: tuple[str, ...],
    password_stdin: bool,
) -> None:
    """Check the latest checkpoint is consistent with the last one seen, cosign it, and submit.

    Refuses, and exits 1, if the log shrank (rollback) or shows a history that does not extend what
    this witness saw before (fork).
    """
    identity = load_witness_key(key_file)
    state = state_file or key_file.with_name(key_file.name + ".state.json")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True)

    async def work() -> None:
        async with httpx.AsyncClient(base_url=url.rstrip("/"), timeout=30) as client:
            login = await client.post("/api/auth/login", json={"username": username, "password": password})
            if login.status_code != 200:
                raise Unauthenticated(f"login as {username} failed ({login.status_code})")
            result = await cosign_latest(
                client,
                scope=scope_name,
                identity=identity,
                state_path=state,
                now=int(time.time()),
                log_keys=log_keys,
            )
        if result.trusted_on_first_use:
            click.echo(
                "trusting the log keys it published on first use; compare them with the published ones"
            )
        seen = "first view" if result.old_size is None else f"consistent with size {result.old_size}"
        click.echo(f"cosigned {result.origin} at size {result.new_size} ({seen})")

    asyncio.run(work())
