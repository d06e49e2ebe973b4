"""Patient feedback → satisfaction figures per staff member and period, and proposed records.

Why a separate step: patients' replies are numerous, noisy and anonymous-ish, while a grade must rest
on a sample large enough to mean something (domain-rules §6.1: n ≥ 30; §6.2: k ≥ 5). This module
turns raw SMS follow-up replies (满意/基本满意/不满意) and inpatient ratings into counts, a rate and a
0–100 value, says whether the sample is big enough to use, and proposes (never files) praise or
complaint records for people to verify — a complaint becomes a deduction only after someone checks
it is true (§6.1: 核实 → 属实 → 扣分).

All periods are inclusive date ranges [start, end], the way people write "2025年第一季度".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

import msgspec

from workflow.errors import InvalidInput
from workflow.ethics.policy import FeedbackPolicy, RecordKind, SatisfactionFormula
from workflow.ids import StaffId

_RATE_QUANTUM: Final = Decimal("0.0001")
_SCORE_QUANTUM: Final = Decimal("0.01")
_HUNDRED: Final = Decimal(100)


class Answer(StrEnum):
    """The three answers of Chinese satisfaction surveys; SMS replies 1/2/3 map to them in order."""

    SATISFIED = "satisfied"
    FAIRLY_SATISFIED = "fairly_satisfied"
    DISSATISFIED = "dissatisfied"

    @property
    def label(self) -> str:
        return _ANSWER_LABELS[self]


_ANSWER_LABELS: Final = {
    Answer.SATISFIED: "满意",
    Answer.FAIRLY_SATISFIED: "基本满意",
    Answer.DISSATISFIED: "不满意",
}
_ANSWER_BY_TEXT: Final = {
    "1": Answer.SATISFIED,
    "2": Answer.FAIRLY_SATISFIED,
    "3": Answer.DISSATISFIED,
    "满意": Answer.SATISFIED,
    "基本满意": Answer.FAIRLY_SATISFIED,
    "不满意": Answer.DISSATISFIED,
}


def parse_sms_answer(text: str) -> Answer | None:
    """Read a reply such as ``1``, ``１`` (full-width), ``满意`` or ``3 医生态度差``; ``None`` if unreadable.

    Unreadable replies are kept and counted as invalid, not guessed at: a reply of "12" or "好" must
    not move anyone's satisfaction rate.
    """
    normalized = unicodedata.normalize("NFKC", text).strip()
    if not normalized:
        return None
    head = normalized.split(maxsplit=1)[0]
    if head in _ANSWER_BY_TEXT:
        return _ANSWER_BY_TEXT[head]
    if head[0] in "123" and not head[1:2].isdigit():
        return _ANSWER_BY_TEXT[head[0]]
    return None


class SmsReply(msgspec.Struct, frozen=True, kw_only=True):
    """One SMS follow-up reply naming the responsible doctor or nurse (§6.1)."""

    id: str
    staff_id: StaffId
    received_on: date
    answer: Answer | None
    """``None`` for a reply that could not be read; it counts as invalid."""
    comment: str = ""


class InpatientRating(msgspec.Struct, frozen=True, kw_only=True):
    """One anonymous inpatient evaluation of a doctor or nurse at discharge (§6.2)."""

    id: str
    staff_id: StaffId
    rated_on: date
    answer: Answer
    comment: str = ""


class ChannelStats(msgspec.Struct, frozen=True, kw_only=True):
    """Counts for one channel and period, and whether there are enough to use them."""

    satisfied: int = 0
    fairly_satisfied: int = 0
    dissatisfied: int = 0
    invalid: int = 0
    minimum: int
    valid: int = 0
    meets_minimum: bool = False
    rate: Decimal | None = None
    """(满意 + 基本满意) / valid, 4 decimals; ``None`` with no valid replies."""
    mean_points: Decimal | None = None
    """Average of the policy's answer points (100/80/60), 2 decimals."""


class FeedbackSummary(msgspec.Struct, frozen=True, kw_only=True):
    """What the score needs from patient feedback for one person and period."""

    staff_id: StaffId
    start: date
    end: date
    sms: ChannelStats
    inpatient: ChannelStats
    social_score: Decimal | None
    """0–100 社会评价 from the channels that meet their minimum, pooled reply by reply; else ``None``."""
    satisfaction_rate: Decimal | None
    """Pooled (满意 + 基本满意) share over those channels; what a satisfaction veto reads."""
    channels_used: tuple[str, ...] = ()


