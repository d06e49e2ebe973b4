"""Runtime machines built once from the tables in :mod:`states`, and the per-row process adapters.

The pattern from stack-notes §2.3: one ``transitions.Machine`` per process kind with
``model=None``; the service wraps a row's status in a small adapter together with the facts it
loaded beforehand, fires a trigger, and commits the new state with the queued
:class:`TransitionRecord` entries in one transaction. Guards are the adapter's methods named in
the tables; each reads only loaded facts, so the machines stay pure and testable without a
database.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

import msgspec
from transitions import EventData, Machine, MachineError
from transitions.extensions import GraphMachine

from workflow.errors import GuardRejected, IllegalTransition
from workflow.selection.states import (
    CAMPAIGN_TRANSITIONS,
    HIGH_IMPACT,
    NOMINATION_TRANSITIONS,
    OBJECTION_HIGH_IMPACT,
    OBJECTION_TRANSITIONS,
    CampaignState,
    NominationState,
    ObjectionState,
)

logging.getLogger("transitions").setLevel(logging.WARNING)


class TransitionRecord(msgspec.Struct, frozen=True):
    """One completed transition, queued for the service to write as a ledger entry."""

    process: str
    trigger: str
    source: str
    dest: str
    actor: str
    note: str
    high_impact: bool


def _machine(states: type[StrEnum], transitions: list[dict[str, Any]], initial: StrEnum) -> Machine:
    return Machine(
        model=None,
        states=states,
        transitions=transitions,
        initial=initial,
        auto_transitions=False,
        send_event=True,
        after_state_change="_record",
    )


class _Process:
    """Shared adapter logic: the machine reads and writes ``state``; ``fire`` maps failures to errors."""

    machine: ClassVar[Machine]
    kind: ClassVar[str]
    states: ClassVar[type[StrEnum]]
    high_impact: ClassVar[frozenset[str]]

    def __init__(self, state: str) -> None:
        self._state = str(self.states(state))
        self.pending: list[TransitionRecord] = []

    @property
    def state(self) -> str:
        return self._state

    @state.setter
    def state(self, value: StrEnum | str) -> None:
        self._state = str(value)

    def available(self) -> list[str]:
        """Triggers the table allows from the current state, guards not yet considered."""
        return sorted(str(t) for t in self.machine.get_triggers(self._state))

    def fire(self, trigger: str, *, actor: str, note: str = "") -> TransitionRecord:
        """Fire ``trigger`` or raise IllegalTransition (not from here) / GuardRejected (a guard said no)."""
        event = self.machine.events.get(trigger)
        if event is None or trigger not in self.machine.get_triggers(self._state):
            raise IllegalTransition(
                f"{trigger!r} is not possible from {self._state!r}",
                state=self._state,
                allowed=self.available(),
            )
        try:
            fired = event.trigger(self, actor=actor, note=note)
        except MachineError as error:  # pragma: no cover - guarded by the check above
            raise IllegalTransition(str(error), state=self._state, allowed=self.available()) from error
        if not fired:
            failing = self.failing_guards(trigger)
            raise GuardRejected(
                f"{trigger!r} blocked by {', '.join(failing)}", trigger=trigger, guards=failing
            )
        return self.pending[-1]

    def failing_guards(self, trigger: str) -> list[str]:
        """Names of the guards of ``trigger`` from the current state that do not hold now."""
        names: list[str] = []
        for transition in self.machine.events[trigger].transitions.get(self._state, []):
            for condition in transition.conditions:
                name = str(condition.func)  # our tables name guards by method name only
                if not getattr(self, name)(None):
                    names.append(name)
        return names

    def _record(self, event: EventData) -> None:
        trigger, transition = str(event.event.name), event.transition
        assert transition is not None  # after_state_change runs only for a completed transition
        self.pending.append(
            TransitionRecord(
                process=self.kind,
                trigger=trigger,
                source=str(transition.source),
                dest=str(transition.dest),
                actor=str(event.kwargs.get("actor", "")),
                note=str(event.kwargs.get("note", "")),
                high_impact=trigger in self.high_impact,
            )
        )


@dataclass(frozen=True)
class CampaignGuardFacts:
    """What the campaign guards read; the service loads only what the trigger at hand needs."""

    rules_valid: bool = False
    nominations: int = 0
    pending_reviews: int = 0
    shortlisted: int = 0
    shortlist_size: int = 0
    census_size: int = 0
    approvals_met: bool = False
    before_deadline: bool = True
    expert_scores_complete: bool = False
    pending_objections: int = 0
    new_disqualification: bool = False
    publicity_over: bool = False


class CampaignProcess(_Process):
    machine: ClassVar[Machine] = _machine(CampaignState, CAMPAIGN_TRANSITIONS, CampaignState.draft)
    kind: ClassVar[str] = "campaign"
    states: ClassVar[type[StrEnum]] = CampaignState
    high_impact: ClassVar[frozenset[str]] = frozenset(HIGH_IMPACT)

    def __init__(self, state: str, facts: CampaignGuardFacts) -> None:
        super().__init__(state)
        self.facts = facts

    def rules_valid(self, _: EventData | None) -> bool:
        """The rules pass ``validate_rules``: nothing opens on inconsistent rules."""
        return self.facts.rules_valid

    def has_nominations(self, _: EventData | None) -> bool:
        """Review needs at least one nomination to look at."""
        return self.facts.nominations > 0

    def reviews_complete(self, _: EventData | None) -> bool:
        """No nomination is still waiting for a reviewer's approve/reject."""
        return self.facts.pending_reviews == 0

    def shortlist_complete(self, _: EventData | None) -> bool:
        """Exactly the configured number of candidates is shortlisted (fewer only if fewer qualified)."""
        return 0 < self.facts.shortlisted <= self.facts.shortlist_size

    def census_ready(self, _: EventData | None) -> bool:
        """The public credential list is published, so ballots have keys to verify against."""
        return self.facts.census_size > 0

    def approvals_met(self, _: EventData | None) -> bool:
        """The N-of-M approvals by distinct accounts for this high-impact action are collected."""
        return self.facts.approvals_met

    def before_deadline(self, _: EventData | None) -> bool:
        """Resuming after the scheduled close would reopen a finished vote."""
        return self.facts.before_deadline

    def expert_scores_complete(self, _: EventData | None) -> bool:
        """Every shortlisted candidate has the expert sheets the rules need."""
        return self.facts.expert_scores_complete

    def has_pending_objections(self, _: EventData | None) -> bool:
        """Objection review starts only when an admissible objection is waiting."""
        return self.facts.pending_objections > 0

    def has_new_disqualification(self, _: EventData | None) -> bool:
        """A recount is due because an upheld objection disqualified a candidate."""
        return self.facts.new_disqualification

    def objections_resolved(self, _: EventData | None) -> bool:
        """No objection is lodged or under review."""
        return self.facts.pending_objections == 0

    def publicity_over(self, _: EventData | None) -> bool:
        """The 公示 window (working days on the holiday calendar) has ended."""
        return self.facts.publicity_over


