"""The 医德医风 file (一人一档) and the evaluation year that holds one file-year per staff member.

Opening a year (``open_year``) freezes the bureau's policy, opens the year's internal ledger scope
``ethics-<year>-unit-<id>`` and gives every active staff member a file-year in state ``open``;
running it again adds files for staff who joined since (``sync``). The file view gathers a person's
sections across all years: 基本信息, each year's self-summary and comments, daily records,
commendations and penalties, patient feedback and the year-end result.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Final

import msgspec
from piccolo.query.functions.aggregate import Count

from workflow.accounts.roles import Principal, Role
from workflow.db import for_update, read_transaction, write_transaction
from workflow.errors import InvalidInput, NotFound, PermissionDenied
from workflow.ethics.common import (
    beijing_date,
    from_cents,
    load_staff,
    load_year,
    pseudonymizer,
    scope_of,
    sha256_text,
    staff_key,
    year_policy,
)
from workflow.ethics.feedback import Answer, summary_from_counts
from workflow.ethics.machine import CycleProcess, RecordProcess
from workflow.ethics.policy import DEFAULT_POLICY, EthicsPolicy
from workflow.ethics.rules import Score
from workflow.ethics.service_policy import policy_in_force
from workflow.ethics.states import CycleState, RecordState
from workflow.ethics.tables import (
    DailyRecord,
    EthicsAppeal,
    EthicsAttachment,
    EthicsCycle,
    EthicsFile,
    EthicsScore,
    EthicsYear,
    InpatientRating,
    SmsReply,
)
from workflow.ids import DepartmentId, StaffId, UnitId
from workflow.ledger.events import EventType
from workflow.ledger.scopes import ORG, Visibility, ethics_scope
from workflow.ledger.service import Record, append, append_many, open_scope, scope_pseudonym
from workflow.org.access import (
    can_manage_unit,
    can_read_unit_aggregates,
    ethics_file_scope,
    require_ethics_office,
    require_read_file,
)
from workflow.org.service import get_unit
from workflow.org.states import StaffStatus
from workflow.org.tables import Staff, Unit
from workflow.pagination import Page, check_limit, decode_cursor, page_of
from workflow.runtime import Runtime
from workflow.stateful import check_version

ENTRY_BATCH: Final = 500
"""Entries per ``append_many`` call: keeps every statement under the engines' parameter limits."""

EVALUATED: Final = frozenset({StaffStatus.ACTIVE, StaffStatus.ON_LEAVE})


# --- the evaluation year ------------------------------------------------------------------------------


async def open_year(rt: Runtime, p: Principal, *, unit_id: UnitId, year: int) -> dict[str, Any]:
    """Open (or bring up to date) a unit's evaluation year; idempotent.

    The first call freezes the policy in force and records it in the new scope; every call adds a
    file-year for each active or on-leave staff member who has none yet.
    """
    unit = await get_unit(unit_id)
    if not can_manage_unit(p, unit_id):
        raise PermissionDenied("you do not administer this unit", unit_id=unit_id)
    now = rt.clock.now()
    if not 2000 <= year <= beijing_date(now).year + 1:
        raise InvalidInput(f"year {year} is out of range", field="year")
    scope = ethics_scope(year, unit_id)
    async with write_transaction():
        row = await for_update(
            EthicsYear.objects().where((EthicsYear.unit == unit_id) & (EthicsYear.year == year))
        ).first()
        created = row is None
        if row is None:
            policy, version, source = await policy_in_force(unit["region"])
            text = policy.to_json().decode()
            row = EthicsYear(
                unit=unit_id,
                year=year,
                scope=scope,
                policy=text,
                policy_sha256=sha256_text(text),
                policy_version=version,
                policy_region=source,
                opened_at=now,
            )
            await row.save()
            await open_scope(scope, Visibility.INTERNAL, actor=p.ledger_actor, at=now)
            await append(
                scope,
                Record(
                    EventType.ETHICS_YEAR_OPENED,
                    p.ledger_actor,
                    {
                        "unit": unit_id,
                        "year": year,
                        "ethics_year": row.id,
                        "policy_version": version,
                        "policy_region": source,
                        "policy_sha256": row.policy_sha256,
                        "policy": msgspec.to_builtins(policy),
                    },
                ),
                at=now,
            )
        added = await _sync_files(row, p.ledger_actor, now)
    return {"year": await year_view(p, row.id), "created": created, "files_added": added}


