"""The selection's processes on the project's workflow pattern (:mod:`workflow.process`).

Four declared processes, built from the tables in :mod:`states`: the campaign, each nomination,
each objection and each N-of-M approval request. The service loads the facts a trigger's guards
read into the typed dataclasses below, fires through :func:`workflow.stateful.fire` (state, version
and ledger entry in one transaction), and the docs draw all four from the same declarations
(``python -m workflow.diagrams``).
"""

from __future__ import annotations

from dataclasses import dataclass

from transitions import EventData

from workflow.process import Process, ProcessDefinition
from workflow.selection.states import (
    APPROVAL_TRANSITIONS,
    CAMPAIGN_TRANSITIONS,
    HIGH_IMPACT,
    NOMINATION_TRANSITIONS,
    OBJECTION_HIGH_IMPACT,
    OBJECTION_TRANSITIONS,
    ApprovalState,
    CampaignState,
    NominationState,
    ObjectionState,
)

CAMPAIGN = ProcessDefinition(
    name="selection-campaign",
    title="Selection campaign (最美医生评选)",
    states=CampaignState,
    initial=CampaignState.draft,
    transitions=CAMPAIGN_TRANSITIONS,
    high_impact=frozenset(str(t) for t in HIGH_IMPACT),
)

NOMINATION = ProcessDefinition(
    name="selection-nomination",
    title="Nomination (单位推荐)",
    states=NominationState,
    initial=NominationState.submitted,
    transitions=NOMINATION_TRANSITIONS,
)

OBJECTION = ProcessDefinition(
    name="selection-objection",
    title="Objection during 公示 (异议)",
    states=ObjectionState,
    initial=ObjectionState.lodged,
    transitions=OBJECTION_TRANSITIONS,
    high_impact=frozenset(str(t) for t in OBJECTION_HIGH_IMPACT),
)

APPROVAL = ProcessDefinition(
    name="selection-approval",
    title="N-of-M approval request (多人审批)",
    states=ApprovalState,
    initial=ApprovalState.open,
    transitions=APPROVAL_TRANSITIONS,
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
    approvals_have: int = 0
    approvals_need: int = 0
    before_deadline: bool = True
    expert_scores_complete: bool = False
    pending_objections: int = 0
    new_disqualification: bool = False
    publicity_over: bool = False


class CampaignProcess(Process):
    definition = CAMPAIGN
    facts: CampaignGuardFacts

    def rules_valid(self, _: EventData | None) -> bool:
        """The rules pass ``validate_rules``: nothing opens on inconsistent rules."""
        return self.facts.rules_valid or self.reject("the campaign rules have problems; fix them first")

    def has_nominations(self, _: EventData | None) -> bool:
        """Review needs at least one nomination to look at."""
        return self.facts.nominations > 0 or self.reject("no unit has nominated anyone")

    def reviews_complete(self, _: EventData | None) -> bool:
        """No nomination is still waiting for a reviewer's approve/reject."""
        waiting = self.facts.pending_reviews
        return not waiting or self.reject(f"{waiting} nomination(s) still await review")

    def shortlist_complete(self, _: EventData | None) -> bool:
        """Between one and the configured number of candidates are shortlisted."""
        have, size = self.facts.shortlisted, self.facts.shortlist_size
        return 0 < have <= size or self.reject(f"{have} candidate(s) shortlisted; the rules allow 1..{size}")

    def census_ready(self, _: EventData | None) -> bool:
        """The public credential list is published, so ballots have keys to verify against."""
        return self.facts.census_size > 0 or self.reject("no voter credentials are published yet")

    def approvals_met(self, _: EventData | None) -> bool:
        """The N-of-M approvals by distinct accounts for this high-impact action are collected."""
        facts = self.facts
        return facts.approvals_met or self.reject(
            f"needs {facts.approvals_need} approval(s) by distinct accounts, has {facts.approvals_have}"
        )

    def before_deadline(self, _: EventData | None) -> bool:
        """Resuming after the scheduled close would reopen a finished vote."""
        return self.facts.before_deadline or self.reject("the scheduled end of voting has passed")

    def expert_scores_complete(self, _: EventData | None) -> bool:
        """Every shortlisted candidate has the expert sheets the rules need."""
        return self.facts.expert_scores_complete or self.reject("some candidates have no expert scores")

    def has_pending_objections(self, _: EventData | None) -> bool:
        """Objection review starts only when an admissible objection is waiting."""
        return self.facts.pending_objections > 0 or self.reject("no objection is waiting")

    def has_new_disqualification(self, _: EventData | None) -> bool:
        """A recount is due because an upheld objection disqualified a candidate."""
        return self.facts.new_disqualification or self.reject("no candidate was disqualified since the count")

    def objections_resolved(self, _: EventData | None) -> bool:
        """No objection is lodged or under review."""
        waiting = self.facts.pending_objections
        return not waiting or self.reject(f"{waiting} objection(s) are not resolved")

    def publicity_over(self, _: EventData | None) -> bool:
        """The 公示 window (working days on the holiday calendar) has ended."""
        return self.facts.publicity_over or self.reject("the 公示 window has not ended")


@dataclass(frozen=True)
class NominationGuardFacts:
    blocking_checks: int = 0
    """Rule checks that failed or lack a fact (``NominationCheck.failures``)."""
    unconfirmed_declarations: int = 0
    """Declared facts the reviewer has not yet confirmed."""
    reason: str = ""


class NominationProcess(Process):
    definition = NOMINATION
    facts: NominationGuardFacts

    def eligible(self, _: EventData | None) -> bool:
        """No eligibility or quota rule fails or lacks its fact."""
        failing = self.facts.blocking_checks
        return not failing or self.reject(f"{failing} eligibility rule(s) fail")

    def reviewed(self, _: EventData | None) -> bool:
        """Every declared fact has been confirmed by the reviewer."""
        return self.facts.unconfirmed_declarations == 0 or self.reject(
            "confirm the declared facts (confirm_declarations) before approving"
        )

    def has_reason(self, _: EventData | None) -> bool:
        """Rejections and disqualifications are logged with a written reason."""
        return bool(self.facts.reason.strip()) or self.reject("a written reason is required")


@dataclass(frozen=True)
class ObjectionGuardFacts:
    reason: str = ""
    approvals_met: bool = False


class ObjectionProcess(Process):
    definition = OBJECTION
    facts: ObjectionGuardFacts

    def has_reason(self, _: EventData | None) -> bool:
        """The objector gets a written reply, so every resolution carries one."""
        return bool(self.facts.reason.strip()) or self.reject("a written reason is required")

    def approvals_met(self, _: EventData | None) -> bool:
        """Resolutions are N-of-M decisions of the committee."""
        return self.facts.approvals_met or self.reject("the resolution lacks its approvals")


@dataclass(frozen=True)
class ApprovalGuardFacts:
    have: int = 0
    need: int = 1


class ApprovalProcess(Process):
    definition = APPROVAL
    facts: ApprovalGuardFacts

    def approvals_met(self, _: EventData | None) -> bool:
        """Enough distinct panel members approved (the initiator counts only if configured)."""
        return self.facts.have >= self.facts.need or self.reject(
            f"needs {self.facts.need} approval(s), has {self.facts.have}"
        )
