"""Scoring and grading of the annual 医德考评: one person (`score_person`), then one unit (`grade_unit`).

Why two steps: a person's score depends only on their own approved records and feedback, but 优秀 is
rationed per unit (domain-rules §1.5), so whether a 优秀 survives depends on everyone else. The first
step gives a *provisional* grade; the second applies the quota and reports, explicitly, who sits at
the cut-off and how a tie there was settled — the question a 考评委员会 is asked every year.

Every result carries an explanation list in Chinese (which rule applied to which records and why),
which the service prints on the 医德考评表 and writes to the cycle log, so a person can check their
own grade by hand.

Decisions where domain-rules is silent or conflicting are documented in docs/ethics-rules.md §8.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

import msgspec

from workflow.errors import Conflict, InvalidInput
from workflow.ethics.feedback import FeedbackSummary
from workflow.ethics.policy import (
    DEFAULT_POLICY,
    SATISFACTION_VETO_CODE,
    DeductionBasis,
    EthicsPolicy,
    Grade,
    GradeBand,
    QuotaRounding,
    RecordKind,
    Severity,
    SocialMode,
    TiePolicy,
    fmt,
    require_points,
)
from workflow.ethics.states import RecordState
from workflow.ids import EthicsRecordId, StaffId

_ZERO: Final = Decimal(0)
_SCORE_QUANTUM: Final = Decimal("0.01")


# --- inputs -----------------------------------------------------------------------------------------


class EthicsRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One daily record as the rules see it; the service maps its table row to this.

    ``points`` is always a positive magnitude; ``kind`` gives the sign. ``category``, ``severity`` and
    ``veto`` belong to violations (deductions) only.
    """

    id: EthicsRecordId
    kind: RecordKind
    item: str
    points: Decimal
    category: str | None = None
    """九项准则 / 九不准 code for a violation, e.g. ``JX8``."""
    severity: Severity | None = None
    veto: str | None = None
    """一票否决 condition code, e.g. ``V1``; the approver attaches it with the evidence."""
    state: RecordState = RecordState.approved

    def __post_init__(self) -> None:
        require_points(self.points, "points")
        if self.kind is RecordKind.PRAISE and (self.category or self.severity or self.veto):
            raise InvalidInput(
                f"record {self.id}: praise cannot carry a violation category, severity or veto",
                field="kind",
                record=self.id,
            )


# --- outputs ----------------------------------------------------------------------------------------


class Explanation(msgspec.Struct, frozen=True, kw_only=True):
    """One line of "why": a stable rule code, the sentence for the form, the records it rests on."""

    rule: str
    text: str
    records: tuple[EthicsRecordId, ...] = ()


