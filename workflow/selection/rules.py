"""Per-campaign rules as data: what may be nominated, how ballots look, how votes become a ranking.

The organizer sets a :class:`CampaignRules` per campaign. It is shown to users, its
:func:`rules_hash` goes into the ledger and into every ballot, and it is frozen when voting opens,
so a ballot signed under one rule set can never be counted under another. Structural limits
(lengths, ranges, enums) live in the msgspec types; cross-field consistency lives in
:func:`validate_rules`, which reports every problem at once so an organizer fixes them in one go.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, TypeVar

import msgspec

from workflow.errors import InvalidInput
from workflow.selection.common import HexSha256Field, canonical_json
from workflow.signing import sha256
from workflow.workdays import DayUnit, HolidayCalendar, Period, Window, national_calendar

RULES_SCHEMA = "yide/selection-rules/v1"
"""Schema tag inside the hashed rules, so a later rules format can never collide with this one."""

Percent = Annotated[int, msgspec.Meta(ge=0, le=100)]
Years = Annotated[int, msgspec.Meta(ge=0, le=60)]
Lookback = Annotated[int, msgspec.Meta(ge=1, le=50)]
_T = TypeVar("_T")


class FactSource(StrEnum):
    """Where an eligibility fact comes from."""

    DECLARED = "declared"
    """申报字段：the unit declares it on the nomination form and a reviewer checks it."""
    ETHICS_FILES = "ethics_files"
    """医德档案：read from the staff member's ethics file, authoritative, no reviewer check."""


class EthicsGrade(StrEnum):
    """The four national 医德考评 grades (domain-rules §1.4), best first."""

    EXCELLENT = "excellent"
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"


GRADE_RANK: dict[EthicsGrade, int] = {
    EthicsGrade.POOR: 0,
    EthicsGrade.FAIR: 1,
    EthicsGrade.GOOD: 2,
    EthicsGrade.EXCELLENT: 3,
}
GRADE_ZH: dict[EthicsGrade, str] = {
    EthicsGrade.EXCELLENT: "优秀",
    EthicsGrade.GOOD: "良好",
    EthicsGrade.FAIR: "一般",
    EthicsGrade.POOR: "较差",
}


