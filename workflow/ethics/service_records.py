"""Daily records (医德医风考核表 日常纪实): submitted by a department head or the ethics office,
approved or rejected by the ethics office, corrected by a new record that supersedes — never edited.

Every step is an entry in the record's year scope ``ethics-<year>-unit-<id>``. The entry carries the
figures (kind, item, points, category, severity, veto) and, for personal content, only pseudonyms:
the staff member as ``staff`` and the description as ``content`` (keyed hashes an auditor holding the
database can confirm). Evidence is stored in the database and its SHA-256 is in the entry.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from workflow.accounts.roles import Principal
from workflow.db import for_update, read_transaction, write_transaction
from workflow.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflow.ethics import evidence
from workflow.ethics.common import (
    beijing_date,
    from_cents,
    load_staff,
    pseudonymizer,
    scope_of,
    staff_key,
    to_cents,
    year_of,
    year_policy,
)
from workflow.ethics.machine import RecordFacts, RecordProcess
from workflow.ethics.policy import RecordKind, Severity
from workflow.ethics.rules import EthicsRecord
from workflow.ethics.service_files import STAFF_VISIBLE_RECORDS, record_view
from workflow.ethics.states import CycleState, RecordState
from workflow.ethics.tables import DailyRecord, EthicsAttachment, EthicsCycle, EthicsYear
from workflow.ids import EthicsRecordId, StaffId, UnitId
from workflow.ledger.events import EventType
from workflow.ledger.service import Record, append
from workflow.org.access import (
    can_submit_records,
    ethics_file_scope,
    require_ethics_office,
    require_read_file,
)
from workflow.pagination import Page, check_limit, decode_cursor, page_of
from workflow.runtime import Runtime
from workflow.stateful import fire

MAX_POINTS = Decimal(100)
"""One record moves at most 100 points: a typo of 1000 must not silently floor an item."""


def _actor_id(p: Principal) -> int | None:
    return None if p.is_operator else p.account_id


async def _attachments(record_id: int) -> list[dict[str, Any]]:
    return list(
        await EthicsAttachment.select(
            EthicsAttachment.id,
            EthicsAttachment.filename,
            EthicsAttachment.media_type,
            EthicsAttachment.size,
            EthicsAttachment.sha256,
        )
        .where(EthicsAttachment.record == record_id)
        .order_by(EthicsAttachment.id)
    )


def record_payload(row: DailyRecord, file_id: int, staff: str, content: str) -> dict[str, Any]:
    """What the ledger knows of a record: figures and pseudonyms, never the text."""
    return {
        "record": row.id,
        "file": file_id,
        "staff": staff,
        "kind": str(row.kind),
        "item": row.item,
        "points": str(from_cents(row.points)),
        "category": row.category,
        "severity": None if row.severity is None else str(row.severity),
        "veto": row.veto,
        "occurred_on": row.occurred_on.isoformat(),
        "corrects": row.corrects,
        "source": row.source.split(":", 1)[0],
        "content": content,
    }


async def submit(
    rt: Runtime,
    p: Principal,
    *,
    staff_id: StaffId,
    occurred_on: date,
    kind: RecordKind,
    item: str,
    points: Decimal,
    description: str,
    category: str | None = None,
    severity: Severity | None = None,
    veto: str | None = None,
    corrects: int | None = None,
) -> dict[str, Any]:
    """File a record for verification; it counts only once the ethics office approves it."""
    now = rt.clock.now()
    staff = await load_staff(staff_id)
    unit_id = UnitId(staff["unit"])
    require_read_file(p, unit_id, staff["department"], staff_id)
    if not can_submit_records(p, unit_id, staff["department"]):
        raise PermissionDenied("records come from the person's department head or the ethics office")
    if occurred_on > beijing_date(now):
        raise InvalidInput("a record cannot be dated in the future", field="occurred_on")
    async with write_transaction():
        row = await create_record(
            staff=staff,
            occurred_on=occurred_on,
            kind=kind,
            item=item,
            points=points,
            description=description,
            category=category,
            severity=severity,
            veto=veto,
            corrects=corrects,
            source="manual",
            submitted_by=_actor_id(p),
            actor=p.ledger_actor,
            at=now,
        )
    return record_view(row.to_dict(), [])


async def create_record(
    *,
    staff: dict[str, Any],
    occurred_on: date,
    kind: RecordKind,
    item: str,
    points: Decimal,
    description: str,
    category: str | None,
    severity: Severity | None,
    veto: str | None,
    corrects: int | None,
    source: str,
    submitted_by: int | None,
    actor: str,
    at: Any,
) -> DailyRecord:
    """Validate against the year's frozen policy, insert and log; the caller holds the transaction."""
    year_row = await year_of(UnitId(staff["unit"]), occurred_on.year)
    cycle = (
        await EthicsCycle.select(EthicsCycle.id)
        .where((EthicsCycle.ethics_year == year_row.id) & (EthicsCycle.staff == staff["id"]))
        .first()
    )
    if cycle is None:
        raise Conflict(
            f"{staff['name']} has no file in the {occurred_on.year} evaluation; sync the year first"
        )
    _validate(
        year_row,
        occurred_on=occurred_on,
        kind=kind,
        item=item,
        points=points,
        category=category,
        severity=severity,
        veto=veto,
        corrects=corrects,
        description=description,
    )
    if corrects is not None:
        await _check_correctable(corrects, staff["id"], occurred_on.year)
    row = DailyRecord(
        unit=staff["unit"],
        staff=staff["id"],
        year=occurred_on.year,
        occurred_on=occurred_on,
        kind=kind,
        item=item,
        points=to_cents(points),
        category=category,
        severity=severity,
        veto=veto,
        description=description.strip(),
        source=source,
        status=RecordState.submitted,
        corrects=corrects,
        submitted_by=submitted_by,
        submitted_at=at,
    )
    await row.save()
    pseudo = await pseudonymizer(scope_of(year_row))
    await append(
        scope_of(year_row),
        Record(
            EventType.ETHICS_RECORD_SUBMITTED,
            actor,
            record_payload(
                row,
                cycle["id"],
                pseudo("staff", staff_key(staff["unit"], staff["staff_no"])),
                pseudo("record-content", row.description),
            )
            | {"to": RecordState.submitted.value},
        ),
        at=at,
    )
    return row


