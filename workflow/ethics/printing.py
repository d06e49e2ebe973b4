"""The ethics reports as printed documents: the 医德考评表 PDF and the Excel exports.

The one place that maps the services' report data (``service_reports``) onto the document types of
``workflow.documents``; the documents module renders, it never scores or reads the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from workflow.documents.ethics_form import (
    EthicsForm,
    ItemLine,
    Opinion,
    RecordKind,
    RecordLine,
    Satisfaction,
    StaffHeader,
    Verification,
    ethics_form_pdf,
    ethics_forms_pdf,
)
from workflow.documents.excel import EthicsGradeRow, UnitGradeSummary, bureau_overview_xlsx, unit_grades_xlsx
from workflow.documents.layout import LogCheckpoint
from workflow.errors import Conflict
from workflow.workdays import SHANGHAI


def _decimal(value: str | None) -> Decimal:
    return Decimal(value) if value is not None else Decimal(0)


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).astimezone(SHANGHAI).date()


def _opinion(data: dict[str, Any]) -> Opinion | None:
    if not data["text"] and not data["grade"]:
        return None
    return Opinion(
        text=data["text"],
        grade=data["grade"],
        signer=data.get("signer", ""),
        signed_on=_day(data["signed_on"]),
    )


def _lines(rows: list[dict[str, Any]], kind: RecordKind) -> tuple[RecordLine, ...]:
    return tuple(
        RecordLine(
            day=r["day"] if isinstance(r["day"], date) else date.fromisoformat(str(r["day"])),
            kind=kind,
            item=r["item"],
            points=Decimal(r["points"]),
            description=r["description"],
            veto=r["veto"],
        )
        for r in rows
    )


def ethics_form(data: dict[str, Any]) -> EthicsForm:
    """The document of ``service_reports.form`` data; a file not scored yet has no form to print."""
    if data["total"] is None or data["grade"] is None or not data["items"]:
        raise Conflict("this file has no score yet; the form is printed once the year is graded")
    staff = data["staff"]
    sms = data["satisfaction"]
    checkpoint = data["verification"]["checkpoint"]
    return EthicsForm(
        year=data["year"],
        staff=StaffHeader(
            name=staff["name"],
            gender=staff["gender"],
            title=staff["title"],
            staff_number=staff["staff_number"],
            unit=staff["unit"],
            department=staff["department"],
        ),
        items=tuple(
            ItemLine(
                code=i["code"],
                title=i["title"],
                max_score=Decimal(i["max_score"]),
                deductions=Decimal(i["deductions"]),
                praise=Decimal(i["praise"]),
                score=Decimal(i["score"]),
            )
            for i in data["items"]
        ),
        base=Decimal(data["base"]),
        deductions=_decimal(data["deductions"]),
        bonus=_decimal(data["bonus"]),
        raw_bonus=None if data["raw_bonus"] is None else Decimal(data["raw_bonus"]),
        feedback_adjustment=_decimal(data["feedback_adjustment"]),
        total=Decimal(data["total"]),
        grade=data["grade"],
        grade_note=data["grade_note"],
        vetoes=tuple(data["vetoes"]),
        praise=_lines(data["praise"], RecordKind.PRAISE),
        penalties=_lines(data["penalties"], RecordKind.PENALTY),
        satisfaction=Satisfaction(
            satisfied=sms["satisfied"],
            fairly_satisfied=sms["fairly_satisfied"],
            dissatisfied=sms["dissatisfied"],
            rate=sms["rate"],
            note=sms["note"],
        ),
        self_summary=data["self_summary"],
        self_evaluation=_opinion(data["self_evaluation"]),
        department=_opinion(data["department"]),
        unit=_opinion(data["unit"]),
        explanation=tuple(data["explanation"]),
        verification=None
        if checkpoint is None
        else Verification(
            checkpoint=LogCheckpoint(
                origin=checkpoint["origin"],
                size=checkpoint["size"],
                root_hash=bytes.fromhex(checkpoint["root_hash"]),
            ),
            url=data["verification"]["url"],
            entry_hash=data["verification"].get("entry_hash", ""),
        ),
    )


def form_pdf(data: dict[str, Any]) -> bytes:
    return ethics_form_pdf(ethics_form(data))


def forms_pdf(forms: Sequence[dict[str, Any]]) -> bytes:
    """Several people's forms in one PDF (a department at year end); unscored files are left out."""
    printable = [ethics_form(f) for f in forms if f["total"] is not None and f["grade"] is not None]
    if not printable:
        raise Conflict("no file in this selection has a score yet")
    return ethics_forms_pdf(printable)


def _row(r: dict[str, Any]) -> EthicsGradeRow:
    return EthicsGradeRow(
        staff_number=r["staff_number"],
        name=r["name"],
        department=r["department"],
        title=r["title"],
        total=None if r["total"] is None else Decimal(r["total"]),
        deductions=None if r["deductions"] is None else Decimal(r["deductions"]),
        bonus=None if r["bonus"] is None else Decimal(r["bonus"]),
        grade=r["grade"],
        vetoed=r["vetoed"],
        state=r["state"],
        note=r["note"],
    )


def unit_xlsx(report: dict[str, Any]) -> bytes:
    """The unit's year as .xlsx: one row per staff member (``service_reports.unit_report``)."""
    return unit_grades_xlsx(report["unit"], report["year"], [_row(r) for r in report["rows"]])


def overview_xlsx(overview: dict[str, Any]) -> bytes:
    """The bureau's distribution per unit as .xlsx (``service_reports.bureau_overview``)."""
    units = [
        UnitGradeSummary(
            unit=u["unit"],
            headcount=u["headcount"],
            excellent=u["excellent"],
            good=u["good"],
            fair=u["fair"],
            poor=u["poor"],
            vetoed=u["vetoed"],
        )
        for u in overview["units"]
    ]
    return bureau_overview_xlsx(overview["year"], units)
