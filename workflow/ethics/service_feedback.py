"""Patient feedback into the files (domain-rules §6): SMS follow-up imports and inpatient evaluations.

SMS imports follow the staff import's shape and process (``staff-import``: previewed → committed |
discarded): upload → preview (new replies, replies already imported, every problem with its line) →
commit. The message id is the key, so importing a file twice adds nothing the second time. Replies
with a comment become *draft* records for the ethics office to verify (不满意 → a complaint, 满意 →
praise; ``feedback_tickets``); only verified ones ever count.

Inpatient evaluation: each ward has a secret token printed as a link and a QR code. The public form
posts ratings of the ward's doctors and nurses without a login. One submission per stay: the
admission number is only ever used inside a keyed hash counted by the throttle service, and never
stored; no name, phone or address is asked for or kept.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from workflow.accounts.roles import Principal
from workflow.db import for_update, read_transaction, write_transaction
from workflow.errors import Conflict, InvalidInput, NotFound, RateLimited
from workflow.ethics import feedback as fb
from workflow.ethics import sms_file
from workflow.ethics.common import (
    beijing_date,
    load_staff,
    load_year,
    pseudonymizer,
    scope_of,
    staff_key,
    year_policy,
)
from workflow.ethics.feedback import Answer, FeedbackTicket, feedback_tickets
from workflow.ethics.service_records import create_record, mark_stale
from workflow.ethics.tables import EthicsCycle, EthicsYear, InpatientRating, SmsImport, SmsReply, Ward
from workflow.ids import DepartmentId, StaffId, UnitId
from workflow.ledger.events import EventType
from workflow.ledger.scopes import ORG
from workflow.ledger.service import Record, append
from workflow.org.access import require_ethics_office
from workflow.org.machine import StaffImportProcess
from workflow.org.service import get_unit
from workflow.org.staff_csv import RowError
from workflow.org.states import LicenceType, StaffStatus
from workflow.org.tables import Department, Staff, Unit
from workflow.runtime import Runtime
from workflow.stateful import fire
from workflow.throttle import service as throttle

REPORTED_ERRORS: Final = 500
"""Row errors listed in a preview; the count covers the rest."""
INSERT_BATCH: Final = 500
STAY_SECONDS: Final = 10 * 366 * 24 * 3600
"""The throttle window of "one submission per stay": longer than any stay's life."""
IP_SUBMISSIONS_PER_HOUR: Final = 30
MAX_RATINGS: Final = 30


# --- SMS follow-up imports ------------------------------------------------------------------------------


@dataclass
class SmsPlan:
    new: list[tuple[sms_file.SmsRow, int]] = field(default_factory=list)
    already: int = 0
    errors: list[RowError] = field(default_factory=list)