async def _sync_files(year_row: EthicsYear, actor: str, now: Any) -> int:
    have = {
        r["staff"]
        for r in await EthicsCycle.select(EthicsCycle.staff).where(EthicsCycle.ethics_year == year_row.id)
    }
    staff = (
        await Staff.select(Staff.id, Staff.staff_no, Staff.department, Staff.status)
        .where(Staff.unit == year_row.unit)
        .order_by(Staff.id)
    )
    new = [s for s in staff if s["id"] not in have and s["status"] in EVALUATED]
    if not new:
        return 0
    rows = [
        EthicsCycle(
            ethics_year=year_row.id,
            staff=s["id"],
            unit=year_row.unit,
            year=year_row.year,
            status=CycleState.open,
        )
        for s in new
    ]
    for start in range(0, len(rows), ENTRY_BATCH):
        await EthicsCycle.insert(*rows[start : start + ENTRY_BATCH])
    pseudo = await pseudonymizer(scope_of(year_row))
    records = [
        Record(
            EventType.ETHICS_FILE_OPENED,
            actor,
            {"file": row.id, "staff": pseudo("staff", staff_key(year_row.unit, s["staff_no"])), "to": "open"},
        )
        for row, s in zip(rows, new, strict=True)
    ]
    for start in range(0, len(records), ENTRY_BATCH):
        await append_many(scope_of(year_row), records[start : start + ENTRY_BATCH], at=now)
    return len(rows)


async def year_view(p: Principal, year_id: int) -> dict[str, Any]:
    """A year as aggregates: policy, files per state, grading status, windows. No names."""
    async with read_transaction():
        row = await load_year(year_id)
        if not can_read_unit_aggregates(p, UnitId(row.unit)):
            raise NotFound("no such evaluation year")
        counts = (
            await EthicsCycle.select(EthicsCycle.status, Count())
            .where(EthicsCycle.ethics_year == year_id)
            .group_by(EthicsCycle.status)
        )
        windows = (
            await EthicsCycle.select(
                EthicsCycle.publicity_opens_at, EthicsCycle.publicity_closes_at, EthicsCycle.appeal_closes_at
            )
            .where((EthicsCycle.ethics_year == year_id) & EthicsCycle.publicity_opens_at.is_not_null())
            .order_by(EthicsCycle.publicity_opens_at)
            .first()
        )
        unit = await Unit.select(Unit.name).where(Unit.id == row.unit).first()
    by_state = {s.value: 0 for s in CycleState}
    for c in counts:
        by_state[c["status"]] = int(c["count"])
    policy = year_policy(row)
    grading = msgspec.json.decode(row.grading) if row.grading else []
    return {
        "id": row.id,
        "unit_id": row.unit,
        "unit_name": unit["name"] if unit else "",
        "year": row.year,
        "scope": row.scope,
        "policy_version": row.policy_version,
        "policy_region_id": row.policy_region,
        "policy_sha256": row.policy_sha256,
        "quota_scope": policy.quota.scope.value,
        "tie_policy": policy.quota.tie_policy.value,
        "opened_at": row.opened_at,
        "graded_at": row.graded_at,
        "grading_stale": row.grading_stale,
        "pending_ties": sum(1 for g in grading if g["grading"]["pending"]),
        "publicized_at": row.publicized_at,
        "archived_at": row.archived_at,
        "files": sum(by_state.values()),
        "files_by_state": by_state,
        "first_publicity": dict(windows) if windows else None,
        "version": row.version,
    }