def _validate(
    year_row: EthicsYear,
    *,
    occurred_on: date,
    kind: RecordKind,
    item: str,
    points: Decimal,
    category: str | None,
    severity: Severity | None,
    veto: str | None,
    corrects: int | None,
    description: str,
) -> None:
    policy = year_policy(year_row)
    if item not in policy.item_map():
        raise InvalidInput(f"{item!r} is not a content item of this year's policy", field="item")
    if not points.is_finite() or points < 0 or points > MAX_POINTS:
        raise InvalidInput(f"points must be between 0 and {MAX_POINTS}", field="points")
    if points == 0 and corrects is None:
        raise InvalidInput("only a correction may carry 0 points", field="points")
    if not description.strip():
        raise InvalidInput("describe what happened", field="description")
    if category is not None:
        allowed = {c.code for c in policy.categories_on(occurred_on)}
        if category not in allowed:
            raise InvalidInput(
                f"{category!r} is not a violation category for acts on {occurred_on}", field="category"
            )
    if veto is not None and veto not in policy.veto_map():
        raise InvalidInput(f"{veto!r} is not a 一票否决 condition of this year's policy", field="veto")
    if severity is not None and category is None:
        raise InvalidInput("a severity belongs to a violation category", field="severity")
    to_cents(points)
    # The pure record validates the rest (praise carries no category, severity or veto).
    EthicsRecord(
        id=EthicsRecordId(1),
        kind=kind,
        item=item,
        points=points,
        category=category,
        severity=severity,
        veto=veto,
    )


async def _check_correctable(record_id: int, staff_id: int, year: int) -> None:
    original = (
        await DailyRecord.select(DailyRecord.staff, DailyRecord.year, DailyRecord.status)
        .where(DailyRecord.id == record_id)
        .first()
    )
    if original is None or original["staff"] != staff_id:
        raise InvalidInput("the corrected record is not one of this person's", field="corrects")
    if original["year"] != year:
        raise InvalidInput(
            "a correction belongs to the same year as the record it corrects", field="corrects"
        )
    if original["status"] != RecordState.approved:
        raise Conflict("only an approved record is corrected; a submitted one is rejected instead")
    pending = await DailyRecord.exists().where(
        (DailyRecord.corrects == record_id) & (DailyRecord.status == RecordState.submitted)
    )
    if pending:
        raise Conflict("a correction of this record is already waiting for approval")


