"""The two ethics processes on the project's workflow pattern (``workflow.process``).

``ETHICS_CYCLE`` is one staff member's file in one year (domain-rules §1.7): self → department →
unit evaluation, 公示, appeal, final, archived. ``ETHICS_RECORD`` is one daily record (§1.3):
submitted → approved | rejected, and approved → superseded when a correction is approved.

The transition tables are declared data: the service, ``GET /api/processes``, ``docs/machines.md``
and the auditor's replay all read these same lists. Every guard is a method of the adapter below and
reads only the typed facts the service loaded beforehand (:class:`CycleFacts`, :class:`RecordFacts`);
none queries the database or the clock. ``CYCLE_GUARDS`` / ``RECORD_GUARDS`` document each guard in
one sentence, and a test checks the two stay in step with the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from transitions import EventData

from workflow.ethics.policy import Grade
from workflow.ethics.states import CycleState, RecordState
from workflow.process import Process, ProcessDefinition

C = CycleState
R = RecordState

CYCLE_TRANSITIONS: Final[list[dict[str, object]]] = [
    # 自我评价 (§1.7 step 1)
    {
        "trigger": "submit_self_evaluation",
        "source": C.open,
        "dest": C.self_evaluated,
        "conditions": ["has_self_evaluation", "has_quantitative_score"],
    },
    {
        "trigger": "record_missing_self_evaluation",
        "source": C.open,
        "dest": C.self_evaluated,
        "conditions": ["self_deadline_passed"],
    },
    # 科室评价 (step 2); the department may send the file back with a reason
    {
        "trigger": "return_to_self",
        "source": C.self_evaluated,
        "dest": C.open,
        "conditions": ["has_return_reason"],
    },
    {
        "trigger": "evaluate_department",
        "source": C.self_evaluated,
        "dest": C.department_evaluated,
        "conditions": ["has_department_evaluation"],
    },
    # 单位评价 (step 3): veto and quota checks; the unit may send it back to the department
    {
        "trigger": "return_to_department",
        "source": C.department_evaluated,
        "dest": C.self_evaluated,
        "conditions": ["has_return_reason"],
    },
    {
        "trigger": "evaluate_unit",
        "source": C.department_evaluated,
        "dest": C.unit_evaluated,
        "conditions": ["has_unit_evaluation", "veto_respected", "quota_settled"],
    },
    {
        "trigger": "reopen_unit_evaluation",
        "source": C.unit_evaluated,
        "dest": C.department_evaluated,
        "conditions": ["has_return_reason"],
    },
    # 公示 within the unit (§1.7, §4)
    {
        "trigger": "publicize",
        "source": C.unit_evaluated,
        "dest": C.publicized,
        "conditions": ["publicity_window_set"],
    },
    # 复核: the person's appeal or a real-name objection during the window
    {
        "trigger": "lodge_appeal",
        "source": C.publicized,
        "dest": C.appealed,
        "conditions": ["within_appeal_window", "appellant_identified", "has_appeal_reason"],
    },
    {
        "trigger": "decide_appeal",
        "source": C.appealed,
        "dest": C.appeal_decided,
        "conditions": ["has_appeal_decision"],
    },
    {
        "trigger": "republicize",
        "source": C.appeal_decided,
        "dest": C.publicized,
        "conditions": ["grade_changed", "publicity_window_set"],
    },
    # 确定 and 归档
    {
        "trigger": "finalize",
        "source": C.publicized,
        "dest": C.final,
        "conditions": ["publicity_closed", "appeal_window_closed"],
    },
    {
        "trigger": "finalize",
        "source": C.appeal_decided,
        "dest": C.final,
        "conditions": ["grade_unchanged"],
    },
    {
        "trigger": "archive",
        "source": C.final,
        "dest": C.archived,
        "conditions": ["unit_cycle_final"],
    },
]

RECORD_TRANSITIONS: Final[list[dict[str, object]]] = [
    {
        "trigger": "approve",
        "source": R.submitted,
        "dest": R.approved,
        "conditions": ["approver_is_not_submitter", "evidence_sufficient", "cycle_accepts_records"],
    },
    {
        "trigger": "reject",
        "source": R.submitted,
        "dest": R.rejected,
        "conditions": ["has_rejection_reason"],
    },
    {
        "trigger": "supersede",
        "source": R.approved,
        "dest": R.superseded,
        "conditions": ["has_correcting_record", "cycle_accepts_records"],
    },
]

ETHICS_CYCLE: Final = ProcessDefinition(
    name="ethics-cycle",
    title="医德考评年度流程 (annual ethics evaluation of one file)",
    states=CycleState,
    initial=CycleState.open,
    transitions=CYCLE_TRANSITIONS,
)

ETHICS_RECORD: Final = ProcessDefinition(
    name="ethics-record",
    title="医德医风日常记录 (daily ethics record)",
    states=RecordState,
    initial=RecordState.submitted,
    transitions=RECORD_TRANSITIONS,
)

CYCLE_GUARDS: Final[dict[str, str]] = {
    "has_self_evaluation": "The work summary and the 自评等次 are filled in (§2 年度工作总结/自我评价).",
    "has_quantitative_score": (
        "A score exists for the person and year (``score_person`` ran on the approved records); real"
        " systems block self-submission until the 量化考评 exists (§1.7 hangfeng)."
    ),
    "self_deadline_passed": (
        "Today (Beijing time) is after ``policy.schedule.self_deadline``; the file moves on marked"
        " 未自评 (§1.7 hangfeng state 8)."
    ),
    "has_return_reason": "A non-empty reason accompanies a return (退回须说明理由, §1.7).",
    "has_department_evaluation": "The 科室意见 and 科室评价等次 are filled in by the department.",
    "has_unit_evaluation": (
        "The 考评委员会意见 and the confirmed grade are filled in (§1.4: the committee confirms)."
    ),
    "veto_respected": "If the score carries any veto, the confirmed grade is 较差 (§1.6).",
    "quota_settled": (
        "The unit's ``grade_unit`` result is current, has no tie pending a committee decision, and the"
        " confirmed 优秀 count is within the hard places unless the tie policy is include_all (§1.5)."
    ),
    "publicity_window_set": (
        "The 公示 window was computed from ``policy.publicity`` with the bureau's holiday calendar"
        " (``HolidayCalendar.window``) and stored with the notice."
    ),
    "within_appeal_window": "Now is inside the appeal ``Window`` (opens with the 公示, closes exclusive).",
    "appellant_identified": (
        "The appellant is the staff member, or a real-name objector with work unit and phone; anonymous"
        " objections are not accepted (§4)."
    ),
    "has_appeal_reason": "The appeal states its grounds.",
    "has_appeal_decision": (
        "The committee recorded 维持 or 变更 with reasons, within ``policy.appeal_review`` (a late"
        " decision is still recorded; lateness is reported, not blocked)."
    ),
    "grade_changed": (
        "The appeal decision changed the grade, so the changed result is publicized again (§4)."
    ),
    "grade_unchanged": "The appeal decision kept the grade; the result becomes final without a new 公示.",
    "publicity_closed": "Now is at or after the 公示 window's ``closes_at``.",
    "appeal_window_closed": "Now is at or after the appeal window's ``closes_at`` and no appeal is open.",
    "unit_cycle_final": "Every file of the unit for this year is final, so archiving locks a complete set.",
}

RECORD_GUARDS: Final[dict[str, str]] = {
    "approver_is_not_submitter": "The approving account differs from the submitting one (four eyes).",
    "evidence_sufficient": (
        "Praise and veto records carry evidence (an attachment, or the patient reply they came from;"
        " §1.3 'bonus needs evidence', §1.6 'with evidence'); ordinary deductions carry a description."
    ),
    "cycle_accepts_records": (
        "The person's cycle for the record's year is open, self_evaluated, department_evaluated or"
        " appealed: after the unit evaluation records change only through an appeal."
    ),
    "has_rejection_reason": "A non-empty reason accompanies a rejection (退回).",
    "has_correcting_record": (
        "An approved record that references this one exists (a correction supersedes, never edits;"
        " DESIGN.md)."
    ),
}

ACCEPTS_RECORDS: Final = frozenset({C.open, C.self_evaluated, C.department_evaluated, C.appealed})


# --- facts --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CycleFacts:
    """What the service loaded about one file-year before firing; every field has a neutral default."""

    now: datetime | None = None
    today: date | None = None
    """Beijing date of ``now``."""
    self_summary: str = ""
    self_grade: Grade | None = None
    has_score: bool = False
    self_deadline: date | None = None
    reason: str = ""
    """Return reason or appeal grounds, whichever the action carries."""
    department_opinion: str = ""
    department_grade: Grade | None = None
    unit_opinion: str = ""
    unit_grade: Grade | None = None
    vetoed: bool = False
    quota_problem: str | None = None
    """``None`` when the quota is settled; otherwise why not (stale grading, pending tie, over places)."""
    window_set: bool = False
    appeal_opens_at: datetime | None = None
    appeal_closes_at: datetime | None = None
    publicity_closes_at: datetime | None = None
    appellant_identified: bool = False
    appeal_decision: str = ""
    decision_reasons: str = ""
    previous_grade: Grade | None = None
    decided_grade: Grade | None = None
    open_appeals: int = 0
    files_not_final: int = 0


@dataclass(frozen=True, kw_only=True)
class RecordFacts:
    approver: int | None = None
    """Account deciding; ``None`` for the command-line operator."""
    submitter: int | None = None
    """Account that submitted; ``None`` for records proposed by a feedback import or the operator."""
    praise: bool = False
    veto: bool = False
    attachments: int = 0
    from_feedback: bool = False
    description: str = ""
    cycle_state: CycleState | None = None
    reason: str = ""
    has_correction: bool = False


# --- adapters -------------------------------------------------------------------------------------------


class CycleProcess(Process):
    """One file-year's status for one request; guards read :class:`CycleFacts`."""

    definition = ETHICS_CYCLE
    facts: CycleFacts

    def __init__(self, state: str, facts: CycleFacts | None = None) -> None:
        super().__init__(state, facts or CycleFacts())

    def has_self_evaluation(self, event: EventData | None) -> bool:
        f = self.facts
        if not f.self_summary.strip():
            return self.reject("write the yearly work summary (年度工作总结) first")
        return f.self_grade is not None or self.reject("choose a self-assessed grade (自评等次)")

    def has_quantitative_score(self, event: EventData | None) -> bool:
        return self.facts.has_score or self.reject("the quantitative score (量化考评) has not been computed")

    def self_deadline_passed(self, event: EventData | None) -> bool:
        f = self.facts
        if f.today is not None and f.self_deadline is not None and f.today > f.self_deadline:
            return True
        return self.reject(f"the self-evaluation deadline {f.self_deadline} has not passed")

    def has_return_reason(self, event: EventData | None) -> bool:
        return bool(self.facts.reason.strip()) or self.reject("a return needs a reason (退回须说明理由)")

    def has_department_evaluation(self, event: EventData | None) -> bool:
        f = self.facts
        if not f.department_opinion.strip() or f.department_grade is None:
            return self.reject("the department evaluation needs an opinion (科室意见) and a grade")
        return True

    def has_unit_evaluation(self, event: EventData | None) -> bool:
        f = self.facts
        if not f.unit_opinion.strip() or f.unit_grade is None:
            return self.reject("the unit evaluation needs an opinion (考评委员会意见) and a grade")
        return True

    def veto_respected(self, event: EventData | None) -> bool:
        f = self.facts
        if f.vetoed and f.unit_grade is not Grade.POOR:
            return self.reject("this file carries a veto (一票否决): the grade must be 较差")
        return True

    def quota_settled(self, event: EventData | None) -> bool:
        problem = self.facts.quota_problem
        return problem is None or self.reject(problem)

    def publicity_window_set(self, event: EventData | None) -> bool:
        return self.facts.window_set or self.reject("the 公示 window has not been computed")

    def within_appeal_window(self, event: EventData | None) -> bool:
        f = self.facts
        if f.now is None or f.appeal_opens_at is None or f.appeal_closes_at is None:
            return self.reject("no appeal window is open for this file")
        if f.appeal_opens_at <= f.now < f.appeal_closes_at:
            return True
        return self.reject(f"the appeal window closed at {f.appeal_closes_at.isoformat()}")

    def appellant_identified(self, event: EventData | None) -> bool:
        return self.facts.appellant_identified or self.reject(
            "an appeal comes from the staff member or a real-name objector (name, work unit, phone)"
        )

    def has_appeal_reason(self, event: EventData | None) -> bool:
        return bool(self.facts.reason.strip()) or self.reject("state the grounds of the appeal")

    def has_appeal_decision(self, event: EventData | None) -> bool:
        f = self.facts
        if f.appeal_decision not in ("maintain", "change") or not f.decision_reasons.strip():
            return self.reject("the decision is 维持 (maintain) or 变更 (change), with reasons")
        return f.decided_grade is not None or self.reject("the decision names the resulting grade")

    def grade_changed(self, event: EventData | None) -> bool:
        f = self.facts
        return f.decided_grade is not None and f.decided_grade != f.previous_grade

    def grade_unchanged(self, event: EventData | None) -> bool:
        f = self.facts
        return f.decided_grade is not None and f.decided_grade == f.previous_grade

    def publicity_closed(self, event: EventData | None) -> bool:
        f = self.facts
        if f.now is not None and f.publicity_closes_at is not None and f.now >= f.publicity_closes_at:
            return True
        closes = f.publicity_closes_at.isoformat() if f.publicity_closes_at else "—"
        return self.reject(f"the 公示 runs until {closes}")

    def appeal_window_closed(self, event: EventData | None) -> bool:
        f = self.facts
        if f.open_appeals:
            return self.reject("an appeal is still open")
        if f.now is not None and f.appeal_closes_at is not None and f.now >= f.appeal_closes_at:
            return True
        closes = f.appeal_closes_at.isoformat() if f.appeal_closes_at else "—"
        return self.reject(f"appeals may be lodged until {closes}")

    def unit_cycle_final(self, event: EventData | None) -> bool:
        n = self.facts.files_not_final
        return n == 0 or self.reject(f"{n} file(s) of this unit and year are not final yet")


