"""Pure nomination checks: the unit quota, the campaign total and each eligibility rule.

Every check reports *all* failing rules at once, each with a stable ``code`` the API and the ledger
use and a Chinese and English reason a unit admin can act on. Facts arrive already loaded: the
declared facts from the nomination form and, when the ethics files exist, the facts read from them;
each rule's configured :class:`~workflow.selection.rules.FactSource` decides which one it reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

import msgspec

from workflow.ids import UnitId
from workflow.selection.rules import (
    GRADE_RANK,
    GRADE_ZH,
    CampaignRules,
    EthicsGrade,
    EthicsGradeRule,
    FactSource,
    LicenceRule,
    NominationQuota,
    NoPoorGradeRule,
    Rule,
    ServiceYearsRule,
)


class Verdict(StrEnum):
    PASSED = "passed"
    FAIL = "fail"
    MISSING = "missing"
    """The rule needs a fact nobody supplied (e.g. no ethics file yet); it blocks like a failure."""
    TO_REVIEW = "to_review"
    """The declared fact passes, but a reviewer must confirm it before the nominee is approved."""


class GradeRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One year's 医德考评 result as the ethics files (or the unit) report it."""

    year: int
    grade: EthicsGrade


class NomineeFacts(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Facts about one nominee from one source; ``None`` means "not known from this source".

    An empty tuple is a positive statement ("no accidents"), not an unknown.
    """

    has_licence: bool | None = None
    service_start: date | None = None
    medical_accidents: tuple[date, ...] | None = None
    discipline_actions: tuple[date, ...] | None = None
    ethics_grades: tuple[GradeRecord, ...] | None = None


class RuleCheck(msgspec.Struct, frozen=True):
    """The outcome of one rule for one nominee."""

    code: str
    verdict: Verdict
    source: str
    reason_zh: str
    reason_en: str

    @property
    def blocks(self) -> bool:
        return self.verdict in (Verdict.FAIL, Verdict.MISSING)


class NominationCheck(msgspec.Struct, frozen=True):
    """Everything the checks found; ``ok`` only if nothing blocks (reviewer items may remain)."""

    checks: tuple[RuleCheck, ...]

    @property
    def failures(self) -> tuple[RuleCheck, ...]:
        return tuple(c for c in self.checks if c.blocks)

    @property
    def to_review(self) -> tuple[RuleCheck, ...]:
        return tuple(c for c in self.checks if c.verdict is Verdict.TO_REVIEW)

    @property
    def ok(self) -> bool:
        return not self.failures


def completed_years(start: date, on: date) -> int:
    """Whole years from ``start`` to ``on``; an anniversary on 29 February falls on 28 February."""
    years = on.year - start.year
    anniversary = _same_day_in(start, on.year)
    return years - 1 if on < anniversary else years


def years_before(on: date, years: int) -> date:
    """The day ``years`` years before ``on`` (29 February maps to 28 February)."""
    return _same_day_in(on, on.year - years)


def _same_day_in(day: date, year: int) -> date:
    if day.month == 2 and day.day == 29:
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return day.replace(year=year)


def check_quota(
    quota: NominationQuota, *, unit: UnitId, unit_counts: Mapping[UnitId, int], adding: int = 1
) -> tuple[RuleCheck, ...]:
    """Can ``unit`` add ``adding`` nominees now? ``unit_counts`` are live nominations per unit.

    Only the maxima are checked here; the per-unit minimum can only fail at close
    (:func:`check_quota_at_close`), since a unit nominates one person at a time.
    """
    own = unit_counts.get(unit, 0) + adding
    total = sum(unit_counts.values()) + adding
    checks = [
        _check(
            "quota.unit_max",
            own <= quota.per_unit_max,
            "quota",
            f"本单位推荐人数将达 {own} 人，超过上限 {quota.per_unit_max} 人",
            f"unit would have {own} nominees, over the limit of {quota.per_unit_max}",
        )
    ]
    if quota.total_max is not None:
        checks.append(
            _check(
                "quota.total_max",
                total <= quota.total_max,
                "quota",
                f"推荐总人数将达 {total} 人，超过上限 {quota.total_max} 人",
                f"campaign would have {total} nominees, over the limit of {quota.total_max}",
            )
        )
    return tuple(checks)


def check_quota_at_close(
    quota: NominationQuota, unit_counts: Mapping[UnitId, int]
) -> dict[UnitId, RuleCheck]:
    """Units that nominated someone but fewer than ``per_unit_min``; units with none took no part."""
    short = {}
    for unit, count in sorted(unit_counts.items()):
        if 0 < count < quota.per_unit_min:
            short[unit] = RuleCheck(
                "quota.unit_min",
                Verdict.FAIL,
                "quota",
                f"本单位仅推荐 {count} 人，少于下限 {quota.per_unit_min} 人",
                f"unit nominated {count}, below the minimum of {quota.per_unit_min}",
            )
    return short


def check_eligibility(
    rules: CampaignRules,
    *,
    declared: NomineeFacts,
    from_files: NomineeFacts | None,
    reference_date: date,
) -> tuple[RuleCheck, ...]:
    """Run every enabled eligibility rule; returns one :class:`RuleCheck` per enabled rule.

    ``reference_date`` is the campaign's eligibility date (normally the nomination deadline):
    years of service, lookback windows and "last year" are all measured from it.
    """
    el = rules.eligibility

    def facts(rule: Rule) -> NomineeFacts:
        if rule.source is FactSource.ETHICS_FILES:
            return from_files if from_files is not None else _EMPTY
        return declared

    checks: list[RuleCheck] = []
    if el.licence.enabled:
        checks.append(_licence(el.licence, facts(el.licence)))
    if el.service_years.enabled:
        checks.append(_service(el.service_years, facts(el.service_years), reference_date))
    if el.no_medical_accident.enabled:
        rule_a = el.no_medical_accident
        events = facts(rule_a).medical_accidents
        checks.append(_events(_ACCIDENT, rule_a, events, lookback=rule_a.lookback_years, on=reference_date))
    if el.no_discipline.enabled:
        rule_d = el.no_discipline
        events = facts(rule_d).discipline_actions
        checks.append(_events(_DISCIPLINE, rule_d, events, lookback=rule_d.lookback_years, on=reference_date))
    if el.ethics_grade_last_year.enabled:
        checks.append(
            _last_grade(el.ethics_grade_last_year, facts(el.ethics_grade_last_year), reference_date)
        )
    if el.no_poor_grade.enabled:
        checks.append(_no_poor(el.no_poor_grade, facts(el.no_poor_grade), reference_date))
    return tuple(checks)


def check_nomination(
    rules: CampaignRules,
    *,
    unit: UnitId,
    unit_counts: Mapping[UnitId, int],
    declared: NomineeFacts,
    from_files: NomineeFacts | None,
    reference_date: date,
) -> NominationCheck:
    """Quota and eligibility together: what a unit admin sees when submitting one nominee."""
    quota = check_quota(rules.quota, unit=unit, unit_counts=unit_counts)
    eligibility = check_eligibility(
        rules, declared=declared, from_files=from_files, reference_date=reference_date
    )
    return NominationCheck(checks=quota + eligibility)


_EMPTY = NomineeFacts()
_ACCIDENT = ("eligibility.no_medical_accident", "医疗事故", "medical accident")
_DISCIPLINE = ("eligibility.no_discipline", "违纪处分", "disciplinary action")


def _check(code: str, ok: bool, source: str, zh: str, en: str) -> RuleCheck:
    return RuleCheck(code, Verdict.PASSED if ok else Verdict.FAIL, source, "" if ok else zh, "" if ok else en)


def _passed(code: str, rule: Rule) -> RuleCheck:
    """A pass; from a declared fact it still needs the reviewer's confirmation."""
    if rule.source is FactSource.DECLARED:
        return RuleCheck(
            code,
            Verdict.TO_REVIEW,
            rule.source,
            "申报信息待评审核实",
            "declared fact awaits the reviewer's check",
        )
    return RuleCheck(code, Verdict.PASSED, rule.source, "", "")


def _failed(code: str, rule: Rule, zh: str, en: str) -> RuleCheck:
    return RuleCheck(code, Verdict.FAIL, rule.source, zh, en)


def _missing(code: str, rule: Rule, what_zh: str, what_en: str) -> RuleCheck:
    where_zh, where_en = (
        ("医德档案", "ethics file")
        if rule.source is FactSource.ETHICS_FILES
        else ("申报表", "nomination form")
    )
    return RuleCheck(
        code, Verdict.MISSING, rule.source, f"{where_zh}缺少{what_zh}", f"{where_en} lacks {what_en}"
    )


def _licence(rule: LicenceRule, facts: NomineeFacts) -> RuleCheck:
    code = "eligibility.licence"
    if facts.has_licence is None:
        return _missing(code, rule, "执业资格信息", "licence information")
    if not facts.has_licence:
        return _failed(code, rule, "无执业资格证书", "no practising licence")
    return _passed(code, rule)


def _service(rule: ServiceYearsRule, facts: NomineeFacts, on: date) -> RuleCheck:
    code = "eligibility.service_years"
    if facts.service_start is None:
        return _missing(code, rule, "参加工作时间", "service start date")
    years = completed_years(facts.service_start, on)
    if years < rule.min_years:
        zh = f"从业年限 {years} 年，不满 {rule.min_years} 年"
        return _failed(code, rule, zh, f"{years} years of service, fewer than {rule.min_years}")
    return _passed(code, rule)


def _events(
    what: tuple[str, str, str], rule: Rule, events: tuple[date, ...] | None, *, lookback: int, on: date
) -> RuleCheck:
    """No event dated in the ``lookback`` years up to and including ``on``."""
    code, what_zh, what_en = what
    if events is None:
        return _missing(code, rule, f"{what_zh}记录", f"{what_en} records")
    since = years_before(on, lookback)
    hits = sorted(d for d in events if since < d <= on)
    if hits:
        last = hits[-1].isoformat()
        zh = f"近 {lookback} 年内有{what_zh}（{last}）"
        return _failed(code, rule, zh, f"{what_en} within the last {lookback} years ({last})")
    return _passed(code, rule)


def _last_grade(rule: EthicsGradeRule, facts: NomineeFacts, on: date) -> RuleCheck:
    """Last evaluation year is the calendar year before the reference date."""
    code = "eligibility.ethics_grade_last_year"
    year = on.year - 1
    grades = {r.year: r.grade for r in facts.ethics_grades or ()}
    if year not in grades:
        return _missing(code, rule, f"{year} 年度医德考评结果", f"the {year} ethics grade")
    grade, floor = grades[year], rule.min_grade
    if GRADE_RANK[grade] < GRADE_RANK[floor]:
        zh = f"{year} 年度医德考评为{GRADE_ZH[grade]}，低于{GRADE_ZH[floor]}"
        return _failed(code, rule, zh, f"{year} ethics grade {grade} is below {floor}")
    return _passed(code, rule)


def _no_poor(rule: NoPoorGradeRule, facts: NomineeFacts, on: date) -> RuleCheck:
    """No 较差 in the ``lookback`` evaluation years before ``on``'s year; absent years don't fail."""
    code = "eligibility.no_poor_grade"
    if facts.ethics_grades is None:
        return _missing(code, rule, "医德考评记录", "ethics grade records")
    years = range(on.year - rule.lookback_years, on.year)
    poor = sorted(r.year for r in facts.ethics_grades if r.year in years and r.grade is EthicsGrade.POOR)
    if poor:
        zh = f"近 {rule.lookback_years} 年有医德考评较差（{'、'.join(map(str, poor))}）"
        en = f"ethics grade poor within {rule.lookback_years} years ({', '.join(map(str, poor))})"
        return _failed(code, rule, zh, en)
    return _passed(code, rule)
