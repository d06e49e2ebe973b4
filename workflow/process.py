"""The workflow pattern: one declared ``transitions`` machine per process kind.

A :class:`ProcessDefinition` is the single source of truth for what may happen next. It feeds
three consumers: the runtime machine (built once, ``model=None``, no auto transitions), the Mermaid
diagrams in ``docs/machines.md``, and the "allowed now" list an illegal action is answered with.

A :class:`Process` is a throw-away adapter around one row's status for one request. Guards are
methods on the adapter that read facts the service loaded beforehand; the machine itself does no
I/O. The transition the machine performed is recorded on the adapter and the service turns it into
the row update and the ledger entry in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, ClassVar

from transitions import EventData, Machine, MachineError
from transitions.extensions.diagrams import GraphMachine

from workflow.errors import GuardRejected, IllegalTransition, InvalidInput

logging.getLogger("transitions").setLevel(logging.WARNING)

REGISTRY: dict[str, ProcessDefinition] = {}


@dataclass(frozen=True)
class ProcessDefinition:
    """A process kind: its states, its transitions and which actions are high-impact."""

    name: str
    title: str
    states: type[StrEnum]
    initial: StrEnum
    transitions: Sequence[Mapping[str, Any]]
    high_impact: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.name in REGISTRY:
            raise ValueError(f"process {self.name!r} is defined twice")
        unknown = self.high_impact - set(self.triggers)
        if unknown:
            raise ValueError(f"{self.name}: high-impact triggers {sorted(unknown)} are not transitions")
        REGISTRY[self.name] = self

    def _config(self) -> dict[str, Any]:
        # Plain string values, not enum members: transitions would name enum states by member name,
        # while the database, the API and the diagrams all speak in values.
        return {
            "states": [s.value for s in self.states],
            "transitions": [_plain(t) for t in self.transitions],
            "initial": self.initial.value,
            "auto_transitions": False,
            "send_event": True,
        }

    @cached_property
    def machine(self) -> Machine:
        return Machine(model=None, after_state_change="_record_transition", **self._config())

    @property
    def triggers(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.transitions:
            seen[str(t["trigger"])] = None
        return list(seen)

    def allowed(self, state: str) -> list[str]:
        """Actions the declaration allows from ``state`` (guards not evaluated)."""
        return sorted(self.machine.get_triggers(self.states(state).value))

    def mermaid(self) -> str:
        """The state diagram in Mermaid, drawn from the same declaration as the runtime machine."""
        graph = GraphMachine(graph_engine="mermaid", show_conditions=True, title=self.title, **self._config())
        text: str = graph.get_graph().draw(None)
        # Drop the styling lines that mark a "current" state: the doc shows the process, not a row.
        styling = ("classDef", "Class ", "class ")
        kept = [line.rstrip() for line in text.splitlines() if not line.lstrip().startswith(styling)]
        return "\n".join(kept).strip() + "\n"


def _plain(transition: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(transition)
    for key in ("source", "dest"):
        value = result[key]
        if isinstance(value, list | tuple):
            result[key] = [str(v.value if isinstance(v, StrEnum) else v) for v in value]
        elif isinstance(value, StrEnum):
            result[key] = value.value
    return result


@dataclass(frozen=True)
class Fired:
    """What one trigger did."""

    trigger: str
    source: str
    dest: str


class Process:
    """Adapter binding a row's status to its process definition for the duration of one request.

    Subclasses set ``definition`` and implement the guard methods the transitions name; guards may
    only read ``self.facts`` (whatever the service loaded: a typed dataclass is best) and may be
    called with ``None`` instead of the event when the adapter explains a refusal.
    """

    definition: ClassVar[ProcessDefinition]

    def __init__(self, state: str, facts: Any = None) -> None:
        try:
            self._state: StrEnum = self.definition.states(state)
        except ValueError:
            raise InvalidInput(f"{state!r} is not a state of {self.definition.name}") from None
        self.facts: Any = {} if facts is None else facts
        self.fired: list[Fired] = []
        self.rejections: list[str] = []

    @property
    def state(self) -> str:
        """The plain value, which is how the machine names states."""
        return str(self._state.value)

    @state.setter
    def state(self, value: StrEnum | str) -> None:
        self._state = self.definition.states(value)

    @property
    def status(self) -> StrEnum:
        return self._state

    def allowed(self) -> list[str]:
        return self.definition.allowed(self._state)

    def fire(self, trigger: str, **kwargs: Any) -> Fired:
        """Run ``trigger``; raise IllegalTransition or GuardRejected instead of returning False."""
        event = self.definition.machine.events.get(trigger)
        if event is None:
            raise IllegalTransition(
                f"{trigger!r} is not an action of {self.definition.name}",
                state=str(self._state),
                allowed=self.allowed(),
            )
        before = len(self.fired)
        try:
            done = event.trigger(self, **kwargs)
        except MachineError:
            raise IllegalTransition(
                f"{trigger!r} is not allowed while {self.definition.name} is {self._state}",
                state=str(self._state),
                allowed=self.allowed(),
            ) from None
        if not done or len(self.fired) == before:
            failing, reasons = self._failing_guards(trigger)
            reasons = reasons or self.rejections
            raise GuardRejected("; ".join(reasons), state=str(self._state), reasons=reasons, guards=failing)
        return self.fired[-1]

    def _failing_guards(self, trigger: str) -> tuple[list[str], list[str]]:
        """Names of the guards of ``trigger`` that do not hold now, and a reason for each.

        ``transitions`` stops at the first failing condition; re-evaluating them all here lets the
        caller fix every problem at once. A guard that gives no reason of its own is named instead.
        """
        saved = list(self.rejections)
        names: list[str] = []
        reasons: list[str] = []
        for transition in self.definition.machine.events[trigger].transitions.get(self.state, []):
            for condition in transition.conditions:
                if not isinstance(condition.func, str):
                    continue
                self.rejections = []
                if not getattr(self, condition.func)(None):
                    names.append(condition.func)
                    reasons.extend(self.rejections or [f"{trigger!r} needs {condition.func}"])
        self.rejections = saved
        return names, reasons

    def reject(self, reason: str) -> bool:
        """Guards call this to say why they refused; the reason reaches the user."""
        self.rejections.append(reason)
        return False

    def _record_transition(self, event: EventData) -> None:
        transition = event.transition
        assert transition is not None
        self.fired.append(Fired(event.event.name, str(transition.source), str(transition.dest)))
