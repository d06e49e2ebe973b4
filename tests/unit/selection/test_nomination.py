from datetime import date

import msgspec
import pytest

from workflow.ids import UnitId
from workflow.selection.nomination import (
    GradeRecord,
    NomineeFacts,
    RuleCheck,
    Verdict,
    check_eligibility,
    check_nomination,
    check_quota,
    check_quota_at_close,
    completed_years,
)
from workflow.selection.rules import (
    CampaignRules,
    Eligibility,
    EthicsGrade,
    EthicsGradeRule,
    FactSource,
    LicenceRule,
    NoAccidentRule,
    NoDisciplineRule,
    NominationQuota,
    NoPoorGradeRule,
    ServiceYearsRule,
)

ON = date(2025, 6, 30)
G = EthicsGrade
CLEAN = NomineeFacts(
    has_licence=True,
    service_start=date(2015, 3, 1),
    medical_accidents=(),
    discipline_actions=(),
    ethics_grades=(GradeRecord(2022, G.GOOD), GradeRecord(2023, G.EXCELLENT), GradeRecord(2024, G.GOOD)),
)


def only(rule_field: str, rule: object) -> CampaignRules:
    """Rules with every eligibility rule off except the one under test."""
    off = Eligibility(
        licence=LicenceRule(enabled=False),
        service_years=ServiceYearsRule(enabled=False),
        no_medical_accident=NoAccidentRule(enabled=False),
        no_discipline=NoDisciplineRule(enabled=False),
        ethics_grade_last_year=EthicsGradeRule(enabled=False),
        no_poor_grade=NoPoorGradeRule(enabled=False),
    )
    return CampaignRules(eligibility=msgspec.structs.replace(off, **{rule_field: rule}))


def run(rules: CampaignRules, facts: NomineeFacts, *, files: NomineeFacts | None = None) -> RuleCheck:
    (check,) = check_eligibility(rules, declared=facts, from_files=files, reference_date=ON)
    return check


FILES = FactSource.ETHICS_FILES
CASES: list[tuple[str, str, object, dict[str, object], Verdict]] = [
    ("licence ok", "licence", LicenceRule(source=FILES), {}, Verdict.PASSED),
    ("licence none", "licence", LicenceRule(source=FILES), {"has_licence": False}, Verdict.FAIL),
    ("licence unknown", "licence", LicenceRule(source=FILES), {"has_licence": None}, Verdict.MISSING),
    ("years ok", "service_years", ServiceYearsRule(source=FILES, min_years=10), {}, Verdict.PASSED),
    ("years short", "service_years", ServiceYearsRule(source=FILES, min_years=11), {}, Verdict.FAIL),
    (
        "years unknown",
        "service_years",
        ServiceYearsRule(source=FILES),
        {"service_start": None},
        Verdict.MISSING,
    ),
    ("accident none", "no_medical_accident", NoAccidentRule(source=FILES), {}, Verdict.PASSED),
    (
        "accident recent",
        "no_medical_accident",
        NoAccidentRule(source=FILES),
        {"medical_accidents": (date(2023, 1, 5),)},
        Verdict.FAIL,
    ),
    (
        "accident old",
        "no_medical_accident",
        NoAccidentRule(source=FILES, lookback_years=3),
        {"medical_accidents": (date(2022, 6, 30),)},
        Verdict.PASSED,
    ),
    (
        "accident unknown",
        "no_medical_accident",
        NoAccidentRule(source=FILES),
        {"medical_accidents": None},
        Verdict.MISSING,
    ),
    ("discipline none", "no_discipline", NoDisciplineRule(source=FILES), {}, Verdict.PASSED),
    (
        "discipline recent",
        "no_discipline",
        NoDisciplineRule(source=FILES),
        {"discipline_actions": (date(2025, 6, 30),)},
        Verdict.FAIL,
    ),
    (
        "discipline unknown",
        "no_discipline",
        NoDisciplineRule(source=FILES),
        {"discipline_actions": None},
        Verdict.MISSING,
    ),
    ("grade good", "ethics_grade_last_year", EthicsGradeRule(), {}, Verdict.PASSED),
    (
        "grade fair",
        "ethics_grade_last_year",
        EthicsGradeRule(),
        {"ethics_grades": (GradeRecord(2024, G.FAIR),)},
        Verdict.FAIL,
    ),
    (
        "grade below excellent",
        "ethics_grade_last_year",
        EthicsGradeRule(min_grade=G.EXCELLENT),
        {},
        Verdict.FAIL,
    ),
    (
        "grade last year missing",
        "ethics_grade_last_year",
        EthicsGradeRule(),
        {"ethics_grades": (GradeRecord(2023, G.GOOD),)},
        Verdict.MISSING,
    ),
    ("no poor ok", "no_poor_grade", NoPoorGradeRule(), {}, Verdict.PASSED),
    (
        "poor in window",
        "no_poor_grade",
        NoPoorGradeRule(lookback_years=3),
        {"ethics_grades": (GradeRecord(2022, G.POOR), GradeRecord(2024, G.GOOD))},
        Verdict.FAIL,
    ),
    (
        "poor before window",
        "no_poor_grade",
        NoPoorGradeRule(lookback_years=3),
        {"ethics_grades": (GradeRecord(2021, G.POOR),)},
        Verdict.PASSED,
    ),
    ("poor unknown", "no_poor_grade", NoPoorGradeRule(), {"ethics_grades": None}, Verdict.MISSING),
]