async def _load(p: Principal, record_id: int, *, lock: bool) -> tuple[DailyRecord, dict[str, Any]]:
    query = DailyRecord.objects().where(DailyRecord.id == record_id)
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound("no such record")
    staff = await load_staff(StaffId(row.staff))
    require_read_file(p, UnitId(row.unit), staff["department"], StaffId(row.staff))
    if _staff_only(p, row.unit, staff["department"]) and row.status not in STAFF_VISIBLE_RECORDS:
        raise NotFound("no such record")
    return row, staff


def _staff_only(p: Principal, unit_id: int, department_id: int | None) -> bool:
    scope = ethics_file_scope(p)
    return not (
        scope.everyone
        or unit_id in scope.units
        or (department_id is not None and department_id in scope.departments)
    )


async def get(p: Principal, record_id: int) -> dict[str, Any]:
    async with read_transaction():
        row, _ = await _load(p, record_id, lock=False)
        return record_view(row.to_dict(), await _attachments(row.id))


async def list_records(
    p: Principal,
    *,
    unit_id: UnitId | None,
    staff_id: StaffId | None,
    year: int | None,
    status: RecordState | None,
    cursor: str | None,
    limit: int,
) -> Page[dict[str, Any]]:
    """Records of one person or one unit, as far as the caller reaches."""
    if (unit_id is None) == (staff_id is None):
        raise InvalidInput("name exactly one of unit_id and staff_id", field="unit_id")
    scope = ethics_file_scope(p)
    where: Any = DailyRecord.id > decode_cursor(cursor)
    if staff_id is not None:
        staff = await load_staff(staff_id)
        require_read_file(p, UnitId(staff["unit"]), staff["department"], staff_id)
        where &= DailyRecord.staff == staff_id
        if _staff_only(p, staff["unit"], staff["department"]):
            where &= DailyRecord.status.is_in(list(STAFF_VISIBLE_RECORDS))
    else:
        assert unit_id is not None
        where &= DailyRecord.unit == unit_id
        if not (scope.everyone or unit_id in scope.units):
            if not scope.departments:
                raise PermissionDenied("you have no records to see in this unit", unit_id=unit_id)
            where &= DailyRecord.staff.department.is_in(list(scope.departments))
    if year is not None:
        where &= DailyRecord.year == year
    if status is not None:
        where &= DailyRecord.status == status
    rows = await DailyRecord.select().where(where).order_by(DailyRecord.id).limit(check_limit(limit) + 1)
    page = page_of(list(rows), limit, key=lambda r: int(r["id"]))
    return Page([record_view(r) for r in page.items], page.next_cursor)


async def attach(rt: Runtime, p: Principal, record_id: int, *, filename: str, data: bytes) -> dict[str, Any]:
    """Add evidence to a submitted record (PDF, PNG or JPEG, by content; size-limited; hashed)."""
    checked = evidence.check(data, filename, max_bytes=rt.settings.upload_max_bytes)
    now = rt.clock.now()
    async with write_transaction():
        row, staff = await _load(p, record_id, lock=True)
        if not can_submit_records(p, UnitId(row.unit), staff["department"]):
            raise PermissionDenied("evidence comes from the department head or the ethics office")
        if row.status != RecordState.submitted:
            raise Conflict("evidence is added before the record is decided", state=row.status)
        count = await EthicsAttachment.count().where(EthicsAttachment.record == record_id)
        if count >= evidence.MAX_ATTACHMENTS:
            raise Conflict(f"a record holds at most {evidence.MAX_ATTACHMENTS} attachments")
        attachment = EthicsAttachment(
            record=record_id,
            filename=checked.filename,
            media_type=checked.media_type,
            size=checked.size,
            sha256=checked.sha256,
            content=data,
            uploaded_by=_actor_id(p),
            uploaded_at=now,
        )
        await attachment.save()
        year_row = await year_of(UnitId(row.unit), row.year)
        await append(
            scope_of(year_row),
            Record(
                EventType.ETHICS_EVIDENCE_ATTACHED,
                p.ledger_actor,
                {
                    "record": row.id,
                    "attachment": attachment.id,
                    "sha256": checked.sha256,
                    "media_type": checked.media_type,
                    "size": checked.size,
                },
            ),
            at=now,
        )
        return record_view(row.to_dict(), await _attachments(row.id))


