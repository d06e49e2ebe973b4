"""Secrets yide keeps on disk: the session-signing secret and the ledger's log signing key.

Files are created once with mode 0600 (``O_EXCL``, so two workers starting together cannot write two
different keys) and read on every start. Tests use :class:`MemoryKeyStore`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workflow.signing import Ed25519Signer

SESSION_SECRET_FILE = "session-secret"  # noqa: S105 - a file name, not a secret
LOG_KEY_FILE = "log-ed25519.pem"


class KeyStore(Protocol):
    def session_secret(self) -> str: ...

    def log_signer(self) -> Ed25519Signer: ...


class FileKeyStore:
    def __init__(self, directory: Path, *, session_secret: str = "") -> None:
        self.directory = directory
        self._session_secret = session_secret
        self._signer: Ed25519Signer | None = None

    def _path(self, name: str) -> Path:
        return self.directory / name

    def _create(self, name: str, content: bytes) -> bytes:
        """Write ``content`` unless the file exists; return what the file holds either way."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self._path(name)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        return content

    def session_secret(self) -> str:
        if self._session_secret:
            return self._session_secret
        self._session_secret = (
            self._create(SESSION_SECRET_FILE, secrets.token_urlsafe(48).encode()).decode().strip()
        )
        return self._session_secret

    def log_signer(self) -> Ed25519Signer:
        if self._signer is None:
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            key = serialization.load_pem_private_key(self._create(LOG_KEY_FILE, pem), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{self._path(LOG_KEY_FILE)} is not an Ed25519 key")
            self._signer = Ed25519Signer(key)
        return self._signer

    def ensure(self) -> None:
        """Create whatever is missing; run before worker processes start."""
        self.session_secret()
        self.log_signer()


class MemoryKeyStore:
    def __init__(self, *, session_secret: str | None = None, signer: Ed25519Signer | None = None) -> None:
        self._secret = session_secret or secrets.token_urlsafe(48)
        self._signer = signer or Ed25519Signer.generate()

    def session_secret(self) -> str:
        return self._secret

    def log_signer(self) -> Ed25519Signer:
        return self._signer
