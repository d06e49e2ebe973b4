"""The outside dependencies a service needs, gathered once per process and passed explicitly.

Each is a Protocol with a real and a fake implementation; tests build a Runtime with the fakes
(a FixedClock, an in-memory key store, a fake SMS gateway) rather than patching anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from workflow.clock import Clock, SystemClock
from workflow.keystore import FileKeyStore, KeyStore
from workflow.settings import Settings


class SmsGateway(Protocol):
    """Sends a text message to a mainland mobile number (``+86`` and 11 digits)."""

    name: str

    async def send(self, phone: str, text: str) -> None: ...


class FinalGrade(Protocol):
    """One final 医德考评 result: its year and grade code (``excellent``, ``good``, ``fair``, ``poor``)."""

    @property
    def year(self) -> int: ...

    @property
    def grade(self) -> str: ...


@dataclass(frozen=True)
class GradeYear:
    """A :class:`FinalGrade` in plain form (fakes, imports)."""

    year: int
    grade: str


class EthicsFeed(Protocol):
    """Where nomination checks read a staff member's ethics-grade history (医德档案).

    The production runtime reads the 医德医风 files (``workflow.ethics.feed.FilesEthicsFeed``).
    With :class:`NoEthicsFeed` (``available`` False) rules that name the ethics files as their source
    cannot be used, and campaigns declare those facts instead.
    """

    available: bool

    async def grade_history(self, staff_id: int) -> Sequence[FinalGrade] | None:
        """The staff member's final grades, any order; ``None`` if the files know nothing of them."""
        ...


class NoEthicsFeed:
    """No ethics files: every fact is declared by the unit and checked by a reviewer."""

    available = False

    async def grade_history(self, staff_id: int) -> Sequence[FinalGrade] | None:
        return None


def _files_feed() -> EthicsFeed:
    from workflow.ethics.feed import FilesEthicsFeed  # noqa: PLC0415 - imports tables, keep runtime light

    return FilesEthicsFeed()


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
        """Real clock, keys on disk, the development SMS outbox, grades from the 医德医风 files."""
        return cls(
            settings,
            FileKeyStore(settings.data_dir / "keys", session_secret=settings.security.secret_key),
            ethics=_files_feed(),
        )
