"""N-of-M approvals by distinct accounts (Sequent's protected actions), as pure counting.

The panel M is a list of accounts (empty: every organizer and reviewer); N approvals are needed. The
initiator's own approval counts only when the campaign says so. A request is tied to the version of
its subject: once the campaign (or objection) changes, the request lapses and approvals start over,
so nobody's approval is applied to something they did not see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ApprovalPolicy:
    required: int = 1
    panel: frozenset[int] = frozenset()
    """Account ids; empty means every account with the organizer or reviewer role."""
    initiator_counts: bool = True
    hours: int = 72

    @property
    def trivial(self) -> bool:
        """One person's action suffices: the caller's own call is the approval."""
        return self.required <= 1 and self.initiator_counts

    def in_panel(self, account: int, committee: frozenset[int]) -> bool:
        return account in (self.panel or committee)


def counted(
    policy: ApprovalPolicy, *, initiator: int, approvers: Iterable[int], committee: frozenset[int]
) -> int:
    """Distinct approvals that count: panel members, the initiator only if the policy says so."""
    return len(
        {
            a
            for a in approvers
            if policy.in_panel(a, committee) and (policy.initiator_counts or a != initiator)
        }
    )
