"""Fixtures for the ethics integration tests: people as service principals, a clock put back after."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from tests.support.ethics import People, make_people, principal
from tests.support.factories import login, signed_in
from workflow.accounts.roles import Role
from workflow.clock import FixedClock
from workflow.ethics import service_cycle, service_files, service_grading, service_records
from workflow.ethics.policy import Grade, RecordKind
from workflow.ethics.tables import EthicsCycle
from workflow.org.tables import Staff
from workflow.runtime import Runtime


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
async def people(rt: Runtime, clean_db: None, clock: FixedClock) -> AsyncIterator[People]:
    saved = clock.now()
    try:
        yield await make_people(rt, staff_per_unit=6, units=2)
    finally:
        clock.set(saved)


@pytest.fixture
async def as_user(app) -> AsyncIterator[Callable[[str], Coroutine[Any, Any, httpx.AsyncClient]]]:  # type: ignore[no-untyped-def]
    clients: list[httpx.AsyncClient] = []

    async def make(username: str) -> httpx.AsyncClient:
        client = signed_in(app, username)
        clients.append(client)
        return await login(client, username)

    yield make
    for client in clients:
        await client.aclose()


async def open_year(rt: Runtime, people: People, clock: FixedClock, year: int = 2025) -> int:
    clock.set(utc(year, 1, 2, 1))
    opened = await service_files.open_year(rt, people.office, unit_id=people.unit, year=year)
    return int(opened["year"]["id"])


async def deduct(
    rt: Runtime, people: People, staff: int, points: str, *, on: date = date(2025, 3, 1), **extra: Any
) -> dict[str, Any]:
    """A deduction filed by the office and approved by the second officer."""
    from decimal import Decimal

    record = await service_records.submit(
        rt,
        people.office,
        staff_id=staff,  # type: ignore[arg-type]
        occurred_on=on,
        kind=RecordKind.DEDUCTION,
        item=extra.pop("item", "I3"),
        points=Decimal(points),
        description=extra.pop("description", "投诉属实"),
        **extra,
    )
    return await service_records.decide(rt, people.office2, record["id"], approve=True, expected_version=1)


async def evaluated_by_departments(rt: Runtime, people: People, clock: FixedClock, year_id: int) -> None:
    """Everyone self-evaluates in December and their heads evaluate."""
    clock.set(utc(2025, 12, 10, 2))
    for c in await EthicsCycle.objects().where(EthicsCycle.ethics_year == year_id).order_by(EthicsCycle.id):
        await service_cycle.self_evaluate(
            rt,
            people.staff[c.staff],
            c.id,
            summary="总结",
            grade=Grade.GOOD,
            expected_version=c.version,  # type: ignore[index]
        )
    heads: dict[int, Any] = {}
    for c in await EthicsCycle.objects().where(EthicsCycle.ethics_year == year_id).order_by(EthicsCycle.id):
        staff = await Staff.select(Staff.department).where(Staff.id == c.staff).first()
        assert staff is not None
        department = staff["department"]
        if department not in heads:
            heads[department] = await principal(
                rt, f"head-{department}", Role.DEPARTMENT_HEAD, department=department
            )
        await service_cycle.evaluate_department(
            rt, heads[department], c.id, opinion="同意", grade=Grade.GOOD, expected_version=c.version
        )


async def graded_year(rt: Runtime, people: People, clock: FixedClock) -> int:
    """A 2025 year with a few records, department-evaluated and graded on 2026-01-05."""
    year_id = await open_year(rt, people, clock)
    staff = list(people.staff)
    clock.set(utc(2025, 6, 1, 2))
    await deduct(rt, people, staff[0], "20")
    await evaluated_by_departments(rt, people, clock, year_id)
    clock.set(utc(2026, 1, 5, 1))
    await service_grading.close_year(rt, people.office, year_id)
    return year_id
