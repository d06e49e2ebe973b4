"""Every number a bureau may change about the annual 医德考评, with the defaults of domain-rules.md.

Why a frozen value object: a cycle freezes its policy when it opens, so the same approved records
give the same score and grade forever, and an auditor re-derives every grade from the policy stored
in the bundle. Why validation here: the national texts fix almost no numbers (domain-rules §8.2), so
every threshold is local configuration, and a policy that contradicts itself (a 良好 band stricter
than 优秀, a soft quota above the hard one) must be refused before any grade is computed with it.

Sources are cited per field as ``§x.y`` of /work/shared/reference/domain-rules.md; docs/ethics-rules.md
lists them in one table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Final

import msgspec

from workflow.errors import InvalidInput
from workflow.workdays import DayUnit, Period

# --- helpers ----------------------------------------------------------------------------------------

_MAX_POINTS: Final = Decimal(10000)
_CENT: Final = Decimal("0.01")
_MAX_SAMPLE: Final = 1_000_000
"""Upper bound of counts a policy sets (samples, places): far beyond any unit, and exact in JSON."""


def fmt(value: Decimal) -> str:
    """A score as people write it: ``90``, ``89.5``, ``0.25`` (no exponent, no trailing zeros)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def require_points(value: Decimal, field: str, *, positive: bool = False) -> None:
    """Points are finite Decimals ≥ 0 with at most two decimals, so sums stay exact."""
    _require_points(value, field, positive=positive)


def _require_points(value: Decimal, field: str, *, positive: bool = False) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput(f"{field} must be a finite decimal number", field=field)
    if value < 0 or (positive and value == 0) or value > _MAX_POINTS:
        lower = "above 0" if positive else "at least 0"
        raise InvalidInput(f"{field} must be {lower} and at most {_MAX_POINTS}, got {value}", field=field)
    if value.quantize(_CENT) != value:
        raise InvalidInput(f"{field} has more than two decimals: {value}", field=field)


def _require_code(code: str, field: str) -> None:
    if (
        not (1 <= len(code) <= 32)
        or not code.isascii()
        or not code.replace("-", "").replace("_", "").isalnum()
    ):
        raise InvalidInput(f"code {code!r} must be 1–32 ASCII letters, digits, '-' or '_'", field=field)


