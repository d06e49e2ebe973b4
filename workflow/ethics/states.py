"""States of the two ethics processes, as stored in their status columns.

Values are stable ASCII codes (they go into the ledger and the database); ``label`` is the Chinese
text users see. Member names equal values, so ``Machine.get_state("open")`` resolves a stored string.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class CycleState(StrEnum):
    """One staff member's file in one annual evaluation cycle (domain-rules §1.7)."""

    open = "open"
    self_evaluated = "self_evaluated"
    department_evaluated = "department_evaluated"
    unit_evaluated = "unit_evaluated"
    publicized = "publicized"
    appealed = "appealed"
    appeal_decided = "appeal_decided"
    final = "final"
    archived = "archived"

    @property
    def label(self) -> str:
        return _CYCLE_LABELS[self]


class RecordState(StrEnum):
    """A daily ethics record (表扬, 扣分, 一票否决事项); only ``approved`` counts (§1.3)."""

    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    superseded = "superseded"

    @property
    def label(self) -> str:
        return _RECORD_LABELS[self]


_CYCLE_LABELS: Final = {
    CycleState.open: "待自评",
    CycleState.self_evaluated: "已自评",
    CycleState.department_evaluated: "科室已评价",
    CycleState.unit_evaluated: "单位已评价",
    CycleState.publicized: "公示中",
    CycleState.appealed: "复核申请中",
    CycleState.appeal_decided: "复核已决定",
    CycleState.final: "已确定",
    CycleState.archived: "已归档",
}

_RECORD_LABELS: Final = {
    RecordState.submitted: "待审核",
    RecordState.approved: "审核通过",
    RecordState.rejected: "已退回",
    RecordState.superseded: "已更正",
}

CYCLE_TERMINAL: Final = frozenset({CycleState.archived})
RECORD_TERMINAL: Final = frozenset({RecordState.rejected, RecordState.superseded})
