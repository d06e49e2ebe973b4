"""The workflow pattern, without a database."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import pytest
from transitions import EventData

from workflow.diagrams import render
from workflow.errors import GuardRejected, IllegalTransition, InvalidInput
from workflow.process import Process, ProcessDefinition


class Door(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    LOCKED = "locked"


DOOR = ProcessDefinition(
    name="test-door",
    title="Door",
    states=Door,
    initial=Door.CLOSED,
    transitions=[
        {"trigger": "open", "source": Door.CLOSED, "dest": Door.OPEN, "conditions": "has_handle"},
        {"trigger": "close", "source": Door.OPEN, "dest": Door.CLOSED},
        {"trigger": "lock", "source": [Door.CLOSED], "dest": Door.LOCKED, "conditions": ["is_quiet"]},
    ],
    high_impact=frozenset({"lock"}),
)


class DoorProcess(Process):
    definition = DOOR

    def has_handle(self, event: EventData | None) -> bool:
        return bool(self.facts.get("handle")) or self.reject("the door has no handle")

    def is_quiet(self, event: EventData | None) -> bool:
        return not self.facts.get("noisy")


def test_a_legal_action_moves_the_state_and_is_recorded() -> None:
    door = DoorProcess("closed", {"handle": True})
    fired = door.fire("open")
    assert (fired.trigger, fired.source, fired.dest) == ("open", "closed", "open")
    assert door.state == "open" and door.status is Door.OPEN
    assert door.allowed() == ["close"]


def test_an_illegal_action_names_the_actions_allowed_now() -> None:
    with pytest.raises(IllegalTransition) as caught:
        DoorProcess("locked").fire("open")
    assert caught.value.extra == {"state": "locked", "allowed": []}
    with pytest.raises(IllegalTransition) as unknown:
        DoorProcess("closed").fire("fly")
    assert unknown.value.extra["allowed"] == ["lock", "open"]


def test_a_guard_refusal_carries_its_reason_and_leaves_the_state() -> None:
    door = DoorProcess("closed", {"handle": False})
    with pytest.raises(GuardRejected, match="no handle"):
        door.fire("open")
    assert door.state == "closed" and door.fired == []


def test_a_silent_guard_refusal_names_the_guard() -> None:
    with pytest.raises(GuardRejected) as caught:
        DoorProcess("closed", {"noisy": True}).fire("lock")
    assert caught.value.extra["guards"] == ["is_quiet"]
    assert caught.value.extra["reasons"] == ["'lock' needs is_quiet"]
    assert DoorProcess("closed", {}).fire("lock").dest == "locked"


def test_unknown_state_values_are_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        DoorProcess("ajar")


def test_the_shared_machine_holds_no_rows() -> None:
    for _ in range(3):
        DoorProcess("closed", {"handle": True}).fire("open")
    assert DOOR.machine.models == []


def test_definitions_refuse_unknown_high_impact_triggers_and_duplicates() -> None:
    with pytest.raises(ValueError, match="not transitions"):
        ProcessDefinition(
            name="test-bad",
            title="x",
            states=Door,
            initial=Door.CLOSED,
            transitions=[],
            high_impact=frozenset({"x"}),
        )
    with pytest.raises(ValueError, match="twice"):
        ProcessDefinition(name="test-door", title="x", states=Door, initial=Door.CLOSED, transitions=[])


def test_diagram_is_drawn_from_the_declaration() -> None:
    text = DOOR.mermaid()
    assert "stateDiagram-v2" in text
    assert "closed --> open: open [has_handle]" in text
    assert "Class " not in text


def test_committed_machine_diagrams_are_current() -> None:
    committed = (Path(__file__).parents[2] / "docs" / "machines.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "docs/machines.md is stale: run `python -m workflow.diagrams > docs/machines.md`"
    )