class FeedbackTicket(msgspec.Struct, frozen=True, kw_only=True):
    """A record to propose to a verifier: a complaint to check, or praise to confirm (§6.1)."""

    source: str
    """``sms:<id>`` or ``inpatient:<id>``, so the record can cite its origin."""
    staff_id: StaffId
    kind: RecordKind
    item: str
    points: Decimal
    comment: str


def quarter(year: int, q: int) -> tuple[date, date]:
    """Inclusive bounds of a quarter, the period §6.1 samples over."""
    if q not in (1, 2, 3, 4):
        raise InvalidInput(f"quarter must be 1..4, got {q}", field="quarter")
    start = date(year, 3 * q - 2, 1)
    end = date(year, 12, 31) if q == 4 else date(year, 3 * q + 1, 1) - timedelta(days=1)
    return start, end


def summarize_feedback(
    staff_id: StaffId,
    *,
    start: date,
    end: date,
    policy: FeedbackPolicy,
    sms: Iterable[SmsReply] = (),
    inpatient: Iterable[InpatientRating] = (),
) -> FeedbackSummary:
    """Aggregate one person's replies dated within [start, end]; others' replies are an error."""
    if end < start:
        raise InvalidInput("feedback period ends before it starts", field="end")
    sms_in = [r for r in sms if _mine(r.staff_id, staff_id) and start <= r.received_on <= end]
    inpatient_in = [r for r in inpatient if _mine(r.staff_id, staff_id) and start <= r.rated_on <= end]
    sms_stats = _stats([r.answer for r in sms_in], policy.min_sms_replies, policy)
    inpatient_stats = _stats([r.answer for r in inpatient_in], policy.min_inpatient_ratings, policy)
    return _summary(staff_id, start=start, end=end, policy=policy, sms=sms_stats, inpatient=inpatient_stats)


def _summary(
    staff_id: StaffId,
    *,
    start: date,
    end: date,
    policy: FeedbackPolicy,
    sms: ChannelStats,
    inpatient: ChannelStats,
) -> FeedbackSummary:
    sms_stats, inpatient_stats = sms, inpatient
    used = {"sms": sms_stats, "inpatient": inpatient_stats}
    used = {name: stats for name, stats in used.items() if stats.meets_minimum}
    return FeedbackSummary(
        staff_id=staff_id,
        start=start,
        end=end,
        sms=sms_stats,
        inpatient=inpatient_stats,
        social_score=_social_score(list(used.values()), policy),
        satisfaction_rate=_pooled_rate(list(used.values())),
        channels_used=tuple(used),
    )


def summary_from_counts(
    staff_id: StaffId,
    *,
    start: date,
    end: date,
    policy: FeedbackPolicy,
    sms: Mapping[Answer | None, int] | None = None,
    inpatient: Mapping[Answer | None, int] | None = None,
) -> FeedbackSummary:
    """The same summary as :func:`summarize_feedback`, from answer counts a database already grouped.

    The year-end batch reads counts per person with one ``GROUP BY`` instead of every reply.
    """
    if end < start:
        raise InvalidInput("feedback period ends before it starts", field="end")
    sms_stats = channel_stats(sms or {}, policy.min_sms_replies, policy)
    inpatient_stats = channel_stats(inpatient or {}, policy.min_inpatient_ratings, policy)
    return _summary(staff_id, start=start, end=end, policy=policy, sms=sms_stats, inpatient=inpatient_stats)


def summarize_by_staff(
    *,
    start: date,
    end: date,
    policy: FeedbackPolicy,
    sms: Iterable[SmsReply] = (),
    inpatient: Iterable[InpatientRating] = (),
) -> dict[StaffId, FeedbackSummary]:
    """Aggregate a whole unit's replies at once, one summary per staff member mentioned."""
    sms_by: dict[StaffId, list[SmsReply]] = {}
    inpatient_by: dict[StaffId, list[InpatientRating]] = {}
    for reply in sms:
        sms_by.setdefault(reply.staff_id, []).append(reply)
    for rating in inpatient:
        inpatient_by.setdefault(rating.staff_id, []).append(rating)
    return {
        staff: summarize_feedback(
            staff,
            start=start,
            end=end,
            policy=policy,
            sms=sms_by.get(staff, ()),
            inpatient=inpatient_by.get(staff, ()),
        )
        for staff in sorted(sms_by.keys() | inpatient_by.keys())
    }


