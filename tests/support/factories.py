"""Build organisations and accounts through the real services."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from workflow.accounts import service as accounts
from workflow.accounts.roles import OPERATOR, Grant, Role
from workflow.ids import DepartmentId, RegionId, StaffId, UnitId
from workflow.org import imports
from workflow.org import service as org
from workflow.org.states import RegionLevel, UnitKind
from workflow.org.tables import Staff
from workflow.runtime import Runtime

PASSWORD = "correct-horse-battery"


@dataclass
class Org:
    region: RegionId
    units: list[UnitId] = field(default_factory=list)
    departments: dict[UnitId, list[DepartmentId]] = field(default_factory=dict)
    staff: dict[UnitId, list[StaffId]] = field(default_factory=dict)


def staff_csv(prefix: str, count: int, departments: list[str]) -> bytes:
    rows = ["工号,姓名,性别,科室,职称,执业证号,执业类别,入职日期,状态"]
    for n in range(1, count + 1):
        dep = departments[n % len(departments)] if departments else ""
        gender = "男" if n % 2 else "女"
        rows.append(
            f"{prefix}{n:03d},员工{prefix}{n},{gender},{dep},主治医师,L{prefix}{n},执业医师,2015-09-01,在岗"
        )
    return ("\n".join(rows) + "\n").encode()


async def make_org(rt: Runtime, *, units: int = 2, staff_per_unit: int = 4) -> Org:
    actor = OPERATOR.ledger_actor
    region = await org.create_region(
        rt, code="110113", name="顺义区", level=RegionLevel.DISTRICT, parent_id=None, actor=actor
    )
    result = Org(region)
    for u in range(units):
        code = f"U{u + 1}"
        unit_id = await org.create_unit(
            rt, code=code, name=f"单位{u + 1}", kind=UnitKind.HOSPITAL, region_id=region, actor=actor
        )
        result.units.append(unit_id)
        deps = []
        for d in ("NK", "WK"):
            deps.append(await org.create_department(rt, OPERATOR, unit_id=unit_id, code=d, name=d))
        result.departments[unit_id] = deps
        view = await imports.preview(
            rt,
            OPERATOR,
            unit_id=unit_id,
            filename="s.csv",
            data=staff_csv(code, staff_per_unit, ["NK", "WK"]),
        )
        await imports.commit(rt, OPERATOR, view["id"], expected_version=view["version"])
        rows = await Staff.select(Staff.id).where(Staff.unit == unit_id).order_by(Staff.id)
        result.staff[unit_id] = [StaffId(r["id"]) for r in rows]
    return result


async def make_account(
    rt: Runtime,
    username: str,
    role: Role,
    *,
    unit: UnitId | None = None,
    department: DepartmentId | None = None,
    staff: StaffId | None = None,
) -> int:
    grant = Grant(
        role, unit if role == Role.UNIT_ADMIN else None, department if role == Role.DEPARTMENT_HEAD else None
    )
    return await accounts.create_account(
        rt,
        username=username,
        display_name=username,
        password=PASSWORD,
        grants=[grant],
        staff_id=staff if role == Role.STAFF else None,
        actor=OPERATOR.ledger_actor,
    )


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.AsyncClient:
    response = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return client


def signed_in(app, username: str) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    """A new client (own cookie jar) for one user; call ``login`` on it."""
    transport = httpx.ASGITransport(app=app, client=("10.0.0.2", 50001))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")
