"""Demo data for the ethics files: last year evaluated end to end, this year under way.

Everything goes through the services a real deployment uses, so the demo's ethics logs are real
logs that replay. The past is seeded with a clock set to the dates the steps would have happened on
(January opening, records through the year, December evaluations, January 公示); the shell operator
acts as each office, head and staff member and is logged as ``operator``.
"""

from __future__ import annotations

import io
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from workflow.accounts.roles import OPERATOR_ACCOUNT, Grant, Principal, Role
from workflow.clock import FixedClock
from workflow.db import write_transaction
from workflow.ethics import service_cycle, service_feedback, service_files, service_grading, service_records
from workflow.ethics.common import beijing_date
from workflow.ethics.feedback import Answer
from workflow.ethics.policy import Grade, RecordKind
from workflow.ethics.tables import EthicsCycle, EthicsYear
from workflow.ids import DepartmentId, StaffId, UnitId
from workflow.org.tables import Department, Staff, Unit
from workflow.runtime import Runtime
from workflow.workdays import CalendarNotCovered

PRAISE: Final = [
    ("I1", "抢救危重患者成功，家属送锦旗"),
    ("I3", "患者来信表扬服务耐心"),
    ("I4", "拒收患者红包并登记上交"),
]
DEDUCTIONS: Final = [
    ("I3", "患者投诉解释不耐心，经核实属实"),
    ("I6", "无故缺席科室业务学习"),
    ("I5", "病历书写不规范"),
]
SMS_REPLIES: Final = ["1", "1", "1", "1", "2", "1", "2", "3", "1", "1"]
SMS_COMMENTS: Final = ["1 谢谢医生，态度很好", "3 候诊时间太长，医生解释不清"]


def _as(
    role: Role, *, unit: UnitId | None = None, department: int | None = None, staff: StaffId | None = None
) -> Principal:
    grant = Grant(
        role, unit if role == Role.UNIT_ADMIN else None, DepartmentId(department) if department else None
    )
    extra = (Grant(Role.ORGANIZER),) if role == Role.UNIT_ADMIN else ()
    return Principal(OPERATOR_ACCOUNT, "operator", "命令行操作员", staff, (grant, *extra))


def _evidence() -> bytes:
    import segno  # noqa: PLC0415

    out = io.BytesIO()
    segno.make("yide demo evidence").save(out, kind="png", scale=2)
    return out.getvalue()


def _at(day: date, hour: int = 9) -> datetime:
    """09:00 Beijing on ``day``, as UTC."""
    return datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC)


