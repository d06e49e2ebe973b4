"""Staff import: upload → preview (what would be created, updated, and every problem) → commit.

Idempotent by staff number: importing the same file twice updates nothing the second time. A file
with any bad row commits nothing. The plan is recomputed at commit time against the database as it
is then, so a department deleted or a staff member added meanwhile cannot slip through.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflow.accounts.roles import Principal
from workflow.db import for_update, write_transaction
from workflow.errors import InvalidInput, NotFound
from workflow.ids import DepartmentId, UnitId
from workflow.ledger.events import EventType
from workflow.ledger.scopes import ORG
from workflow.ledger.service import Record, append
from workflow.org.access import require_manage_unit
from workflow.org.machine import StaffImportProcess
from workflow.org.service import get_unit
from workflow.org.staff_csv import RowError, StaffRow, parse
from workflow.org.states import Gender, LicenceType, StaffStatus
from workflow.org.tables import Department, Staff, StaffImport
from workflow.runtime import Runtime
from workflow.stateful import fire

_FIELDS = ("name", "gender", "department", "title", "licence_no", "licence_type", "hire_date", "status")


@dataclass
class Plan:
    creates: list[tuple[StaffRow, DepartmentId | None]] = field(default_factory=list)
    updates: list[tuple[int, StaffRow, DepartmentId | None, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _row_from_json(data: dict[str, Any]) -> StaffRow:
    return StaffRow(
        line=data["line"],
        staff_no=data["staff_no"],
        name=data["name"],
        gender=Gender(data["gender"]),
        department=data["department"],
        title=data["title"],
        licence_no=data["licence_no"],
        licence_type=LicenceType(data["licence_type"]),
        hire_date=date.fromisoformat(data["hire_date"]) if data["hire_date"] else None,
        status=StaffStatus(data["status"]),
    )


async def _plan(unit_id: UnitId, rows: list[StaffRow]) -> Plan:
    departments: dict[str, int] = {}
    for d in await Department.select(Department.id, Department.code, Department.name).where(
        Department.unit == unit_id
    ):
        departments.setdefault(d["code"], d["id"])
        departments.setdefault(d["name"], d["id"])
    existing = {s["staff_no"]: s for s in await Staff.select().where(Staff.unit == unit_id)}
    plan = Plan()
    for row in rows:
        department_id: DepartmentId | None = None
        if row.department:
            if row.department not in departments:
                plan.errors.append(
                    RowError(row.line, "department", f"no department {row.department!r} in this unit")
                )
                continue
            department_id = DepartmentId(departments[row.department])
        current = existing.get(row.staff_no)
        if current is None:
            plan.creates.append((row, department_id))
            continue
        wanted = {
            "name": row.name,
            "gender": row.gender,
            "department": department_id,
            "title": row.title,
            "licence_no": row.licence_no,
            "licence_type": row.licence_type,
            "hire_date": row.hire_date,
            "status": row.status,
        }
        changed = [f for f in _FIELDS if current[f] != wanted[f]]
        if changed:
            plan.updates.append((current["id"], row, department_id, changed))
        else:
            plan.unchanged += 1
    return plan


def _report(encoding: str, parse_errors: list[RowError], plan: Plan) -> dict[str, Any]:
    errors = sorted(parse_errors + plan.errors, key=lambda e: (e.line, e.field))
    return {
        "encoding": encoding,
        "create": len(plan.creates),
        "update": len(plan.updates),
        "unchanged": plan.unchanged,
        "errors": [{"line": e.line, "field": e.field, "message": e.message} for e in errors],
        "changes": [
            {"line": r.line, "staff_no": r.staff_no, "action": "create", "fields": []}
            for r, _ in plan.creates
        ]
        + [
            {"line": r.line, "staff_no": r.staff_no, "action": "update", "fields": f}
            for _, r, _, f in plan.updates
        ],
    }


def _counts(report: dict[str, Any]) -> dict[str, int]:
    return {k: report[k] for k in ("create", "update", "unchanged")} | {"errors": len(report["errors"])}


def import_view(row: StaffImport) -> dict[str, Any]:
    return {
        "id": row.id,
        "unit_id": row.unit,
        "status": row.status,
        "version": row.version,
        "filename": row.filename,
        "file_sha256": row.file_sha256,
        "report": json.loads(row.report),
        "allowed_actions": StaffImportProcess(row.status).allowed(),
    }


async def preview(
    rt: Runtime, p: Principal, *, unit_id: UnitId, filename: str, data: bytes
) -> dict[str, Any]:
    """Parse and plan a staff file; store the preview; change no staff."""
    await get_unit(unit_id)
    require_manage_unit(p, unit_id)
    if len(data) > rt.settings.upload_max_bytes:
        raise InvalidInput(f"the file is larger than {rt.settings.upload_max_bytes} bytes", field="file")
    if not data:
        raise InvalidInput("the file is empty", field="file")
    now = rt.clock.now()
    parsed = parse(data, today=now.date())
    digest = hashlib.sha256(data).hexdigest()
    async with write_transaction():
        plan = await _plan(unit_id, parsed.rows)
        report = _report(parsed.encoding, parsed.errors, plan)
        row = StaffImport(
            unit=unit_id,
            filename=filename[:200],
            file_sha256=digest,
            encoding=parsed.encoding,
            rows=json.dumps(
                {
                    "rows": [r.as_json() for r in parsed.rows],
                    "parse_errors": [vars(e) for e in parsed.errors],
                },
                ensure_ascii=False,
            ),
            report=json.dumps(report, ensure_ascii=False),
            created_by=None if p.is_operator else p.account_id,
            created_at=now,
        )
        await row.save()
        await append(
            ORG,
            Record(
                EventType.STAFF_IMPORT_PREVIEWED,
                p.ledger_actor,
                {"import": row.id, "unit": unit_id, "file_sha256": digest, **_counts(report)},
            ),
            at=now,
        )
    return import_view(row)


async def _load(p: Principal, import_id: int) -> StaffImport:
    row = await for_update(StaffImport.objects().where(StaffImport.id == import_id)).first()
    if row is None:
        raise NotFound("no such import")
    require_manage_unit(p, UnitId(row.unit))
    return row


async def get_import(p: Principal, import_id: int) -> dict[str, Any]:
    return import_view(await _load(p, import_id))


async def commit(
    rt: Runtime, p: Principal, import_id: int, *, expected_version: int | None
) -> dict[str, Any]:
    """Apply a clean preview in one transaction; refuse (and write nothing) if any row is bad."""
    now = rt.clock.now()
    async with write_transaction():
        row = await _load(p, import_id)
        stored = json.loads(row.rows)
        rows = [_row_from_json(r) for r in stored["rows"]]
        parse_errors = [RowError(**e) for e in stored["parse_errors"]]
        plan = await _plan(UnitId(row.unit), rows) if row.status == "previewed" else Plan()
        report = _report(row.encoding, parse_errors, plan)
        await fire(
            row,
            StaffImportProcess,
            "commit",
            expected_version=expected_version,
            facts={"errors": len(report["errors"])},
            scope=ORG,
            event=EventType.STAFF_IMPORT_COMMITTED,
            actor=p.ledger_actor,
            payload={"import": row.id, "unit": row.unit, "file_sha256": row.file_sha256, **_counts(report)},
            at=now,
        )
        for staff_row, department_id in plan.creates:
            await Staff.insert(
                Staff(unit=row.unit, department=department_id, updated_at=now, **_values(staff_row))
            )
        for staff_id, staff_row, department_id, _ in plan.updates:
            await Staff.update(
                {Staff.department: department_id, Staff.updated_at: now, Staff.version: Staff.version + 1}
                | {getattr(Staff, k): v for k, v in _values(staff_row).items() if k != "staff_no"}
            ).where(Staff.id == staff_id)
        row.report = json.dumps(report, ensure_ascii=False)
        row.decided_at = now
        await row.save([StaffImport.report, StaffImport.decided_at])
    return import_view(row)


def _values(r: StaffRow) -> dict[str, Any]:
    return {
        "staff_no": r.staff_no,
        "name": r.name,
        "gender": r.gender,
        "title": r.title,
        "licence_no": r.licence_no,
        "licence_type": r.licence_type,
        "hire_date": r.hire_date,
        "status": r.status,
    }


async def discard(
    rt: Runtime, p: Principal, import_id: int, *, expected_version: int | None
) -> dict[str, Any]:
    now = rt.clock.now()
    async with write_transaction():
        row = await _load(p, import_id)
        await fire(
            row,
            StaffImportProcess,
            "discard",
            expected_version=expected_version,
            scope=ORG,
            event=EventType.STAFF_IMPORT_DISCARDED,
            actor=p.ledger_actor,
            payload={"import": row.id, "unit": row.unit},
            at=now,
        )
        row.decided_at = now
        await row.save([StaffImport.decided_at])
    return import_view(row)