async def list_years(
    p: Principal, *, unit_id: UnitId | None, year: int | None, cursor: str | None, limit: int
) -> Page[dict[str, Any]]:
    where: Any = EthicsYear.id > decode_cursor(cursor)
    if unit_id is not None:
        where &= EthicsYear.unit == unit_id
    if year is not None:
        where &= EthicsYear.year == year
    rows = await EthicsYear.select(EthicsYear.id, EthicsYear.unit).where(where).order_by(EthicsYear.id)
    visible = [r["id"] for r in rows if can_read_unit_aggregates(p, UnitId(r["unit"]))]
    page = page_of(visible[: check_limit(limit) + 1], limit, key=int)
    return Page([await year_view(p, i) for i in page.items], page.next_cursor)


# --- the file ---------------------------------------------------------------------------------------


PERSONAL_FIELDS: Final = (
    "ethnicity",
    "birth_month",
    "political_status",
    "education",
    "position",
    "work_history",
)


async def _personal(staff_id: StaffId) -> dict[str, Any]:
    row = await EthicsFile.select().where(EthicsFile.staff == staff_id).first()
    if row is None:
        return dict.fromkeys(PERSONAL_FIELDS, "") | {"version": 0, "updated_at": None}
    return {k: row[k] for k in (*PERSONAL_FIELDS, "version", "updated_at")}