class _Seeder:
    def __init__(self, rt: Runtime, rng: random.Random) -> None:
        self.clock = FixedClock(rt.clock.now())
        self.rt = replace(rt, clock=self.clock)
        self.rng = rng
        self.evidence = _evidence()

    def at(self, day: date) -> None:
        self.clock.set(_at(day))

    async def records(
        self, unit_id: UnitId, staff: list[dict[str, Any]], year: int, until: date, *, drafts: bool
    ) -> None:
        office = _as(Role.UNIT_ADMIN, unit=unit_id)
        for person in staff:
            for _ in range(self.rng.randint(1, 3)):
                day = min(until, date(year, self.rng.randint(1, until.month), self.rng.randint(1, 28)))
                self.at(day)
                praise = self.rng.random() < 0.7
                item, text = self.rng.choice(PRAISE if praise else DEDUCTIONS)
                record = await service_records.submit(
                    self.rt,
                    office,
                    staff_id=StaffId(person["id"]),
                    occurred_on=day,
                    kind=RecordKind.PRAISE if praise else RecordKind.DEDUCTION,
                    item=item,
                    points=Decimal(self.rng.choice(["0.5", "1", "2"] if praise else ["1", "2", "3"])),
                    description=text,
                )
                if praise:
                    await service_records.attach(
                        self.rt, office, record["id"], filename="证明.png", data=self.evidence
                    )
                if drafts and self.rng.random() < 0.2:
                    continue  # left for the ethics office to verify
                await service_records.decide(
                    self.rt, office, record["id"], approve=True, expected_version=record["version"]
                )

    async def sms(
        self, unit_id: UnitId, year_id: int, staff: list[dict[str, Any]], year: int, months: int
    ) -> None:
        lines = ["回访编号,工号,回复日期,回复内容"]
        for index, person in enumerate(staff[: len(SMS_COMMENTS)]):
            lines.append(
                f"{year}-{person['staff_no']}-c,{person['staff_no']},{year}-03-15,{SMS_COMMENTS[index]}"
            )
        for person in staff:
            for n in range(self.rng.randint(10, 45)):
                day = date(year, self.rng.randint(1, months), self.rng.randint(1, 28))
                lines.append(
                    f"{year}-{person['staff_no']}-{n},{person['staff_no']},{day},{self.rng.choice(SMS_REPLIES)}"
                )
        office = _as(Role.UNIT_ADMIN, unit=unit_id)
        view = await service_feedback.preview_sms(
            self.rt, office, year_id, filename=f"短信回访{year}.csv", data="\n".join(lines).encode("gbk")
        )
        await service_feedback.commit_sms(self.rt, office, view["id"], expected_version=view["version"])
        drafts = await service_records.list_records(
            office, unit_id=unit_id, staff_id=None, year=year, status=None, cursor=None, limit=500
        )
        for record in drafts.items:
            if record["source"].startswith("sms:") and record["status"] == "submitted":
                await service_records.decide(
                    self.rt, office, record["id"], approve=True, expected_version=record["version"]
                )

    async def ward(self, unit_id: UnitId, department_id: int, day: date) -> None:
        office = _as(Role.UNIT_ADMIN, unit=unit_id)
        ward = await service_feedback.create_ward(
            self.rt, office, unit_id=unit_id, department_id=DepartmentId(department_id), name="一病区"
        )
        token = ward["link"].rsplit("/", 1)[1]
        people = (await service_feedback.public_ward(token))["staff"]
        self.at(day)
        for n in range(6):
            ratings = [
                (p["id"], self.rng.choice([Answer.SATISFIED, Answer.SATISFIED, Answer.FAIRLY_SATISFIED]), "")
                for p in people
            ]
            await service_feedback.submit_inpatient(
                self.rt, token=token, stay=f"ZY{day.year}{n:04d}", ratings=ratings, client=f"192.0.2.{n}"
            )

    async def evaluate(self, unit_id: UnitId, year_row_id: int, year: int) -> str:
        """Self, department and unit evaluation, 公示, final, archive; returns how far it got."""
        cycles = (
            await EthicsCycle.objects().where(EthicsCycle.ethics_year == year_row_id).order_by(EthicsCycle.id)
        )
        self.at(date(year, 12, 10))
        for c in cycles[:-1]:  # the last person never writes a summary
            await service_cycle.self_evaluate(
                self.rt,
                _as(Role.STAFF, staff=StaffId(c.staff)),
                c.id,
                summary="本年度认真履职，遵守医德规范，积极参加业务学习。",
                grade=Grade.GOOD,
                expected_version=c.version,
            )
        self.at(date(year + 1, 1, 5))
        office = _as(Role.UNIT_ADMIN, unit=unit_id)
        summary = await service_grading.close_year(self.rt, office, year_row_id)
        for c in await EthicsCycle.objects().where(EthicsCycle.ethics_year == year_row_id):
            staff = await Staff.select(Staff.department).where(Staff.id == c.staff).first()
            head = _as(Role.DEPARTMENT_HEAD, department=staff["department"] if staff else None)
            await service_cycle.evaluate_department(
                self.rt, head, c.id, opinion="同意", grade=Grade.GOOD, expected_version=c.version
            )
        for group in summary["groups"]:
            if group["pending"]:
                keep = [p["cycle_id"] for p in group["pending"][: group["boundary"]["open_places"]]]
                await service_grading.decide_tie(
                    self.rt,
                    office,
                    year_row_id,
                    group=group["group"],
                    keep=keep,
                    minutes="考评委员会会议纪要（演示）",
                )
        await service_cycle.evaluate_unit_all(
            self.rt, office, year_row_id, opinion="经单位考评委员会审议，同意", overrides={}
        )
        try:
            await service_cycle.publicize(self.rt, office, year_row_id)
        except CalendarNotCovered:
            return "unit-evaluated (the holiday calendar does not cover the 公示 yet)"
        self.at(date(year + 1, 1, 20))
        await service_cycle.finalize(self.rt, office, year_row_id)
        await service_cycle.archive(self.rt, office, year_row_id)
        return "archived"


async def seed_ethics(rt: Runtime) -> list[str]:
    """Last year evaluated and archived, this year open with records; returns one line per unit."""
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    seeder = _Seeder(rt, rng)
    this_year = beijing_date(rt.clock.now()).year
    today = beijing_date(rt.clock.now())
    notes = []
    for unit in await Unit.select(Unit.id, Unit.code).order_by(Unit.id):
        async with write_transaction():  # one commit per unit: the demo is seeded in seconds
            notes.append(await _seed_unit(seeder, UnitId(unit["id"]), unit["code"], this_year, today))
    return notes


async def _seed_unit(seeder: _Seeder, unit_id: UnitId, code: str, this_year: int, today: date) -> str:
    staff = list(
        await Staff.select(Staff.id, Staff.staff_no, Staff.department)
        .where(Staff.unit == unit_id)
        .order_by(Staff.id)
    )
    departments = (
        await Department.select(Department.id).where(Department.unit == unit_id).order_by(Department.id)
    )
    office = _as(Role.UNIT_ADMIN, unit=unit_id)
    last = this_year - 1
    seeder.at(date(last, 1, 2))
    opened = await service_files.open_year(seeder.rt, office, unit_id=unit_id, year=last)
    await seeder.records(unit_id, staff, last, date(last, 11, 30), drafts=False)
    seeder.at(date(last, 12, 1))
    await seeder.sms(unit_id, opened["year"]["id"], staff, last, 11)
    await seeder.ward(unit_id, departments[0]["id"], date(last, 9, 15))
    state = await seeder.evaluate(unit_id, opened["year"]["id"], last)
    seeder.at(date(this_year, 1, 2))
    await service_files.open_year(seeder.rt, office, unit_id=unit_id, year=this_year)
    until = today - timedelta(days=1) if today.month > 1 or today.day > 2 else today
    await seeder.records(unit_id, staff, this_year, until, drafts=True)
    year_rows = await EthicsYear.count().where(EthicsYear.unit == unit_id)
    return f"{code}: {last} {state}; {this_year} open ({year_rows} evaluation years)"