async def _existing_ids(unit_id: int, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        rows = await SmsReply.select(SmsReply.message_id).where(
            (SmsReply.unit == unit_id) & SmsReply.message_id.is_in(chunk)
        )
        found.update(r["message_id"] for r in rows)
    return found


async def _plan(year_row: EthicsYear, rows: list[sms_file.SmsRow]) -> SmsPlan:
    staff = {
        s["staff_no"]: s["id"]
        for s in await Staff.select(Staff.id, Staff.staff_no).where(Staff.unit == year_row.unit)
    }
    existing = await _existing_ids(year_row.unit, [r.message_id for r in rows])
    plan = SmsPlan()
    for row in rows:
        if row.message_id in existing:
            plan.already += 1
            continue
        staff_id = staff.get(row.staff_no)
        if staff_id is None:
            plan.errors.append(
                RowError(row.line, "staff_no", f"no staff number {row.staff_no!r} in this unit")
            )
            continue
        if row.received_on.year != year_row.year:
            plan.errors.append(
                RowError(
                    row.line, "received_on", f"{row.received_on} is outside the {year_row.year} evaluation"
                )
            )
            continue
        plan.new.append((row, staff_id))
    return plan


def _tickets(year_row: EthicsYear, new: list[tuple[sms_file.SmsRow, int]]) -> tuple[FeedbackTicket, ...]:
    replies = [
        fb.SmsReply(
            id=r.message_id,
            staff_id=StaffId(s),
            received_on=r.received_on,
            answer=r.answer,
            comment=r.comment,
        )
        for r, s in new
        if r.comment
    ]
    return feedback_tickets(year_policy(year_row).feedback, sms=replies)


def _report(parsed: dict[str, Any], plan: SmsPlan, year_row: EthicsYear) -> dict[str, Any]:
    errors = sorted(
        [RowError(**e) for e in parsed["parse_errors"]] + plan.errors, key=lambda e: (e.line, e.field)
    )
    return {
        "file_format": parsed["file_format"],
        "encoding": parsed["encoding"],
        "rows": len(parsed["rows"]),
        "new": len(plan.new),
        "already_imported": plan.already,
        "duplicates_in_file": parsed["duplicates_in_file"],
        "unreadable_replies": sum(1 for r, _ in plan.new if r.answer is None),
        "tickets": len(_tickets(year_row, plan.new)),
        "ignored_columns": parsed["ignored_columns"],
        "errors_total": len(errors),
        "errors": [
            {"line": e.line, "field": e.field, "message": e.message} for e in errors[:REPORTED_ERRORS]
        ],
    }


def _counts(report: dict[str, Any]) -> dict[str, int]:
    keys = ("rows", "new", "already_imported", "duplicates_in_file", "unreadable_replies", "tickets")
    return {k: int(report[k]) for k in keys} | {"errors": int(report["errors_total"])}


def import_view(row: SmsImport) -> dict[str, Any]:
    return {
        "id": row.id,
        "ethics_year_id": row.ethics_year,
        "status": row.status,
        "version": row.version,
        "filename": row.filename,
        "file_sha256": row.file_sha256,
        "report": json.loads(row.report),
        "allowed_actions": StaffImportProcess(row.status).allowed(),
    }


async def preview_sms(
    rt: Runtime, p: Principal, year_id: int, *, filename: str, data: bytes
) -> dict[str, Any]:
    """Parse and plan an SMS export; store the preview; change no feedback."""
    if not data:
        raise InvalidInput("the file is empty", field="file")
    if len(data) > rt.settings.upload_max_bytes:
        raise InvalidInput(f"the file is larger than {rt.settings.upload_max_bytes} bytes", field="file")
    parsed = sms_file.parse(data)
    digest = hashlib.sha256(data).hexdigest()
    now = rt.clock.now()
    stored = {
        "file_format": parsed.file_format,
        "encoding": parsed.encoding,
        "rows": [r.as_json() for r in parsed.rows],
        "parse_errors": [vars(e) for e in parsed.errors],
        "duplicates_in_file": parsed.duplicates_in_file,
        "ignored_columns": parsed.ignored_columns,
    }
    async with write_transaction():
        year_row = await load_year(year_id)
        require_ethics_office(p, UnitId(year_row.unit))
        plan = await _plan(year_row, parsed.rows)
        report = _report(stored, plan, year_row)
        row = SmsImport(
            ethics_year=year_id,
            filename=filename[:200],
            file_sha256=digest,
            file_format=parsed.file_format,
            rows=json.dumps(stored, ensure_ascii=False),
            report=json.dumps(report, ensure_ascii=False),
            created_by=None if p.is_operator else p.account_id,
            created_at=now,
        )
        await row.save()
        await append(
            scope_of(year_row),
            Record(
                EventType.ETHICS_SMS_IMPORT_PREVIEWED,
                p.ledger_actor,
                {"import": row.id, "file_sha256": digest, "to": "previewed", **_counts(report)},
            ),
            at=now,
        )
    return import_view(row)


async def _load_import(p: Principal, import_id: int) -> tuple[SmsImport, EthicsYear]:
    row = await for_update(SmsImport.objects().where(SmsImport.id == import_id)).first()
    if row is None:
        raise NotFound("no such import")
    year_row = await load_year(row.ethics_year)
    require_ethics_office(p, UnitId(year_row.unit))
    return row, year_row


async def get_sms_import(p: Principal, import_id: int) -> dict[str, Any]:
    async with read_transaction():
        row, _ = await _load_import(p, import_id)
    return import_view(row)


async def commit_sms(
    rt: Runtime, p: Principal, import_id: int, *, expected_version: int | None
) -> dict[str, Any]:
    """Store the new replies and file their comments as draft records; a file with errors commits
    nothing (fix the file and upload it again)."""
    now = rt.clock.now()
    async with write_transaction():
        row, year_row = await _load_import(p, import_id)
        stored = json.loads(row.rows)
        rows = [sms_file.SmsRow.from_json(r) for r in stored["rows"]]
        plan = await _plan(year_row, rows) if row.status == "previewed" else SmsPlan()
        report = _report(stored, plan, year_row)
        await fire(
            row,
            StaffImportProcess,
            "commit",
            expected_version=expected_version,
            facts={"errors": report["errors_total"]},
            scope=scope_of(year_row),
            event=EventType.ETHICS_SMS_IMPORT_COMMITTED,
            actor=p.ledger_actor,
            payload={"import": row.id, "file_sha256": row.file_sha256, **_counts(report)},
            at=now,
        )
        replies = [
            SmsReply(
                unit=year_row.unit,
                year=year_row.year,
                staff=staff_id,
                message_id=r.message_id,
                received_on=r.received_on,
                answer=None if r.answer is None else r.answer.value,
                comment=r.comment,
                sms_import=row.id,
            )
            for r, staff_id in plan.new
        ]
        for start in range(0, len(replies), INSERT_BATCH):
            await SmsReply.insert(*replies[start : start + INSERT_BATCH])
        dates = {f"sms:{r.message_id}": r.received_on for r, _ in plan.new}
        await _file_tickets(_tickets(year_row, plan.new), at=now, actor=p.ledger_actor, dates=dates)
        if replies:
            await mark_stale(year_row.id)
        row.report = json.dumps(report, ensure_ascii=False)
        row.decided_at = now
        await row.save([SmsImport.report, SmsImport.decided_at])
    return import_view(row)


async def discard_sms(
    rt: Runtime, p: Principal, import_id: int, *, expected_version: int | None
) -> dict[str, Any]:
    now = rt.clock.now()
    async with write_transaction():
        row, year_row = await _load_import(p, import_id)
        await fire(
            row,
            StaffImportProcess,
            "discard",
            expected_version=expected_version,
            scope=scope_of(year_row),
            event=EventType.ETHICS_SMS_IMPORT_DISCARDED,
            actor=p.ledger_actor,
            payload={"import": row.id},
            at=now,
        )
        row.decided_at = now
        await row.save([SmsImport.decided_at])
    return import_view(row)


async def _file_tickets(
    tickets: tuple[FeedbackTicket, ...],
    *,
    at: datetime,
    actor: str,
    on: date | None = None,
    dates: dict[str, date] | None = None,
) -> list[int]:
    """Draft records for the office to verify; people without a file this year are skipped."""
    created: list[int] = []
    for ticket in tickets:
        staff = await load_staff(ticket.staff_id)
        occurred_on = (dates or {}).get(ticket.source) or on
        if occurred_on is None:
            continue
        has_file = await EthicsCycle.exists().where(
            (EthicsCycle.staff == ticket.staff_id) & (EthicsCycle.year == occurred_on.year)
        )
        if not has_file:
            continue
        record = await create_record(
            staff=staff,
            occurred_on=occurred_on,
            kind=ticket.kind,
            item=ticket.item,
            points=ticket.points,
            description=ticket.comment,
            category=None,
            severity=None,
            veto=None,
            corrects=None,
            source=ticket.source[:80],
            submitted_by=None,
            actor=actor,
            at=at,
        )
        created.append(record.id)
    return created


# --- wards and the inpatient form --------------------------------------------------------------------


def ward_link(rt: Runtime, token: str) -> str:
    """The address printed on the ward's QR code; the public pages serve the form there."""
    return f"{rt.settings.server.public_url}/evaluate/{token}"


def ward_qr_svg(rt: Runtime, token: str) -> bytes:
    import segno  # noqa: PLC0415 - only the QR endpoint needs it

    out = io.BytesIO()
    segno.make(ward_link(rt, token), error="m").save(out, kind="svg", scale=6, border=2)
    return out.getvalue()


def _ward_view(rt: Runtime, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "unit_id": row["unit"],
        "department_id": row["department"],
        "department_name": row.get("department.name", ""),
        "name": row["name"],
        "active": row["active"],
        "link": ward_link(rt, row["token"]),
        "created_at": row["created_at"],
    }


WARD_COLUMNS: Final = (
    Ward.id,
    Ward.unit,
    Ward.department,
    Ward.department.name,
    Ward.name,
    Ward.active,
    Ward.token,
    Ward.created_at,
)


async def create_ward(
    rt: Runtime, p: Principal, *, unit_id: UnitId, department_id: DepartmentId, name: str
) -> dict[str, Any]:
    await get_unit(unit_id)
    require_ethics_office(p, unit_id)
    now = rt.clock.now()
    async with write_transaction():
        if not await Department.exists().where(
            (Department.id == department_id) & (Department.unit == unit_id)
        ):
            raise InvalidInput("no such department in this unit", field="department_id")
        row = Ward(
            unit=unit_id,
            department=department_id,
            name=name.strip(),
            token=secrets.token_urlsafe(32),
            created_at=now,
        )
        await row.save()
        await append(
            ORG,
            Record(
                EventType.ETHICS_WARD_CREATED,
                p.ledger_actor,
                {"unit": unit_id, "ward": row.id, "department": department_id},
            ),
            at=now,
        )
    found = await Ward.select(*WARD_COLUMNS).where(Ward.id == row.id).first()
    assert found is not None
    return _ward_view(rt, found)


async def list_wards(rt: Runtime, p: Principal, unit_id: UnitId) -> list[dict[str, Any]]:
    await get_unit(unit_id)
    require_ethics_office(p, unit_id)
    rows = await Ward.select(*WARD_COLUMNS).where(Ward.unit == unit_id).order_by(Ward.id)
    return [_ward_view(rt, r) for r in rows]


async def ward_for_office(p: Principal, ward_id: int) -> dict[str, Any]:
    row = await Ward.select(*WARD_COLUMNS).where(Ward.id == ward_id).first()
    if row is None:
        raise NotFound("no such ward")
    require_ethics_office(p, UnitId(row["unit"]))
    return dict(row)


async def disable_ward(rt: Runtime, p: Principal, ward_id: int) -> dict[str, Any]:
    """Stop a ward's link (e.g. a QR code that leaked); its ratings stay."""
    now = rt.clock.now()
    async with write_transaction():
        row = await ward_for_office(p, ward_id)
        await Ward.update({Ward.active: False}).where(Ward.id == ward_id)
        await append(
            ORG,
            Record(EventType.ETHICS_WARD_DISABLED, p.ledger_actor, {"unit": row["unit"], "ward": ward_id}),
            at=now,
        )
    return _ward_view(rt, row | {"active": False})


def _role(licence_type: str) -> str:
    if licence_type == LicenceType.NURSE:
        return "nurse"
    if licence_type in (LicenceType.PHYSICIAN, LicenceType.ASSISTANT_PHYSICIAN, LicenceType.RURAL_DOCTOR):
        return "doctor"
    return "other"


async def _ward_by_token(token: str) -> dict[str, Any]:
    if not 20 <= len(token) <= 64:
        raise NotFound("no such ward")
    row = (
        await Ward.select(Ward.id, Ward.unit, Ward.department, Ward.name, Ward.active, Ward.token)
        .where(Ward.token == token)
        .first()
    )
    if row is None or not row["active"] or not hmac.compare_digest(row["token"], token):
        raise NotFound("no such ward")
    return dict(row)


async def _ward_staff(department_id: int) -> list[dict[str, Any]]:
    rows = (
        await Staff.select(Staff.id, Staff.name, Staff.title, Staff.licence_type)
        .where((Staff.department == department_id) & (Staff.status == StaffStatus.ACTIVE))
        .order_by(Staff.id)
    )
    return [
        {"id": r["id"], "name": r["name"], "title": r["title"], "role": _role(r["licence_type"])}
        for r in rows
    ]


async def public_ward(token: str) -> dict[str, Any]:
    """What the public form shows: the ward, its unit, and the doctors and nurses to rate."""
    async with read_transaction():
        ward = await _ward_by_token(token)
        unit = await Unit.select(Unit.name).where(Unit.id == ward["unit"]).first()
        department = (
            await Department.select(Department.name).where(Department.id == ward["department"]).first()
        )
        staff = await _ward_staff(ward["department"])
    return {
        "ward": ward["name"],
        "unit": unit["name"] if unit else "",
        "department": department["name"] if department else "",
        "staff": staff,
        "answers": [{"value": a.value, "label": a.label} for a in Answer],
    }


def stay_key(secret: str, ward_id: int, stay: str) -> str:
    """A keyed hash of the admission number: countable, not reversible by enumerating numbers."""
    normalized = stay.strip().upper()
    return hmac.new(secret.encode(), f"inpatient-stay:{ward_id}:{normalized}".encode(), "sha256").hexdigest()


async def submit_inpatient(
    rt: Runtime, *, token: str, stay: str, ratings: list[tuple[int, Answer, str]], client: str
) -> dict[str, Any]:
    """One anonymous evaluation of a ward's doctors and nurses; one per stay."""
    now = rt.clock.now()
    async with write_transaction():
        hits = await throttle.hit("inpatient-ip", client, seconds=3600, now=now)
    if hits > IP_SUBMISSIONS_PER_HOUR:
        raise RateLimited("too many evaluations from this address; try again later", retry_after=3600)
    if not ratings or len(ratings) > MAX_RATINGS:
        raise InvalidInput(f"rate between 1 and {MAX_RATINGS} doctors or nurses", field="ratings")
    ids = [r[0] for r in ratings]
    if len(set(ids)) != len(ids):
        raise InvalidInput("each doctor or nurse is rated once", field="ratings")
    today = beijing_date(now)
    async with write_transaction():
        ward = await _ward_by_token(token)
        allowed = {s["id"] for s in await _ward_staff(ward["department"])}
        strangers = sorted(set(ids) - allowed)
        if strangers:
            raise InvalidInput(
                "rate only the doctors and nurses of this ward", field="ratings", staff=strangers
            )
        year_row = (
            await EthicsYear.objects()
            .where((EthicsYear.unit == ward["unit"]) & (EthicsYear.year == today.year))
            .first()
        )
        if year_row is None:
            raise Conflict("evaluations for this hospital are not open yet; please try again later")
        key = stay_key(rt.keys.session_secret(), ward["id"], stay)
        if await throttle.hit("inpatient-stay", key, seconds=STAY_SECONDS, now=now) > 1:
            raise Conflict(
                "this stay has already been evaluated; thank you",
                reason="stay-already-evaluated",
                message_zh="这次住院已经评价过了，每次住院只能评价一次。感谢您的反馈！",
            )
        submission = secrets.token_hex(8)
        rows = [
            InpatientRating(
                ward=ward["id"],
                unit=ward["unit"],
                staff=staff_id,
                year=today.year,
                rated_on=today,
                answer=answer.value,
                comment=comment.strip()[:500],
                submission=submission,
            )
            for staff_id, answer, comment in ratings
        ]
        await InpatientRating.insert(*rows)
        pseudo = await pseudonymizer(scope_of(year_row))
        staff_nos = {
            s["id"]: s["staff_no"]
            for s in await Staff.select(Staff.id, Staff.staff_no).where(Staff.id.is_in(ids))
        }
        await append(
            scope_of(year_row),
            Record(
                EventType.ETHICS_INPATIENT_SUBMITTED,
                "public",
                {
                    "ward": ward["id"],
                    "submission": submission,
                    "ratings": [
                        {
                            "staff": pseudo("staff", staff_key(ward["unit"], staff_nos[r.staff])),
                            "answer": r.answer,
                        }
                        for r in rows
                    ],
                },
            ),
            at=now,
        )
        tickets = feedback_tickets(
            year_policy(year_row).feedback,
            inpatient=[
                fb.InpatientRating(
                    id=str(r.id),
                    staff_id=StaffId(r.staff),
                    rated_on=today,
                    answer=Answer(r.answer),
                    comment=r.comment,
                )
                for r in rows
                if r.comment
            ],
        )
        await _file_tickets(tickets, at=now, actor="public", on=today)
        await mark_stale(year_row.id)
    return {"submission": submission, "ratings": len(rows)}
