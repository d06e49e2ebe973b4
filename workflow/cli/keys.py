"""``yide keys``: the log's signing keys, created once, rotated under new labels, always published."""

from __future__ import annotations

import base64

import click

from workflow.cli.app import cli, runtime
from workflow.keystore import LogKey
from workflow.ledger.note import VerifierKey
from workflow.ledger.scopes import ORG, log_origin
from workflow.runtime import Runtime

SCOPE_HELP = "Print verifier keys for this scope's origin (a vkey names the origin)."


def _describe(rt: Runtime, key: LogKey, scope: str) -> None:
    state = "active" if key.active else "retired"
    click.echo(f"log key {key.label} ({state}): ed25519 {base64.b64encode(key.public_key).decode()}")
    origin = log_origin(rt.settings.log_name, scope)
    click.echo(f"  verifier key for {origin}: {VerifierKey.ed25519(origin, key.public_key).encode()}")


@cli.group("keys")
def keys_group() -> None:
    """The log's signing keys (files under YIDE_DATA_DIR/keys, mode 0600)."""


@keys_group.command("init")
@click.option("--scope", default=ORG, show_default=True, help=SCOPE_HELP)
def keys_init(scope: str) -> None:
    """Create the session secret and the log key if missing; print the active verifier key."""
    rt = runtime()
    rt.keys.session_secret()
    rt.keys.log_signer()
    for key in rt.keys.log_keys():
        if key.active:
            _describe(rt, key, scope)


@keys_group.command("show")
@click.option("--scope", default=ORG, show_default=True, help=SCOPE_HELP)
def keys_show(scope: str) -> None:
    """Every log key, retired ones too: all of them stay published so old checkpoints verify."""
    rt = runtime()
    for key in rt.keys.log_keys():
        _describe(rt, key, scope)


@keys_group.command("rotate")
@click.option("--label", required=True, help="A new label for the new key, e.g. k2 or 2027 (never reused).")
@click.option("--scope", default=ORG, show_default=True, help=SCOPE_HELP)
def keys_rotate(label: str, scope: str) -> None:
    """Create a new log key and sign with it from now on; the old key stays published.

    Running workers pick the new key up at their next signature. Publish the new verifier keys
    (they appear at GET /api/ledger/keys and in every bundle) and keep the old ones.
    """
    rt = runtime()
    rt.keys.rotate_log_key(label)
    [active] = [k for k in rt.keys.log_keys() if k.active]
    _describe(rt, active, scope)