async def update_personal(
    rt: Runtime, p: Principal, staff_id: StaffId, *, expected_version: int, changes: dict[str, str]
) -> dict[str, Any]:
    """Change the 基本信息 section (ethics office); version 0 creates it."""
    if not changes:
        raise InvalidInput("nothing to change")
    unknown = set(changes) - set(PERSONAL_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field(s): {sorted(unknown)}")
    now = rt.clock.now()
    async with write_transaction():
        staff = await load_staff(staff_id)
        require_read_file(p, UnitId(staff["unit"]), staff["department"], staff_id)
        require_ethics_office(p, UnitId(staff["unit"]))
        row = await for_update(EthicsFile.objects().where(EthicsFile.staff == staff_id)).first()
        if row is None:
            if expected_version != 0:
                check_version(EthicsFile(version=0), expected_version)
            row = EthicsFile(staff=staff_id, version=0)
        else:
            check_version(row, expected_version)
        for name, value in changes.items():
            setattr(row, name, value)
        row.version += 1
        row.updated_at = now
        await row.save()
        await append(
            ORG,
            Record(
                EventType.ETHICS_FILE_UPDATED,
                p.ledger_actor,
                {
                    "unit": staff["unit"],
                    "staff": await scope_pseudonym(ORG, "staff", staff_key(staff["unit"], staff["staff_no"])),
                    "fields": sorted(changes),
                },
            ),
            at=now,
        )
    return await get_file(p, staff_id)


def score_summary(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """The figures of a stored score, with the rules' explanation lines."""
    if row is None:
        return None
    score = msgspec.json.decode(row["detail"], type=Score)
    return {
        "total": row["total"],
        "deductions": row["deductions"],
        "raw_deductions": row["raw_deductions"],
        "bonus": row["bonus"],
        "base": str(score.base),
        "feedback_adjustment": str(score.feedback_adjustment),
        "provisional": row["provisional"],
        "suggested": row["suggested"] or None,
        "outcome": row["outcome"] or None,
        "rank": row["rank"],
        "vetoed": row["vetoed"],
        "vetoes": [{"code": v.code, "title": v.title, "record_id": v.record_id} for v in score.vetoes],
        "items": [
            {
                "code": i.code,
                "title": i.title,
                "max_score": str(i.max_score),
                "deductions": str(i.deductions),
                "raw_deductions": str(i.raw_deductions),
                "praise": str(i.praise),
                "score": str(i.score),
            }
            for i in score.items
        ],
        "explanation": [e.text for e in score.explanation],
        "computed_at": row["computed_at"],
    }


def record_view(row: dict[str, Any], attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": row["id"],
        "staff_id": row["staff"],
        "unit_id": row["unit"],
        "year": row["year"],
        "occurred_on": row["occurred_on"],
        "kind": row["kind"],
        "item": row["item"],
        "points": str(from_cents(row["points"])),
        "category": row["category"],
        "severity": row["severity"],
        "veto": row["veto"],
        "description": row["description"],
        "source": row["source"],
        "status": row["status"],
        "status_label": RecordState(row["status"]).label,
        "version": row["version"],
        "corrects": row["corrects"],
        "submitted_at": row["submitted_at"],
        "decided_at": row["decided_at"],
        "decision_reason": row["decision_reason"],
        "attachments": [
            {k: a[k] for k in ("id", "filename", "media_type", "size", "sha256")} for a in attachments or []
        ],
        "allowed_actions": RecordProcess(row["status"]).allowed(),
    }


STAFF_VISIBLE_RECORDS: Final = (RecordState.approved, RecordState.superseded)
"""A staff member sees verified records of their own file; drafts stay with the office until checked."""


async def records_of(staff_id: StaffId, *, own: bool, year: int | None = None) -> list[dict[str, Any]]:
    where: Any = DailyRecord.staff == staff_id
    if year is not None:
        where &= DailyRecord.year == year
    if own:
        where &= DailyRecord.status.is_in(list(STAFF_VISIBLE_RECORDS))
    rows = await DailyRecord.select().where(where).order_by(DailyRecord.occurred_on, ascending=False)
    ids = [r["id"] for r in rows]
    attachments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        found = await EthicsAttachment.select(
            EthicsAttachment.id,
            EthicsAttachment.record,
            EthicsAttachment.filename,
            EthicsAttachment.media_type,
            EthicsAttachment.size,
            EthicsAttachment.sha256,
        ).where(EthicsAttachment.record.is_in(ids))
        for a in found:
            attachments[a["record"]].append(a)
    return [record_view(r, attachments[r["id"]]) for r in rows]


async def feedback_counts(
    staff_id: StaffId, year: int
) -> tuple[dict[Answer | None, int], dict[Answer | None, int]]:
    """(SMS, inpatient) answer counts of one person in one year."""
    sms: dict[Answer | None, int] = {}
    for r in (
        await SmsReply.select(SmsReply.answer, Count())
        .where((SmsReply.staff == staff_id) & (SmsReply.year == year))
        .group_by(SmsReply.answer)
    ):
        sms[Answer(r["answer"]) if r["answer"] else None] = int(r["count"])
    inpatient: dict[Answer | None, int] = {}
    for r in (
        await InpatientRating.select(InpatientRating.answer, Count())
        .where((InpatientRating.staff == staff_id) & (InpatientRating.year == year))
        .group_by(InpatientRating.answer)
    ):
        inpatient[Answer(r["answer"])] = int(r["count"])
    return sms, inpatient


async def feedback_view(staff_id: StaffId, year: int, policy: EthicsPolicy) -> dict[str, Any]:
    sms, inpatient = await feedback_counts(staff_id, year)
    summary = summary_from_counts(
        staff_id,
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        policy=policy.feedback,
        sms=sms,
        inpatient=inpatient,
    )
    inpatient_shown = summary.inpatient.meets_minimum
    return {
        "year": year,
        "sms": msgspec.to_builtins(summary.sms),
        # §6.2: inpatient ratings are shown only once there are enough to stay anonymous (k ≥ 5)
        "inpatient": msgspec.to_builtins(summary.inpatient) if inpatient_shown else None,
        "inpatient_count": summary.inpatient.valid if inpatient_shown else None,
        "satisfaction_rate": None if summary.satisfaction_rate is None else str(summary.satisfaction_rate),
        "social_score": None if summary.social_score is None else str(summary.social_score),
        "channels_used": list(summary.channels_used),
    }


def cycle_summary(row: dict[str, Any], score: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": row["id"],
        "ethics_year_id": row["ethics_year"],
        "unit_id": row["unit"],
        "year": row["year"],
        "status": row["status"],
        "status_label": CycleState(row["status"]).label,
        "self_grade": row["self_grade"] or None,
        "self_missing": row["self_missing"],
        "department_grade": row["department_grade"] or None,
        "unit_grade": row["unit_grade"] or None,
        "final_grade": row["final_grade"] or None,
        "vetoed": row["vetoed"],
        "total": score["total"] if score else None,
    }


async def get_file(p: Principal, staff_id: StaffId) -> dict[str, Any]:
    """Every section of a person's file, every year, newest first."""
    async with read_transaction():
        staff = (
            await Staff.select(
                Staff.id,
                Staff.unit,
                Staff.unit.name,
                Staff.department,
                Staff.department.name,
                Staff.staff_no,
                Staff.name,
                Staff.gender,
                Staff.title,
                Staff.licence_type,
                Staff.hire_date,
                Staff.status,
            )
            .where(Staff.id == staff_id)
            .first()
        )
        if staff is None:
            raise NotFound("no such ethics file")
        require_read_file(p, UnitId(staff["unit"]), staff["department"], staff_id)
        scope = ethics_file_scope(p)
        own = not (
            scope.everyone
            or staff["unit"] in scope.units
            or (staff["department"] is not None and staff["department"] in scope.departments)
        )
        cycles = (
            await EthicsCycle.select()
            .where(EthicsCycle.staff == staff_id)
            .order_by(EthicsCycle.year, ascending=False)
        )
        scores = {
            s["cycle"]: s
            for s in await EthicsScore.select().where(
                EthicsScore.cycle.is_in([c["id"] for c in cycles] or [0])
            )
        }
        policies = {
            y["id"]: y["policy"]
            for y in await EthicsYear.select(EthicsYear.id, EthicsYear.policy).where(
                EthicsYear.id.is_in([c["ethics_year"] for c in cycles] or [0])
            )
        }
        records = await records_of(staff_id, own=own)
        years = []
        for c in cycles:
            policy = (
                EthicsPolicy.from_json(policies[c["ethics_year"]])
                if c["ethics_year"] in policies
                else DEFAULT_POLICY
            )
            score = score_summary(scores.get(c["id"]))
            years.append(
                cycle_summary(c, score)
                | {
                    "self_summary": c["self_summary"],
                    "department_opinion": c["department_opinion"],
                    "unit_opinion": c["unit_opinion"],
                    "score": score,
                    "feedback": await feedback_view(staff_id, c["year"], policy),
                }
            )
        personal = await _personal(staff_id)
    approved = [r for r in records if r["status"] == RecordState.approved]
    return {
        "staff": {
            "id": staff["id"],
            "unit_id": staff["unit"],
            "unit_name": staff["unit.name"],
            "department_id": staff["department"],
            "department_name": staff["department.name"],
            "staff_no": staff["staff_no"],
            "name": staff["name"],
            "gender": staff["gender"],
            "title": staff["title"],
            "licence_type": staff["licence_type"],
            "hire_date": staff["hire_date"],
            "status": staff["status"],
        },
        "personal": personal,
        "years": years,
        "records": records,
        "commendations": [r for r in approved if r["kind"] == "praise"],
        "penalties": [r for r in approved if r["kind"] == "deduction"],
    }


# --- file-years ---------------------------------------------------------------------------------------


async def appeals_of(cycle_id: int, *, objector_details: bool) -> list[dict[str, Any]]:
    rows = await EthicsAppeal.select().where(EthicsAppeal.cycle == cycle_id).order_by(EthicsAppeal.id)
    views = []
    for a in rows:
        view = {
            k: a[k]
            for k in (
                "id",
                "appellant",
                "reason",
                "lodged_at",
                "decide_by",
                "previous_grade",
                "decision",
                "decided_grade",
                "decision_reasons",
                "decided_at",
            )
        }
        view["decision"] = view["decision"] or None
        view["decided_grade"] = view["decided_grade"] or None
        view["objector"] = (
            {"name": a["objector_name"], "work_unit": a["objector_unit"], "phone": a["objector_phone"]}
            if objector_details and a["appellant"] == "objector"
            else None
        )
        views.append(view)
    return views


async def cycle_view(p: Principal, cycle_id: int) -> dict[str, Any]:
    """One file-year: evaluations, windows, score, appeals and the actions its state allows."""
    async with read_transaction():
        row = await EthicsCycle.select().where(EthicsCycle.id == cycle_id).first()
        if row is None:
            raise NotFound("no such ethics file")
        staff = (
            await Staff.select(
                Staff.id, Staff.name, Staff.staff_no, Staff.department, Staff.department.name, Staff.title
            )
            .where(Staff.id == row["staff"])
            .first()
        )
        assert staff is not None
        require_read_file(p, UnitId(row["unit"]), staff["department"], StaffId(row["staff"]))
        score_row = await EthicsScore.select().where(EthicsScore.cycle == cycle_id).first()
        appeals = await appeals_of(cycle_id, objector_details=UnitId(row["unit"]) in p.units(Role.UNIT_ADMIN))
    score = score_summary(score_row)
    return cycle_summary(row, score) | {
        "version": row["version"],
        "staff": {
            "id": staff["id"],
            "name": staff["name"],
            "staff_no": staff["staff_no"],
            "title": staff["title"],
            "department_id": staff["department"],
            "department_name": staff["department.name"],
        },
        "self_summary": row["self_summary"],
        "self_at": row["self_at"],
        "department_opinion": row["department_opinion"],
        "department_at": row["department_at"],
        "unit_opinion": row["unit_opinion"],
        "unit_at": row["unit_at"],
        "return_reason": row["return_reason"] or None,
        "publicity_opens_at": row["publicity_opens_at"],
        "publicity_closes_at": row["publicity_closes_at"],
        "appeal_closes_at": row["appeal_closes_at"],
        "finalized_at": row["finalized_at"],
        "score": score,
        "appeals": appeals,
        "allowed_actions": CycleProcess(row["status"]).allowed(),
    }


async def list_cycles(
    p: Principal,
    *,
    year_id: int,
    department_id: DepartmentId | None,
    status: CycleState | None,
    cursor: str | None,
    limit: int,
) -> Page[dict[str, Any]]:
    """The file-years of a year the caller may read (office: all; head: department; staff: own)."""
    year = await load_year(year_id)
    scope = ethics_file_scope(p)
    where: Any = (EthicsCycle.ethics_year == year_id) & (EthicsCycle.id > decode_cursor(cursor))
    if not (scope.everyone or UnitId(year.unit) in scope.units):
        reach: Any = EthicsCycle.staff == (scope.self_id or -1)
        if scope.departments:
            reach |= EthicsCycle.staff.department.is_in(list(scope.departments))
        where &= reach
    if department_id is not None:
        where &= EthicsCycle.staff.department == department_id
    if status is not None:
        where &= EthicsCycle.status == status
    rows = await (
        EthicsCycle.select(
            *EthicsCycle.all_columns(),
            EthicsCycle.staff.name,
            EthicsCycle.staff.staff_no,
            EthicsCycle.staff.department,
        )
        .where(where)
        .order_by(EthicsCycle.id)
        .limit(check_limit(limit) + 1)
    )
    page = page_of(list(rows), limit, key=lambda r: int(r["id"]))
    scores = {
        s["cycle"]: s
        for s in await EthicsScore.select(EthicsScore.cycle, EthicsScore.total).where(
            EthicsScore.cycle.is_in([r["id"] for r in page.items] or [0])
        )
    }
    items = [
        cycle_summary(r, scores.get(r["id"]))
        | {
            "staff_id": r["staff"],
            "staff_name": r["staff.name"],
            "staff_no": r["staff.staff_no"],
            "department_id": r["staff.department"],
            "version": r["version"],
        }
        for r in page.items
    ]
    return Page(items, page.next_cursor)


async def require_cycle(
    p: Principal, cycle_id: int, *, lock: bool = False
) -> tuple[EthicsCycle, dict[str, Any]]:
    """The file-year row (locked when asked) and its staff member, if the caller may read it."""
    query = EthicsCycle.objects().where(EthicsCycle.id == cycle_id)
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound("no such ethics file")
    staff = await load_staff(StaffId(row.staff))
    require_read_file(p, UnitId(row.unit), staff["department"], StaffId(row.staff))
    return row, staff
