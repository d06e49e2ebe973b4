"""The declared state tables of the annual cycle and of a daily record — the only place that says what
may happen next.

Why declared data and not code: the service, the API's "available actions", the docs diagrams and
the auditor's verifier all read these same lists, so they cannot drift apart (STYLE.md: the contrast
to avoid is a hand-written ``match (old, new)``).

What is here: states (``states.py``), the transition lists with trigger names and named guard
conditions, a ``Protocol`` per process listing every guard the adapter must implement, and builders
for a ``transitions.Machine`` that holds no model (stack-notes §2.3: one machine per process kind,
fired with ``machine.events[trigger].trigger(adapter, **kw)``). What is not here: loading facts,
persisting state, writing log entries — the service does that around a fired trigger.

Guards receive transitions' ``EventData`` (``send_event=True``) and must only read facts the service
loaded beforehand; they never query the database. Every guard is documented in ``CYCLE_GUARDS`` /
``RECORD_GUARDS``, which ``docs/ethics-rules.md`` reproduces.
"""

from __future__ import annotations

from typing import Any, Final, NotRequired, Protocol, TypedDict

from transitions import Machine
from transitions.extensions import GraphMachine

from workflow.errors import InvalidInput
from workflow.ethics.states import CycleState, RecordState


class TransitionSpec(TypedDict):
    trigger: str
    source: str | list[str]
    dest: str
    conditions: NotRequired[list[str]]


C = CycleState
R = RecordState

CYCLE_TRANSITIONS: Final[list[TransitionSpec]] = [
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

RECORD_TRANSITIONS: Final[list[TransitionSpec]] = [
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
        "The unit's ``grade_unit`` result has no tie pending a committee decision, and the confirmed"
        " 优秀 count is within the hard places unless the tie policy is include_all (§1.5)."
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
        "Praise and veto records carry evidence (e.g. 拒收红包 登记; §1.3 'bonus needs evidence',"
        " §1.6 'with evidence'); ordinary deductions carry a description."
    ),
    "cycle_accepts_records": (
        "The person's cycle for the record's year is open, self_evaluated, department_evaluated or"
        " appealed: after the unit evaluation records change only through an appeal."
    ),
    "has_rejection_reason": "A non-empty reason accompanies a rejection (退回).",
    "has_correcting_record": (
        "A new record that references this one exists (a correction supersedes, never edits; DESIGN.md)."
    ),
}


class CycleGuards(Protocol):
    """What the service's adapter for one (staff, year) file must answer; see ``CYCLE_GUARDS``."""

    def has_self_evaluation(self, event: Any) -> bool: ...
    def has_quantitative_score(self, event: Any) -> bool: ...
    def self_deadline_passed(self, event: Any) -> bool: ...
    def has_return_reason(self, event: Any) -> bool: ...
    def has_department_evaluation(self, event: Any) -> bool: ...
    def has_unit_evaluation(self, event: Any) -> bool: ...
    def veto_respected(self, event: Any) -> bool: ...
    def quota_settled(self, event: Any) -> bool: ...
    def publicity_window_set(self, event: Any) -> bool: ...
    def within_appeal_window(self, event: Any) -> bool: ...
    def appellant_identified(self, event: Any) -> bool: ...
    def has_appeal_reason(self, event: Any) -> bool: ...
    def has_appeal_decision(self, event: Any) -> bool: ...
    def grade_changed(self, event: Any) -> bool: ...
    def grade_unchanged(self, event: Any) -> bool: ...
    def publicity_closed(self, event: Any) -> bool: ...
    def appeal_window_closed(self, event: Any) -> bool: ...
    def unit_cycle_final(self, event: Any) -> bool: ...


class RecordGuards(Protocol):
    """What the service's adapter for one daily record must answer; see ``RECORD_GUARDS``."""

    def approver_is_not_submitter(self, event: Any) -> bool: ...
    def evidence_sufficient(self, event: Any) -> bool: ...
    def cycle_accepts_records(self, event: Any) -> bool: ...
    def has_rejection_reason(self, event: Any) -> bool: ...
    def has_correcting_record(self, event: Any) -> bool: ...


def build_cycle_machine() -> Any:
    """A model-less machine for the annual cycle; build once, fire per request on an adapter."""
    return _machine(CycleState, CYCLE_TRANSITIONS, CycleState.open)


def build_record_machine() -> Any:
    """A model-less machine for daily records."""
    return _machine(RecordState, RECORD_TRANSITIONS, RecordState.submitted)


def triggers_from(transitions: list[TransitionSpec], state: str) -> list[str]:
    """Trigger names allowed from ``state`` by the table alone (guards not evaluated), sorted."""
    names = {t["trigger"] for t in transitions if state in _sources(t)}
    return sorted(names)


def mermaid(kind: str) -> str:
    """The Mermaid ``stateDiagram-v2`` of ``"cycle"`` or ``"record"``, drawn from the same table."""
    specs: dict[str, tuple[Any, list[TransitionSpec], str, str]] = {
        "cycle": (CycleState, CYCLE_TRANSITIONS, CycleState.open, "医德考评年度流程"),
        "record": (RecordState, RECORD_TRANSITIONS, RecordState.submitted, "医德医风日常记录"),
    }
    if kind not in specs:
        raise InvalidInput(f"unknown machine {kind!r}; use 'cycle' or 'record'", field="kind")
    states, table, initial, title = specs[kind]
    graph = GraphMachine(
        states=states,
        transitions=table,
        initial=initial,
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
        title=title,
    )
    return str(graph.get_graph().draw(None))


def _machine(states: Any, table: list[TransitionSpec], initial: str) -> Any:
    return Machine(
        model=None,
        states=states,
        transitions=table,
        initial=initial,
        auto_transitions=False,
        send_event=True,
    )


def _sources(spec: TransitionSpec) -> list[str]:
    source = spec["source"]
    return [source] if isinstance(source, str) else source
