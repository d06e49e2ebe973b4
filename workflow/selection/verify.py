"""Placeholder; replaced below."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from workflow.ledger.entry import Entry


@dataclass
class Report:
    ok: bool = True
    final_result_hash: str | None = None
    problems: list[str] = field(default_factory=list)

    def failures(self) -> list[str]:
        return self.problems


def verify_campaign(entries: Sequence[Entry]) -> Report:
    last = [e for e in entries if e.type == "selection:result:computed"]
    return Report(final_result_hash=last[-1].payload["result_hash"] if last else None)
