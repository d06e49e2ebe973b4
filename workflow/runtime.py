"""The outside dependencies a service needs, gathered once per process and passed explicitly.

Each is a Protocol with a real and a fake implementation; tests build a Runtime with the fakes
(a FixedClock, an in-memory key store, a fake SMS gateway) rather than patching anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from workflow.clock import Clock, SystemClock
from workflow.keystore import FileKeyStore, KeyStore
from workflow.settings import Settings


class SmsGateway(Protocol):
    """Sends a text message to a mainland mobile number (``+86`` and 11 digits)."""

    name: str

    async def send(self, phone: str, text: str) -> None: ...


@dataclass(frozen=True)
class GradeYear:
    """One final 医德考评 result: the year and the grade (``excellent``, ``good``, ``fair``, ``poor``)."""

    year: int
    grade: str


class EthicsFeed(Protocol):
    """Where nomination checks read a staff member's ethics-grade history (医德档案).

    ``available`` is False until the ethics-files module provides a feed; rules that name the ethics
    files as their source then cannot be used, and campaigns declare those facts instead.
    """

    available: bool

    async def grade_history(self, staff_id: int) -> tuple[GradeYear, ...] | None:
        """The staff member's final grades, any order; ``None`` if the files know nothing of them."""
        ...


class NoEthicsFeed:
    """No ethics files yet: every fact is declared by the unit and checked by a reviewer."""

    available = False

    async def grade_history(self, staff_id: int) -> tuple[GradeYear, ...] | None:
        return None


def _dev_sms() -> SmsGateway:
    from workflow.notify.sms import DevSmsGateway  # noqa: PLC0415 - imports tables, keep runtime light

    return DevSmsGateway()


@dataclass
class Runtime:
    settings: Settings
    keys: KeyStore
    clock: Clock = field(default_factory=SystemClock)
    sms: SmsGateway = field(default_factory=_dev_sms)
    ethics: EthicsFeed = field(default_factory=NoEthicsFeed)

    @classmethod
    def production(cls, settings: Settings) -> Runtime:
        """Real clock, keys on disk under the data directory, the development SMS outbox."""
        return cls(
            settings, FileKeyStore(settings.data_dir / "keys", session_secret=settings.security.secret_key)
        )
