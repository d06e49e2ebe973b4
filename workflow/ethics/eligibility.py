"""Eligibility from the ethics file: may this person be nominated, promoted, rated 优秀 elsewhere?

Why here and not in the selection code: the rules read only a person's final ethics grades, and the
same checks serve 最美医生 nominations (domain-rules §5.3 ``eligibility.ethics_min_grade``), 评先评优
and 晋升 (§1.8 "较差 → 不得参加评先评优、晋职晋级"), and the 定期考核 ("≥1 次较差 in the cycle →
不合格", §1.8 江苏). The caller supplies the parameters for its purpose; the answer always carries one
line per check, pass or fail, so a rejected nominee is told exactly why.

Missing years: a year with no final result (new hire, leave, not yet archived) fails a minimum-grade
check only when ``require_results`` is set (default on: "grade ≥ 良好 last year" cannot be shown
without a result), and never fails a "no 较差 / no veto" check (absence of a result is not a 较差);
both cases are named in the reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import msgspec

from workflow.errors import InvalidInput
from workflow.ethics.policy import Grade


class YearResult(msgspec.Struct, frozen=True, kw_only=True):
    """A final (post-公示, post-appeal) result of one cycle year."""

    year: int
    grade: Grade
    vetoed: bool = False

    def __post_init__(self) -> None:
        if self.vetoed and self.grade is not Grade.POOR:
            raise InvalidInput(
                f"{self.year}: a vetoed year must be graded 较差", field="vetoed", year=self.year
            )


class EligibilityRule(msgspec.Struct, frozen=True, kw_only=True):
    """Parameters of one purpose; defaults are the 最美医生 ones of §5.3 and DESIGN.md."""

    min_grade: Grade | None = Grade.GOOD
    """Each of the last ``min_grade_years`` years must be at least this (``None`` = no such check)."""
    min_grade_years: int = 1
    no_poor_years: int = 3
    """No 较差 in the last N years (0 = no such check)."""
    no_veto_years: int = 3
    """No 一票否决 in the last N years (0 = no such check)."""
    require_results: bool = True

    def __post_init__(self) -> None:
        for name in ("min_grade_years", "no_poor_years", "no_veto_years"):
            if not 0 <= getattr(self, name) <= 20:
                raise InvalidInput(f"{name} must be 0..20", field=name)
        if self.min_grade is not None and self.min_grade_years < 1:
            raise InvalidInput("a minimum grade needs at least one year to look at", field="min_grade_years")


SELECTION: Final = EligibilityRule()
"""最美医生-type nominations: 良好 or better last year, no 较差 and no veto in three years (§5.3)."""

PERIODIC_ASSESSMENT: Final = EligibilityRule(min_grade=None, no_poor_years=3, no_veto_years=3)
"""医师定期考核: any 较差 in the (now three-year, 医师法) cycle makes it 不合格 (§1.8 江苏)."""

PROMOTION: Final = EligibilityRule(min_grade=None, no_poor_years=1, no_veto_years=1)
"""评先评优、晋职晋级、岗位聘用: blocked by a 较差 in the latest year (§1.8 沧州/吴忠)."""


class Check(msgspec.Struct, frozen=True, kw_only=True):
    rule: str
    """``min_grade``, ``no_poor`` or ``no_veto``."""
    passed: bool
    reason: str


class Eligibility(msgspec.Struct, frozen=True, kw_only=True):
    eligible: bool
    checks: tuple[Check, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """The failing checks' reasons, for the rejection notice."""
        return tuple(c.reason for c in self.checks if not c.passed)


def check_eligibility(
    history: Iterable[YearResult], *, latest_year: int, rule: EligibilityRule | None = None
) -> Eligibility:
    """Judge a grade history; windows count back from ``latest_year`` (the last completed cycle).

    For a 最美医生 selection held in August 2026, ``latest_year`` is 2025: the 2026 cycle has no
    result yet. Years after ``latest_year`` are ignored.
    """
    rule = rule or EligibilityRule()
    by_year: dict[int, YearResult] = {}
    for result in history:
        if result.year in by_year:
            raise InvalidInput(f"two results for {result.year}", field="history", year=result.year)
        by_year[result.year] = result
    checks: list[Check] = []
    if rule.min_grade is not None:
        checks.append(
            _min_grade(by_year, latest_year, rule.min_grade, rule.min_grade_years, rule.require_results)
        )
    if rule.no_poor_years:
        checks.append(_none_of(by_year, latest_year, rule.no_poor_years, "no_poor"))
    if rule.no_veto_years:
        checks.append(_none_of(by_year, latest_year, rule.no_veto_years, "no_veto"))
    return Eligibility(eligible=all(c.passed for c in checks), checks=tuple(checks))


def _window(latest_year: int, years: int) -> list[int]:
    return list(range(latest_year - years + 1, latest_year + 1))


def _span(years: list[int]) -> str:
    return f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"


def _min_grade(
    by_year: dict[int, YearResult], latest_year: int, minimum: Grade, years: int, require_results: bool
) -> Check:
    window = _window(latest_year, years)
    below = [y for y in window if y in by_year and not by_year[y].grade.at_least(minimum)]
    missing = [y for y in window if y not in by_year]
    label = f"{_span(window)}医德考评等次均不低于{minimum.label}"
    if below:
        found = "、".join(f"{y}年{by_year[y].grade.label}" for y in below)
        return Check(rule="min_grade", passed=False, reason=f"不符合：{label}（{found}）")
    if missing and require_results:
        absent = "、".join(f"{y}年" for y in missing)
        return Check(rule="min_grade", passed=False, reason=f"不符合：{label}（{absent}无考评结果）")
    note = f"（{'、'.join(f'{y}年' for y in missing)}无考评结果，未计）" if missing else ""
    return Check(rule="min_grade", passed=True, reason=f"符合：{label}{note}")


def _none_of(by_year: dict[int, YearResult], latest_year: int, years: int, rule: str) -> Check:
    window = _window(latest_year, years)
    what = "较差" if rule == "no_poor" else "一票否决"
    hits = [
        y
        for y in window
        if y in by_year and (by_year[y].grade is Grade.POOR if rule == "no_poor" else by_year[y].vetoed)
    ]
    label = f"{_span(window)}无{what}"
    if hits:
        found = "、".join(f"{y}年" for y in hits)
        return Check(rule=rule, passed=False, reason=f"不符合：{label}（{found}为{what}）")
    missing = [y for y in window if y not in by_year]
    note = f"（{'、'.join(f'{y}年' for y in missing)}无考评结果）" if missing else ""
    return Check(rule=rule, passed=True, reason=f"符合：{label}{note}")
