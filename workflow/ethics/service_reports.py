"""Reports: the per-person 医德考评表, the unit's result table, the bureau overview, the 公示 list.

Each report is computed here once as plain data. Its fields mirror the document types of
``workflow.documents`` (``EthicsForm``, ``EthicsGradeRow``, ``UnitGradeSummary``) so that the PDF and
Excel renderings are a thin mapping; until that module is merged the API serves this data as JSON
(``render`` in the controllers is the one place that changes).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Final

import msgspec

from workflow.accounts.roles import Principal, Role
from workflow.accounts.tables import Account
from workflow.db import read_transaction
from workflow.errors import NotFound, PermissionDenied
from workflow.ethics.anchors import latest_checkpoint, verification_url
from workflow.ethics.common import from_cents, load_year, scope_of, year_policy
from workflow.ethics.policy import Grade
from workflow.ethics.rules import Score
from workflow.ethics.service_files import feedback_view, require_cycle
from workflow.ethics.states import CycleState, RecordState
from workflow.ethics.tables import DailyRecord, EthicsAppeal, EthicsCycle, EthicsScore, EthicsYear
from workflow.ids import DepartmentId, StaffId, UnitId
from workflow.org.access import ethics_file_scope, is_ethics_office
from workflow.org.states import Gender
from workflow.org.tables import Staff, Unit
from workflow.runtime import Runtime

GRADE_LABELS: Final = {g.value: g.label for g in Grade}
PUBLICIZED: Final = (
    CycleState.publicized,
    CycleState.appealed,
    CycleState.appeal_decided,
    CycleState.final,
    CycleState.archived,
)


def shown_grade(cycle: dict[str, Any], score: dict[str, Any] | None) -> tuple[str | None, str]:
    """The grade a report prints and a note saying how final it is."""
    if cycle["final_grade"]:
        return cycle["final_grade"], ""
    if cycle["unit_grade"]:
        return cycle["unit_grade"], "单位考评已确认，待公示结束后确定"
    if score and score["suggested"]:
        return score["suggested"], "计算结果，待单位考评委员会确认"
    if score:
        return score["provisional"], "计算结果（优秀须经单位比例核定）"
    return None, "尚未计分"


def _line(r: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    return {
        "day": r["occurred_on"],
        "item": titles.get(r["item"], r["item"]),
        "points": str(from_cents(r["points"])),
        "description": r["description"],
        "veto": r["veto"] is not None,
    }


async def form(rt: Runtime, p: Principal, cycle_id: int) -> dict[str, Any]:
    """The data of one person's 医德考评表 for one year (the PDF prints exactly this)."""
    async with read_transaction():
        row, _ = await require_cycle(p, cycle_id)
        year_row = await load_year(row.ethics_year)
        policy = year_policy(year_row)
        person = (
            await Staff.select(
                Staff.name, Staff.gender, Staff.title, Staff.staff_no, Staff.unit.name, Staff.department.name
            )
            .where(Staff.id == row.staff)
            .first()
        )
        assert person is not None
        score_row = await EthicsScore.select().where(EthicsScore.cycle == cycle_id).first()
        records = (
            await DailyRecord.select()
            .where(
                (DailyRecord.staff == row.staff)
                & (DailyRecord.year == row.year)
                & (DailyRecord.status == RecordState.approved)
            )
            .order_by(DailyRecord.occurred_on)
        )
        feedback = await feedback_view(StaffId(row.staff), row.year, policy)
        decided = (
            await EthicsAppeal.select(
                EthicsAppeal.decided_at, EthicsAppeal.decision, EthicsAppeal.decision_reasons
            )
            .where((EthicsAppeal.cycle == cycle_id) & (EthicsAppeal.decision != ""))
            .order_by(EthicsAppeal.id)
        )
        signers = {
            a["id"]: a["display_name"]
            for a in await Account.select(Account.id, Account.display_name).where(
                Account.id.is_in([i for i in (row.department_by, row.unit_by) if i] or [0])
            )
        }
    cycle = row.to_dict()
    score = msgspec.json.decode(score_row["detail"], type=Score) if score_row else None
    grade, note = shown_grade(cycle, score_row)
    titles = {i.code: i.title for i in policy.items}
    sms = feedback["sms"]
    checkpoint = await latest_checkpoint(rt, scope_of(year_row))
    return {
        "year": row.year,
        "status": row.status,
        "staff": {
            "name": person["name"],
            "gender": "男" if person["gender"] == Gender.MALE else "女",
            "title": person["title"],
            "staff_number": person["staff_no"],
            "unit": person["unit.name"],
            "department": person["department.name"] or "",
        },
        "items": []
        if score is None
        else [
            {
                "code": i.code,
                "title": i.title,
                "max_score": str(i.max_score),
                "deductions": str(i.deductions),
                "praise": str(i.praise),
                "score": str(i.score),
            }
            for i in score.items
        ],
        "base": str(policy.base_score),
        "deductions": None if score is None else str(score.deductions),
        "bonus": None if score is None else str(score.bonus),
        "raw_bonus": None if score is None else str(score.raw_bonus),
        "feedback_adjustment": None if score is None else str(score.feedback_adjustment),
        "total": None if score is None else str(score.total),
        "grade": grade,
        "grade_label": GRADE_LABELS.get(grade or "", ""),
        "grade_note": note,
        "vetoes": [] if score is None else [v.title for v in score.vetoes],
        "praise": [_line(r, titles) for r in records if r["kind"] == "praise"],
        "penalties": [_line(r, titles) for r in records if r["kind"] == "deduction"],
        "satisfaction": {
            "satisfied": sms["satisfied"],
            "fairly_satisfied": sms["fairly_satisfied"],
            "dissatisfied": sms["dissatisfied"],
            "rate": None if sms["rate"] is None else f"{float(sms['rate']) * 100:.1f}%",
            "note": "" if sms["meets_minimum"] else f"短信有效回复不足{sms['minimum']}条，不计入评分",
        },
        "self_summary": row.self_summary,
        "self_evaluation": {
            "text": "",  # the summary itself is printed above; the self-evaluation is its grade
            "grade": row.self_grade or None,
            "signer": person["name"] if row.self_summary else "",
            "signed_on": row.self_at,
        },
        "department": {
            "text": row.department_opinion,
            "grade": row.department_grade or None,
            "signer": signers.get(row.department_by, ""),
            "signed_on": row.department_at,
        },
        "unit": {
            "text": "\n".join(
                [row.unit_opinion]
                + [
                    f"复核（{'维持' if a['decision'] == 'maintain' else '变更'}）：{a['decision_reasons']}"
                    for a in decided
                ]
            ),
            "grade": row.unit_grade or None,
            "signer": signers.get(row.unit_by, ""),
            "signed_on": row.unit_at,
        },
        "explanation": [] if score is None else [e.text for e in score.explanation],
        "verification": {
            "scope": year_row.scope,
            "url": verification_url(rt, scope_of(year_row)),
            "checkpoint": checkpoint,
        },
    }


