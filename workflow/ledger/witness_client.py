"""The witness's side: check that the log only grew since it last looked, then cosign.

A witness (the 纪检 auditor's machine, say) keeps its own Ed25519 key and a small state file with the
last checkpoint it accepted for each log. On every run it fetches the latest checkpoint, checks the
log's signature, and asks for a consistency proof from the size it saw before. A smaller tree (a
rollback) or a proof that does not verify (a fork: the log showed someone else another history)
stops it: it refuses to cosign and says why. Only then does it cosign (c2sp.org/tlog-cosignature)
and submit the cosignature, which the log serves appended to that checkpoint from then on.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from workflow.errors import Conflict, InvalidInput, Unavailable
from workflow.ledger.merkle import verify_consistency
from workflow.ledger.note import (
    Checkpoint,
    InvalidNoteSignature,
    SignatureType,
    UnverifiedNote,
    VerifierKey,
    cosign,
    open_checkpoint,
)
from workflow.signing import Ed25519Signer

KEY_FORMAT = "yide-witness-key/v1"
STATE_FORMAT = "yide-witness-state/v1"


class ForkDetected(Conflict):
    code = "fork-detected"
    title = "The log's history is not consistent with what this witness saw before"


class RollbackDetected(Conflict):
    code = "rollback-detected"
    title = "The log is smaller than when this witness last looked"


class UntrustedCheckpoint(Conflict):
    code = "untrusted-checkpoint"
    title = "The checkpoint is not signed by a log key this witness trusts"


class CosignatureRefused(Conflict):
    code = "cosignature-refused"
    title = "The log did not accept the cosignature"


class LogUnreachable(Unavailable):
    code = "log-unreachable"
    title = "The log did not answer as expected"


@dataclass(frozen=True)
class WitnessIdentity:
    name: str
    signer: Ed25519Signer

    @property
    def vkey(self) -> VerifierKey:
        return VerifierKey.cosigner(self.name, self.signer.public_key)


def create_witness_key(path: Path, name: str) -> tuple[WitnessIdentity, bool]:
    """Create the key file (mode 0600) unless it exists; (identity, whether it was created)."""
    VerifierKey.cosigner(name, bytes(32))  # validates the name
    signer = Ed25519Signer.generate()
    document = {"format": KEY_FORMAT, "name": name, "seed": base64.b64encode(signer.seed()).decode()}
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        existing = load_witness_key(path)
        if existing.name != name:
            raise Conflict(f"{path} already holds the key of witness {existing.name!r}") from None
        return existing, False
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle)
        handle.write("\n")
    return WitnessIdentity(name, signer), True


def load_witness_key(path: Path) -> WitnessIdentity:
    try:
        document = json.loads(path.read_text())
        if document["format"] != KEY_FORMAT:
            raise ValueError(document["format"])
        return WitnessIdentity(document["name"], Ed25519Signer.from_seed(base64.b64decode(document["seed"])))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"{path} is not a {KEY_FORMAT} key file ({exc})") from None


@dataclass(frozen=True)
class SeenCheckpoint:
    size: int
    root: bytes
    log_keys: tuple[str, ...]


def _load_state(path: Path) -> dict[str, SeenCheckpoint]:
    if not path.exists():
        return {}
    try:
        document = json.loads(path.read_text())
        if document["format"] != STATE_FORMAT:
            raise ValueError(document["format"])
        return {
            origin: SeenCheckpoint(seen["size"], bytes.fromhex(seen["root"]), tuple(seen["log_keys"]))
            for origin, seen in document["logs"].items()
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"{path} is not a {STATE_FORMAT} file ({exc})") from None


def _save_state(path: Path, logs: dict[str, SeenCheckpoint]) -> None:
    document = {
        "format": STATE_FORMAT,
        "logs": {
            origin: {"size": s.size, "root": s.root.hex(), "log_keys": list(s.log_keys)}
            for origin, s in sorted(logs.items())
        },
    }
    staged = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    staged.write_text(json.dumps(document, indent=2) + "\n")
    staged.replace(path)


@dataclass(frozen=True)
class CosignResult:
    origin: str
    old_size: int | None
    new_size: int
    trusted_on_first_use: bool
    line: str


async def _get(client: httpx.AsyncClient, path: str, **params: Any) -> httpx.Response:
    try:
        response = await client.get(path, params=params or None)
    except httpx.HTTPError as exc:
        raise LogUnreachable(f"cannot reach the log: {exc}") from None
    if response.status_code != 200:
        raise LogUnreachable(f"GET {path} answered {response.status_code}: {response.text[:200]}")
    return response


def _open(text: str, origin: str, vkeys: tuple[str, ...]) -> Checkpoint:
    for vkey in vkeys:
        key = VerifierKey.parse(vkey)
        if key.sig_type is not SignatureType.ED25519:
            continue
        try:
            return open_checkpoint(text, origin=origin, log_key=key).checkpoint
        except UnverifiedNote:
            continue
        except InvalidNoteSignature:
            raise UntrustedCheckpoint("the log's signature on its checkpoint does not verify") from None
    raise UntrustedCheckpoint("no log key this witness trusts signed the checkpoint", origin=origin)


async def cosign_latest(
    client: httpx.AsyncClient,
    *,
    scope: str,
    identity: WitnessIdentity,
    state_path: Path,
    now: int,
    log_keys: tuple[str, ...] = (),
) -> CosignResult:
    """Fetch, check and cosign the latest checkpoint of ``scope``; ``client`` is signed in as an auditor.

    Log keys come from ``log_keys`` if given (e.g. copied from the 公示 notice), else from the state
    file, else they are fetched and trusted on first use (the result says so).
    """
    text = (await _get(client, f"/log/{scope}/checkpoint")).text
    origin = text.split("\n", 1)[0]
    if not origin.endswith("/" + scope):
        raise LogUnreachable(f"the checkpoint's origin {origin!r} is not a log of scope {scope!r}")
    logs = _load_state(state_path)
    seen = logs.get(origin)
    keys = log_keys or (seen.log_keys if seen else ())
    first_use = not keys
    if first_use:
        keys = tuple((await _get(client, f"/api/ledger/scopes/{scope}")).json()["verifier_keys"])
    checkpoint = _open(text, origin, keys)
    if seen is not None:
        if checkpoint.size < seen.size:
            raise RollbackDetected(
                f"refusing to cosign: the log now has {checkpoint.size} entries, but this witness saw "
                f"{seen.size} before",
                seen_size=seen.size,
                size=checkpoint.size,
            )
        if checkpoint.size > seen.size:
            proof = (
                await _get(
                    client,
                    f"/api/ledger/scopes/{scope}/proofs/consistency",
                    old_size=seen.size,
                    new_size=checkpoint.size,
                )
            ).json()
            hashes = [bytes.fromhex(h) for h in proof["hashes"]]
            consistent = verify_consistency(
                seen.size, checkpoint.size, seen.root, checkpoint.root_hash, hashes
            )
        else:
            consistent = checkpoint.root_hash == seen.root
        if not consistent:
            raise ForkDetected(
                f"refusing to cosign: the checkpoint of size {checkpoint.size} does not extend the one "
                f"of size {seen.size} this witness saw before (a fork)",
                seen_size=seen.size,
                size=checkpoint.size,
            )
    logs[origin] = SeenCheckpoint(checkpoint.size, checkpoint.root_hash, keys)
    _save_state(state_path, logs)
    line = cosign(checkpoint, identity.signer, identity.name, now).line()
    response = await client.post(
        f"/api/ledger/scopes/{scope}/cosignatures", json={"size": checkpoint.size, "signature": line}
    )
    if response.status_code != 201:
        raise CosignatureRefused(
            f"the log refused the cosignature ({response.status_code}): {response.text[:300]}"
        )
    return CosignResult(origin, seen.size if seen else None, checkpoint.size, first_use, line)
