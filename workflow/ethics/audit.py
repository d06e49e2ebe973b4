"""The ethics check of ``yide verify``: replay every file-year and record of an ethics log.

Registered with the verifier at import (``workflow.ledger.checks.PLUGIN_MODULES`` lists this module).
For every bundle of an ``ethics-<year>-unit-<id>`` scope, F1 feeds each entry to :class:`Replay` in
log order: every file and record is opened once, moves only along the declared ``ethics-cycle`` /
``ethics-record`` tables from the state it is in, and a vetoed file is confirmed 较差. An auditor
who trusts nobody re-derives every state of the year from the bundle alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from workflow.ethics.replay import Replay
from workflow.ledger.checks import BundleInfo, DomainCheck, Failure, register
from workflow.ledger.entry import Entry


class _YearReplay:
    def __init__(self, _: BundleInfo) -> None:
        self.replay = Replay()

    def feed(self, entry: Entry) -> Iterable[Failure]:
        return [
            Failure(problem, entry.index)
            for problem in self.replay.step(entry.index, entry.type, entry.payload)
        ]

    def finish(self) -> Iterable[Failure]:
        return ()


F1 = register(
    DomainCheck(
        id="F1",
        title="ethics processes: every file and record walks the declared tables; vetoed files are 较差",
        factory=_YearReplay,
        scope_kinds=frozenset({"ethics"}),
    )
)