async def _unit_rows(year_row: EthicsYear) -> list[dict[str, Any]]:
    cycles = (
        await EthicsCycle.select(
            EthicsCycle.id,
            EthicsCycle.status,
            EthicsCycle.unit_grade,
            EthicsCycle.final_grade,
            EthicsCycle.vetoed,
            EthicsCycle.staff.staff_no,
            EthicsCycle.staff.name,
            EthicsCycle.staff.title,
            EthicsCycle.staff._.department._.name,
        )
        .where(EthicsCycle.ethics_year == year_row.id)
        .order_by(EthicsCycle.id)
    )
    scores = {
        s["cycle"]: s
        for s in await EthicsScore.select(
            EthicsScore.cycle,
            EthicsScore.total,
            EthicsScore.deductions,
            EthicsScore.bonus,
            EthicsScore.suggested,
            EthicsScore.provisional,
            EthicsScore.vetoed,
        ).where(EthicsScore.ethics_year == year_row.id)
    }
    rows = []
    for c in cycles:
        score = scores.get(c["id"])
        confirmed = c["final_grade"] or c["unit_grade"] or None
        rows.append(
            {
                "cycle_id": c["id"],
                "staff_number": c["staff.staff_no"],
                "name": c["staff.name"],
                "department": c["staff.department.name"] or "",
                "title": c["staff.title"],
                "total": score["total"] if score else None,
                "deductions": score["deductions"] if score else None,
                "bonus": score["bonus"] if score else None,
                "grade": confirmed,
                "suggested": (score["suggested"] or None) if score else None,
                "vetoed": bool(c["vetoed"] or (score and score["vetoed"])),
                "state": CycleState(c["status"]).label,
                "note": "" if confirmed else ("待确认" if score else "尚未计分"),
            }
        )
    return rows


