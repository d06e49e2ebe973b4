import pytest

from workflow.diagrams import render
from workflow.errors import GuardRejected, IllegalTransition, InvalidInput
from workflow.processes import definitions
from workflow.selection.machine import (
    APPROVAL,
    CAMPAIGN,
    NOMINATION,
    OBJECTION,
    ApprovalGuardFacts,
    ApprovalProcess,
    CampaignGuardFacts,
    CampaignProcess,
    NominationGuardFacts,
    NominationProcess,
    ObjectionGuardFacts,
    ObjectionProcess,
)
from workflow.selection.states import (
    CAMPAIGN_TRANSITIONS,
    CANCELLABLE,
    HIGH_IMPACT,
    NOMINATION_TRANSITIONS,
    OBJECTION_TRANSITIONS,
    RULES_FROZEN,
    CampaignState,
    CampaignTrigger,
)

ALL_TRUE = CampaignGuardFacts(
    rules_valid=True,
    nominations=5,
    pending_reviews=0,
    shortlisted=4,
    shortlist_size=4,
    census_size=200,
    approvals_met=True,
    before_deadline=True,
    expert_scores_complete=True,
    pending_objections=0,
    new_disqualification=True,
    publicity_over=True,
)


def _sources(t: dict[str, object]) -> list[str]:
    source = t["source"]
    return [str(s) for s in source] if isinstance(source, list) else [str(source)]


@pytest.mark.parametrize(
    ("trigger", "source", "dest"),
    [(str(t["trigger"]), s, str(t["dest"])) for t in CAMPAIGN_TRANSITIONS for s in _sources(t)],
)
def test_every_declared_campaign_transition_fires(trigger: str, source: str, dest: str) -> None:
    facts = ALL_TRUE
    if trigger == "review_objections":
        facts = CampaignGuardFacts(pending_objections=1)
    process = CampaignProcess(source, facts)
    record = process.fire(trigger)
    assert process.state == dest
    assert (record.trigger, record.source, record.dest) == (trigger, source, dest)
    assert (trigger in CAMPAIGN.high_impact) is (trigger in HIGH_IMPACT)


def test_the_happy_path_reads_like_the_campaign() -> None:
    process = CampaignProcess("draft", ALL_TRUE)
    path = [
        "open_nominations",
        "close_nominations",
        "start_review",
        "freeze_shortlist",
        "open_voting",
        "pause_voting",
        "resume_voting",
        "close_voting",
        "seal",
        "tally",
        "publish_result",
        "announce",
        "archive",
    ]
    for trigger in path:
        process.fire(trigger)
    assert process.state == "archived"
    assert [r.trigger for r in process.fired] == path


def test_illegal_transition_names_the_allowed_ones() -> None:
    with pytest.raises(IllegalTransition) as raised:
        CampaignProcess("draft", ALL_TRUE).fire("seal")
    assert raised.value.extra == {"state": "draft", "allowed": ["cancel", "open_nominations"]}
    with pytest.raises(IllegalTransition):
        CampaignProcess("draft", ALL_TRUE).fire("no_such_trigger")


@pytest.mark.parametrize("trigger", sorted(HIGH_IMPACT))
def test_high_impact_triggers_need_approvals(trigger: CampaignTrigger) -> None:
    transition = next(t for t in CAMPAIGN_TRANSITIONS if t["trigger"] == trigger)
    assert "approvals_met" in transition["conditions"]
    facts = CampaignGuardFacts(
        **{**ALL_TRUE.__dict__, "approvals_met": False, "approvals_have": 1, "approvals_need": 2}
    )
    with pytest.raises(GuardRejected) as raised:
        CampaignProcess(_sources(transition)[0], facts).fire(trigger)
    assert "approvals_met" in raised.value.extra["guards"]
    assert "needs 2 approval(s) by distinct accounts, has 1" in raised.value.extra["reasons"]


def test_the_high_impact_set_is_the_issues_list() -> None:
    expected = "freeze_shortlist open_voting close_voting seal publish_result resolve_objections announce"
    assert {str(t) for t in HIGH_IMPACT} == set(expected.split())