class Rule(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base of the toggleable eligibility rules: every rule can be switched off and sourced."""

    enabled: bool = True
    source: FactSource = FactSource.DECLARED


class LicenceRule(Rule, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """执业资格：the nominee holds a practising licence."""


class ServiceYearsRule(Rule, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """从业年限：completed years of service at the reference date."""

    min_years: Years = 2


class NoAccidentRule(Rule, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """无医疗事故 (完全/主要责任) within the lookback window."""

    lookback_years: Lookback = 3


class NoDisciplineRule(Rule, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """无违纪处分 within the lookback window."""

    lookback_years: Lookback = 3


class EthicsGradeRule(Rule, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Last year's 医德考评 grade is at least ``min_grade`` (default 良好)."""

    source: FactSource = FactSource.ETHICS_FILES
    min_grade: EthicsGrade = EthicsGrade.GOOD


class NoPoorGradeRule(Rule, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """No 较差 grade in the last ``lookback_years`` evaluation years."""

    source: FactSource = FactSource.ETHICS_FILES
    lookback_years: Lookback = 3


def _factory(cls: type[_T]) -> _T:
    """A nested default: msgspec needs a factory, never a shared instance."""
    return msgspec.field(default_factory=cls)


class Eligibility(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """The six eligibility rules of the issue, each independently switchable."""

    licence: LicenceRule = _factory(LicenceRule)
    service_years: ServiceYearsRule = _factory(ServiceYearsRule)
    no_medical_accident: NoAccidentRule = _factory(NoAccidentRule)
    no_discipline: NoDisciplineRule = _factory(NoDisciplineRule)
    ethics_grade_last_year: EthicsGradeRule = _factory(EthicsGradeRule)
    no_poor_grade: NoPoorGradeRule = _factory(NoPoorGradeRule)


class NominationQuota(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """How many nominees a unit may put forward (e.g. 巴中: each unit 1–3) and in total."""

    per_unit_min: Annotated[int, msgspec.Meta(ge=0, le=50)] = 1
    per_unit_max: Annotated[int, msgspec.Meta(ge=1, le=50)] = 3
    total_max: Annotated[int, msgspec.Meta(ge=1, le=10_000)] | None = None


class BallotShape(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Pick ``min_choices``..``max_choices`` of the shortlist; a blank ballot has no choice at all."""

    min_choices: Annotated[int, msgspec.Meta(ge=0, le=500)] = 1
    max_choices: Annotated[int, msgspec.Meta(ge=1, le=500)] = 10
    blank_allowed: bool = False


class RevoteMode(StrEnum):
    FIRST_COUNTS = "first_counts"
    LAST_COUNTS = "last_counts"
    AT_MOST_K = "at_most_k"


class RevotePolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Which of a credential's ballots counts. ``k`` is the number of overwrites for ``at_most_k``."""

    mode: RevoteMode = RevoteMode.LAST_COUNTS
    k: Annotated[int, msgspec.Meta(ge=1, le=100)] | None = None

    def max_ballots(self) -> int | None:
        """Ballots one credential may have accepted; ``None`` means unlimited (last counts)."""
        if self.mode is RevoteMode.FIRST_COUNTS:
            return 1
        if self.mode is RevoteMode.AT_MOST_K:
            return 1 + (self.k or 0)
        return None


class StaffChannel(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Credential vote of staff (职工投票); weights come per voter from the census."""

    enabled: bool = True
    weighted: bool = False
    max_weight: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1


class PublicChannel(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Verified-phone vote of the public (网络投票), capped per phone and per IP per China day."""

    enabled: bool = False
    ballots_per_phone_per_day: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1
    ballots_per_ip_per_day: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 15


class ChannelWeights(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """How the per-channel vote scores mix into one vote score (enabled channels sum to 100)."""

    staff: Percent = 100
    public: Percent = 0


class Channels(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    staff: StaffChannel = _factory(StaffChannel)
    public: PublicChannel = _factory(PublicChannel)
    weights: ChannelWeights = _factory(ChannelWeights)


class LiveResults(StrEnum):
    """What may be shown while voting is open (感动重庆: no live counts)."""

    NONE = "none"
    TURNOUT_ONLY = "turnout_only"


class ScoreMode(StrEnum):
    WEIGHTED = "weighted"
    """combined = votes% × vote score + experts% × expert score."""
    VOTES_ONLY = "votes_only"
    """combined = vote score (experts% must be 0)."""
    VOTES_AS_REFERENCE = "votes_as_reference"
    """combined = expert score; the vote score is published beside it (votes% must be 0)."""


class VoteNormalisation(StrEnum):
    SHARE_OF_MAX = "share_of_max"
    """100 × votes / max votes of any candidate in the channel (domain-rules default)."""
    SHARE_OF_TOTAL = "share_of_total"
    """100 × votes / all votes in the channel (占比法)."""


class Scoring(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    mode: ScoreMode = ScoreMode.WEIGHTED
    votes_percent: Percent = 30
    experts_percent: Percent = 70
    normalisation: VoteNormalisation = VoteNormalisation.SHARE_OF_MAX


class ExpertCriterion(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One scoring criterion; every expert scores it 0–100, ``weight`` is its share of 100."""

    key: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    name_zh: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    name_en: Annotated[str, msgspec.Meta(max_length=80)] = ""
    weight: Annotated[int, msgspec.Meta(ge=1, le=100)]


def _default_criteria() -> tuple[ExpertCriterion, ...]:
    return (
        ExpertCriterion(key="ethics", name_zh="医德医风", name_en="Medical ethics", weight=40),
        ExpertCriterion(key="skill", name_zh="业务能力", name_en="Professional skill", weight=30),
        ExpertCriterion(key="deeds", name_zh="先进事迹", name_en="Exemplary deeds", weight=30),
    )


class ExpertRules(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Expert scoring; ``drop_high_low`` drops one highest and one lowest total per candidate once
    at least ``min_panel_for_drop`` experts scored that candidate (domain-rules §5.3 default)."""

    criteria: Annotated[tuple[ExpertCriterion, ...], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=_default_criteria
    )
    drop_high_low: bool = True
    min_panel_for_drop: Annotated[int, msgspec.Meta(ge=3, le=100)] = 5


class TieMethod(StrEnum):
    PUBLISHED_SEED = "published_seed"
    """Order tied candidates by SHA-256 of the seed and their id; the rules commit to the seed."""
    DRAWING_OF_LOTS = "drawing_of_lots"
    """A drawing of lots, recorded in the ledger, supplies the order of tied candidates."""


class TieKey(StrEnum):
    """Scores compared, in the configured order, before the random tie-break is used."""

    EXPERT_SCORE = "expert_score"
    VOTE_SCORE = "vote_score"
    STAFF_VOTES = "staff_votes"
    PUBLIC_VOTES = "public_votes"


class TieBreak(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """``seed_commitment`` is the hex SHA-256 of the UTF-8 seed, fixed before voting and revealed at
    tally time, so nobody can pick a seed after seeing the ties."""

    keys: Annotated[tuple[TieKey, ...], msgspec.Meta(max_length=4)] = (TieKey.EXPERT_SCORE, TieKey.VOTE_SCORE)
    method: TieMethod = TieMethod.DRAWING_OF_LOTS
    seed_commitment: HexSha256Field | None = None


class Publicity(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """公示 length in working days (domain-rules §4 default 5) on the bureau's holiday calendar."""

    working_days: Annotated[int, msgspec.Meta(ge=1, le=30)] = 5


class CampaignRules(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Every per-campaign rule of a selection; hashed by :func:`rules_hash`."""

    schema: Annotated[str, msgspec.Meta(pattern=r"^yide/selection-rules/v1$")] = RULES_SCHEMA
    quota: NominationQuota = _factory(NominationQuota)
    eligibility: Eligibility = _factory(Eligibility)
    shortlist_size: Annotated[int, msgspec.Meta(ge=1, le=500)] = 20
    winners: Annotated[int, msgspec.Meta(ge=1, le=500)] = 10
    ballot: BallotShape = _factory(BallotShape)
    revote: RevotePolicy = _factory(RevotePolicy)
    channels: Channels = _factory(Channels)
    live_results: LiveResults = LiveResults.NONE
    scoring: Scoring = _factory(Scoring)
    experts: ExpertRules = _factory(ExpertRules)
    tie_break: TieBreak = _factory(TieBreak)
    publicity: Publicity = _factory(Publicity)


class Problem(msgspec.Struct, frozen=True):
    """One inconsistency: the dotted field, a stable code and a sentence for the organizer."""

    field: str
    code: str
    message_zh: str
    message_en: str


_MESSAGES: dict[str, tuple[str, str]] = {
    "min_exceeds_max": ("最小值大于最大值", "minimum exceeds maximum"),
    "total_below_unit_min": ("推荐总数小于每单位最少人数", "total maximum below the per-unit minimum"),
    "winners_exceed_shortlist": ("当选人数大于候选人数", "more winners than shortlisted candidates"),
    "max_exceeds_shortlist": ("最多选择数大于候选人数", "max choices exceed the shortlist size"),
    "zero_min_without_blank": (
        "最少选择数为0即允许空白票，请设置 blank_allowed",
        "min choices 0 means blank ballots: set blank_allowed",
    ),
    "k_required": ("at_most_k 需要 k", "at_most_k needs k"),
    "k_unexpected": ("仅 at_most_k 使用 k", "k is only used by at_most_k"),
    "no_channel": ("至少开启一个投票渠道", "enable at least one voting channel"),
    "weight_without_weighting": (
        "未启用权重时票权必须为1",
        "max_weight must be 1 when voters are not weighted",
    ),
    "weight_on_disabled_channel": ("渠道未开启但有权重", "a disabled channel has a weight"),
    "weights_not_100": ("权重之和须为100", "weights must sum to 100"),
    "experts_in_votes_only": ("仅投票模式专家权重须为0", "votes_only needs experts% = 0"),
    "votes_in_reference_mode": ("投票仅供参考时投票权重须为0", "votes_as_reference needs votes% = 0"),
    "degenerate_weighting": (
        "加权模式两项权重须均大于0，否则请选 votes_only 或 votes_as_reference",
        "weighted mode needs both weights > 0; use votes_only or votes_as_reference instead",
    ),
    "no_criteria": ("需要至少一项专家评分标准", "at least one expert criterion is needed"),
    "duplicate_key": ("代码重复", "duplicate key"),
    "seed_commitment_required": ("公开种子方式需要种子承诺值", "published_seed needs seed_commitment"),
    "seed_commitment_unexpected": ("抽签方式不使用种子", "drawing_of_lots takes no seed"),
    "key_not_available": (
        "该并列比较项在本规则下无数据",
        "this tie-break key is not scored under these rules",
    ),
    "schema": ("规则格式错误", "rules do not match the schema"),
}


def _problem(field: str, code: str) -> Problem:
    zh, en = _MESSAGES[code]
    return Problem(field, code, zh, en)


def rules_problems(rules: CampaignRules) -> list[Problem]:
    """Every cross-field inconsistency of ``rules``; empty when the rules are usable."""
    return [
        *_quota_problems(rules.quota),
        *_shape_problems(rules),
        *_revote_problems(rules.revote),
        *_channel_problems(rules.channels),
        *_scoring_problems(rules),
        *_tie_problems(rules),
    ]


def validate_rules(rules: CampaignRules) -> CampaignRules:
    """Return ``rules`` unchanged or raise :class:`InvalidInput` listing every problem."""
    problems = rules_problems(rules)
    if problems:
        raise InvalidInput(
            f"campaign rules have {len(problems)} problem(s)",
            problems=[msgspec.to_builtins(p) for p in problems],
        )
    return rules


def decode_rules(data: bytes | str) -> CampaignRules:
    """Parse rules JSON (as an organizer submits or a bundle holds it) and validate it fully."""
    try:
        rules = msgspec.json.decode(data, type=CampaignRules)
    except msgspec.ValidationError as error:
        problem = _problem(_path_of(str(error)), "schema")
        problem = Problem(problem.field, problem.code, problem.message_zh, str(error))
        raise InvalidInput(
            "campaign rules do not match the schema", problems=[msgspec.to_builtins(problem)]
        ) from error
    except msgspec.DecodeError as error:
        raise InvalidInput("campaign rules are not JSON", problems=[]) from error
    return validate_rules(rules)


def encode_rules(rules: CampaignRules) -> bytes:
    """The canonical RFC 8785 bytes of the rules, every field spelled out (defaults included)."""
    return canonical_json(rules)


def rules_hash(rules: CampaignRules) -> bytes:
    """SHA-256 of :func:`encode_rules`; ballots quote it as lower-case hex."""
    return sha256(encode_rules(rules))


def _path_of(message: str) -> str:
    marker = "at `$"
    if marker in message:
        return message.split(marker, 1)[1].rstrip("`").lstrip(".")
    return ""


def _quota_problems(quota: NominationQuota) -> list[Problem]:
    problems = []
    if quota.per_unit_min > quota.per_unit_max:
        problems.append(_problem("quota.per_unit_min", "min_exceeds_max"))
    if quota.total_max is not None and quota.total_max < quota.per_unit_min:
        problems.append(_problem("quota.total_max", "total_below_unit_min"))
    return problems


def _shape_problems(rules: CampaignRules) -> list[Problem]:
    shape, problems = rules.ballot, []
    if rules.winners > rules.shortlist_size:
        problems.append(_problem("winners", "winners_exceed_shortlist"))
    if shape.min_choices > shape.max_choices:
        problems.append(_problem("ballot.min_choices", "min_exceeds_max"))
    if shape.max_choices > rules.shortlist_size:
        problems.append(_problem("ballot.max_choices", "max_exceeds_shortlist"))
    if shape.min_choices == 0 and not shape.blank_allowed:
        problems.append(_problem("ballot.min_choices", "zero_min_without_blank"))
    return problems


def _revote_problems(revote: RevotePolicy) -> list[Problem]:
    if revote.mode is RevoteMode.AT_MOST_K and revote.k is None:
        return [_problem("revote.k", "k_required")]
    if revote.mode is not RevoteMode.AT_MOST_K and revote.k is not None:
        return [_problem("revote.k", "k_unexpected")]
    return []


def _channel_problems(channels: Channels) -> list[Problem]:
    problems = []
    staff, public, weights = channels.staff, channels.public, channels.weights
    if not staff.enabled and not public.enabled:
        problems.append(_problem("channels", "no_channel"))
    if not staff.weighted and staff.max_weight != 1:
        problems.append(_problem("channels.staff.max_weight", "weight_without_weighting"))
    if not staff.enabled and weights.staff:
        problems.append(_problem("channels.weights.staff", "weight_on_disabled_channel"))
    if not public.enabled and weights.public:
        problems.append(_problem("channels.weights.public", "weight_on_disabled_channel"))
    if (staff.enabled or public.enabled) and weights.staff + weights.public != 100:
        problems.append(_problem("channels.weights", "weights_not_100"))
    return problems


def _scoring_problems(rules: CampaignRules) -> list[Problem]:
    scoring, problems = rules.scoring, []
    if scoring.votes_percent + scoring.experts_percent != 100:
        problems.append(_problem("scoring", "weights_not_100"))
    if scoring.mode is ScoreMode.VOTES_ONLY and scoring.experts_percent != 0:
        problems.append(_problem("scoring.experts_percent", "experts_in_votes_only"))
    if scoring.mode is ScoreMode.VOTES_AS_REFERENCE and scoring.votes_percent != 0:
        problems.append(_problem("scoring.votes_percent", "votes_in_reference_mode"))
    if scoring.mode is ScoreMode.WEIGHTED and 0 in (scoring.votes_percent, scoring.experts_percent):
        problems.append(_problem("scoring.mode", "degenerate_weighting"))
    if scoring.mode is not ScoreMode.VOTES_ONLY or rules.experts.criteria:
        problems.extend(_criteria_problems(rules.experts))
    return problems


def _criteria_problems(experts: ExpertRules) -> list[Problem]:
    criteria, problems = experts.criteria, []
    if not criteria:
        return [_problem("experts.criteria", "no_criteria")]
    if sum(c.weight for c in criteria) != 100:
        problems.append(_problem("experts.criteria", "weights_not_100"))
    if len({c.key for c in criteria}) != len(criteria):
        problems.append(_problem("experts.criteria", "duplicate_key"))
    return problems


def _tie_problems(rules: CampaignRules) -> list[Problem]:
    tie, problems = rules.tie_break, []
    if len(set(tie.keys)) != len(tie.keys):
        problems.append(_problem("tie_break.keys", "duplicate_key"))
    if tie.method is TieMethod.PUBLISHED_SEED and tie.seed_commitment is None:
        problems.append(_problem("tie_break.seed_commitment", "seed_commitment_required"))
    if tie.method is TieMethod.DRAWING_OF_LOTS and tie.seed_commitment is not None:
        problems.append(_problem("tie_break.seed_commitment", "seed_commitment_unexpected"))
    unavailable = {
        TieKey.STAFF_VOTES: not rules.channels.staff.enabled,
        TieKey.PUBLIC_VOTES: not rules.channels.public.enabled,
        TieKey.EXPERT_SCORE: rules.scoring.mode is ScoreMode.VOTES_ONLY,
    }
    problems.extend(
        _problem(f"tie_break.keys.{key}", "key_not_available") for key in tie.keys if unavailable.get(key)
    )
    return problems


def publicity_calendar(*, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> HolidayCalendar:
    """The national working-day calendar (:mod:`workflow.workdays`) with the bureau's own days on top."""
    local = HolidayCalendar.from_dates(holidays=holidays, workdays=workdays)
    return national_calendar().with_local_days(local)


def publicity_window(
    opens_at: datetime,
    working_days: int,
    *,
    holidays: Iterable[date] = (),
    workdays: Iterable[date] = (),
) -> Window:
    """The 公示 that opens at ``opens_at`` and lasts ``working_days`` working days.

    The project's one convention for such windows (:meth:`workflow.workdays.HolidayCalendar.window`):
    the opening day counts if it is a working day and the notice went up before noon, Beijing time;
    the window closes at midnight after its last working day, and objections are in time strictly
    before that instant.
    """
    calendar = publicity_calendar(holidays=holidays, workdays=workdays)
    return calendar.window(opens_at, Period(length=working_days, unit=DayUnit.WORKING))


def objection_problems(
    *, lodged_at: datetime, opened_at: datetime, closes_at: datetime, real_name: bool, has_contact: bool
) -> list[str]:
    """Why an objection is not admissible (domain-rules §4): late, early, anonymous or unreachable.

    Empty means admissible. Refused objections are still logged, with these codes.
    """
    problems = []
    if lodged_at < opened_at:
        problems.append("before_window")
    if lodged_at >= closes_at:
        problems.append("after_window")
    if not real_name:
        problems.append("anonymous")
    if not has_contact:
        problems.append("no_contact")
    return problems
