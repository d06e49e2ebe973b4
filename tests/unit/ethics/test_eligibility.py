"""Eligibility feed for selections and promotions (domain-rules §1.8, §5.3)."""

from __future__ import annotations

import pytest

from workflow.errors import InvalidInput
from workflow.ethics.eligibility import (
    PERIODIC_ASSESSMENT,
    PROMOTION,
    SELECTION,
    EligibilityRule,
    YearResult,
    check_eligibility,
)
from workflow.ethics.policy import Grade

EX, GO, FA, PO = Grade.EXCELLENT, Grade.GOOD, Grade.FAIR, Grade.POOR


def history(*grades: tuple[int, Grade] | tuple[int, Grade, bool]) -> list[YearResult]:
    return [YearResult(year=g[0], grade=g[1], vetoed=bool(g[2]) if len(g) == 3 else False) for g in grades]


CASES = [
    # (history, rule, eligible, failing rules, why)
    (history((2023, GO), (2024, EX), (2025, GO)), EligibilityRule(), True, [], "clean three years"),
    (history((2023, GO), (2024, EX), (2025, FA)), EligibilityRule(), False, ["min_grade"], "last year 一般"),
    (
        history((2023, PO), (2024, EX), (2025, EX)),
        EligibilityRule(),
        False,
        ["no_poor"],
        "较差 two years ago",
    ),
    (
        history((2022, PO), (2023, GO), (2024, GO), (2025, GO)),
        EligibilityRule(),
        True,
        [],
        "较差 four years ago",
    ),
    (
        history((2023, PO, True), (2024, GO), (2025, GO)),
        EligibilityRule(),
        False,
        ["no_poor", "no_veto"],
        "veto two years ago",
    ),
    (history((2024, GO)), EligibilityRule(), False, ["min_grade"], "no result last year (new hire)"),
    (
        history((2024, GO)),
        EligibilityRule(require_results=False),
        True,
        [],
        "missing year tolerated when asked",
    ),
    (history((2025, GO)), EligibilityRule(), True, [], "missing earlier years are not 较差"),
    (
        history((2024, FA), (2025, GO)),
        EligibilityRule(min_grade_years=2),
        False,
        ["min_grade"],
        "two-year minimum",
    ),
    (
        history((2025, FA)),
        EligibilityRule(min_grade=Grade.FAIR),
        True,
        [],
        "a purpose that only needs 一般",
    ),
    (
        history((2024, PO), (2025, GO)),
        EligibilityRule(no_poor_years=1, no_veto_years=0),
        True,
        [],
        "定期考核-style one-year look-back",
    ),
    (
        history((2025, PO)),
        EligibilityRule(min_grade=None, no_veto_years=0),
        False,
        ["no_poor"],
        "only no-较差",
    ),
    (history((2026, PO), (2025, EX)), EligibilityRule(), True, [], "years after latest_year are ignored"),
]


@pytest.mark.parametrize(("hist", "rule", "eligible", "failing", "why"), CASES, ids=[c[4] for c in CASES])
def test_eligibility(
    hist: list[YearResult], rule: EligibilityRule, eligible: bool, failing: list[str], why: str
) -> None:
    result = check_eligibility(hist, latest_year=2025, rule=rule)
    assert result.eligible is eligible, why
    assert [c.rule for c in result.checks if not c.passed] == failing
    assert len(result.reasons) == len(failing)


def test_reasons_name_the_years_and_grades() -> None:
    result = check_eligibility(history((2023, PO, True), (2024, GO), (2025, FA)), latest_year=2025)
    assert result.reasons == (
        "不符合：2025年医德考评等次均不低于良好（2025年一般）",
        "不符合：2023—2025年无较差（2023年为较差）",
        "不符合：2023—2025年无一票否决（2023年为一票否决）",
    )
    ok = check_eligibility(history((2025, GO)), latest_year=2025)
    assert ok.checks[1].reason == "符合：2023—2025年无较差（2023年、2024年无考评结果）"


@pytest.mark.parametrize(
    "call",
    [
        lambda: YearResult(year=2025, grade=Grade.GOOD, vetoed=True),
        lambda: check_eligibility(history((2025, GO), (2025, EX)), latest_year=2025),
        lambda: EligibilityRule(no_poor_years=-1),
        lambda: EligibilityRule(min_grade_years=0),
    ],
    ids=[
        "vetoed but not 较差",
        "two results for a year",
        "negative look-back",
        "minimum grade over no years",
    ],
)
def test_bad_eligibility_input(call: object) -> None:
    with pytest.raises(InvalidInput):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("hist", "selection", "periodic", "promotion"),
    [
        (history((2023, GO), (2024, GO), (2025, GO)), True, True, True),
        (history((2023, GO), (2024, GO), (2025, FA)), False, True, True),
        (history((2023, PO), (2024, GO), (2025, GO)), False, False, True),
        (history((2025, PO)), False, False, False),
        (history((2022, PO), (2025, FA)), False, True, True),
    ],
)
def test_presets(hist: list[YearResult], selection: bool, periodic: bool, promotion: bool) -> None:
    results = [
        check_eligibility(hist, latest_year=2025, rule=r).eligible
        for r in (SELECTION, PERIODIC_ASSESSMENT, PROMOTION)
    ]
    assert results == [selection, periodic, promotion]