def _require_unique(codes: Iterable[str], field: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise InvalidInput(f"duplicate code {code!r} in {field}", field=field)
        seen.add(code)


# --- grades ------------------------------------------------------------------------------------


class Grade(StrEnum):
    """The four national grades (§1.4). Values are stable codes; ``label`` is what people read."""

    EXCELLENT = "excellent"
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"

    @property
    def label(self) -> str:
        return _GRADE_LABELS[self]

    @property
    def rank(self) -> int:
        """Higher is better, so ``a.rank >= b.rank`` reads "a is at least b"."""
        return _GRADE_RANKS[self]

    def at_least(self, other: Grade) -> bool:
        return self.rank >= other.rank


_GRADE_LABELS: Final = {Grade.EXCELLENT: "优秀", Grade.GOOD: "良好", Grade.FAIR: "一般", Grade.POOR: "较差"}
_GRADE_RANKS: Final = {Grade.EXCELLENT: 3, Grade.GOOD: 2, Grade.FAIR: 1, Grade.POOR: 0}


class DeductionBasis(StrEnum):
    """Which deduction total the grade thresholds read (the score always uses capped deductions)."""

    RAW = "raw"
    """Sum of approved deduction records before per-item caps: misconduct is not forgiven by a cap."""
    CAPPED = "capped"
    """The deductions actually taken off the score, after per-item caps."""


class TiePolicy(StrEnum):
    """What happens to people tied on score exactly at the 优秀 quota cut-off (§1.5 gives no rule)."""

    COMMITTEE = "committee"
    """Leave the tied people undecided and ask the 考评委员会; the default (§1.4: grades are suggestions
    the committee confirms; §1.5: the hard quota blocks)."""
    EXCLUDE_ALL = "exclude_all"
    """Nobody in the tie keeps 优秀; the remaining places stay empty."""
    INCLUDE_ALL = "include_all"
    """Everyone in the tie keeps 优秀, knowingly exceeding the hard quota by the size of the tie."""
    ORDERED = "ordered"
    """Break the tie by fewer deductions, then higher bonus, then higher feedback adjustment, then the
    lower staff id (the last key is arbitrary and is reported as such)."""


class QuotaRounding(StrEnum):
    FLOOR = "floor"
    """Never exceed the percentage (default, §1.5)."""
    HALF_UP = "half_up"
    """Round to nearest; may exceed the percentage by under one person."""


class QuotaScope(StrEnum):
    """Which group the quota counts over; the service groups scores accordingly (§1.5)."""

    UNIT = "unit"
    DEPARTMENT = "department"
    PARTY_BRANCH = "party_branch"


class RecordKind(StrEnum):
    """A daily record either adds (表扬/加分) or deducts (批评/处罚/扣分) points (§1.3)."""

    PRAISE = "praise"
    DEDUCTION = "deduction"

    @property
    def label(self) -> str:
        return "加分" if self is RecordKind.PRAISE else "扣分"


class Severity(StrEnum):
    """Severity of a violation record (§3)."""

    MINOR = "minor"
    SERIOUS = "serious"
    GRAVE = "grave"

    @property
    def label(self) -> str:
        return {"minor": "一般", "serious": "较重", "grave": "严重"}[self.value]


class SocialMode(StrEnum):
    """How patient feedback reaches the score (§6.4)."""

    RECORDS = "records"
    """Only through verified praise/complaint records; no automatic score change (default)."""
    WEIGHTED = "weighted"
    """A 社会评价 sub-score (0–100) is blended into the total with ``weight``."""


class SatisfactionFormula(StrEnum):
    """How replies become a 0–100 satisfaction value (§6.1, §7 ``satisfaction.formula``)."""

    RATE = "rate"
    """(满意 + 基本满意) / valid replies × 100 (default)."""
    WEIGHTED = "weighted"
    """Mean of 满意 100 / 基本满意 80 / 不满意 60 (hotline practice, §6.1)."""


# --- catalogue entries ----------------------------------------------------------------------------


class ContentItem(msgspec.Struct, frozen=True, kw_only=True):
    """One of the evaluation-content items, with its weight and the most it can lose (§1.2, §1.3)."""

    code: str
    title: str
    max_score: Decimal
    deduction_cap: Decimal | None = None
    """Most points this item can lose; ``None`` means its ``max_score`` (item floor 0, §1.3 model A)."""

    def __post_init__(self) -> None:
        _require_code(self.code, "items.code")
        _require_points(self.max_score, "items.max_score", positive=True)
        if self.deduction_cap is not None:
            _require_points(self.deduction_cap, "items.deduction_cap", positive=True)
            if self.deduction_cap > self.max_score:
                raise InvalidInput(
                    f"item {self.code}: deduction cap {self.deduction_cap} exceeds weight {self.max_score}",
                    field="items.deduction_cap",
                )

    @property
    def cap(self) -> Decimal:
        return self.max_score if self.deduction_cap is None else self.deduction_cap


class VetoCondition(msgspec.Struct, frozen=True, kw_only=True):
    """A 一票否决 condition: an approved violation record carrying it forces 较差 (§1.6)."""

    code: str
    title: str
    source: str = ""


class ConductCategory(msgspec.Struct, frozen=True, kw_only=True):
    """A violation category (九项准则 2021, or the 2013 九不准 for earlier acts) (§3)."""

    code: str
    title: str
    scheme: str
    active_from: date | None = None
    active_to: date | None = None

    def applies_on(self, act_date: date) -> bool:
        """Whether an act on ``act_date`` is judged under this category (§3: version by act date)."""
        after_start = self.active_from is None or act_date >= self.active_from
        before_end = self.active_to is None or act_date <= self.active_to
        return after_start and before_end


class GradeBand(msgspec.Struct, frozen=True, kw_only=True):
    """The conditions for one grade; a person gets the first band (best first) they satisfy.

    ``min_score`` is inclusive (score ≥ min). ``deductions_below`` is exclusive (deductions < limit).
    ``requires_no_deduction`` means deductions must be exactly 0. 较差 has no band: it is whatever
    satisfies none of them (§1.4 default: "else").
    """

    grade: Grade
    min_score: Decimal
    deductions_below: Decimal | None = None
    requires_no_deduction: bool = False

    def admits(self, total: Decimal, deductions: Decimal) -> bool:
        if total < self.min_score:
            return False
        if self.requires_no_deduction and deductions != 0:
            return False
        return self.deductions_below is None or deductions < self.deductions_below

    @property
    def description(self) -> str:
        """Rule text for the 医德考评表, e.g. ``总分≥80 且扣分<15``."""
        parts = [f"总分≥{fmt(self.min_score)}"]
        if self.requires_no_deduction:
            parts.append("无扣分")
        if self.deductions_below is not None:
            parts.append(f"扣分<{fmt(self.deductions_below)}")
        return " 且 ".join(parts)


class ExcellentQuota(msgspec.Struct, frozen=True, kw_only=True):
    """The 优秀 quota per scope (§1.5): warn above ``soft_ratio``, never exceed ``hard_ratio``."""

    hard_ratio: Decimal | None = Decimal("0.15")
    """``None`` switches the quota off."""
    soft_ratio: Decimal | None = Decimal("0.10")
    rounding: QuotaRounding = QuotaRounding.FLOOR
    minimum_places: int = 0
    """At least this many places even in small units (0 = pure percentage, the default)."""
    tie_policy: TiePolicy = TiePolicy.COMMITTEE
    scope: QuotaScope = QuotaScope.UNIT

    def __post_init__(self) -> None:
        for name, ratio in (("hard_ratio", self.hard_ratio), ("soft_ratio", self.soft_ratio)):
            if ratio is not None and not (ratio.is_finite() and Decimal(0) <= ratio <= Decimal(1)):
                raise InvalidInput(
                    f"quota {name} must be between 0 and 1, got {ratio}", field=f"quota.{name}"
                )
        if self.hard_ratio is not None and self.soft_ratio is not None and self.soft_ratio > self.hard_ratio:
            raise InvalidInput(
                f"soft quota {self.soft_ratio} is above the hard quota {self.hard_ratio}",
                field="quota.soft_ratio",
            )
        if not 0 <= self.minimum_places <= _MAX_SAMPLE:
            raise InvalidInput(f"quota minimum_places must be 0..{_MAX_SAMPLE}", field="quota.minimum_places")


class FeedbackPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """Patient feedback parameters (§6.1, §6.2, §6.4)."""

    mode: SocialMode = SocialMode.RECORDS
    weight: Decimal = Decimal(0)
    """Share of the 社会评价 sub-score in the total in WEIGHTED mode (0 < weight ≤ 1)."""
    formula: SatisfactionFormula = SatisfactionFormula.RATE
    answer_points: tuple[Decimal, Decimal, Decimal] = (Decimal(100), Decimal(80), Decimal(60))
    """Points for 满意 / 基本满意 / 不满意 in the WEIGHTED formula and in inpatient averages."""
    min_sms_replies: int = 30
    """Valid SMS replies needed in a period before the rate is used (§6.1: n ≥ 30 per quarter)."""
    min_inpatient_ratings: int = 5
    """Inpatient ratings needed before they are shown or used (§6.2: k ≥ 5)."""
    complaint_points: Decimal = Decimal(1)
    """Deduction proposed for a verified 不满意 with a comment (§6.1: −1)."""
    praise_points: Decimal = Decimal(1)
    """Bonus proposed for explicit praise in a reply (§6.1: +1)."""
    complaint_item: str = "I3"
    """Content item such records go to; 文明礼貌，优质服务 by default (our choice, no source)."""
    praise_item: str = "I3"
    veto_below: Decimal | None = None
    """Annual satisfaction rate below this forces 较差 (沧州 model: 0.60); off by default (§6.1)."""

    def __post_init__(self) -> None:
        if not (self.weight.is_finite() and Decimal(0) <= self.weight <= Decimal(1)):
            raise InvalidInput("feedback weight must be between 0 and 1", field="feedback.weight")
        if self.mode is SocialMode.RECORDS and self.weight != 0:
            raise InvalidInput(
                "feedback weight must be 0 in records mode (feedback reaches the score only as records)",
                field="feedback.weight",
            )
        if self.mode is SocialMode.WEIGHTED and self.weight == 0:
            raise InvalidInput("weighted feedback mode needs a weight above 0", field="feedback.weight")
        for points in self.answer_points:
            if not (points.is_finite() and Decimal(0) <= points <= Decimal(100)):
                raise InvalidInput("answer points must be between 0 and 100", field="feedback.answer_points")
        if not self.answer_points[0] >= self.answer_points[1] >= self.answer_points[2]:
            raise InvalidInput(
                "answer points must not rank 不满意 above 基本满意 above 满意", field="feedback.answer_points"
            )
        for name in ("min_sms_replies", "min_inpatient_ratings"):
            if not 1 <= getattr(self, name) <= _MAX_SAMPLE:
                raise InvalidInput(f"minimum samples must be 1..{_MAX_SAMPLE}", field=f"feedback.{name}")
        _require_points(self.complaint_points, "feedback.complaint_points", positive=True)
        _require_points(self.praise_points, "feedback.praise_points", positive=True)
        if self.veto_below is not None and not (
            self.veto_below.is_finite() and Decimal(0) < self.veto_below <= Decimal(1)
        ):
            raise InvalidInput("satisfaction veto threshold must be in (0, 1]", field="feedback.veto_below")


class YearDay(msgspec.Struct, frozen=True, kw_only=True):
    """A yearly deadline such as 12-20, or 01-15 of the year after the cycle year."""

    month: int
    day: int
    next_year: bool = False

    def __post_init__(self) -> None:
        try:
            date(2025, self.month, self.day)  # a non-leap year: 02-29 would vanish three years in four
        except ValueError:
            raise InvalidInput(f"{self.month:02d}-{self.day:02d} is not a date in every year") from None

    def on(self, cycle_year: int) -> date:
        return date(cycle_year + self.next_year, self.month, self.day)


class CycleSchedule(msgspec.Struct, frozen=True, kw_only=True):
    """Default deadlines of the annual cycle (§1.7, Wenzhou 2024 and 江苏 practice)."""

    self_deadline: YearDay = YearDay(month=12, day=20)
    department_deadline: YearDay = YearDay(month=12, day=31)
    unit_deadline: YearDay = YearDay(month=1, day=15, next_year=True)
    archive_by: YearDay = YearDay(month=1, day=31, next_year=True)
    report_by: YearDay | None = None
    """Report of 执业医师 results to the 定期考核机构 (§7 ``ethics.report_deadline``, 江苏: year-end).
    Off by default: a year-end report cannot follow a unit evaluation due on 01-15; a bureau that
    needs it moves ``unit_deadline`` before it."""

    def __post_init__(self) -> None:
        steps = [self.self_deadline, self.department_deadline, self.unit_deadline, self.archive_by]
        days = [s.on(2025) for s in steps]
        if days != sorted(days):
            raise InvalidInput(
                "cycle deadlines must run self ≤ department ≤ unit ≤ archive", field="schedule"
            )
        if self.report_by is not None and self.report_by.on(2025) < self.unit_deadline.on(2025):
            raise InvalidInput(
                "the report deadline falls before the unit evaluation is due", field="schedule.report_by"
            )


# --- the national defaults ------------------------------------------------------------------------


def _d(value: str | int) -> Decimal:
    return Decimal(value)


NATIONAL_ITEMS: Final[tuple[ContentItem, ...]] = (
    # Titles: 2007 指导意见 via 中新网 (§1.2). Weights 10/15/15/20/20/10/10: a real system (§1.2 [CODE]).
    ContentItem(code="I1", title="救死扶伤，全心全意为人民服务", max_score=_d(10)),
    ContentItem(code="I2", title="尊重患者的权利，为患者保守医疗秘密", max_score=_d(15)),
    ContentItem(code="I3", title="文明礼貌，优质服务，构建和谐医患关系", max_score=_d(15)),
    ContentItem(code="I4", title="遵纪守法，廉洁行医", max_score=_d(20)),
    ContentItem(code="I5", title="因病施治，规范医疗服务行为", max_score=_d(20)),
    ContentItem(code="I6", title="顾全大局，团结协作，和谐共事", max_score=_d(10)),
    ContentItem(code="I7", title="严谨求实，努力提高专业技术水平", max_score=_d(10)),
)

NATIONAL_VETOES: Final[tuple[VetoCondition, ...]] = tuple(
    VetoCondition(code=f"V{i}", title=title, source="2007 医德考评指导意见（据 §1.6 实际系统种子数据）")
    for i, title in enumerate(
        (
            "在医疗服务活动中索要患者及其亲友财物或者牟取其他不正当利益的",
            "在临床诊疗活动中，收受药品、医用设备、医用耗材等生产、经营企业或经销人员以各种名义给予的财物或提成的",
            "违反医疗服务和药品价格政策，多记费、多收费或者私自收取费用，情节严重的",
            "隐匿、伪造或擅自销毁医学文书及有关资料的",
            "不认真履行职责，导致发生医疗事故或严重医疗差错的",
            "出具虚假医学证明文件或参与虚假医疗广告宣传和药品医疗器械促销的",
            "医疗服务态度恶劣，造成恶劣影响或者严重后果的",
            "其他严重违反职业道德和医学伦理道德的情形",
        ),
        start=1,
    )
)

_JX_FROM: Final = date(2021, 11, 12)
JIUXIANG: Final[tuple[ConductCategory, ...]] = tuple(
    ConductCategory(code=f"JX{i}", title=title, scheme="九项准则(2021)", active_from=_JX_FROM)
    for i, title in enumerate(
        (
            "合法按劳取酬，不接受商业提成",
            "严守诚信原则，不参与欺诈骗保",
            "依据规范行医，不实施过度诊疗",
            "遵守工作规程，不违规接受捐赠",
            "恪守保密准则，不泄露患者隐私",
            "服从诊疗需要，不牟利转介患者",
            "维护诊疗秩序，不破坏就医公平",
            "共建和谐关系，不收受患方“红包”",
            "恪守交往底线，不收受企业回扣",
        ),
        start=1,
    )
)

JIUBUZHUN: Final[tuple[ConductCategory, ...]] = tuple(
    ConductCategory(code=f"JBZ{i}", title=title, scheme="九不准(2013)", active_to=date(2021, 11, 11))
    for i, title in enumerate(
        (
            "不准将医疗卫生人员个人收入与药品和医学检查收入挂钩",
            "不准开单提成",
            "不准违规收费",
            "不准违规接受社会捐赠资助",
            "不准参与推销活动和违规发布医疗广告",
            "不准为商业目的统方",
            "不准违规私自采购使用药品、医疗器械、医用卫生材料等医疗产品",
            "不准收受回扣",
            "不准收受患者“红包”",
        ),
        start=1,
    )
)

DEFAULT_BANDS: Final[tuple[GradeBand, ...]] = (
    # §1.4 default (上高县 with the 25–29.9 gap closed by 一般 < 30).
    GradeBand(grade=Grade.EXCELLENT, min_score=_d(90), requires_no_deduction=True),
    GradeBand(grade=Grade.GOOD, min_score=_d(80), deductions_below=_d(15)),
    GradeBand(grade=Grade.FAIR, min_score=_d(60), deductions_below=_d(30)),
)

SATISFACTION_VETO_CODE: Final = "SATISFACTION"
"""Code of the veto raised by ``feedback.veto_below``; reserved, so veto counts stay unambiguous."""

DEFAULT_AUTO_VETO: Final[tuple[str, ...]] = ("JX1", "JX2", "JX8", "JX9")
"""§3: a 严重 violation of 准则 1/2/8/9 defaults to 一票否决."""


class EthicsPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """The complete, frozen rule set of one evaluation cycle."""

    items: tuple[ContentItem, ...] = NATIONAL_ITEMS
    base_score: Decimal = _d(100)
    """Must equal the sum of item weights (§1.3 model A: base = sum(items.max))."""
    bonus_cap: Decimal | None = _d(10)
    """Most praise points that count in a year; ``None`` = no cap (§1.3 default 10)."""
    grade_bands: tuple[GradeBand, ...] = DEFAULT_BANDS
    deduction_basis: DeductionBasis = DeductionBasis.RAW
    quota: ExcellentQuota = ExcellentQuota()
    veto_conditions: tuple[VetoCondition, ...] = NATIONAL_VETOES
    categories: tuple[ConductCategory, ...] = JIUXIANG + JIUBUZHUN
    auto_veto_categories: tuple[str, ...] = DEFAULT_AUTO_VETO
    """Categories whose 严重 violations force 较差 without an explicit veto code (§3)."""
    feedback: FeedbackPolicy = FeedbackPolicy()
    publicity: Period = Period(length=5)
    """公示 length (§1.7, §4: 5 working days)."""
    appeal_window: Period = Period(length=5)
    """Time to lodge an appeal, from the start of the 公示 (§1.7 default; alt 30 calendar days)."""
    appeal_review: Period = Period(length=10)
    """Time for the committee to decide an appeal (§1.7 default; alt 30 calendar days)."""
    schedule: CycleSchedule = CycleSchedule()

    def __post_init__(self) -> None:
        _require_unique((i.code for i in self.items), "items")
        if not self.items:
            raise InvalidInput("a policy needs at least one content item", field="items")
        _require_points(self.base_score, "base_score", positive=True)
        total_weight = sum((i.max_score for i in self.items), Decimal(0))
        if total_weight != self.base_score:
            raise InvalidInput(
                f"base score {self.base_score} differs from the sum of item weights {total_weight}",
                field="base_score",
            )
        if self.bonus_cap is not None:
            _require_points(self.bonus_cap, "bonus_cap")
        _validate_bands(
            self.grade_bands, None if self.bonus_cap is None else self.base_score + self.bonus_cap
        )
        _require_unique((v.code for v in self.veto_conditions), "veto_conditions")
        if any(v.code == SATISFACTION_VETO_CODE for v in self.veto_conditions):
            raise InvalidInput(
                f"veto code {SATISFACTION_VETO_CODE!r} is reserved for the satisfaction veto",
                field="veto_conditions",
            )
        _require_unique((c.code for c in self.categories), "categories")
        for code in (*(v.code for v in self.veto_conditions), *(c.code for c in self.categories)):
            _require_code(code, "codes")
        unknown = set(self.auto_veto_categories) - {c.code for c in self.categories}
        if unknown:
            raise InvalidInput(
                f"auto-veto categories not in the category list: {sorted(unknown)}",
                field="auto_veto_categories",
            )
        item_codes = {i.code for i in self.items}
        for name in ("complaint_item", "praise_item"):
            if getattr(self.feedback, name) not in item_codes:
                raise InvalidInput(f"feedback.{name} is not a content item code", field=f"feedback.{name}")

    # --- lookups the rules use -----------------------------------------------------------------

    def item_map(self) -> dict[str, ContentItem]:
        return {i.code: i for i in self.items}

    def veto_map(self) -> dict[str, VetoCondition]:
        return {v.code: v for v in self.veto_conditions}

    def category_map(self) -> dict[str, ConductCategory]:
        return {c.code: c for c in self.categories}

    def categories_on(self, act_date: date) -> tuple[ConductCategory, ...]:
        """The categories a violation committed on ``act_date`` may be filed under."""
        return tuple(c for c in self.categories if c.applies_on(act_date))

    # --- persistence ------------------------------------------------------------------------------

    def to_json(self) -> bytes:
        return msgspec.json.encode(self)

    @classmethod
    def from_json(cls, data: bytes | str) -> EthicsPolicy:
        """Decode a stored or submitted policy; every problem becomes an :class:`InvalidInput`."""
        try:
            return msgspec.json.decode(data, type=cls)
        except msgspec.DecodeError as exc:
            raise InvalidInput(f"ethics policy is not valid: {exc}", field="policy") from None


def _validate_bands(bands: tuple[GradeBand, ...], max_total: Decimal | None) -> None:
    """Bands must be 优秀, 良好, 一般 in that order, each reachable, none demanding more than a better one.

    Grading is monotone for any bands (each band admits higher scores and fewer deductions), so the
    real contradictions are a grade that can never be given — every case it admits is already a
    better grade — and a worse grade that needs a higher score than a better one. Deduction limits
    may differ freely otherwise: the ydda scheme (§1.4) puts no limit on 良好 and one on 一般.
    """
    expected = (Grade.EXCELLENT, Grade.GOOD, Grade.FAIR)
    if tuple(b.grade for b in bands) != expected:
        raise InvalidInput("grade bands must be exactly 优秀, 良好, 一般 in that order", field="grade_bands")
    for band in bands:
        _require_points(band.min_score, "grade_bands.min_score")
        if max_total is not None and band.min_score > max_total:
            raise InvalidInput(
                f"{band.grade.label} needs {band.min_score} but the best possible total is {max_total}",
                field="grade_bands.min_score",
            )
        if band.deductions_below is not None:
            _require_points(band.deductions_below, "grade_bands.deductions_below", positive=True)
    for better, worse in pairwise(bands):
        if worse.min_score > better.min_score:
            raise InvalidInput(
                f"{worse.grade.label} needs a higher score than {better.grade.label}",
                field="grade_bands.min_score",
            )
    for index, band in enumerate(bands[1:], start=1):
        shadowing = [b for b in bands[:index] if _covers_hardest_case(b, band)]
        if shadowing:
            raise InvalidInput(
                f"{band.grade.label} can never be given: {shadowing[0].grade.label} admits every such case",
                field="grade_bands",
            )


def _covers_hardest_case(better: GradeBand, band: GradeBand) -> bool:
    """Whether ``better`` admits the lowest score with the most deductions ``band`` admits.

    Points have at most two decimals, so the most deductions under "< L" is L − 0.01. Because bands
    admit every higher score and every lower deduction, admitting that corner means admitting all.
    """
    if band.requires_no_deduction:
        return better.admits(band.min_score, Decimal(0))
    if band.deductions_below is None:
        unlimited = better.deductions_below is None and not better.requires_no_deduction
        return unlimited and better.min_score <= band.min_score
    return better.admits(band.min_score, band.deductions_below - _CENT)


DEFAULT_POLICY: Final = EthicsPolicy()
"""The national defaults of domain-rules.md §7."""


__all__ = [
    "DEFAULT_AUTO_VETO",
    "DEFAULT_BANDS",
    "DEFAULT_POLICY",
    "JIUBUZHUN",
    "JIUXIANG",
    "NATIONAL_ITEMS",
    "NATIONAL_VETOES",
    "SATISFACTION_VETO_CODE",
    "ConductCategory",
    "ContentItem",
    "CycleSchedule",
    "DayUnit",
    "DeductionBasis",
    "EthicsPolicy",
    "ExcellentQuota",
    "FeedbackPolicy",
    "Grade",
    "GradeBand",
    "Period",
    "QuotaRounding",
    "QuotaScope",
    "RecordKind",
    "SatisfactionFormula",
    "Severity",
    "SocialMode",
    "TiePolicy",
    "VetoCondition",
    "YearDay",
    "fmt",
    "require_points",
]
