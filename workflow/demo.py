"""The demo organisation: a district bureau, three units, their departments and ~30 staff.

Seeded through the same services a real deployment uses, so the demo's ledger is a real ledger.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from workflow.accounts import service as accounts
from workflow.accounts.roles import OPERATOR, Grant, Role
from workflow.accounts.tables import Account
from workflow.ids import DepartmentId, RegionId, StaffId, UnitId
from workflow.org import imports
from workflow.org import service as org
from workflow.org.states import RegionLevel, UnitKind
from workflow.org.tables import Department, Staff
from workflow.runtime import Runtime

DEMO_PASSWORD = "yide-demo-2026"  # noqa: S105 - printed for everyone on purpose; demo only

UNITS = [
    (
        "SYH",
        "顺义区医院",
        UnitKind.HOSPITAL,
        [("NK", "内科"), ("WK", "外科"), ("EK", "儿科"), ("HL", "护理部")],
    ),
    (
        "SYFY",
        "顺义区妇幼保健院",
        UnitKind.MATERNAL_CHILD,
        [("FK", "妇科"), ("CK", "产科"), ("EB", "儿童保健科")],
    ),
    ("RHZX", "仁和镇社区卫生服务中心", UnitKind.HEALTH_CENTRE, [("QK", "全科"), ("GW", "公共卫生科")]),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = [
    "建华",
    "秀英",
    "志强",
    "丽娟",
    "海燕",
    "国庆",
    "晓明",
    "春梅",
    "伟",
    "静",
    "磊",
    "芳",
    "敏",
    "军",
    "燕",
]
TITLES = ["主任医师", "副主任医师", "主治医师", "住院医师", "主管护师", "护师", "护士"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: Role
    note: str


LOGINS = [
    DemoLogin("demo-organizer", "区卫健委管理员", Role.ORGANIZER, "creates campaigns and cycles"),
    DemoLogin("demo-unit-admin", "顺义区医院管理员", Role.UNIT_ADMIN, "顺义区医院"),
    DemoLogin("demo-dept-head", "内科主任", Role.DEPARTMENT_HEAD, "内科, 顺义区医院"),
    DemoLogin("demo-reviewer", "评审专家", Role.REVIEWER, "review and expert scores"),
    DemoLogin("demo-credentials", "凭证管理员", Role.CREDENTIAL_AUTHORITY, "issues voter credentials"),
    DemoLogin("demo-auditor", "纪检审计员", Role.AUDITOR, "reads all logs, exports bundles"),
    DemoLogin("demo-staff", "", Role.STAFF, "own ethics file (a 内科 doctor)"),
]


def _staff_csv(unit_index: int, departments: list[tuple[str, str]], count: int) -> bytes:
    rng = random.Random(2026 + unit_index)  # noqa: S311 - demo data, not security
    lines = ["工号,姓名,性别,科室,职称,执业证号,执业类别,入职日期,状态"]
    for n in range(1, count + 1):
        title = rng.choice(TITLES)
        nurse = "护" in title
        lines.append(
            ",".join(
                [
                    f"{UNITS[unit_index][0]}{n:03d}",
                    rng.choice(SURNAMES) + rng.choice(GIVEN),
                    "女" if nurse or rng.random() < 0.5 else "男",
                    departments[n % len(departments)][0],
                    title,
                    f"1101{unit_index}{n:05d}",
                    "护士" if nurse else "执业医师",
                    date(rng.randint(1995, 2022), rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
                    "在岗",
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode("gbk")  # as Excel in China would save it


ETHICS_NOTES: list[str] = []
"""What the ethics demo seeded, one line per unit (printed by ``yide demo``)."""


async def is_seeded() -> bool:
    return bool(await Account.exists().where(Account.username == "demo-organizer"))


async def seed(rt: Runtime) -> list[DemoLogin]:
    """Create the demo organisation and one account per role (all with DEMO_PASSWORD)."""
    actor = OPERATOR.ledger_actor
    region = await org.create_region(
        rt, code="110113", name="北京市顺义区", level=RegionLevel.DISTRICT, parent_id=None, actor=actor
    )
    unit_ids: list[UnitId] = []
    for index, (code, name, kind, departments) in enumerate(UNITS):
        unit_id = await org.create_unit(
            rt, code=code, name=name, kind=kind, region_id=RegionId(region), actor=actor
        )
        unit_ids.append(unit_id)
        for dep_code, dep_name in departments:
            await org.create_department(rt, OPERATOR, unit_id=unit_id, code=dep_code, name=dep_name)
        preview = await imports.preview(
            rt,
            OPERATOR,
            unit_id=unit_id,
            filename=f"{code}-staff.csv",
            data=_staff_csv(index, departments, 12 - 2 * index),
        )
        await imports.commit(rt, OPERATOR, preview["id"], expected_version=preview["version"])
    first_dep = (
        await Department.select(Department.id)
        .where(Department.unit == unit_ids[0])
        .order_by(Department.id)
        .first()
    )
    assert first_dep is not None
    department_id = DepartmentId(first_dep["id"])
    member = (
        await Staff.select(Staff.id, Staff.name)
        .where(Staff.department == department_id)
        .order_by(Staff.id)
        .first()
    )
    assert member is not None
    grants = {
        Role.UNIT_ADMIN: Grant(Role.UNIT_ADMIN, unit_ids[0]),
        Role.DEPARTMENT_HEAD: Grant(Role.DEPARTMENT_HEAD, department_id=department_id),
    }
    for login in LOGINS:
        is_staff = login.role == Role.STAFF
        await accounts.create_account(
            rt,
            username=login.username,
            display_name=str(member["name"]) if is_staff else login.display_name,
            password=DEMO_PASSWORD,
            grants=[grants.get(login.role, Grant(login.role))],
            staff_id=StaffId(member["id"]) if is_staff else None,
            actor=actor,
        )
    from workflow.ethics.demo import seed_ethics  # noqa: PLC0415 - the ethics demo imports many services

    for line in await seed_ethics(rt):
        ETHICS_NOTES.append(line)
    return LOGINS
