"""What every ethics service shares: loading a year and its frozen policy, points as integers,
pseudonyms for the internal log, and the Beijing date.

Nothing here decides anything; the rules are in ``rules.py``/``machine.py`` and the workflow steps
in the ``service_*`` modules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

from workflow.db import for_update
from workflow.errors import Conflict, InvalidInput, NotFound
from workflow.ethics.policy import EthicsPolicy, Grade
from workflow.ethics.tables import EthicsYear
from workflow.ids import ScopeName, StaffId, UnitId
from workflow.ledger.entry import pseudonym
from workflow.ledger.tables import LedgerScope
from workflow.org.tables import Staff
from workflow.workdays import SHANGHAI

_CENT: Final = Decimal("0.01")
_POINTS: dict[int, Decimal] = {}


def to_cents(points: Decimal) -> int:
    """Points as stored: integer hundredths; more than two decimals is refused."""
    if not points.is_finite() or points.quantize(_CENT) != points:
        raise InvalidInput("points have at most two decimals", field="points")
    return int(points * 100)


def from_cents(cents: int) -> Decimal:
    """The Decimal for stored hundredths; cached, the year-end batch reads hundreds of thousands."""
    value = _POINTS.get(cents)
    if value is None:
        value = _POINTS[cents] = Decimal(cents) / 100 if cents else Decimal(0)
    return value


def grade_or_none(value: str | None) -> Grade | None:
    return Grade(value) if value else None


def beijing_date(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


@lru_cache(maxsize=64)
def _decode_policy(text: str) -> EthicsPolicy:
    return EthicsPolicy.from_json(text)


def year_policy(row: EthicsYear) -> EthicsPolicy:
    """The policy frozen when the year opened (decoded once per distinct policy)."""
    return _decode_policy(row.policy)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def scope_of(row: EthicsYear) -> ScopeName:
    return ScopeName(row.scope)


async def load_year(year_id: int, *, lock: bool = False) -> EthicsYear:
    query = EthicsYear.objects().where(EthicsYear.id == year_id)
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound("no such evaluation year")
    return row


async def year_of(unit_id: UnitId, year: int) -> EthicsYear:
    """The unit's evaluation year; a clear conflict when it has not been opened."""
    row = await EthicsYear.objects().where((EthicsYear.unit == unit_id) & (EthicsYear.year == year)).first()
    if row is None:
        raise Conflict(
            f"the {year} evaluation year is not open for this unit; the ethics office opens it first",
            year=year,
        )
    return row


async def load_staff(staff_id: StaffId) -> dict[str, Any]:
    row = (
        await Staff.select(
            Staff.id, Staff.unit, Staff.department, Staff.staff_no, Staff.name, Staff.title, Staff.status
        )
        .where(Staff.id == staff_id)
        .first()
    )
    if row is None:
        raise NotFound("no such staff member")
    return dict(row)


async def pseudonymizer(scope: ScopeName) -> Callable[[str, str], str]:
    """``pseudo(kind, value)`` for entries of ``scope``, reading the scope's salt once."""
    row = await LedgerScope.select(LedgerScope.salt).where(LedgerScope.name == scope).first()
    if row is None:
        raise NotFound(f"ledger scope {scope!r} does not exist")
    salt = bytes.fromhex(row["salt"])

    def pseudo(kind: str, value: str) -> str:
        return pseudonym(salt, kind, value)

    return pseudo


def staff_key(unit_id: int, staff_no: str) -> str:
    """What a staff pseudonym is keyed on, the same in the org log and the ethics logs."""
    return f"{unit_id}:{staff_no}"