class ItemResult(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    title: str
    max_score: Decimal
    raw_deductions: Decimal
    """Sum of approved deduction records for this item."""
    deductions: Decimal
    """What was taken off the score: ``raw_deductions`` limited by the item's cap."""
    score: Decimal
    capped: bool
    praise: Decimal
    """Praise points recorded under this item (they count in the capped bonus, not here)."""


class VetoBasis(StrEnum):
    CONDITION = "condition"
    """An approved record carries a 一票否决 condition code."""
    CATEGORY = "category"
    """A 严重 violation in an auto-veto 九项准则 category (§3)."""
    SATISFACTION = "satisfaction"
    """Annual patient satisfaction below the configured floor (§6.1, 沧州 model)."""


class VetoReason(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    title: str
    basis: VetoBasis
    record_id: EthicsRecordId | None = None


class Score(msgspec.Struct, frozen=True, kw_only=True):
    """A person's year: the numbers of the 医德考评表 and the provisional grade before the quota."""

    staff_id: StaffId
    year: int
    base: Decimal
    items: tuple[ItemResult, ...]
    raw_deductions: Decimal
    deductions: Decimal
    raw_bonus: Decimal
    bonus: Decimal
    record_score: Decimal
    """base − deductions + bonus, before patient feedback."""
    feedback_adjustment: Decimal
    total: Decimal
    grade_deductions: Decimal
    """The deduction figure the grade thresholds read (raw or capped, per policy)."""
    grade: Grade
    """Provisional: 优秀 is still subject to the unit quota (`grade_unit`)."""
    vetoes: tuple[VetoReason, ...]
    explanation: tuple[Explanation, ...]
    counted: tuple[EthicsRecordId, ...]
    skipped: tuple[EthicsRecordId, ...]
    """Records passed in but not approved (submitted, rejected, superseded): never scored."""

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)


# --- one person -------------------------------------------------------------------------------------


def score_person(
    staff_id: StaffId,
    year: int,
    records: Iterable[EthicsRecord],
    policy: EthicsPolicy = DEFAULT_POLICY,
    *,
    feedback: FeedbackSummary | None = None,
) -> Score:
    """Score one person's year from their records; only approved records count (§1.3)."""
    tally = _Tally(policy)
    tally.add_all(records)
    if feedback is not None and feedback.staff_id != staff_id:
        raise InvalidInput("feedback summary belongs to another staff member", field="feedback")
    return tally.score(staff_id, year, feedback)


def band_grade(
    total: Decimal, deductions: Decimal, bands: Sequence[GradeBand]
) -> tuple[Grade, GradeBand | None]:
    """The first band (best first) that admits the figures; 较差 with no band when none does."""
    for band in bands:
        if band.admits(total, deductions):
            return band.grade, band
    return Grade.POOR, None


class _Tally:
    """Accumulates one person's records; split out so each rule stays a few lines long."""

    def __init__(self, policy: EthicsPolicy) -> None:
        self.policy = policy
        self.items = policy.item_map()
        self.vetoes_by_code = policy.veto_map()
        self.categories = policy.category_map()
        self.auto_veto = frozenset(policy.auto_veto_categories)
        self.raw: dict[str, Decimal] = dict.fromkeys(self.items, _ZERO)
        self.praise: dict[str, Decimal] = dict.fromkeys(self.items, _ZERO)
        self.records_by_item: dict[str, list[EthicsRecordId]] = {code: [] for code in self.items}
        self.praise_records: list[EthicsRecordId] = []
        self.vetoes: list[VetoReason] = []
        self.counted: list[EthicsRecordId] = []
        self.skipped: list[tuple[EthicsRecordId, RecordState]] = []
        self.seen: set[EthicsRecordId] = set()

    def add_all(self, records: Iterable[EthicsRecord]) -> None:
        """One pass over the records; locals instead of attribute look-ups keep a year-end batch fast."""
        seen, items, praise, raw = self.seen, self.items, self.praise, self.raw
        by_item, praise_records, counted = self.records_by_item, self.praise_records, self.counted
        approved, praise_kind = RecordState.approved, RecordKind.PRAISE
        for record in records:
            record_id, item = record.id, record.item
            if record_id in seen:
                raise InvalidInput(f"record {record_id} passed twice", field="records", record=record_id)
            seen.add(record_id)
            if item not in items:
                raise InvalidInput(f"record {record_id}: unknown content item {item!r}", field="item")
            if record.state is not approved:
                self.skipped.append((record_id, record.state))
                continue
            counted.append(record_id)
            if record.kind is praise_kind:
                praise[item] += record.points
                praise_records.append(record_id)
                continue
            raw[item] += record.points
            by_item[item].append(record_id)
            self._check_veto(record)

    def _check_veto(self, record: EthicsRecord) -> None:
        if record.category is not None and record.category not in self.categories:
            raise InvalidInput(f"record {record.id}: unknown category {record.category!r}", field="category")
        if record.veto is not None:
            condition = self.vetoes_by_code.get(record.veto)
            if condition is None:
                raise InvalidInput(
                    f"record {record.id}: unknown veto condition {record.veto!r}", field="veto"
                )
            self.vetoes.append(
                VetoReason(
                    code=condition.code, title=condition.title, basis=VetoBasis.CONDITION, record_id=record.id
                )
            )
        if record.category in self.auto_veto and record.severity is Severity.GRAVE:
            category = self.categories[record.category]
            self.vetoes.append(
                VetoReason(
                    code=category.code, title=category.title, basis=VetoBasis.CATEGORY, record_id=record.id
                )
            )

    def score(self, staff_id: StaffId, year: int, feedback: FeedbackSummary | None) -> Score:
        policy = self.policy
        lines: list[Explanation] = [
            Explanation(
                rule="base",
                text=f"基础分 {fmt(policy.base_score)} 分（{len(self.items)} 项考评内容满分之和）",
            )
        ]
        if self.skipped:
            lines.append(_skipped_line(self.skipped))
        items = tuple(self._item_result(code, lines) for code in self.items)
        raw_deductions = sum((i.raw_deductions for i in items), _ZERO)
        deductions = sum((i.deductions for i in items), _ZERO)
        raw_bonus = sum(self.praise.values(), _ZERO)
        bonus = self._bonus(raw_bonus, lines)
        record_score = policy.base_score - deductions + bonus
        total = _apply_feedback(record_score, feedback, policy, lines)
        vetoes = self.vetoes + _satisfaction_veto(feedback, policy, lines)
        grade_deductions = raw_deductions if policy.deduction_basis is DeductionBasis.RAW else deductions
        grade = _grade(
            total=total,
            grade_deductions=grade_deductions,
            raw_deductions=raw_deductions,
            deductions=deductions,
            vetoes=vetoes,
            policy=policy,
            lines=lines,
        )
        return Score(
            staff_id=staff_id,
            year=year,
            base=policy.base_score,
            items=items,
            raw_deductions=raw_deductions,
            deductions=deductions,
            raw_bonus=raw_bonus,
            bonus=bonus,
            record_score=record_score,
            feedback_adjustment=total - record_score,
            total=total,
            grade_deductions=grade_deductions,
            grade=grade,
            vetoes=tuple(vetoes),
            explanation=tuple(lines),
            counted=tuple(self.counted),
            skipped=tuple(record_id for record_id, _ in self.skipped),
        )

    def _item_result(self, code: str, lines: list[Explanation]) -> ItemResult:
        item = self.items[code]
        raw = self.raw[code]
        taken = min(raw, item.cap)
        ids = tuple(self.records_by_item[code])
        if raw and raw > item.cap:
            text = (
                f"「{item.title}」扣分合计 {fmt(raw)} 分，超过本项扣分上限 {fmt(item.cap)} 分，"
                f"按 {fmt(taken)} 分计"
            )
            lines.append(Explanation(rule="item-cap", text=text, records=ids))
        elif raw:
            text = f"「{item.title}」扣 {fmt(raw)} 分（{len(ids)} 条记录）"
            lines.append(Explanation(rule="item-deduction", text=text, records=ids))
        return ItemResult(
            code=code,
            title=item.title,
            max_score=item.max_score,
            raw_deductions=raw,
            deductions=taken,
            score=item.max_score - taken,
            capped=raw > item.cap,
            praise=self.praise[code],
        )

    def _bonus(self, raw_bonus: Decimal, lines: list[Explanation]) -> Decimal:
        cap = self.policy.bonus_cap
        ids = tuple(self.praise_records)
        if cap is not None and raw_bonus > cap:
            text = f"加分合计 {fmt(raw_bonus)} 分，超过年度加分上限 {fmt(cap)} 分，按 {fmt(cap)} 分计"
            lines.append(Explanation(rule="bonus-cap", text=text, records=ids))
            return cap
        if raw_bonus:
            lines.append(
                Explanation(rule="bonus", text=f"加分 {fmt(raw_bonus)} 分（{len(ids)} 条记录）", records=ids)
            )
        return raw_bonus


def _skipped_line(skipped: list[tuple[EthicsRecordId, RecordState]]) -> Explanation:
    listed = "、".join(f"#{record_id}（{state.label}）" for record_id, state in skipped)
    return Explanation(
        rule="skipped-record",
        text=f"{len(skipped)} 条记录未审核通过，不计分：{listed}",
        records=tuple(record_id for record_id, _ in skipped),
    )


def _apply_feedback(
    record_score: Decimal, feedback: FeedbackSummary | None, policy: EthicsPolicy, lines: list[Explanation]
) -> Decimal:
    """Blend in the 社会评价 sub-score in weighted mode when the sample is large enough (§6.4)."""
    fb = policy.feedback
    if feedback is None or fb.mode is SocialMode.RECORDS:
        return record_score
    if feedback.social_score is None:
        lines.append(
            Explanation(
                rule="feedback-sample-too-small",
                text=(
                    f"患者评价样本不足（短信有效回复 {feedback.sms.valid} 条，需 {fb.min_sms_replies} 条；"
                    f"住院评价 {feedback.inpatient.valid} 条，需 {fb.min_inpatient_ratings} 条），不计入得分"
                ),
            )
        )
        return record_score
    total = (record_score * (1 - fb.weight) + feedback.social_score * fb.weight).quantize(
        _SCORE_QUANTUM, ROUND_HALF_UP
    )
    text = (
        f"社会评价 {fmt(feedback.social_score)} 分按权重 {fmt(fb.weight * 100)}% 计入："
        f"{fmt(record_score)} × {fmt((1 - fb.weight) * 100)}% + {fmt(feedback.social_score)} × "
        f"{fmt(fb.weight * 100)}% = {fmt(total)}"
    )
    lines.append(Explanation(rule="feedback", text=text))
    return total


def _satisfaction_veto(
    feedback: FeedbackSummary | None, policy: EthicsPolicy, lines: list[Explanation]
) -> list[VetoReason]:
    floor = policy.feedback.veto_below
    if floor is None or feedback is None or feedback.satisfaction_rate is None:
        return []
    if feedback.satisfaction_rate >= floor:
        return []
    title = f"年度患者满意度 {fmt(feedback.satisfaction_rate * 100)}% 低于 {fmt(floor * 100)}%"
    lines.append(Explanation(rule="satisfaction-veto", text=f"{title}：一票否决，等次定为较差"))
    return [VetoReason(code=SATISFACTION_VETO_CODE, title=title, basis=VetoBasis.SATISFACTION)]


def _grade(
    *,
    total: Decimal,
    grade_deductions: Decimal,
    raw_deductions: Decimal,
    deductions: Decimal,
    vetoes: list[VetoReason],
    policy: EthicsPolicy,
    lines: list[Explanation],
) -> Grade:
    for veto in vetoes:
        source = f"（记录 #{veto.record_id}）" if veto.record_id is not None else ""
        if veto.basis is VetoBasis.CONDITION:
            text = f"一票否决 {veto.code}「{veto.title}」{source}：等次定为较差，得分照常显示"
        elif veto.basis is VetoBasis.CATEGORY:
            text = f"违反{veto.code}「{veto.title}」情节严重{source}：一票否决，等次定为较差"
        else:
            continue  # the satisfaction veto already explained itself
        records = () if veto.record_id is None else (veto.record_id,)
        lines.append(Explanation(rule="veto", text=text, records=records))
    if vetoes:
        return Grade.POOR
    figures = f"总分 {fmt(total)}、扣分 {fmt(grade_deductions)}"
    if policy.deduction_basis is DeductionBasis.RAW and raw_deductions != deductions:
        figures += f"（按审核通过的扣分记录合计，不受单项上限影响；计入总分的扣分为 {fmt(deductions)}）"
    grade, band = band_grade(total, grade_deductions, policy.grade_bands)
    failed = [b for b in policy.grade_bands if b.grade.rank > grade.rank]
    parts = [f"不符合{b.grade.label}（{b.description}）" for b in failed]
    if band is not None:
        parts.append(f"符合{band.grade.label}（{band.description}）")
        if grade is Grade.EXCELLENT:
            parts.append("优秀须经单位比例核定")
    else:
        parts.append("定为较差")
    lines.append(Explanation(rule="grade", text=f"{figures}：{'；'.join(parts)}"))
    return grade


# --- one unit: the 优秀 quota -----------------------------------------------------------------------


class QuotaOutcome(StrEnum):
    NOT_CANDIDATE = "not_candidate"
    """Provisional grade below 优秀; the quota does not touch them."""
    KEPT = "kept"
    """优秀 within the quota without any tie."""
    KEPT_BY_TIE_RULE = "kept_by_tie_rule"
    DEMOTED_BY_QUOTA = "demoted_by_quota"
    """Qualified for 优秀 but ranked below the cut-off."""
    DEMOTED_BY_TIE_RULE = "demoted_by_tie_rule"
    PENDING_COMMITTEE = "pending_committee"
    """Tied at the cut-off under the committee tie policy; no grade until `resolve_tie`."""


class UnitEntry(msgspec.Struct, frozen=True, kw_only=True):
    staff_id: StaffId
    total: Decimal
    provisional: Grade
    grade: Grade | None
    """Grade after the quota; ``None`` only while PENDING_COMMITTEE."""
    fallback: Grade
    """The grade a demoted 优秀 candidate gets (the best band other than 优秀 they satisfy)."""
    outcome: QuotaOutcome
    rank: int | None = None
    """Competition rank among 优秀 candidates (1, 2, 2, 4); ``None`` for others."""


class QuotaBoundary(msgspec.Struct, frozen=True, kw_only=True):
    """Who is at the 优秀 cut-off and how it was settled; present whenever the quota binds."""

    places: int
    cutoff_score: Decimal | None
    """Score of the last place; ``None`` when the unit has no place at all."""
    above_cutoff: tuple[StaffId, ...]
    at_cutoff: tuple[StaffId, ...]
    open_places: int
    """Places left for the people at the cut-off score."""
    tie: bool
    """More people at the cut-off score than open places."""
    resolution: TiePolicy | None
    kept_at_cutoff: tuple[StaffId, ...]
    demoted_at_cutoff: tuple[StaffId, ...]
    first_below: tuple[StaffId, ...]
    """The highest-scoring candidates below the cut-off score: the first people left out."""
    first_below_score: Decimal | None
    decided_by: str | None = None
    """ORDERED policy: the tie-break key that separated the last kept from the first demoted."""
    committee_decided: bool = False


class UnitGrading(msgspec.Struct, frozen=True, kw_only=True):
    year: int
    headcount: int
    places: int | None
    """Hard-quota places for 优秀; ``None`` when the policy has no quota."""
    soft_places: int | None
    candidates: int
    excellent: int
    entries: tuple[UnitEntry, ...]
    """Best total first, then staff id."""
    boundary: QuotaBoundary | None
    soft_exceeded: bool
    over_hard_limit: int
    """How many 优秀 exceed the hard places (only the INCLUDE_ALL tie policy can make this > 0)."""
    pending: tuple[StaffId, ...]
    grade_counts: dict[Grade, int]
    veto_counts: dict[str, int]
    explanation: tuple[str, ...]

    @property
    def resolved(self) -> bool:
        return not self.pending

    def entry(self, staff_id: StaffId) -> UnitEntry:
        for entry in self.entries:
            if entry.staff_id == staff_id:
                return entry
        raise InvalidInput(f"staff {staff_id} is not in this grading", field="staff_id")


def quota_places(headcount: int, ratio: Decimal, rounding: QuotaRounding, minimum: int = 0) -> int:
    """Places for a ratio of a headcount: floor by default, so 15% of 6 people is 0 places."""
    exact = ratio * headcount
    mode = ROUND_FLOOR if rounding is QuotaRounding.FLOOR else ROUND_HALF_UP
    return min(headcount, max(minimum, int(exact.to_integral_value(rounding=mode))))


def grade_unit(scores: Iterable[Score], policy: EthicsPolicy = DEFAULT_POLICY) -> UnitGrading:
    """Apply the 优秀 quota to one quota scope (unit, department or branch) for one year."""
    ordered = _validated(scores)
    year = ordered[0].year
    quota = policy.quota
    headcount = len(ordered)
    places = (
        None
        if quota.hard_ratio is None
        else quota_places(headcount, quota.hard_ratio, quota.rounding, quota.minimum_places)
    )
    soft_places = (
        None if quota.soft_ratio is None else quota_places(headcount, quota.soft_ratio, quota.rounding)
    )
    candidates = [s for s in ordered if s.grade is Grade.EXCELLENT]
    outcomes, boundary = _apply_quota(candidates, places, quota.tie_policy)
    ranks = _competition_ranks(candidates)
    entries = tuple(_entry(s, outcomes, ranks, policy) for s in ordered)
    notes = _unit_notes(
        headcount=headcount,
        places=places,
        soft_places=soft_places,
        candidates=len(candidates),
        boundary=boundary,
        policy=policy,
    )
    return _assemble(
        year=year,
        headcount=headcount,
        places=places,
        soft_places=soft_places,
        candidates=len(candidates),
        entries=entries,
        boundary=boundary,
        scores=ordered,
        notes=notes,
    )


def resolve_tie(grading: UnitGrading, keep: Iterable[StaffId]) -> UnitGrading:
    """Record the 考评委员会's choice among people tied at the cut-off (committee tie policy).

    The committee may keep fewer people than there are open places, never more, and only from the tie.
    """
    boundary = grading.boundary
    if boundary is None or not grading.pending:
        raise Conflict("this grading has no tie awaiting a committee decision")
    chosen = set(keep)
    strangers = chosen - set(grading.pending)
    if strangers:
        raise InvalidInput(f"not tied at the cut-off: {sorted(strangers)}", field="keep")
    if len(chosen) > boundary.open_places:
        raise InvalidInput(
            f"{len(chosen)} chosen for {boundary.open_places} open place(s)",
            field="keep",
            places=boundary.open_places,
        )
    entries = tuple(_committee_entry(e, chosen) for e in grading.entries)
    kept = tuple(s for s in boundary.at_cutoff if s in chosen)
    demoted = tuple(s for s in boundary.at_cutoff if s not in chosen)
    new_boundary = msgspec.structs.replace(
        boundary, kept_at_cutoff=kept, demoted_at_cutoff=demoted, committee_decided=True
    )
    excellent = sum(1 for e in entries if e.grade is Grade.EXCELLENT)
    note = f"考评委员会在并列的 {len(boundary.at_cutoff)} 人中确定 {len(kept)} 人为优秀"
    return msgspec.structs.replace(
        grading,
        entries=entries,
        boundary=new_boundary,
        pending=(),
        excellent=excellent,
        soft_exceeded=grading.soft_places is not None and excellent > grading.soft_places,
        grade_counts=_grade_counts(entries),
        explanation=(*grading.explanation, note),
    )


def _validated(scores: Iterable[Score]) -> list[Score]:
    """Sort best-first by total, then staff id, so the result never depends on input order."""
    ordered = sorted(scores, key=lambda s: (-s.total, s.staff_id))
    if not ordered:
        raise InvalidInput("no scores to grade: a quota needs at least one person", field="scores")
    if len({s.year for s in ordered}) > 1:
        raise InvalidInput("scores of different years cannot share a quota", field="scores")
    ids = [s.staff_id for s in ordered]
    if len(set(ids)) != len(ids):
        raise InvalidInput("a staff member appears twice in the unit", field="scores")
    return ordered


def _tie_key(score: Score) -> tuple[Decimal, Decimal, Decimal, int]:
    """ORDERED tie-break: fewer deductions, higher bonus, higher feedback adjustment, lower staff id."""
    return (score.grade_deductions, -score.bonus, -score.feedback_adjustment, score.staff_id)


_TIE_KEY_NAMES: Final = ("fewer_deductions", "higher_bonus", "higher_feedback", "staff_id")


def _apply_quota(
    candidates: list[Score], places: int | None, tie_policy: TiePolicy
) -> tuple[dict[StaffId, QuotaOutcome], QuotaBoundary | None]:
    if places is None or len(candidates) <= places:
        return {s.staff_id: QuotaOutcome.KEPT for s in candidates}, None
    if places == 0:
        outcomes = {s.staff_id: QuotaOutcome.DEMOTED_BY_QUOTA for s in candidates}
        top = candidates[0].total
        return outcomes, QuotaBoundary(
            places=0,
            cutoff_score=None,
            above_cutoff=(),
            at_cutoff=(),
            open_places=0,
            tie=False,
            resolution=None,
            kept_at_cutoff=(),
            demoted_at_cutoff=(),
            first_below=tuple(s.staff_id for s in candidates if s.total == top),
            first_below_score=top,
        )
    cutoff = candidates[places - 1].total
    above = [s for s in candidates if s.total > cutoff]
    tied = [s for s in candidates if s.total == cutoff]
    below = [s for s in candidates if s.total < cutoff]
    open_places = places - len(above)
    outcomes = {s.staff_id: QuotaOutcome.KEPT for s in above}
    outcomes |= {s.staff_id: QuotaOutcome.DEMOTED_BY_QUOTA for s in below}
    tie = len(tied) > open_places
    kept, demoted, decided_by = _settle(tied, open_places, tie_policy) if tie else (tied, [], None)
    kept_outcome = QuotaOutcome.KEPT_BY_TIE_RULE if tie else QuotaOutcome.KEPT
    if tie and tie_policy is TiePolicy.COMMITTEE:
        outcomes |= {s.staff_id: QuotaOutcome.PENDING_COMMITTEE for s in tied}
    else:
        outcomes |= {s.staff_id: kept_outcome for s in kept}
        outcomes |= {s.staff_id: QuotaOutcome.DEMOTED_BY_TIE_RULE for s in demoted}
    first_below_score = below[0].total if below else None
    return outcomes, QuotaBoundary(
        places=places,
        cutoff_score=cutoff,
        above_cutoff=tuple(s.staff_id for s in above),
        at_cutoff=tuple(s.staff_id for s in tied),
        open_places=open_places,
        tie=tie,
        resolution=tie_policy if tie else None,
        kept_at_cutoff=tuple(s.staff_id for s in kept),
        demoted_at_cutoff=tuple(s.staff_id for s in demoted),
        first_below=tuple(s.staff_id for s in below if s.total == first_below_score),
        first_below_score=first_below_score,
        decided_by=decided_by,
    )


def _settle(
    tied: list[Score], open_places: int, policy: TiePolicy
) -> tuple[list[Score], list[Score], str | None]:
    """Split a tie at the cut-off into kept and demoted by the tie policy."""
    if policy is TiePolicy.COMMITTEE:
        return [], [], None
    if policy is TiePolicy.EXCLUDE_ALL:
        return [], tied, None
    if policy is TiePolicy.INCLUDE_ALL:
        return tied, [], None
    ranked = sorted(tied, key=_tie_key)
    kept, demoted = ranked[:open_places], ranked[open_places:]
    last, first_out = _tie_key(kept[-1]), _tie_key(demoted[0])
    decided_by = next(name for name, a, b in zip(_TIE_KEY_NAMES, last, first_out, strict=True) if a != b)
    return kept, demoted, decided_by


_KEEPS: Final = frozenset({QuotaOutcome.KEPT, QuotaOutcome.KEPT_BY_TIE_RULE})


def _competition_ranks(candidates: list[Score]) -> dict[Decimal, int]:
    """Rank by total among candidates sorted best first: equal totals share a rank (1, 2, 2, 4)."""
    ranks: dict[Decimal, int] = {}
    for position, score in enumerate(candidates, start=1):
        ranks.setdefault(score.total, position)
    return ranks


def _entry(
    score: Score, outcomes: dict[StaffId, QuotaOutcome], ranks: dict[Decimal, int], policy: EthicsPolicy
) -> UnitEntry:
    outcome = outcomes.get(score.staff_id, QuotaOutcome.NOT_CANDIDATE)
    fallback = score.grade
    if score.grade is Grade.EXCELLENT:
        fallback, _ = band_grade(score.total, score.grade_deductions, policy.grade_bands[1:])
    grade: Grade | None
    if outcome is QuotaOutcome.NOT_CANDIDATE:
        grade = score.grade
    elif outcome in _KEEPS:
        grade = Grade.EXCELLENT
    elif outcome is QuotaOutcome.PENDING_COMMITTEE:
        grade = None
    else:
        grade = fallback
    rank = None if outcome is QuotaOutcome.NOT_CANDIDATE else ranks[score.total]
    return UnitEntry(
        staff_id=score.staff_id,
        total=score.total,
        provisional=score.grade,
        grade=grade,
        fallback=fallback,
        outcome=outcome,
        rank=rank,
    )


def _committee_entry(entry: UnitEntry, chosen: set[StaffId]) -> UnitEntry:
    if entry.outcome is not QuotaOutcome.PENDING_COMMITTEE:
        return entry
    if entry.staff_id in chosen:
        return msgspec.structs.replace(entry, grade=Grade.EXCELLENT, outcome=QuotaOutcome.KEPT_BY_TIE_RULE)
    return msgspec.structs.replace(entry, grade=entry.fallback, outcome=QuotaOutcome.DEMOTED_BY_TIE_RULE)


def _grade_counts(entries: Iterable[UnitEntry]) -> dict[Grade, int]:
    counts = Counter(e.grade for e in entries if e.grade is not None)
    return {grade: counts.get(grade, 0) for grade in Grade}


def _assemble(
    *,
    year: int,
    headcount: int,
    places: int | None,
    soft_places: int | None,
    candidates: int,
    entries: tuple[UnitEntry, ...],
    boundary: QuotaBoundary | None,
    scores: list[Score],
    notes: list[str],
) -> UnitGrading:
    excellent = sum(1 for e in entries if e.grade is Grade.EXCELLENT)
    veto_counts = Counter(v.code for s in scores for v in s.vetoes)
    return UnitGrading(
        year=year,
        headcount=headcount,
        places=places,
        soft_places=soft_places,
        candidates=candidates,
        excellent=excellent,
        entries=entries,
        boundary=boundary,
        soft_exceeded=soft_places is not None and excellent > soft_places,
        over_hard_limit=max(0, excellent - places) if places is not None else 0,
        pending=tuple(e.staff_id for e in entries if e.outcome is QuotaOutcome.PENDING_COMMITTEE),
        grade_counts=_grade_counts(entries),
        veto_counts=dict(sorted(veto_counts.items())),
        explanation=tuple(notes),
    )


def _unit_notes(
    *,
    headcount: int,
    places: int | None,
    soft_places: int | None,
    candidates: int,
    boundary: QuotaBoundary | None,
    policy: EthicsPolicy,
) -> list[str]:
    quota = policy.quota
    if places is None:
        return [f"参评 {headcount} 人，优秀不限比例，{candidates} 人符合优秀条件"]
    notes = [
        f"参评 {headcount} 人，优秀比例上限 {fmt(quota.hard_ratio * 100 if quota.hard_ratio else _ZERO)}%"
        f"（{'向下取整' if quota.rounding is QuotaRounding.FLOOR else '四舍五入'}）= {places} 人；"
        f"{candidates} 人符合优秀条件"
    ]
    if soft_places is not None:
        notes.append(f"建议比例 {fmt((quota.soft_ratio or _ZERO) * 100)}% = {soft_places} 人，超出时提示")
    if boundary is None:
        return notes
    if boundary.cutoff_score is None:
        notes.append("本单位优秀名额为 0，符合条件者均按名额调整为下一等次")
        return notes
    notes.append(f"名额线分数 {fmt(boundary.cutoff_score)}：线上 {len(boundary.above_cutoff)} 人")
    if boundary.tie:
        notes.append(
            f"{len(boundary.at_cutoff)} 人并列名额线，剩余名额 {boundary.open_places} 个，"
            f"按并列规则「{_TIE_LABELS[policy.quota.tie_policy]}」处理"
        )
    if boundary.decided_by == "staff_id":
        notes.append("并列者在扣分、加分、社会评价上均相同，按人员编号决定（无实质依据，建议委员会复核）")
    return notes


_TIE_LABELS: Final = {
    TiePolicy.COMMITTEE: "提交考评委员会决定",
    TiePolicy.EXCLUDE_ALL: "并列者均不评为优秀",
    TiePolicy.INCLUDE_ALL: "并列者均评为优秀（突破名额）",
    TiePolicy.ORDERED: "依次比较扣分、加分、社会评价",
}