async def attachment(p: Principal, attachment_id: int) -> tuple[bytes, str, str]:
    """(content, media type, file name) of an attachment the caller may read."""
    async with read_transaction():
        meta = (
            await EthicsAttachment.select(EthicsAttachment.record)
            .where(EthicsAttachment.id == attachment_id)
            .first()
        )
        if meta is None:
            raise NotFound("no such attachment")
        try:
            await _load(p, meta["record"], lock=False)
        except NotFound:
            raise NotFound("no such attachment") from None
        row = (
            await EthicsAttachment.select(
                EthicsAttachment.content, EthicsAttachment.media_type, EthicsAttachment.filename
            )
            .where(EthicsAttachment.id == attachment_id)
            .first()
        )
    assert row is not None
    return bytes(row["content"]), row["media_type"], row["filename"]


async def _cycle_state(row: DailyRecord) -> CycleState | None:
    cycle = (
        await EthicsCycle.select(EthicsCycle.status)
        .where((EthicsCycle.staff == row.staff) & (EthicsCycle.year == row.year))
        .first()
    )
    return None if cycle is None else CycleState(cycle["status"])


async def decide(
    rt: Runtime,
    p: Principal,
    record_id: int,
    *,
    approve: bool,
    reason: str = "",
    expected_version: int | None,
) -> dict[str, Any]:
    """Approve or reject (ethics office). Approving a correction supersedes the record it corrects."""
    now = rt.clock.now()
    async with write_transaction():
        row, staff = await _load(p, record_id, lock=True)
        require_ethics_office(p, UnitId(row.unit))
        year_row = await year_of(UnitId(row.unit), row.year)
        scope = scope_of(year_row)
        pseudo = await pseudonymizer(scope)
        staff_pseudonym = pseudo("staff", staff_key(row.unit, staff["staff_no"]))
        cycle_state = await _cycle_state(row)
        attachments = await EthicsAttachment.count().where(EthicsAttachment.record == record_id)
        facts = RecordFacts(
            approver=_actor_id(p),
            submitter=row.submitted_by,
            praise=row.kind == RecordKind.PRAISE,
            veto=row.veto is not None,
            attachments=attachments,
            from_feedback=row.source != "manual",
            description=row.description,
            cycle_state=cycle_state,
            reason=reason,
        )
        trigger = "approve" if approve else "reject"
        await fire(
            row,
            RecordProcess,
            trigger,
            expected_version=expected_version,
            facts=facts,
            scope=scope,
            event=EventType.ETHICS_RECORD_APPROVED if approve else EventType.ETHICS_RECORD_REJECTED,
            actor=p.ledger_actor,
            payload={"record": row.id, "staff": staff_pseudonym, "reason": pseudo("reason", reason)},
            at=now,
        )
        row.decided_by = _actor_id(p)
        row.decided_at = now
        row.decision_reason = reason.strip()
        await row.save([DailyRecord.decided_by, DailyRecord.decided_at, DailyRecord.decision_reason])
        if approve and row.corrects is not None:
            await _supersede(
                row, facts, scope=scope, staff_pseudonym=staff_pseudonym, actor=p.ledger_actor, at=now
            )
        if approve:
            await mark_stale(year_row.id)
        return record_view(row.to_dict(), await _attachments(row.id))


async def _supersede(
    correction: DailyRecord, facts: RecordFacts, *, scope: Any, staff_pseudonym: str, actor: str, at: Any
) -> None:
    original = await for_update(DailyRecord.objects().where(DailyRecord.id == correction.corrects)).first()
    assert original is not None
    await fire(
        original,
        RecordProcess,
        "supersede",
        expected_version=None,
        facts=RecordFacts(has_correction=True, cycle_state=facts.cycle_state),
        scope=scope,
        event=EventType.ETHICS_RECORD_SUPERSEDED,
        actor=actor,
        payload={"record": original.id, "staff": staff_pseudonym, "superseded_by": correction.id},
        at=at,
    )


async def mark_stale(year_id: int) -> None:
    """Approved records or new feedback change scores: the unit's grading must run again."""
    await EthicsYear.update({EthicsYear.grading_stale: True}).where(EthicsYear.id == year_id)