def test_guard_rejection_names_every_failing_guard_with_its_reason() -> None:
    with pytest.raises(GuardRejected) as raised:
        CampaignProcess("publicized", CampaignGuardFacts(pending_objections=2)).fire("announce")
    assert raised.value.extra["guards"] == ["publicity_over", "objections_resolved", "approvals_met"]
    assert raised.value.extra["reasons"][:2] == [
        "the 公示 window has not ended",
        "2 objection(s) are not resolved",
    ]


@pytest.mark.parametrize("state", [str(s) for s in CANCELLABLE])
def test_cancel_from_any_state_before_the_announcement(state: str) -> None:
    process = CampaignProcess(state, CampaignGuardFacts())
    process.fire("cancel")
    assert process.state == "cancelled"


@pytest.mark.parametrize("state", ["announced", "archived", "cancelled"])
def test_no_cancel_after_the_announcement(state: str) -> None:
    with pytest.raises(IllegalTransition):
        CampaignProcess(state, ALL_TRUE).fire("cancel")


def test_recount_is_a_logged_self_transition() -> None:
    process = CampaignProcess("objection_review", CampaignGuardFacts(new_disqualification=True))
    record = process.fire("recount")
    assert (record.source, record.dest, process.state) == ("objection_review",) * 3


def test_rules_frozen_from_voting_on() -> None:
    assert CampaignState.voting_open in RULES_FROZEN
    assert CampaignState.shortlist_frozen not in RULES_FROZEN


def test_unknown_stored_state_is_refused() -> None:
    with pytest.raises(InvalidInput, match="bogus"):
        CampaignProcess("bogus", ALL_TRUE)


def test_nomination_machine() -> None:
    ok = NominationGuardFacts(reason="事迹突出")
    process = NominationProcess("submitted", ok)
    for trigger in ("approve", "recommend", "shortlist", "disqualify"):
        process.fire(trigger)
    assert process.state == "disqualified"
    with pytest.raises(GuardRejected) as raised:
        NominationProcess(
            "submitted", NominationGuardFacts(blocking_checks=1, unconfirmed_declarations=2)
        ).fire("approve")
    assert raised.value.extra["guards"] == ["eligible", "reviewed"]
    with pytest.raises(GuardRejected):
        NominationProcess("submitted", NominationGuardFacts(reason="  ")).fire("reject")
    for state in ("submitted", "approved", "recommended"):
        p = NominationProcess(state, ok)
        p.fire("withdraw")
        assert p.state == "withdrawn"
    with pytest.raises(IllegalTransition):
        NominationProcess("shortlisted", ok).fire("withdraw")


def test_objection_machine() -> None:
    facts = ObjectionGuardFacts(reason="查实", approvals_met=True)
    process = ObjectionProcess("lodged", facts)
    process.fire("start_review")
    record = process.fire("uphold")
    assert process.state == "upheld"
    assert record.trigger in OBJECTION.high_impact
    with pytest.raises(GuardRejected):
        ObjectionProcess("under_review", ObjectionGuardFacts(reason="x")).fire("dismiss")


def test_approval_request_executes_only_with_enough_approvals() -> None:
    with pytest.raises(GuardRejected, match="needs 2 approval"):
        ApprovalProcess("open", ApprovalGuardFacts(have=1, need=2)).fire("execute")
    assert ApprovalProcess("open", ApprovalGuardFacts(have=2, need=2)).fire("execute").dest == "executed"
    for trigger in ("withdraw", "lapse"):
        with pytest.raises(IllegalTransition):
            ApprovalProcess("executed", ApprovalGuardFacts()).fire(trigger)


@pytest.mark.parametrize(
    ("definition", "table"),
    [
        (CAMPAIGN, CAMPAIGN_TRANSITIONS),
        (NOMINATION, NOMINATION_TRANSITIONS),
        (OBJECTION, OBJECTION_TRANSITIONS),
        (APPROVAL, None),
    ],
)
def test_the_selection_processes_are_registered_and_drawn(definition, table) -> None:  # type: ignore[no-untyped-def]
    assert definition in definitions()
    text = definition.mermaid()
    assert text.count("stateDiagram-v2") == 1
    for t in table or definition.transitions:
        assert str(t["trigger"]) in text
    assert f"`{definition.name}`" in render()
