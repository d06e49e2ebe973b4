"""The verifier's checks: the numbered generic ones, and the registry workflows add domain checks to.

Generic checks hold for every yide log and are numbered after the anchor checklist
(``reference/voting-anchors.md`` §6.7) as they apply to a log that knows nothing of ballots:

====== =====================================================================================
E4     the bundle is intact and self-contained (manifest sizes and SHA-256 of every file)
A1.1   every entry is the canonical RFC 8785 encoding of a yide/ledger/entry/v1 of this scope
A1.2   every entry has a registered event type and an actor
A2     entry *i* has index *i*: contiguous from 0, none dropped, reordered or inserted;
       entry 0 opens this scope
A3     every checkpoint is signed by a published log key of this origin; signed checkpoints
       cover every entry
A4     every checkpoint is a prefix of this log: one history, no fork
A5.1   witness cosignatures verify with the registered witness keys
A5.2   a checkpoint obtained elsewhere (``--checkpoint``) is consistent with this log
====== =====================================================================================

**Domain checks** (ballot signatures C1, revote policy C4, tally recomputation D2, state-machine
replay…) plug in here. A workflow module defines a :class:`DomainCheck` and calls :func:`register`
at import; listing the module in :data:`PLUGIN_MODULES` makes ``yide verify`` import it. The
verifier then creates one :class:`EntryCheck` per bundle whose scope kind matches and feeds it every
entry (or only the event types it asks for) in index order, *after* the entry passed A1.1; it calls
``finish`` at the end. An entry check keeps whatever state it needs (e.g. the current ballot per
credential) and must keep it bounded by what it checks, not by the log's size, where it can.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from workflow.ledger.entry import Entry
from workflow.ledger.scopes import Visibility

CORE_CHECKS: tuple[tuple[str, str], ...] = (
    ("E4", "bundle intact: manifest lists every file with its size and SHA-256"),
    ("A1.1", "entries canonical: RFC 8785 yide/ledger/entry/v1 of this scope"),
    ("A1.2", "event types registered, actors named"),
    ("A2", "sequence: entry i has index i, from 0, none missing; entry 0 opens the scope"),
    ("A3", "log signatures: every checkpoint signed by a published log key; all entries covered"),
    ("A4", "append-only: every checkpoint's root recomputes from the entries; no fork"),
    ("A5.1", "witness cosignatures verify"),
    ("A5.2", "external checkpoint (--checkpoint) consistent with this log"),
)
CORE_IDS = frozenset(check_id for check_id, _ in CORE_CHECKS)

PLUGIN_MODULES: tuple[str, ...] = ("workflow.ethics.audit", "workflow.selection.audit")
"""Modules that register domain checks when imported, e.g. ``"workflow.selection.audit"``."""


@dataclass(frozen=True)
class Failure:
    """One thing wrong, and the entry (leaf index) it is about when there is one."""

    message: str
    index: int | None = None


@dataclass(frozen=True)
class BundleInfo:
    """What a domain check knows about the log before the first entry."""

    origin: str
    scope: str
    kind: str
    """``campaign``, ``ethics``, ``org``…: see :func:`workflow.ledger.scopes.scope_kind`."""
    visibility: Visibility
    tree_size: int


class EntryCheck(Protocol):
    """A domain check's state for one bundle: fed decoded entries in index order."""

    def feed(self, entry: Entry) -> Iterable[Failure]: ...

    def finish(self) -> Iterable[Failure]: ...


@dataclass(frozen=True)
class DomainCheck:
    id: str
    """Its number in the checklist (``C1``, ``D2``…), printed by ``yide verify``."""
    title: str
    factory: Callable[[BundleInfo], EntryCheck]
    scope_kinds: frozenset[str] = frozenset()
    """Scope kinds it checks; empty means every scope."""
    event_types: frozenset[str] = frozenset()
    """Event types it is fed; empty means every entry."""

    def applies_to(self, info: BundleInfo) -> bool:
        return not self.scope_kinds or info.kind in self.scope_kinds

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


_REGISTRY: dict[str, DomainCheck] = {}


def register(check: DomainCheck) -> DomainCheck:
    """Add a domain check (at import of its module); ids are unique and never a generic check's."""
    if check.id in CORE_IDS or (check.id in _REGISTRY and _REGISTRY[check.id] is not check):
        raise ValueError(f"verifier check id {check.id!r} is taken")
    _REGISTRY[check.id] = check
    return check


def unregister(check_id: str) -> None:
    _REGISTRY.pop(check_id, None)


def load_plugins() -> None:
    for module in PLUGIN_MODULES:
        importlib.import_module(module)


def checks_for(info: BundleInfo) -> list[DomainCheck]:
    """The registered domain checks that apply to this bundle, in id order."""
    load_plugins()
    return sorted((c for c in _REGISTRY.values() if c.applies_to(info)), key=lambda c: c.id)


class _PerEntry:
    def __init__(self, judge: Callable[[Entry], Iterable[str]]) -> None:
        self._judge = judge

    def feed(self, entry: Entry) -> Iterable[Failure]:
        return [Failure(message, entry.index) for message in self._judge(entry)]

    def finish(self) -> Iterable[Failure]:
        return ()


def per_entry(
    check_id: str,
    title: str,
    judge: Callable[[Entry], Iterable[str]],
    *,
    scope_kinds: Iterable[str] = (),
    event_types: Iterable[str] = (),
) -> DomainCheck:
    """A stateless domain check from a function that lists what is wrong with one entry."""
    return DomainCheck(
        check_id, title, lambda _: _PerEntry(judge), frozenset(scope_kinds), frozenset(event_types)
    )