@pytest.mark.parametrize(
    ("field", "rule", "changes", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_eligibility_rule_from_ethics_files(
    field: str, rule: object, changes: dict[str, object], verdict: Verdict
) -> None:
    files = msgspec.structs.replace(CLEAN, **changes)
    check = run(only(field, rule), NomineeFacts(), files=files)
    assert check.verdict is verdict
    assert check.code == f"eligibility.{field}"
    assert check.source == "ethics_files"
    if verdict in (Verdict.FAIL, Verdict.MISSING):
        assert check.reason_zh
        assert check.reason_en
        assert check.blocks


@pytest.mark.parametrize(
    ("field", "rule", "changes", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_declared_facts_pass_only_to_review(
    field: str, rule: object, changes: dict[str, object], verdict: Verdict
) -> None:
    declared_rule = msgspec.structs.replace(rule, source=FactSource.DECLARED)  # type: ignore[type-var]
    check = run(only(field, declared_rule), msgspec.structs.replace(CLEAN, **changes), files=None)
    expected = Verdict.TO_REVIEW if verdict is Verdict.PASSED else verdict
    assert check.verdict is expected
    assert check.source == "declared"


def test_files_rule_without_a_file_is_missing() -> None:
    assert run(only("licence", LicenceRule(source=FILES)), CLEAN, files=None).verdict is Verdict.MISSING


def test_disabled_rules_are_not_reported() -> None:
    assert (
        check_eligibility(
            only("licence", LicenceRule(enabled=False)), declared=CLEAN, from_files=None, reference_date=ON
        )
        == ()
    )


def test_all_failures_come_back_together() -> None:
    bad = NomineeFacts(
        has_licence=False,
        service_start=date(2024, 9, 1),
        medical_accidents=(date(2024, 1, 1),),
        discipline_actions=(date(2025, 1, 1),),
        ethics_grades=(GradeRecord(2024, G.POOR),),
    )
    result = check_nomination(
        CampaignRules(),
        unit=UnitId(1),
        unit_counts={UnitId(1): 3},
        declared=bad,
        from_files=bad,
        reference_date=ON,
    )
    assert not result.ok
    assert [c.code for c in result.failures] == [
        "quota.unit_max",
        "eligibility.licence",
        "eligibility.service_years",
        "eligibility.no_medical_accident",
        "eligibility.no_discipline",
        "eligibility.ethics_grade_last_year",
        "eligibility.no_poor_grade",
    ]
    assert "超过上限 3 人" in result.failures[0].reason_zh


def test_clean_nominee_is_ok_with_declared_items_to_review() -> None:
    result = check_nomination(
        CampaignRules(), unit=UnitId(1), unit_counts={}, declared=CLEAN, from_files=CLEAN, reference_date=ON
    )
    assert result.ok
    assert {c.code for c in result.to_review} == {
        "eligibility.licence",
        "eligibility.service_years",
        "eligibility.no_medical_accident",
        "eligibility.no_discipline",
    }


@pytest.mark.parametrize(
    ("counts", "quota", "codes"),
    [
        ({}, NominationQuota(per_unit_max=1), []),
        ({UnitId(7): 1}, NominationQuota(per_unit_max=1), ["quota.unit_max"]),
        ({UnitId(7): 1, UnitId(8): 3}, NominationQuota(per_unit_max=3, total_max=5), []),
        ({UnitId(7): 2, UnitId(8): 3}, NominationQuota(per_unit_max=3, total_max=5), ["quota.total_max"]),
        (
            {UnitId(7): 3, UnitId(8): 2},
            NominationQuota(per_unit_max=3, total_max=5),
            ["quota.unit_max", "quota.total_max"],
        ),
    ],
)
def test_quota(counts: dict[UnitId, int], quota: NominationQuota, codes: list[str]) -> None:
    checks = check_quota(quota, unit=UnitId(7), unit_counts=counts)
    assert [c.code for c in checks if c.blocks] == codes


def test_quota_minimum_at_close() -> None:
    short = check_quota_at_close(NominationQuota(per_unit_min=2), {UnitId(1): 1, UnitId(2): 0, UnitId(3): 2})
    assert list(short) == [UnitId(1)]
    assert short[UnitId(1)].code == "quota.unit_min"


@pytest.mark.parametrize(
    ("start", "on", "years"),
    [
        (date(2015, 7, 1), date(2025, 6, 30), 9),
        (date(2015, 6, 30), date(2025, 6, 30), 10),
        (date(2016, 2, 29), date(2025, 2, 28), 9),
        (date(2016, 2, 29), date(2025, 2, 27), 8),
        (date(2016, 2, 29), date(2024, 2, 29), 8),
    ],
)
def test_completed_years(start: date, on: date, years: int) -> None:
    assert completed_years(start, on) == years