@dataclass(frozen=True)
class NominationGuardFacts:
    blocking_checks: int = 0
    """Rule checks that failed or lack a fact (``NominationCheck.failures``)."""
    unconfirmed_declarations: int = 0
    """Declared facts the reviewer has not yet confirmed."""
    reason: str = ""


class NominationProcess(_Process):
    machine: ClassVar[Machine] = _machine(NominationState, NOMINATION_TRANSITIONS, NominationState.submitted)
    kind: ClassVar[str] = "nomination"
    states: ClassVar[type[StrEnum]] = NominationState
    high_impact: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, state: str, facts: NominationGuardFacts) -> None:
        super().__init__(state)
        self.facts = facts

    def eligible(self, _: EventData | None) -> bool:
        """No eligibility or quota rule fails or lacks its fact."""
        return self.facts.blocking_checks == 0

    def reviewed(self, _: EventData | None) -> bool:
        """Every declared fact has been confirmed by the reviewer."""
        return self.facts.unconfirmed_declarations == 0

    def has_reason(self, _: EventData | None) -> bool:
        """Rejections and disqualifications are logged with a written reason."""
        return bool(self.facts.reason.strip())


@dataclass(frozen=True)
class ObjectionGuardFacts:
    reason: str = ""
    approvals_met: bool = False


class ObjectionProcess(_Process):
    machine: ClassVar[Machine] = _machine(ObjectionState, OBJECTION_TRANSITIONS, ObjectionState.lodged)
    kind: ClassVar[str] = "objection"
    states: ClassVar[type[StrEnum]] = ObjectionState
    high_impact: ClassVar[frozenset[str]] = frozenset(OBJECTION_HIGH_IMPACT)

    def __init__(self, state: str, facts: ObjectionGuardFacts) -> None:
        super().__init__(state)
        self.facts = facts

    def has_reason(self, _: EventData | None) -> bool:
        """The objector gets a written reply, so every resolution carries one."""
        return bool(self.facts.reason.strip())

    def approvals_met(self, _: EventData | None) -> bool:
        """Resolutions are N-of-M decisions of the committee."""
        return self.facts.approvals_met


_TABLES: dict[str, tuple[type[StrEnum], list[dict[str, Any]], StrEnum]] = {
    "campaign": (CampaignState, CAMPAIGN_TRANSITIONS, CampaignState.draft),
    "nomination": (NominationState, NOMINATION_TRANSITIONS, NominationState.submitted),
    "objection": (ObjectionState, OBJECTION_TRANSITIONS, ObjectionState.lodged),
}


@dataclass
class _DiagramModel:
    state: str = field(default="")


def mermaid(kind: str) -> str:
    """The Mermaid ``stateDiagram-v2`` of one process, drawn from the same table as the machine."""
    states, transitions, initial = _TABLES[kind]
    graph = GraphMachine(
        model=None,
        states=states,
        transitions=transitions,
        initial=initial,
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
        title=f"yide selection: {kind}",
    )
    model = _DiagramModel()
    graph.add_model(model)
    return str(model.get_graph().draw(None))  # type: ignore[attr-defined]


def process_kinds() -> Sequence[str]:
    return tuple(_TABLES)