class RecordProcess(Process):
    """One daily record's status for one request; guards read :class:`RecordFacts`."""

    definition = ETHICS_RECORD
    facts: RecordFacts

    def __init__(self, state: str, facts: RecordFacts | None = None) -> None:
        super().__init__(state, facts or RecordFacts())

    def approver_is_not_submitter(self, event: EventData | None) -> bool:
        f = self.facts
        if f.submitter is not None and f.approver == f.submitter:
            return self.reject("the submitter cannot approve their own record (four eyes)")
        return True

    def evidence_sufficient(self, event: EventData | None) -> bool:
        f = self.facts
        if (f.praise or f.veto) and not (f.attachments or f.from_feedback):
            what = "praise" if f.praise else "a veto (一票否决)"
            return self.reject(f"{what} needs evidence: attach a photo or document first")
        return bool(f.description.strip()) or self.reject("the record needs a description")

    def cycle_accepts_records(self, event: EventData | None) -> bool:
        state = self.facts.cycle_state
        if state in ACCEPTS_RECORDS:
            return True
        label = state.label if state is not None else "不存在"
        return self.reject(f"the person's evaluation for this year is {label}; records can no longer change")

    def has_rejection_reason(self, event: EventData | None) -> bool:
        return bool(self.facts.reason.strip()) or self.reject("a rejection needs a reason (退回须说明理由)")

    def has_correcting_record(self, event: EventData | None) -> bool:
        return self.facts.has_correction or self.reject("only an approved correction supersedes a record")
