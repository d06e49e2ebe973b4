"""The staff-import process: a file is previewed, then committed or discarded."""

from __future__ import annotations

from transitions import EventData

from workflow.org.states import ImportStatus as S
from workflow.process import Process, ProcessDefinition

STAFF_IMPORT = ProcessDefinition(
    name="staff-import",
    title="Staff import (人员导入)",
    states=S,
    initial=S.PREVIEWED,
    transitions=[
        {"trigger": "commit", "source": S.PREVIEWED, "dest": S.COMMITTED, "conditions": "plan_is_clean"},
        {"trigger": "discard", "source": S.PREVIEWED, "dest": S.DISCARDED},
    ],
)


class StaffImportProcess(Process):
    """Facts: ``errors`` — the problems found when the plan was recomputed at commit time."""

    definition = STAFF_IMPORT

    def plan_is_clean(self, event: EventData) -> bool:
        errors = self.facts.get("errors", 0)
        return not errors or self.reject(f"the file has {errors} problem(s); fix them and upload it again")