def unit_summary(unit: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    counts = Counter(r["grade"] for r in rows if r["grade"])
    graded = sum(counts.values())
    return {
        "unit": unit,
        "headcount": len(rows),
        "excellent": counts.get("excellent", 0),
        "good": counts.get("good", 0),
        "fair": counts.get("fair", 0),
        "poor": counts.get("poor", 0),
        "ungraded": len(rows) - graded,
        "vetoed": sum(1 for r in rows if r["vetoed"]),
        "excellent_share": None if not graded else round(counts.get("excellent", 0) / graded, 4),
    }


async def unit_report(p: Principal, year_id: int) -> dict[str, Any]:
    """The unit's result table (one row per person) and its distribution (ethics office, auditor)."""
    async with read_transaction():
        year_row = await load_year(year_id)
        scope = ethics_file_scope(p)
        if not (scope.everyone or UnitId(year_row.unit) in scope.units):
            raise NotFound("no such evaluation year")
        unit = await Unit.select(Unit.name).where(Unit.id == year_row.unit).first()
        rows = await _unit_rows(year_row)
    name = unit["name"] if unit else ""
    return {"unit": name, "year": year_row.year, "rows": rows, "summary": unit_summary(name, rows)}


async def bureau_overview(p: Principal, year: int) -> dict[str, Any]:
    """The grade distribution per unit across the bureau: counts only, no names."""
    if not p.has(Role.ORGANIZER, Role.AUDITOR):
        raise PermissionDenied("the bureau overview is for organizers and auditors")
    async with read_transaction():
        years = await EthicsYear.objects().where(EthicsYear.year == year).order_by(EthicsYear.unit)
        units = []
        for year_row in years:
            unit = await Unit.select(Unit.name).where(Unit.id == year_row.unit).first()
            name = unit["name"] if unit else str(year_row.unit)
            summary = unit_summary(name, await _unit_rows(year_row))
            units.append(
                summary
                | {
                    "unit_id": year_row.unit,
                    "ethics_year_id": year_row.id,
                    "graded_at": year_row.graded_at,
                    "archived_at": year_row.archived_at,
                }
            )
    keys = ("headcount", "excellent", "good", "fair", "poor", "ungraded", "vetoed")
    total = {k: sum(u[k] for u in units) for k in keys}
    graded = total["headcount"] - total["ungraded"]
    total_row = {
        "unit": "合计",
        **total,
        "excellent_share": round(total["excellent"] / graded, 4) if graded else None,
    }
    return {"year": year, "units": units, "total": total_row}


async def notice(p: Principal, year_id: int) -> dict[str, Any]:
    """The 公示 within the unit: names, departments and grades of publicized results."""
    async with read_transaction():
        year_row = await load_year(year_id)
        unit_id = UnitId(year_row.unit)
        # 公示 is within the unit: its staff, heads and office see it, and the auditor; not the bureau.
        allowed = p.has(Role.AUDITOR) or is_ethics_office(p, unit_id)
        if not allowed and p.staff_id is not None:
            own = await Staff.select(Staff.unit).where(Staff.id == p.staff_id).first()
            allowed = own is not None and own["unit"] == year_row.unit
        if not allowed and p.has(Role.DEPARTMENT_HEAD):
            allowed = bool(
                await Staff.exists().where(
                    (Staff.unit == year_row.unit)
                    & Staff.department.is_in(list(p.departments(Role.DEPARTMENT_HEAD)))
                )
            )
        if not allowed:
            raise NotFound("no such evaluation year")
        rows = (
            await EthicsCycle.select(
                EthicsCycle.id,
                EthicsCycle.unit_grade,
                EthicsCycle.status,
                EthicsCycle.publicity_closes_at,
                EthicsCycle.staff.name,
                EthicsCycle.staff._.department._.name,
            )
            .where((EthicsCycle.ethics_year == year_id) & EthicsCycle.status.is_in(list(PUBLICIZED)))
            .order_by(EthicsCycle.id)
        )
        unit = await Unit.select(Unit.name).where(Unit.id == year_row.unit).first()
    return {
        "unit": unit["name"] if unit else "",
        "year": year_row.year,
        "publicized_at": year_row.publicized_at,
        "entries": [
            {
                "name": r["staff.name"],
                "department": r["staff.department.name"] or "",
                "grade": r["unit_grade"],
                "grade_label": GRADE_LABELS.get(r["unit_grade"], ""),
                "status_label": CycleState(r["status"]).label,
                "publicity_closes_at": r["publicity_closes_at"],
            }
            for r in rows
        ],
    }


async def forms(
    rt: Runtime, p: Principal, year_id: int, *, department_id: int | None
) -> list[dict[str, Any]]:
    """The forms of every file of a year the caller may read (optionally one department)."""
    from workflow.ethics.service_files import list_cycles  # noqa: PLC0415

    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = await list_cycles(
            p,
            year_id=year_id,
            department_id=None if department_id is None else DepartmentId(department_id),
            status=None,
            cursor=cursor,
            limit=500,
        )
        found.extend([await form(rt, p, c["id"]) for c in page.items])
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor
