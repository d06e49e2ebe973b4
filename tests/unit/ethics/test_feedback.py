"""Patient feedback (domain-rules §6): replies → counts, rates, 0–100 values, minimum samples, tickets."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.ethics.builders import D
from workflow.errors import InvalidInput
from workflow.ethics.feedback import (
    Answer,
    InpatientRating,
    SmsReply,
    feedback_tickets,
    parse_sms_answer,
    quarter,
    summarize_by_staff,
    summarize_feedback,
)
from workflow.ethics.policy import FeedbackPolicy, RecordKind, SatisfactionFormula
from workflow.ids import StaffId

S, F, X = Answer.SATISFIED, Answer.FAIRLY_SATISFIED, Answer.DISSATISFIED
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
POLICY = FeedbackPolicy()


def sms(answers: list[Answer | None], *, staff: int = 1, on: date = date(2025, 3, 1)) -> list[SmsReply]:
    return [
        SmsReply(id=f"s{staff}-{i}", staff_id=StaffId(staff), received_on=on, answer=a)
        for i, a in enumerate(answers)
    ]


def ratings(answers: list[Answer], *, staff: int = 1) -> list[InpatientRating]:
    return [
        InpatientRating(id=f"r{staff}-{i}", staff_id=StaffId(staff), rated_on=date(2025, 5, 1), answer=a)
        for i, a in enumerate(answers)
    ]


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("1", S),
        ("2", F),
        ("3", X),
        ("１", S),  # full-width digit from a phone keyboard
        (" 3 ", X),
        ("3 医生态度差", X),
        ("2。", F),
        ("满意", S),
        ("基本满意", F),
        ("不满意", X),
        ("不满意 等了两小时", X),
        ("12", None),
        ("4", None),
        ("0", None),
        ("好", None),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_sms_answer(text: str, answer: Answer | None) -> None:
    assert parse_sms_answer(text) is answer


def test_answer_labels() -> None:
    assert [a.label for a in Answer] == ["满意", "基本满意", "不满意"]


def test_counts_rate_and_mean() -> None:
    replies = sms([S] * 20 + [F] * 6 + [X] * 4 + [None] * 3)
    summary = summarize_feedback(StaffId(1), start=YEAR[0], end=YEAR[1], policy=POLICY, sms=replies)
    st = summary.sms
    assert (st.satisfied, st.fairly_satisfied, st.dissatisfied, st.invalid, st.valid) == (20, 6, 4, 3, 30)
    assert st.meets_minimum
    assert st.rate == D("0.8667")  # 26 / 30, invalid replies excluded
    assert st.mean_points == D("90.67")  # (20×100 + 6×80 + 4×60) / 30
    assert summary.social_score == D("86.67")  # RATE formula: share × 100
    assert summary.satisfaction_rate == D("0.8667")
    assert summary.channels_used == ("sms",)


@pytest.mark.parametrize(("valid", "used"), [(29, False), (30, True), (31, True)])
def test_sms_minimum_sample(valid: int, used: bool) -> None:
    replies = sms([S] * valid + [None] * 5)  # invalid replies never help reach the minimum
    summary = summarize_feedback(StaffId(1), start=YEAR[0], end=YEAR[1], policy=POLICY, sms=replies)
    assert summary.sms.meets_minimum is used
    assert (summary.social_score is not None) is used
    assert summary.sms.rate == 1  # the figure is still computed, for display


@pytest.mark.parametrize(("count", "used"), [(4, False), (5, True)])
def test_inpatient_minimum_sample(count: int, used: bool) -> None:
    summary = summarize_feedback(
        StaffId(1), start=YEAR[0], end=YEAR[1], policy=POLICY, inpatient=ratings([S, F, X, S, S][:count])
    )
    assert summary.inpatient.meets_minimum is used
    assert summary.channels_used == (("inpatient",) if used else ())


def test_channels_are_pooled_reply_by_reply() -> None:
    summary = summarize_feedback(
        StaffId(1),
        start=YEAR[0],
        end=YEAR[1],
        policy=POLICY,
        sms=sms([S] * 30),
        inpatient=ratings([X] * 10),
    )
    assert summary.channels_used == ("sms", "inpatient")
    assert summary.satisfaction_rate == D("0.75")  # 30 of 40
    assert summary.social_score == D("75.00")


def test_weighted_formula_uses_answer_points() -> None:
    policy = FeedbackPolicy(formula=SatisfactionFormula.WEIGHTED)
    summary = summarize_feedback(
        StaffId(1), start=YEAR[0], end=YEAR[1], policy=policy, sms=sms([S] * 15 + [X] * 15)
    )
    assert summary.social_score == D("80.00")
    assert summary.satisfaction_rate == D("0.5")


def test_period_filter_is_inclusive() -> None:
    q1 = quarter(2025, 1)
    replies = (
        sms([S] * 30, on=date(2025, 1, 1))
        + sms([X], staff=1, on=date(2025, 3, 31))
        + [SmsReply(id="late", staff_id=StaffId(1), received_on=date(2025, 4, 1), answer=X)]
    )
    summary = summarize_feedback(StaffId(1), start=q1[0], end=q1[1], policy=POLICY, sms=replies)
    assert (summary.sms.valid, summary.sms.dissatisfied) == (31, 1)


@pytest.mark.parametrize(
    ("q", "bounds"),
    [
        (1, (date(2025, 1, 1), date(2025, 3, 31))),
        (2, (date(2025, 4, 1), date(2025, 6, 30))),
        (3, (date(2025, 7, 1), date(2025, 9, 30))),
        (4, (date(2025, 10, 1), date(2025, 12, 31))),
    ],
)
def test_quarters(q: int, bounds: tuple[date, date]) -> None:
    assert quarter(2025, q) == bounds


def test_no_replies_gives_no_figures() -> None:
    summary = summarize_feedback(StaffId(1), start=YEAR[0], end=YEAR[1], policy=POLICY)
    assert (summary.sms.rate, summary.sms.mean_points, summary.social_score, summary.satisfaction_rate) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: summarize_feedback(
            StaffId(1), start=YEAR[0], end=YEAR[1], policy=POLICY, sms=sms([S], staff=2)
        ),
        lambda: summarize_feedback(StaffId(1), start=YEAR[1], end=YEAR[0], policy=POLICY),
        lambda: quarter(2025, 5),
    ],
    ids=["someone else's replies", "period backwards", "quarter 5"],
)
def test_bad_feedback_input(call: object) -> None:
    with pytest.raises(InvalidInput):
        call()  # type: ignore[operator]


def test_summaries_for_a_whole_unit() -> None:
    by_staff = summarize_by_staff(
        start=YEAR[0],
        end=YEAR[1],
        policy=POLICY,
        sms=sms([S] * 30, staff=2) + sms([X] * 3, staff=1),
        inpatient=ratings([S] * 5, staff=3),
    )
    assert sorted(by_staff) == [1, 2, 3]
    assert by_staff[StaffId(2)].social_score == 100
    assert by_staff[StaffId(1)].social_score is None
    assert by_staff[StaffId(3)].channels_used == ("inpatient",)


def test_tickets_propose_records_to_verify() -> None:
    replies = [
        SmsReply(id="1", staff_id=StaffId(1), received_on=date(2025, 3, 1), answer=X, comment=" 态度差 "),
        SmsReply(id="2", staff_id=StaffId(1), received_on=date(2025, 3, 1), answer=S, comment="谢谢王医生"),
        SmsReply(
            id="3", staff_id=StaffId(1), received_on=date(2025, 3, 1), answer=X
        ),  # no comment: rate only
        SmsReply(id="4", staff_id=StaffId(1), received_on=date(2025, 3, 1), answer=F, comment="还行"),
        SmsReply(id="5", staff_id=StaffId(1), received_on=date(2025, 3, 1), answer=None, comment="???"),
    ]
    inpatient = [
        InpatientRating(id="9", staff_id=StaffId(2), rated_on=date(2025, 5, 1), answer=X, comment="不耐烦"),
    ]
    tickets = feedback_tickets(POLICY, sms=replies, inpatient=inpatient)
    assert [(t.source, t.kind, t.item, t.points, t.comment) for t in tickets] == [
        ("sms:1", RecordKind.DEDUCTION, "I3", D(1), "态度差"),
        ("sms:2", RecordKind.PRAISE, "I3", D(1), "谢谢王医生"),
        ("inpatient:9", RecordKind.DEDUCTION, "I3", D(1), "不耐烦"),
    ]
