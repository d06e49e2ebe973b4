"""The eligibility feed: what the selection workflow (最美医生 nominations) and promotions read.

``EthicsFeed`` is the interface; ``FilesEthicsFeed`` answers it from the files' *final* results
(after the 公示 and any appeal: states ``final`` and ``archived``). A year still under evaluation is
no result, and the eligibility rules say how a missing year counts (``eligibility.py``).

    feed = FilesEthicsFeed()
    history = await feed.grade_history(staff_id)                   # all final years, newest first
    answer = await feed.eligibility(staff_id, latest_year=2025)    # 最美医生 defaults (SELECTION)
    answer.eligible, answer.reasons

The selection branch's ``Runtime.ethics`` protocol asks ``available`` and
``grade_history(staff_id)`` with results carrying ``year`` and ``grade`` (a grade code such as
``"good"``); :class:`~workflow.ethics.eligibility.YearResult` carries both (``Grade`` is a ``str``) plus
``vetoed``, so this class plugs in as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Protocol

from workflow.accounts.roles import Principal, Role
from workflow.errors import InvalidInput, NotFound
from workflow.ethics.eligibility import (
    PERIODIC_ASSESSMENT,
    PROMOTION,
    SELECTION,
    Eligibility,
    EligibilityRule,
    YearResult,
    check_eligibility,
)
from workflow.ethics.policy import Grade
from workflow.ethics.states import CycleState
from workflow.ethics.tables import EthicsCycle
from workflow.ids import StaffId, UnitId
from workflow.org.access import is_ethics_office
from workflow.org.tables import Staff

FINAL_STATES = (CycleState.final, CycleState.archived)


class EthicsFeed(Protocol):
    available: bool

    async def grade_history(
        self, staff_id: int, years: Iterable[int] | None = None
    ) -> tuple[YearResult, ...] | None:
        """Final results, newest first (only ``years`` when given); ``None`` if the person has no file."""
        ...

    async def eligibility(
        self, staff_id: int, *, latest_year: int, rule: EligibilityRule = SELECTION
    ) -> Eligibility:
        """Yes or no, with one reason per check, for the rule's purpose."""
        ...


class FilesEthicsFeed:
    """The feed backed by the 医德医风 files in the database."""

    available = True

    async def grade_history(
        self, staff_id: int, years: Iterable[int] | None = None
    ) -> tuple[YearResult, ...] | None:
        rows = (
            await EthicsCycle.select(
                EthicsCycle.year, EthicsCycle.status, EthicsCycle.final_grade, EthicsCycle.vetoed
            )
            .where(EthicsCycle.staff == staff_id)
            .order_by(EthicsCycle.year, ascending=False)
        )
        if not rows:
            return None
        wanted = None if years is None else set(years)
        return tuple(
            YearResult(year=r["year"], grade=Grade(r["final_grade"]), vetoed=bool(r["vetoed"]))
            for r in rows
            if r["status"] in FINAL_STATES and r["final_grade"] and (wanted is None or r["year"] in wanted)
        )

    async def eligibility(
        self, staff_id: int, *, latest_year: int, rule: EligibilityRule = SELECTION
    ) -> Eligibility:
        history = await self.grade_history(staff_id) or ()
        return check_eligibility(history, latest_year=latest_year, rule=rule)


PURPOSES: Final = {
    "selection": SELECTION,
    "periodic_assessment": PERIODIC_ASSESSMENT,
    "promotion": PROMOTION,
}


async def eligibility_view(
    p: Principal, staff_id: StaffId, *, latest_year: int, purpose: str
) -> dict[str, Any]:
    """Yes or no with reasons; the ethics office sees its unit, the bureau, reviewers and auditors all."""
    rule = PURPOSES.get(purpose)
    if rule is None:
        raise InvalidInput(f"purpose is one of {sorted(PURPOSES)}", field="purpose")
    staff = await Staff.select(Staff.unit).where(Staff.id == staff_id).first()
    if staff is None:
        raise NotFound("no such staff member")
    if not (p.has(Role.ORGANIZER, Role.REVIEWER, Role.AUDITOR) or is_ethics_office(p, UnitId(staff["unit"]))):
        raise NotFound("no such staff member")
    answer = await FilesEthicsFeed().eligibility(staff_id, latest_year=latest_year, rule=rule)
    return {
        "staff_id": staff_id,
        "latest_year": latest_year,
        "purpose": purpose,
        "eligible": answer.eligible,
        "reasons": list(answer.reasons),
        "checks": [{"rule": c.rule, "passed": c.passed, "reason": c.reason} for c in answer.checks],
    }
