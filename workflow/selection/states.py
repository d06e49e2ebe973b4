"""The selection's processes as declared tables: states, triggers, guards, high-impact actions.

These tables are the single source of truth for what may happen next. :mod:`machine` declares
them as :class:`workflow.process.ProcessDefinition` s (the runtime machines and the diagrams in
``docs/machines.md`` both come from there), and the service reads :data:`HIGH_IMPACT` to ask for
N-of-M approvals before firing such a trigger.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final


class CampaignState(StrEnum):
    draft = "draft"
    nomination_open = "nomination_open"
    nomination_closed = "nomination_closed"
    under_review = "under_review"
    shortlist_frozen = "shortlist_frozen"
    voting_open = "voting_open"
    voting_paused = "voting_paused"
    voting_closed = "voting_closed"
    sealed = "sealed"
    tallied = "tallied"
    publicized = "publicized"
    """公示: the result is publicly noticed and objections may be lodged."""
    objection_review = "objection_review"
    announced = "announced"
    archived = "archived"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        """The state as the public pages and badges name it."""
        return _CAMPAIGN_LABELS[self]


_CAMPAIGN_LABELS: Final = {
    CampaignState.draft: "草稿",
    CampaignState.nomination_open: "推荐进行中",
    CampaignState.nomination_closed: "推荐已截止",
    CampaignState.under_review: "资格审查中",
    CampaignState.shortlist_frozen: "候选人已确定",
    CampaignState.voting_open: "投票进行中",
    CampaignState.voting_paused: "投票暂停",
    CampaignState.voting_closed: "投票已结束",
    CampaignState.sealed: "选票已封存",
    CampaignState.tallied: "计票完成",
    CampaignState.publicized: "公示中",
    CampaignState.objection_review: "公示中（异议处理）",
    CampaignState.announced: "结果已公布",
    CampaignState.archived: "已归档",
    CampaignState.cancelled: "已取消",
}


class CampaignTrigger(StrEnum):
    open_nominations = "open_nominations"
    close_nominations = "close_nominations"
    start_review = "start_review"
    freeze_shortlist = "freeze_shortlist"
    open_voting = "open_voting"
    pause_voting = "pause_voting"
    resume_voting = "resume_voting"
    close_voting = "close_voting"
    seal = "seal"
    tally = "tally"
    publish_result = "publish_result"
    review_objections = "review_objections"
    recount = "recount"
    resolve_objections = "resolve_objections"
    announce = "announce"
    archive = "archive"
    cancel = "cancel"


_S, _T = CampaignState, CampaignTrigger

CANCELLABLE: tuple[CampaignState, ...] = tuple(
    s for s in CampaignState if s not in (_S.announced, _S.archived, _S.cancelled)
)
"""Cancel is possible from any state before the announcement."""

RULES_FROZEN: frozenset[CampaignState] = frozenset(
    {
        _S.voting_open,
        _S.voting_paused,
        _S.voting_closed,
        _S.sealed,
        _S.tallied,
        _S.publicized,
        _S.objection_review,
        _S.announced,
        _S.archived,
    }
)
"""States in which the campaign rules may no longer change (from the opening of the vote on)."""

BALLOTS_ACCEPTED: frozenset[CampaignState] = frozenset({_S.voting_open})

CAMPAIGN_TRANSITIONS: list[dict[str, Any]] = [
    {
        "trigger": _T.open_nominations,
        "source": _S.draft,
        "dest": _S.nomination_open,
        "conditions": ["rules_valid"],
    },
    {"trigger": _T.close_nominations, "source": _S.nomination_open, "dest": _S.nomination_closed},
    {
        "trigger": _T.start_review,
        "source": _S.nomination_closed,
        "dest": _S.under_review,
        "conditions": ["has_nominations"],
    },
    {
        "trigger": _T.freeze_shortlist,
        "source": _S.under_review,
        "dest": _S.shortlist_frozen,
        "conditions": ["reviews_complete", "shortlist_complete", "approvals_met"],
    },
    {
        "trigger": _T.open_voting,
        "source": _S.shortlist_frozen,
        "dest": _S.voting_open,
        "conditions": ["rules_valid", "census_ready", "approvals_met"],
    },
    {"trigger": _T.pause_voting, "source": _S.voting_open, "dest": _S.voting_paused},
    {
        "trigger": _T.resume_voting,
        "source": _S.voting_paused,
        "dest": _S.voting_open,
        "conditions": ["before_deadline"],
    },
    {
        "trigger": _T.close_voting,
        "source": [_S.voting_open, _S.voting_paused],
        "dest": _S.voting_closed,
        "conditions": ["approvals_met"],
    },
    {"trigger": _T.seal, "source": _S.voting_closed, "dest": _S.sealed, "conditions": ["approvals_met"]},
    {"trigger": _T.tally, "source": _S.sealed, "dest": _S.tallied, "conditions": ["expert_scores_complete"]},
    {
        "trigger": _T.publish_result,
        "source": _S.tallied,
        "dest": _S.publicized,
        "conditions": ["approvals_met"],
    },
    {
        "trigger": _T.review_objections,
        "source": _S.publicized,
        "dest": _S.objection_review,
        "conditions": ["has_pending_objections"],
    },
    {
        "trigger": _T.recount,
        "source": _S.objection_review,
        "dest": _S.objection_review,
        "conditions": ["has_new_disqualification"],
    },
    {
        "trigger": _T.resolve_objections,
        "source": _S.objection_review,
        "dest": _S.publicized,
        "conditions": ["objections_resolved", "approvals_met"],
    },
    {
        "trigger": _T.announce,
        "source": _S.publicized,
        "dest": _S.announced,
        "conditions": ["publicity_over", "objections_resolved", "approvals_met"],
    },
    {"trigger": _T.archive, "source": _S.announced, "dest": _S.archived},
    {"trigger": _T.cancel, "source": list(CANCELLABLE), "dest": _S.cancelled},
]

HIGH_IMPACT: frozenset[CampaignTrigger] = frozenset(
    {
        _T.freeze_shortlist,
        _T.open_voting,
        _T.close_voting,
        _T.seal,
        _T.publish_result,
        _T.resolve_objections,
        _T.announce,
    }
)
"""Triggers the service may put behind N-of-M approvals by distinct accounts; each carries the
``approvals_met`` guard so the machine itself refuses them without the approvals."""


class NominationState(StrEnum):
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    recommended = "recommended"
    shortlisted = "shortlisted"
    withdrawn = "withdrawn"
    disqualified = "disqualified"


class NominationTrigger(StrEnum):
    approve = "approve"
    reject = "reject"
    recommend = "recommend"
    unrecommend = "unrecommend"
    shortlist = "shortlist"
    withdraw = "withdraw"
    disqualify = "disqualify"


_N, _NT = NominationState, NominationTrigger

NOMINATION_TRANSITIONS: list[dict[str, Any]] = [
    {
        "trigger": _NT.approve,
        "source": _N.submitted,
        "dest": _N.approved,
        "conditions": ["eligible", "reviewed"],
    },
    {"trigger": _NT.reject, "source": _N.submitted, "dest": _N.rejected, "conditions": ["has_reason"]},
    {"trigger": _NT.recommend, "source": _N.approved, "dest": _N.recommended},
    {"trigger": _NT.unrecommend, "source": _N.recommended, "dest": _N.approved},
    {"trigger": _NT.shortlist, "source": _N.recommended, "dest": _N.shortlisted},
    {"trigger": _NT.withdraw, "source": [_N.submitted, _N.approved, _N.recommended], "dest": _N.withdrawn},
    {
        "trigger": _NT.disqualify,
        "source": _N.shortlisted,
        "dest": _N.disqualified,
        "conditions": ["has_reason"],
    },
]


class ObjectionState(StrEnum):
    lodged = "lodged"
    under_review = "under_review"
    upheld = "upheld"
    dismissed = "dismissed"


class ObjectionTrigger(StrEnum):
    start_review = "start_review"
    uphold = "uphold"
    dismiss = "dismiss"


_O, _OT = ObjectionState, ObjectionTrigger

OBJECTION_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": _OT.start_review, "source": _O.lodged, "dest": _O.under_review},
    {
        "trigger": _OT.uphold,
        "source": _O.under_review,
        "dest": _O.upheld,
        "conditions": ["has_reason", "approvals_met"],
    },
    {
        "trigger": _OT.dismiss,
        "source": _O.under_review,
        "dest": _O.dismissed,
        "conditions": ["has_reason", "approvals_met"],
    },
]

OBJECTION_HIGH_IMPACT: frozenset[ObjectionTrigger] = frozenset({_OT.uphold, _OT.dismiss})
"""Resolving an objection is high impact (N-of-M), whichever way it goes."""


class ApprovalState(StrEnum):
    open = "open"
    executed = "executed"
    withdrawn = "withdrawn"
    lapsed = "lapsed"
    """The subject changed (or the request expired) before enough approvals arrived."""


class ApprovalTrigger(StrEnum):
    execute = "execute"
    withdraw = "withdraw"
    lapse = "lapse"


_A, _AT = ApprovalState, ApprovalTrigger

APPROVAL_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": _AT.execute, "source": _A.open, "dest": _A.executed, "conditions": ["approvals_met"]},
    {"trigger": _AT.withdraw, "source": _A.open, "dest": _A.withdrawn},
    {"trigger": _AT.lapse, "source": _A.open, "dest": _A.lapsed},
]
"""An N-of-M approval request for one high-impact action on one campaign or objection."""
