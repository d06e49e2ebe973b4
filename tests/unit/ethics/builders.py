"""Builders shared by the ethics unit tests: records and scores that read like the 考评表."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from decimal import Decimal

from workflow.ethics.policy import DEFAULT_POLICY, EthicsPolicy, RecordKind, Severity
from workflow.ethics.rules import EthicsRecord, Score, score_person
from workflow.ethics.states import RecordState
from workflow.ids import EthicsRecordId, StaffId

_ids = itertools.count(1)


def D(value: str | int) -> Decimal:
    return Decimal(value)


def deduction(
    item: str,
    points: str | int,
    *,
    category: str | None = None,
    severity: Severity | None = None,
    veto: str | None = None,
    state: RecordState = RecordState.approved,
) -> EthicsRecord:
    return EthicsRecord(
        id=EthicsRecordId(next(_ids)),
        kind=RecordKind.DEDUCTION,
        item=item,
        points=D(points),
        category=category,
        severity=severity,
        veto=veto,
        state=state,
    )


def praise(points: str | int, item: str = "I1", *, state: RecordState = RecordState.approved) -> EthicsRecord:
    return EthicsRecord(
        id=EthicsRecordId(next(_ids)), kind=RecordKind.PRAISE, item=item, points=D(points), state=state
    )


def scored(
    records: Iterable[EthicsRecord] = (),
    *,
    staff: int = 1,
    year: int = 2025,
    policy: EthicsPolicy = DEFAULT_POLICY,
) -> Score:
    return score_person(StaffId(staff), year, list(records), policy)
