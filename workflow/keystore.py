"""Secrets yide keeps on disk: the session-signing secret and the ledger's log signing keys.

Files are created once with mode 0600 (``O_EXCL``, so two workers starting together cannot write two
different keys) and read on every start. Tests use :class:`MemoryKeyStore`.

Log keys rotate, so there may be several: each has a *label* (``k1``, ``k2``, ``2027``…) and lives in
``keys/log/<label>.pem`` with its public half in ``<label>.pub``; ``keys/log/active`` names the one
that signs. Retired keys stay published (their ``.pub`` files) so every checkpoint they ever signed
still verifies; an operator may delete a retired ``.pem`` but never a ``.pub``.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workflow.errors import Conflict, InvalidInput
from workflow.signing import Ed25519Signer

SESSION_SECRET_FILE = "session-secret"  # noqa: S105 - a file name, not a secret
LOG_KEYS_DIR = "log"
ACTIVE_FILE = "active"
FIRST_LABEL = "k1"
LABEL = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


@dataclass(frozen=True)
class LogKey:
    """The public half of a log key and whether it is the one signing now."""

    label: str
    public_key: bytes
    active: bool


class KeyStore(Protocol):
    def session_secret(self) -> str: ...

    def log_signer(self) -> Ed25519Signer:
        """The active log key (created on first use)."""
        ...

    def log_keys(self) -> list[LogKey]:
        """Every log key's public half, retired ones included: what the log publishes."""
        ...

    def rotate_log_key(self, label: str) -> Ed25519Signer:
        """Create a new log key under a new label and make it the signing key."""
        ...


def check_label(label: str) -> str:
    if not LABEL.match(label):
        raise InvalidInput("a key label is 1-32 lowercase letters, digits and hyphens", label=label)
    return label


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class FileKeyStore:
    def __init__(self, directory: Path, *, session_secret: str = "") -> None:
        self.directory = directory
        self._session_secret = session_secret
        self._signers: dict[str, Ed25519Signer] = {}

    @property
    def log_directory(self) -> Path:
        return self.directory / LOG_KEYS_DIR

    def _create(self, path: Path, content: bytes, mode: int = 0o600) -> bytes:
        """Write ``content`` unless the file exists; return what the file holds either way."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        return content

    def session_secret(self) -> str:
        if self._session_secret:
            return self._session_secret
        created = self._create(self.directory / SESSION_SECRET_FILE, secrets.token_urlsafe(48).encode())
        self._session_secret = created.decode().strip()
        return self._session_secret

    def _active_label(self) -> str:
        """Read on every signing, so a rotation takes effect in running workers without a restart."""
        active = self.log_directory / ACTIVE_FILE
        if not active.exists():
            self._load(FIRST_LABEL, create=True)
            self._create(active, f"{FIRST_LABEL}\n".encode(), 0o644)
        return check_label(active.read_text().strip())

    def _load(self, label: str, *, create: bool) -> Ed25519Signer:
        if label in self._signers:
            return self._signers[label]
        path = self.log_directory / f"{label}.pem"
        if create:
            pem = self._create(path, _pem(Ed25519PrivateKey.generate()))
        else:
            try:
                pem = path.read_bytes()
            except FileNotFoundError:
                raise InvalidInput(f"the active log key {path} is missing") from None
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 key")
        signer = Ed25519Signer(key)
        public = base64.b64encode(signer.public_key).decode() + "\n"
        self._create(self.log_directory / f"{label}.pub", public.encode(), 0o644)
        self._signers[label] = signer
        return signer

    def log_signer(self) -> Ed25519Signer:
        return self._load(self._active_label(), create=False)

    def log_keys(self) -> list[LogKey]:
        active = self._active_label()
        self._load(active, create=False)
        keys = []
        for pub in sorted(self.log_directory.glob("*.pub")):
            keys.append(LogKey(pub.stem, base64.b64decode(pub.read_text().strip()), pub.stem == active))
        return keys

    def rotate_log_key(self, label: str) -> Ed25519Signer:
        check_label(label)
        self._active_label()  # the first key exists before any rotation
        if (self.log_directory / f"{label}.pem").exists() or (self.log_directory / f"{label}.pub").exists():
            raise Conflict(f"a log key labelled {label!r} already exists; labels are never reused")
        signer = self._load(label, create=True)
        staged = self.log_directory / f".{ACTIVE_FILE}.{secrets.token_hex(4)}"
        staged.write_text(f"{label}\n")
        staged.chmod(0o644)
        staged.replace(self.log_directory / ACTIVE_FILE)
        return signer

    def ensure(self) -> None:
        """Create whatever is missing; run before worker processes start."""
        self.session_secret()
        self.log_signer()


class MemoryKeyStore:
    def __init__(self, *, session_secret: str | None = None, signer: Ed25519Signer | None = None) -> None:
        self._secret = session_secret or secrets.token_urlsafe(48)
        self._keys: dict[str, Ed25519Signer] = {FIRST_LABEL: signer or Ed25519Signer.generate()}
        self._active = FIRST_LABEL

    def session_secret(self) -> str:
        return self._secret

    def log_signer(self) -> Ed25519Signer:
        return self._keys[self._active]

    def log_keys(self) -> list[LogKey]:
        return [LogKey(label, s.public_key, label == self._active) for label, s in sorted(self._keys.items())]

    def rotate_log_key(self, label: str) -> Ed25519Signer:
        check_label(label)
        if label in self._keys:
            raise Conflict(f"a log key labelled {label!r} already exists; labels are never reused")
        self._keys[label] = Ed25519Signer.generate()
        self._active = label
        return self._keys[label]
