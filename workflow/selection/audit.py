"""The selection's checks (:mod:`workflow.selection.verify`) as plug-ins of the ledger verifier.

Importing this module registers one domain check per selection check id for bundles of campaign
logs; ``yide verify`` imports it (``workflow.ledger.checks.PLUGIN_MODULES``). All of a bundle's
selection checks share one :class:`~workflow.selection.verify.CampaignReplay`, fed each entry once,
and each reports the findings of its own id.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from workflow.ledger.checks import BundleInfo, DomainCheck, Failure, register
from workflow.ledger.entry import Entry
from workflow.selection.verify import CHECKS, CampaignReplay, Finding

SCOPE_KINDS = frozenset({"campaign"})


class _Shared:
    """One replay per bundle; the first check fed an entry replays it, the others read the result."""

    def __init__(self) -> None:
        self.replay = CampaignReplay()
        self.last_index: int | None = None
        self.last: list[Finding] = []
        self.finished: list[Finding] | None = None

    def feed(self, entry: Entry) -> list[Finding]:
        if entry.index != self.last_index:
            self.last_index = entry.index
            self.last = self.replay.feed(entry)
        return self.last

    def finish(self) -> list[Finding]:
        if self.finished is None:
            self.finished = self.replay.finish()
        return self.finished


_SHARED: dict[int, tuple[weakref.ref[BundleInfo], _Shared]] = {}
"""Replays by the identity of the verifier's BundleInfo (two bundles may have equal infos)."""


class _View:
    def __init__(self, check_id: str, shared: _Shared) -> None:
        self.check_id = check_id
        self.shared = shared

    def feed(self, entry: Entry) -> Iterable[Failure]:
        return [Failure(f.message, f.index) for f in self.shared.feed(entry) if f.check == self.check_id]

    def finish(self) -> Iterable[Failure]:
        return [Failure(f.message, f.index) for f in self.shared.finish() if f.check == self.check_id]


def _factory(check_id: str):  # type: ignore[no-untyped-def]
    def make(info: BundleInfo) -> _View:
        known = _SHARED.get(id(info))
        if known is None or known[0]() is not info:
            for key in [k for k, (ref, _) in _SHARED.items() if ref() is None]:
                del _SHARED[key]
            known = _SHARED[id(info)] = (weakref.ref(info), _Shared())
        return _View(check_id, known[1])

    return make


CHECKS_REGISTERED = [
    register(DomainCheck(check_id, title, _factory(check_id), SCOPE_KINDS)) for check_id, title in CHECKS
]
