"""Replaying an ethics year from its log: every file and record must walk its declared process.

Pure: it reads decoded entries (type and payload) of one ``ethics-<year>-unit-<id>`` scope in log
order and checks, for each file-year (``file``) and each daily record (``record``), that it was
opened once, that every later entry's ``from`` is the state the replay reached, and that ``action``
takes ``from`` to ``to`` in the declared table (``ETHICS_CYCLE``, ``ETHICS_RECORD``) — the same
table the server fires. It also re-checks the one guard whose facts are in the entries themselves:
a vetoed file is confirmed 较差. The bundle verifier runs this as its ethics plug-in; tests run it
on the log of a whole simulated year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workflow.ethics.machine import ETHICS_CYCLE, ETHICS_RECORD
from workflow.ethics.policy import Grade
from workflow.ledger.events import EventType
from workflow.process import ProcessDefinition

_FILE_OPENED = EventType.ETHICS_FILE_OPENED.value
_RECORD_SUBMITTED = EventType.ETHICS_RECORD_SUBMITTED.value
_UNIT_EVALUATED = EventType.ETHICS_UNIT_EVALUATED.value


def _moves(definition: ProcessDefinition) -> frozenset[tuple[str, str, str]]:
    """(trigger, source, dest) for every declared transition."""
    found: set[tuple[str, str, str]] = set()
    for t in definition.transitions:
        sources = t["source"] if isinstance(t["source"], list | tuple) else [t["source"]]
        found.update((str(t["trigger"]), str(s), str(t["dest"])) for s in sources)
    return frozenset(found)


CYCLE_MOVES = _moves(ETHICS_CYCLE)
RECORD_MOVES = _moves(ETHICS_RECORD)


_DEFINITIONS = {"file": (ETHICS_CYCLE, CYCLE_MOVES), "record": (ETHICS_RECORD, RECORD_MOVES)}


@dataclass
class Replay:
    files: dict[int, str] = field(default_factory=dict)
    records: dict[int, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    transitions: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def _states(self, what: str) -> dict[int, str]:
        return self.files if what == "file" else self.records

    def open(self, what: str, key: Any, index: int) -> None:
        states = self._states(what)
        if not isinstance(key, int):
            self.problems.append(f"entry {index}: {what} opened without an id")
        elif key in states:
            self.problems.append(f"entry {index}: {what} {key} opened twice")
        else:
            states[key] = _DEFINITIONS[what][0].initial.value

    def move(self, what: str, payload: Mapping[str, Any], index: int) -> None:
        key = payload[what]
        current = self._states(what).get(key)
        action, source, dest = payload.get("action"), payload.get("from"), payload.get("to")
        if current is None:
            self.problems.append(f"entry {index}: {what} {key} acts before it was opened")
            return
        if source != current:
            self.problems.append(f"entry {index}: {what} {key} moves from {source!r} but is {current!r}")
        if (action, source, dest) not in _DEFINITIONS[what][1]:
            self.problems.append(
                f"entry {index}: {what} {key}: {action!r} does not lead from {source!r} to {dest!r}"
            )
            return
        self._states(what)[key] = str(dest)
        self.transitions += 1

    def step(self, index: int, kind: str, payload: Mapping[str, Any]) -> list[str]:
        """Feed one entry; return the problems it adds (the verifier streams a log this way)."""
        before = len(self.problems)
        if kind == _FILE_OPENED:
            self.open("file", payload.get("file"), index)
        elif kind == _RECORD_SUBMITTED:
            self.open("record", payload.get("record"), index)
        elif "action" in payload and "file" in payload:
            self.move("file", payload, index)
            if kind == _UNIT_EVALUATED and payload.get("vetoed") and payload.get("grade") != Grade.POOR:
                self.problems.append(
                    f"entry {index}: file {payload['file']} is vetoed but confirmed {payload.get('grade')}"
                )
        elif "action" in payload and "record" in payload:
            self.move("record", payload, index)
        return self.problems[before:]


def replay(entries: Iterable[tuple[int, str, Mapping[str, Any]]]) -> Replay:
    """Replay ``(index, type, payload)`` entries; collect every problem instead of stopping."""
    result = Replay()
    for index, kind, payload in entries:
        result.step(index, kind, payload)
    return result
