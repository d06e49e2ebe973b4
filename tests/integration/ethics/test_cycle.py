"""The annual cycle's rules as the services enforce them: veto, quota, stale gradings, returns,
objections, appeal decisions, windows on the holiday calendar, and policies frozen per year."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from tests.integration.ethics.conftest import deduct, evaluated_by_departments, graded_year, open_year, utc
from tests.support.ethics import People
from workflow.clock import FixedClock
from workflow.errors import Conflict, GuardRejected, InvalidInput, PermissionDenied
from workflow.ethics import service_cycle, service_files, service_grading, service_policy
from workflow.ethics.policy import Grade, RecordKind, Severity
from workflow.ethics.tables import EthicsCycle
from workflow.ids import StaffId
from workflow.runtime import Runtime
from workflow.workdays import CalendarNotCovered


async def cycle_of(staff: int) -> EthicsCycle:
    row = (
        await EthicsCycle.objects()
        .where(EthicsCycle.staff == staff)
        .order_by(EthicsCycle.year, ascending=False)
        .first()
    )
    assert row is not None
    return row


async def test_a_veto_forces_poor_and_the_quota_holds(rt: Runtime, people: People, clock: FixedClock) -> None:
    year_id = await open_year(rt, people, clock)
    staff = list(people.staff)
    clock.set(utc(2025, 6, 1, 2))
    from workflow.ethics import service_records

    vetoed = await service_records.submit(
        rt,
        people.office,
        staff_id=staff[0],
        occurred_on=date(2025, 5, 1),
        kind=RecordKind.DEDUCTION,
        item="I4",
        points=Decimal(1),
        category="JX9",
        severity=Severity.GRAVE,
        description="收受回扣",
    )
    await service_records.decide(rt, people.office2, vetoed["id"], approve=True, expected_version=1)
    await evaluated_by_departments(rt, people, clock, year_id)
    clock.set(utc(2026, 1, 5, 1))
    summary = await service_grading.close_year(rt, people.office, year_id)
    assert (
        summary["vetoes"][0]["reasons"][0]["code"] == "JX9"
    )  # a grave 九项准则 9 violation vetoes by itself
    assert summary["groups"][0]["places"] == 0  # 15% of 6 people, rounded down
    file = await cycle_of(staff[0])
    with pytest.raises(GuardRejected, match="must be 较差"):
        await service_cycle.evaluate_unit(
            rt, people.office, file.id, opinion="同意", grade=Grade.GOOD, expected_version=file.version
        )
    confirmed = await service_cycle.evaluate_unit(
        rt, people.office, file.id, opinion="同意", grade=Grade.POOR, expected_version=file.version
    )
    assert confirmed["vetoed"] and confirmed["unit_grade"] == "poor"
    other = await cycle_of(staff[1])
    with pytest.raises(GuardRejected, match="places"):
        await service_cycle.evaluate_unit(
            rt, people.office, other.id, opinion="同意", grade=Grade.EXCELLENT, expected_version=other.version
        )


async def test_grading_must_be_current_and_stops_at_the_publicity(
    rt: Runtime, people: People, clock: FixedClock
) -> None:
    year_id = await graded_year(rt, people, clock)
    staff = list(people.staff)
    await deduct(rt, people, staff[1], "1", on=date(2025, 12, 1))  # a record approved after grading
    file = await cycle_of(staff[1])
    with pytest.raises(GuardRejected, match="run close-year again"):
        await service_cycle.evaluate_unit(
            rt, people.office, file.id, opinion="同意", grade=Grade.GOOD, expected_version=file.version
        )
    await service_grading.close_year(rt, people.office, year_id)
    await service_cycle.evaluate_unit_all(rt, people.office, year_id, opinion="同意", overrides={})
    await service_cycle.publicize(rt, people.office, year_id)
    with pytest.raises(Conflict, match="publicized"):
        await service_grading.close_year(rt, people.office, year_id)
    with pytest.raises(GuardRejected, match="公示中"):
        await deduct(
            rt, people, staff[2], "1", on=date(2025, 12, 2)
        )  # records close with the unit evaluation


async def test_returns_go_back_one_step_with_a_reason(rt: Runtime, people: People, clock: FixedClock) -> None:
    year_id = await graded_year(rt, people, clock)
    from workflow.org.tables import Staff

    head_department = people.org.departments[people.unit][0]
    mine = await Staff.select(Staff.id).where(Staff.department == head_department).order_by(Staff.id).first()
    assert mine is not None
    file = await cycle_of(mine["id"])
    with pytest.raises(PermissionDenied):  # past the department, only the office sends a file back
        await service_cycle.send_back(rt, people.head, file.id, reason="补充", expected_version=file.version)
    back = await service_cycle.send_back(
        rt, people.office, file.id, reason="科室意见过简", expected_version=file.version
    )
    assert back["status"] == "self_evaluated" and back["return_reason"] == "科室意见过简"
    await service_cycle.evaluate_unit_all(rt, people.office, year_id, opinion="同意", overrides={})
    confirmed = await EthicsCycle.objects().where(EthicsCycle.status == "unit_evaluated").first()
    assert confirmed is not None
    reopened = await service_cycle.send_back(
        rt, people.office, confirmed.id, reason="委员会重议", expected_version=confirmed.version
    )
    assert reopened["status"] == "department_evaluated" and reopened["unit_grade"] is None


async def _publicized(rt: Runtime, people: People, clock: FixedClock) -> int:
    year_id = await graded_year(rt, people, clock)
    await service_cycle.evaluate_unit_all(rt, people.office, year_id, opinion="同意", overrides={})
    clock.set(utc(2026, 1, 5, 1, 30))
    await service_cycle.publicize(rt, people.office, year_id)
    return year_id


async def test_a_real_name_objection_and_a_maintained_grade(
    rt: Runtime, people: People, clock: FixedClock
) -> None:
    year_id = await _publicized(rt, people, clock)
    file = await cycle_of(list(people.staff)[2])
    clock.set(utc(2026, 1, 7, 2))
    with pytest.raises(GuardRejected, match="real-name"):
        await service_cycle.lodge_appeal(
            rt, people.office, file.id, reason="匿名来信", objector={"name": "", "work_unit": "", "phone": ""}
        )
    objected = await service_cycle.lodge_appeal(
        rt,
        people.office,
        file.id,
        reason="反映其收受礼品",
        objector={"name": "李明", "work_unit": "某公司", "phone": "13900000000"},
    )
    assert objected["appeals"][0]["objector"]["name"] == "李明"
    assert objected["appeals"][0]["decide_by"] is not None
    with pytest.raises(InvalidInput, match="维持"):
        await service_cycle.decide_appeal(
            rt,
            people.office,
            file.id,
            decision="maintain",
            grade=Grade.POOR,
            reasons="x",
            expected_version=objected["version"],
        )
    kept = await service_cycle.decide_appeal(
        rt,
        people.office,
        file.id,
        decision="maintain",
        grade=Grade(objected["unit_grade"]),
        reasons="经核查反映不属实",
        expected_version=objected["version"],
    )
    assert kept["status"] == "final" and kept["final_grade"] == objected["unit_grade"]
    staff_view = await service_files.cycle_view(people.staff[StaffId(file.staff)], file.id)
    assert staff_view["appeals"][0]["objector"] is None  # the objector's identity stays with the office
    clock.set(utc(2026, 1, 12, 2))
    late = await cycle_of(list(people.staff)[3])
    with pytest.raises(GuardRejected, match="closed"):
        await service_cycle.lodge_appeal(
            rt, people.staff[StaffId(late.staff)], late.id, reason="不服", objector=None
        )
    result = await service_cycle.finalize(rt, people.office, year_id)
    assert result["finalized"] == 5 and result["waiting"] == []


async def test_a_january_publicity_needs_that_years_calendar(
    rt: Runtime, people: People, clock: FixedClock
) -> None:
    """The 2026 results are publicized in January 2027: until the State Council's 2027 arrangement is
    loaded, the window cannot be counted and the office is told how to load it."""
    from workflow.calendar import service as calendar

    clock.set(utc(2026, 1, 2, 1))
    opened = await service_files.open_year(rt, people.office, unit_id=people.unit, year=2026)
    year_id = opened["year"]["id"]
    clock.set(utc(2026, 12, 10, 2))
    for c in await EthicsCycle.objects().where(EthicsCycle.ethics_year == year_id):
        await service_cycle.self_evaluate(
            rt,
            people.staff[StaffId(c.staff)],
            c.id,
            summary="总结",
            grade=Grade.GOOD,
            expected_version=c.version,
        )
    await _departments_evaluate(rt, people, year_id)
    clock.set(utc(2027, 1, 6, 1))
    await service_grading.close_year(rt, people.office, year_id)
    await service_cycle.evaluate_unit_all(rt, people.office, year_id, opinion="同意", overrides={})
    with pytest.raises(CalendarNotCovered, match="yide calendar load"):
        await service_cycle.publicize(rt, people.office, year_id)
    arrangement = {
        "format": "yide-holidays/1",
        "years": [
            {
                "year": 2027,
                "source": "测试用安排",
                "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"}],
                "workdays": [],
            }
        ],
    }
    assert await calendar.load(json.dumps(arrangement).encode(), actor="operator", at=clock.now()) == [2027]
    assert await calendar.load(json.dumps(arrangement).encode(), actor="operator", at=clock.now()) == []
    done = await service_cycle.publicize(rt, people.office, year_id)
    assert done["publicity"]["label"] == "2027年1月6日至2027年1月12日"


async def _departments_evaluate(rt: Runtime, people: People, year_id: int) -> None:
    from tests.support.ethics import principal
    from workflow.accounts.roles import Role
    from workflow.org.tables import Staff

    for c in await EthicsCycle.objects().where(EthicsCycle.ethics_year == year_id):
        department = (await Staff.select(Staff.department).where(Staff.id == c.staff).first() or {})[
            "department"
        ]
        head = await principal(rt, f"h{c.id}-{year_id}", Role.DEPARTMENT_HEAD, department=department)
        await service_cycle.evaluate_department(
            rt, head, c.id, opinion="同意", grade=Grade.GOOD, expected_version=c.version
        )


async def test_a_year_freezes_the_policy_in_force_when_it_opens(
    rt: Runtime, people: People, clock: FixedClock
) -> None:
    region = people.org.region
    ordered = {"quota": {"tie_policy": "ordered", "hard_ratio": "0.5", "soft_ratio": "0.3"}}
    published = await service_policy.publish_policy(
        rt, people.organizer, region_id=region, data=json.dumps(ordered), note="并列按扣分加分依次比较"
    )
    assert published["version"] == 1
    year_id = await open_year(rt, people, clock)
    await service_policy.publish_policy(rt, people.organizer, region_id=region, data="{}", note="回到默认")
    view = await service_files.year_view(people.office, year_id)
    assert (view["policy_version"], view["tie_policy"]) == (1, "ordered")
    await evaluated_by_departments(rt, people, clock, year_id)
    clock.set(utc(2026, 1, 5, 1))
    summary = await service_grading.close_year(rt, people.office, year_id)
    group = summary["groups"][0]
    assert group["places"] == 3 and group["pending"] == []  # six clean files tie; the policy orders them
    assert group["boundary"]["decided_by"] == "staff_id"
    with pytest.raises(PermissionDenied):
        await service_policy.publish_policy(rt, people.office, region_id=region, data="{}", note="")