def feedback_tickets(
    policy: FeedbackPolicy,
    *,
    sms: Iterable[SmsReply] = (),
    inpatient: Iterable[InpatientRating] = (),
) -> tuple[FeedbackTicket, ...]:
    """Propose records from replies with a comment: 不满意 → complaint, 满意 → praise, to verify.

    Replies without a comment carry nothing to verify and stay in the rate only.
    """
    tickets: list[FeedbackTicket] = []
    sources = [(f"sms:{r.id}", r.staff_id, r.answer, r.comment) for r in sms]
    sources += [(f"inpatient:{r.id}", r.staff_id, r.answer, r.comment) for r in inpatient]
    for source, staff_id, answer, comment in sources:
        if not comment.strip() or answer is None or answer is Answer.FAIRLY_SATISFIED:
            continue
        praise = answer is Answer.SATISFIED
        tickets.append(
            FeedbackTicket(
                source=source,
                staff_id=staff_id,
                kind=RecordKind.PRAISE if praise else RecordKind.DEDUCTION,
                item=policy.praise_item if praise else policy.complaint_item,
                points=policy.praise_points if praise else policy.complaint_points,
                comment=comment.strip(),
            )
        )
    return tuple(tickets)


def _mine(owner: StaffId, staff_id: StaffId) -> bool:
    if owner != staff_id:
        raise InvalidInput(
            f"feedback for staff {owner} passed in the summary of {staff_id}", field="staff_id"
        )
    return True


def _stats(answers: list[Answer | None], minimum: int, policy: FeedbackPolicy) -> ChannelStats:
    counts: dict[Answer | None, int] = {}
    for answer in answers:
        counts[answer] = counts.get(answer, 0) + 1
    return channel_stats(counts, minimum, policy)


def channel_stats(counts: Mapping[Answer | None, int], minimum: int, policy: FeedbackPolicy) -> ChannelStats:
    """Figures of one channel from answer counts (``None`` counts unreadable replies)."""
    if any(n < 0 for n in counts.values()):
        raise InvalidInput("answer counts cannot be negative", field="counts")
    by_answer = {a: counts.get(a, 0) for a in Answer}
    invalid = counts.get(None, 0)
    valid = sum(by_answer.values())
    rate = mean = None
    if valid:
        good = by_answer[Answer.SATISFIED] + by_answer[Answer.FAIRLY_SATISFIED]
        rate = (Decimal(good) / valid).quantize(_RATE_QUANTUM, ROUND_HALF_UP)
        weighted = sum(
            (points * by_answer[a] for a, points in zip(Answer, policy.answer_points, strict=True)),
            Decimal(0),
        )
        mean = (weighted / valid).quantize(_SCORE_QUANTUM, ROUND_HALF_UP)
    return ChannelStats(
        satisfied=by_answer[Answer.SATISFIED],
        fairly_satisfied=by_answer[Answer.FAIRLY_SATISFIED],
        dissatisfied=by_answer[Answer.DISSATISFIED],
        invalid=invalid,
        minimum=minimum,
        valid=valid,
        meets_minimum=valid >= minimum,
        rate=rate,
        mean_points=mean,
    )


def _pooled_rate(channels: list[ChannelStats]) -> Decimal | None:
    valid = sum(c.valid for c in channels)
    if not valid:
        return None
    good = sum(c.satisfied + c.fairly_satisfied for c in channels)
    return (Decimal(good) / valid).quantize(_RATE_QUANTUM, ROUND_HALF_UP)


def _social_score(channels: list[ChannelStats], policy: FeedbackPolicy) -> Decimal | None:
    """Pool every valid reply of the usable channels, so each patient's voice weighs the same."""
    valid = sum(c.valid for c in channels)
    if not valid:
        return None
    if policy.formula is SatisfactionFormula.RATE:
        good = sum(c.satisfied + c.fairly_satisfied for c in channels)
        value = Decimal(good) * _HUNDRED / valid
    else:
        satisfied, fairly, dissatisfied = policy.answer_points
        value = (
            sum(
                (
                    satisfied * c.satisfied + fairly * c.fairly_satisfied + dissatisfied * c.dissatisfied
                    for c in channels
                ),
                Decimal(0),
            )
            / valid
        )
    return value.quantize(_SCORE_QUANTUM, ROUND_HALF_UP)
