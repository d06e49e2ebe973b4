"""The declared state tables: the annual cycle walks like §1.7 says, and every guard can stop it."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from transitions import MachineError

from workflow.errors import InvalidInput
from workflow.ethics.machine import (
    CYCLE_GUARDS,
    CYCLE_TRANSITIONS,
    RECORD_GUARDS,
    RECORD_TRANSITIONS,
    CycleGuards,
    RecordGuards,
    TransitionSpec,
    build_cycle_machine,
    build_record_machine,
    mermaid,
    triggers_from,
)
from workflow.ethics.states import CYCLE_TERMINAL, RECORD_TERMINAL, CycleState, RecordState

logging.getLogger("transitions").setLevel(logging.WARNING)

C, R = CycleState, RecordState
CYCLE = build_cycle_machine()
RECORD = build_record_machine()


class FakeFile:
    """The adapter the service will write, with every guard answered from a dict of facts."""

    def __init__(self, state: str, **facts: bool) -> None:
        self.state = state
        self.facts = facts

    def __getattr__(self, name: str) -> Any:
        if name in CYCLE_GUARDS or name in RECORD_GUARDS:
            return lambda event: self.facts.get(name, True)
        raise AttributeError(name)


def fire(machine: Any, model: FakeFile, trigger: str) -> bool:
    return bool(machine.events[trigger].trigger(model))


def conditions(table: list[TransitionSpec]) -> set[str]:
    return {c for t in table for c in t.get("conditions", [])}


def test_happy_path_without_appeal() -> None:
    f = FakeFile(C.open)
    for trigger, state in [
        ("submit_self_evaluation", C.self_evaluated),
        ("evaluate_department", C.department_evaluated),
        ("evaluate_unit", C.unit_evaluated),
        ("publicize", C.publicized),
        ("finalize", C.final),
        ("archive", C.archived),
    ]:
        assert fire(CYCLE, f, trigger)
        assert f.state == state


def test_appeal_that_changes_the_grade_is_publicized_again() -> None:
    f = FakeFile(C.publicized, grade_unchanged=False)
    assert fire(CYCLE, f, "lodge_appeal")
    assert fire(CYCLE, f, "decide_appeal")
    assert not fire(CYCLE, f, "finalize")  # a changed grade cannot skip the new 公示
    assert f.state == C.appeal_decided
    assert fire(CYCLE, f, "republicize")
    assert f.state == C.publicized


def test_appeal_that_keeps_the_grade_finalizes() -> None:
    f = FakeFile(C.appeal_decided, grade_changed=False)
    assert not fire(CYCLE, f, "republicize")
    assert fire(CYCLE, f, "finalize")
    assert f.state == C.final


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
    f = FakeFile(start)
    assert fire(CYCLE, f, trigger)
    assert f.state == end


def _guard_cases(table: list[TransitionSpec]) -> list[tuple[str, str, str]]:
    cases = []
    for t in table:
        sources = [t["source"]] if isinstance(t["source"], str) else t["source"]
        for source in sources:
            cases.extend((str(source), t["trigger"], c) for c in t.get("conditions", []))
    return cases


@pytest.mark.parametrize(("source", "trigger", "guard"), _guard_cases(CYCLE_TRANSITIONS))
def test_every_cycle_guard_can_refuse(source: str, trigger: str, guard: str) -> None:
    f = FakeFile(source, **{guard: False})
    assert not fire(CYCLE, f, trigger)
    assert f.state == source


@pytest.mark.parametrize(("source", "trigger", "guard"), _guard_cases(RECORD_TRANSITIONS))
def test_every_record_guard_can_refuse(source: str, trigger: str, guard: str) -> None:
    r = FakeFile(source, **{guard: False})
    assert not fire(RECORD, r, trigger)
    assert r.state == source


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
def test_actions_outside_the_table_are_machine_errors(state: CycleState, trigger: str) -> None:
    with pytest.raises(MachineError):
        fire(CYCLE, FakeFile(state), trigger)


def test_record_lifecycle() -> None:
    r = FakeFile(R.submitted)
    assert fire(RECORD, r, "approve")
    assert fire(RECORD, r, "supersede")
    assert r.state == R.superseded
    rejected = FakeFile(R.submitted)
    assert fire(RECORD, rejected, "reject")
    with pytest.raises(MachineError):
        fire(RECORD, rejected, "approve")  # a rejected record is never revived; submit a new one
    with pytest.raises(MachineError):
        fire(RECORD, FakeFile(R.submitted), "supersede")


def test_every_guard_is_documented_and_in_the_protocol() -> None:
    assert conditions(CYCLE_TRANSITIONS) == set(CYCLE_GUARDS)
    assert conditions(RECORD_TRANSITIONS) == set(RECORD_GUARDS)
    assert set(CYCLE_GUARDS) <= set(dir(CycleGuards))
    assert set(RECORD_GUARDS) <= set(dir(RecordGuards))


def test_tables_use_only_declared_states_and_reach_every_state() -> None:
    for table, states, initial, terminal in [
        (CYCLE_TRANSITIONS, CycleState, C.open, CYCLE_TERMINAL),
        (RECORD_TRANSITIONS, RecordState, R.submitted, RECORD_TERMINAL),
    ]:
        reached = {initial}
        frontier = [initial]
        while frontier:
            state = frontier.pop()
            for t in table:
                sources = [t["source"]] if isinstance(t["source"], str) else t["source"]
                if state in sources and t["dest"] not in reached:
                    reached.add(states(t["dest"]))
                    frontier.append(states(t["dest"]))
        assert reached == set(states)
        assert {s for s in states if not triggers_from(table, s)} == terminal


def test_no_automatic_back_doors() -> None:
    assert not any(name.startswith("to_") for name in CYCLE.events)
    assert triggers_from(CYCLE_TRANSITIONS, C.publicized) == ["finalize", "lodge_appeal"]
    assert triggers_from(CYCLE_TRANSITIONS, C.appeal_decided) == ["finalize", "republicize"]


def test_states_have_chinese_labels() -> None:
    assert C.publicized.label == "公示中"
    assert R.rejected.label == "已退回"
    assert len({s.label for s in CycleState}) == len(CycleState)


def test_mermaid_is_drawn_from_the_same_tables() -> None:
    text = mermaid("cycle")
    assert "stateDiagram-v2" in text
    for t in CYCLE_TRANSITIONS:
        assert f" {t['trigger']} [" in text
    assert "approve [approver_is_not_submitter" in mermaid("record")
    with pytest.raises(InvalidInput):
        mermaid("ballot")


@pytest.mark.parametrize("kind", ["cycle", "record"])
def test_docs_show_the_current_diagrams(kind: str) -> None:
    """If this fails, paste ``mermaid(kind)`` between the markers in docs/ethics-rules.md."""
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[3] / "docs" / "ethics-rules.md").read_text(encoding="utf-8")
    block = docs.split(f"<!-- mermaid:{kind} -->")[1].split(f"<!-- /mermaid:{kind} -->")[0]
    assert block.strip() == f"```mermaid\n{mermaid(kind).rstrip()}\n```"


class StringColumnFile(FakeFile):
    """Like the Piccolo adapter: the status column stores plain strings, never enum members."""

    @property  # type: ignore[override]
    def state(self) -> str:
        return self._status

    @state.setter
    def state(self, value: str) -> None:
        self._status = str(value)


def test_the_machine_runs_on_plain_string_states() -> None:
    f = StringColumnFile("open")
    assert fire(CYCLE, f, "submit_self_evaluation")
    assert f.state == "self_evaluated"
    assert type(f.state) is str
    assert CYCLE.get_triggers("publicized") == ["lodge_appeal", "finalize"]
