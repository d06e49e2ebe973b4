"""The signature suite: the one place that knows which algorithm signs and hashes.

Callers hold a :class:`Signer` or a :class:`Verifier` and never name Ed25519 themselves, so an
SM2/SM3 suite (国密, required by some 等保/密评 deployments) can be added here without touching them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class Verifier(Protocol):
    """Checks signatures of one algorithm."""

    algorithm: str

    def verify(self, public_key: bytes, signature: bytes, message: bytes) -> bool:
        """True only for a valid signature; malformed keys or signatures are simply invalid."""
        ...


class Signer(Protocol):
    """Holds one private key."""

    @property
    def algorithm(self) -> str: ...

    @property
    def public_key(self) -> bytes: ...

    def sign(self, message: bytes) -> bytes: ...


class Ed25519Verifier:
    algorithm = "ed25519"
    public_key_size = 32
    signature_size = 64

    def verify(self, public_key: bytes, signature: bytes, message: bytes) -> bool:
        if len(public_key) != self.public_key_size or len(signature) != self.signature_size:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Ed25519Signer:
    private: Ed25519PrivateKey
    algorithm: str = "ed25519"

    @classmethod
    def generate(cls) -> Ed25519Signer:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519Signer:
        """A deterministic key from 32 secret bytes (e.g. derived from a voter credential)."""
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def public_key(self) -> bytes:
        return self.private.public_key().public_bytes_raw()

    def seed(self) -> bytes:
        return self.private.private_bytes_raw()

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


ED25519 = Ed25519Verifier()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
