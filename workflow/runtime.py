"""The outside dependencies a service needs, gathered once per process and passed explicitly.

Each is a Protocol with a real and a fake implementation; tests build a Runtime with the fakes
(a FixedClock, an in-memory key store) rather than patching anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workflow.clock import Clock, SystemClock
from workflow.keystore import FileKeyStore, KeyStore
from workflow.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    keys: KeyStore
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    def production(cls, settings: Settings) -> Runtime:
        """Real clock, keys on disk under the data directory."""
        return cls(
            settings, FileKeyStore(settings.data_dir / "keys", session_secret=settings.security.secret_key)
        )
