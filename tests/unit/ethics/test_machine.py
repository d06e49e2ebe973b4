"""The declared ethics processes: the annual cycle walks like §1.7 says, and every guard can stop it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from workflow.errors import GuardRejected, IllegalTransition
from workflow.ethics.machine import (
    CYCLE_GUARDS,
    CYCLE_TRANSITIONS,
    ETHICS_CYCLE,
    ETHICS_RECORD,
    RECORD_GUARDS,
    RECORD_TRANSITIONS,
    CycleFacts,
    CycleProcess,
    RecordFacts,
    RecordProcess,
)
from workflow.ethics.policy import Grade
from workflow.ethics.states import CYCLE_TERMINAL, RECORD_TERMINAL, CycleState, RecordState
from workflow.process import Process
from workflow.processes import definitions

C, R = CycleState, RecordState
NOW = datetime(2026, 1, 20, 2, 0, tzinfo=UTC)

# Facts under which every cycle guard holds (where a pair of guards excludes each other, the
# "changed" side; tests flip it explicitly).
GOOD = CycleFacts(
    now=NOW,
    today=date(2026, 1, 20),
    self_summary="全年无投诉",
    self_grade=Grade.GOOD,
    has_score=True,
    self_deadline=date(2025, 12, 20),
    reason="材料不全",
    department_opinion="同意",
    department_grade=Grade.GOOD,
    unit_opinion="同意",
    unit_grade=Grade.GOOD,
    window_set=True,
    appeal_opens_at=NOW - timedelta(days=1),
    appeal_closes_at=NOW + timedelta(days=1),
    publicity_closes_at=NOW - timedelta(seconds=1),
    appellant_identified=True,
    appeal_decision="change",
    decision_reasons="投诉不属实",
    previous_grade=Grade.FAIR,
    decided_grade=Grade.GOOD,
)
GOOD_RECORD = RecordFacts(
    approver=2, submitter=1, description="拒收红包", cycle_state=C.open, reason="重复", has_correction=True
)


def cycle(state: CycleState, **changes: Any) -> CycleProcess:
    return CycleProcess(state, replace(GOOD, **changes))


def test_happy_path_without_appeal() -> None:
    facts = replace(GOOD, appeal_closes_at=NOW - timedelta(seconds=1))
    process = CycleProcess(C.open, facts)
    for trigger, state in [
        ("submit_self_evaluation", C.self_evaluated),
        ("evaluate_department", C.department_evaluated),
        ("evaluate_unit", C.unit_evaluated),
        ("publicize", C.publicized),
        ("finalize", C.final),
        ("archive", C.archived),
    ]:
        fired = process.fire(trigger)
        assert fired.dest == state == process.state
    assert process.allowed() == []


def test_appeal_that_changes_the_grade_is_publicized_again() -> None:
    process = cycle(C.publicized)
    process.fire("lodge_appeal")
    process.fire("decide_appeal")
    with pytest.raises(GuardRejected) as refused:
        process.fire("finalize")  # a changed grade cannot skip the new 公示
    assert refused.value.extra["guards"] == ["grade_unchanged"]
    assert process.fire("republicize").dest == C.publicized


def test_appeal_that_keeps_the_grade_finalizes() -> None:
    process = cycle(C.appeal_decided, decided_grade=Grade.FAIR)
    with pytest.raises(GuardRejected):
        process.fire("republicize")
    assert process.fire("finalize").dest == C.final


@pytest.mark.parametrize(
    ("start", "trigger", "end"),
    [
        (C.open, "record_missing_self_evaluation", C.self_evaluated),
        (C.self_evaluated, "return_to_self", C.open),
        (C.department_evaluated, "return_to_department", C.self_evaluated),
        (C.unit_evaluated, "reopen_unit_evaluation", C.department_evaluated),
    ],
)
def test_side_paths(start: CycleState, trigger: str, end: CycleState) -> None:
    assert cycle(start).fire(trigger).dest == end


def _guard_cases(table: list[dict[str, object]]) -> list[tuple[str, str, str]]:
    cases = []
    for t in table:
        source = t["source"]
        sources = source if isinstance(source, list) else [source]
        conditions = t.get("conditions", [])
        assert isinstance(conditions, list)
        cases.extend((str(s), str(t["trigger"]), str(c)) for s in sources for c in conditions)
    return cases


def _refusing(base: type[Process], guard: str) -> type[Process]:
    """The adapter with one guard answering no: proves the table wires that guard to the transition."""
    return type(f"Refusing_{guard}", (base,), {guard: lambda self, event: False})


def _passing_cycle_facts(trigger: str) -> CycleFacts:
    if trigger == "finalize":
        return replace(GOOD, decided_grade=Grade.FAIR, appeal_closes_at=NOW - timedelta(seconds=1))
    return GOOD


@pytest.mark.parametrize(("source", "trigger", "guard"), _guard_cases(CYCLE_TRANSITIONS))
def test_every_cycle_guard_can_refuse(source: str, trigger: str, guard: str) -> None:
    facts = _passing_cycle_facts(trigger)
    CycleProcess(source, facts).fire(trigger)  # passes with every guard holding
    process = _refusing(CycleProcess, guard)(source, facts)
    with pytest.raises(GuardRejected) as refused:
        process.fire(trigger)
    assert guard in refused.value.extra["guards"]
    assert process.state == source


@pytest.mark.parametrize(("source", "trigger", "guard"), _guard_cases(RECORD_TRANSITIONS))
def test_every_record_guard_can_refuse(source: str, trigger: str, guard: str) -> None:
    RecordProcess(source, GOOD_RECORD).fire(trigger)
    process = _refusing(RecordProcess, guard)(source, GOOD_RECORD)
    with pytest.raises(GuardRejected):
        process.fire(trigger)
    assert process.state == source


@pytest.mark.parametrize(
    ("state", "trigger"),
    [
        (C.open, "evaluate_unit"),
        (C.self_evaluated, "publicize"),
        (C.unit_evaluated, "finalize"),
        (C.publicized, "evaluate_unit"),
        (C.final, "lodge_appeal"),
        (C.archived, "finalize"),
    ],
)
def test_actions_outside_the_table_are_illegal(state: CycleState, trigger: str) -> None:
    with pytest.raises(IllegalTransition) as caught:
        cycle(state).fire(trigger)
    assert caught.value.extra["allowed"] == ETHICS_CYCLE.allowed(state)


def test_record_lifecycle() -> None:
    record = RecordProcess(R.submitted, GOOD_RECORD)
    record.fire("approve")
    assert record.fire("supersede").dest == R.superseded
    rejected = RecordProcess(R.submitted, GOOD_RECORD)
    rejected.fire("reject")
    with pytest.raises(IllegalTransition):
        rejected.fire("approve")  # a rejected record is never revived; submit a new one
    with pytest.raises(IllegalTransition):
        RecordProcess(R.submitted, GOOD_RECORD).fire("supersede")


# --- guard logic on the facts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "state", "changes", "message"),
    [
        ("submit_self_evaluation", C.open, {"self_summary": "  "}, "work summary"),
        ("submit_self_evaluation", C.open, {"self_grade": None}, "self-assessed grade"),
        ("submit_self_evaluation", C.open, {"has_score": False}, "量化考评"),
        ("record_missing_self_evaluation", C.open, {"today": date(2025, 12, 20)}, "has not passed"),
        ("return_to_self", C.self_evaluated, {"reason": ""}, "needs a reason"),
        ("evaluate_department", C.self_evaluated, {"department_grade": None}, "科室意见"),
        ("evaluate_unit", C.department_evaluated, {"unit_opinion": " "}, "考评委员会意见"),
        ("evaluate_unit", C.department_evaluated, {"vetoed": True}, "must be 较差"),
        ("evaluate_unit", C.department_evaluated, {"quota_problem": "tie pending"}, "tie pending"),
        ("publicize", C.unit_evaluated, {"window_set": False}, "公示 window"),
        ("lodge_appeal", C.publicized, {"appeal_closes_at": NOW}, "appeal window closed"),
        ("lodge_appeal", C.publicized, {"appeal_opens_at": None}, "no appeal window"),
        ("lodge_appeal", C.publicized, {"appellant_identified": False}, "real-name objector"),
        ("lodge_appeal", C.publicized, {"reason": ""}, "grounds"),
        ("decide_appeal", C.appealed, {"appeal_decision": "maybe"}, "维持"),
        ("decide_appeal", C.appealed, {"decided_grade": None}, "resulting grade"),
        ("finalize", C.publicized, {"publicity_closes_at": NOW + timedelta(seconds=1)}, "公示 runs"),
        ("finalize", C.publicized, {"open_appeals": 1}, "still open"),
        ("finalize", C.publicized, {"appeal_closes_at": NOW + timedelta(seconds=1)}, "may be lodged"),
        ("archive", C.final, {"files_not_final": 3}, r"3 file\(s\)"),
    ],
)
def test_cycle_guards_say_why(
    trigger: str, state: CycleState, changes: Mapping[str, Any], message: str
) -> None:
    with pytest.raises(GuardRejected, match=message):
        cycle(state, **changes).fire(trigger)


def test_a_vetoed_file_may_be_confirmed_poor() -> None:
    process = cycle(C.department_evaluated, vetoed=True, unit_grade=Grade.POOR)
    assert process.fire("evaluate_unit").dest == C.unit_evaluated


@pytest.mark.parametrize(
    ("trigger", "state", "changes", "message"),
    [
        ("approve", R.submitted, {"approver": 1}, "four eyes"),
        ("approve", R.submitted, {"praise": True}, "praise needs evidence"),
        ("approve", R.submitted, {"veto": True}, "veto"),
        ("approve", R.submitted, {"description": ""}, "description"),
        ("approve", R.submitted, {"cycle_state": C.publicized}, "公示中"),
        ("approve", R.submitted, {"cycle_state": None}, "不存在"),
        ("reject", R.submitted, {"reason": " "}, "needs a reason"),
        ("supersede", R.approved, {"has_correction": False}, "approved correction"),
    ],
)
def test_record_guards_say_why(
    trigger: str, state: RecordState, changes: Mapping[str, Any], message: str
) -> None:
    with pytest.raises(GuardRejected, match=message):
        RecordProcess(state, replace(GOOD_RECORD, **changes)).fire(trigger)


def test_evidence_is_an_attachment_or_the_patient_reply() -> None:
    for changes in ({"attachments": 1}, {"from_feedback": True}):
        facts = replace(GOOD_RECORD, praise=True, **changes)
        assert RecordProcess(R.submitted, facts).fire("approve").dest == R.approved
    operator = replace(GOOD_RECORD, approver=None, submitter=None)
    assert RecordProcess(R.submitted, operator).fire("approve").dest == R.approved


# --- the declaration ------------------------------------------------------------------------------------


def _conditions(table: list[dict[str, object]]) -> set[str]:
    return {str(c) for t in table for c in t.get("conditions", [])}  # type: ignore[attr-defined]


def test_every_guard_is_documented_and_implemented() -> None:
    assert _conditions(CYCLE_TRANSITIONS) == set(CYCLE_GUARDS)
    assert _conditions(RECORD_TRANSITIONS) == set(RECORD_GUARDS)
    for name in CYCLE_GUARDS:
        assert callable(getattr(CycleProcess, name))
    for name in RECORD_GUARDS:
        assert callable(getattr(RecordProcess, name))


def test_tables_reach_every_state_and_only_terminal_states_have_no_action() -> None:
    for definition, terminal in [(ETHICS_CYCLE, CYCLE_TERMINAL), (ETHICS_RECORD, RECORD_TERMINAL)]:
        reached = {definition.initial.value}
        frontier = [definition.initial.value]
        while frontier:
            state = frontier.pop()
            for t in definition.transitions:
                source = t["source"]
                sources = source if isinstance(source, list) else [source]
                if state in sources and t["dest"] not in reached:
                    reached.add(str(t["dest"]))
                    frontier.append(str(t["dest"]))
        assert reached == {s.value for s in definition.states}
        assert {s for s in definition.states if not definition.allowed(s)} == terminal


def test_no_automatic_back_doors() -> None:
    assert not any(name.startswith("to_") for name in ETHICS_CYCLE.machine.events)
    assert ETHICS_CYCLE.allowed(C.publicized) == ["finalize", "lodge_appeal"]
    assert ETHICS_CYCLE.allowed(C.appeal_decided) == ["finalize", "republicize"]


def test_states_have_chinese_labels() -> None:
    assert C.publicized.label == "公示中"
    assert R.rejected.label == "已退回"
    assert len({s.label for s in CycleState}) == len(CycleState)


def test_both_processes_are_in_the_catalogue_and_the_diagrams() -> None:
    names = {d.name for d in definitions()}
    assert {"ethics-cycle", "ethics-record"} <= names
    text = ETHICS_CYCLE.mermaid()
    for t in CYCLE_TRANSITIONS:
        assert f" {t['trigger']} [" in text
    assert "approve [approver_is_not_submitter" in ETHICS_RECORD.mermaid()


def test_the_machine_runs_on_plain_string_states() -> None:
    process = CycleProcess("open", GOOD)
    assert process.fire("submit_self_evaluation").dest == "self_evaluated"
    assert type(process.state) is str
