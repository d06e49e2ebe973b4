"""医德医风 files and the annual 医德考评: policy, evaluation years, file-years, files, reports.

Thin: each handler translates HTTP into one service call and its result into a response struct. The
role rule on each handler says who may call it at all; the services narrow it to the unit, the
department or the person (an out-of-scope file answers 404 so existence does not leak).
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from api.access import SIGNED_IN, roles
from api.schemas.common import IdParam, LimitParam
from api.schemas.ethics import (
    AppealDecisionIn,
    AppealIn,
    ArchivedOut,
    CountOut,
    CycleOut,
    CyclePageOut,
    EligibilityOut,
    EvaluationIn,
    FileOut,
    FinalizedOut,
    FormOut,
    GradingSummaryOut,
    NoticeOut,
    OverviewOut,
    PersonalPatch,
    PolicyIn,
    PolicyOut,
    PublicizedOut,
    ReturnIn,
    SelfEvaluationIn,
    TieDecisionIn,
    TieDecisionOut,
    UnitEvaluationBatchIn,
    UnitReportOut,
    Year,
    YearIn,
    YearOpenedOut,
    YearOut,
    YearPageOut,
)
from workflow.accounts.roles import Principal, Role
from workflow.ethics import feed, printing
from workflow.ethics import service_cycle as cycles
from workflow.ethics import service_files as files
from workflow.ethics import service_grading as grading
from workflow.ethics import service_policy as policies
from workflow.ethics import service_reports as reports
from workflow.ethics.policy import DEFAULT_POLICY
from workflow.ethics.states import CycleState
from workflow.ids import DepartmentId, RegionId, StaffId, UnitId
from workflow.pagination import DEFAULT_LIMIT
from workflow.runtime import Runtime

T = TypeVar("T")

OFFICE = roles(Role.UNIT_ADMIN)
"""The unit's ethics office (医德医风办公室): the unit admin."""
FILE_READERS = roles(Role.STAFF, Role.DEPARTMENT_HEAD, Role.UNIT_ADMIN, Role.AUDITOR)
NAMED_READERS = roles(Role.UNIT_ADMIN, Role.AUDITOR)
AGGREGATE_READERS = roles(Role.ORGANIZER, Role.UNIT_ADMIN, Role.AUDITOR)
BUREAU = roles(Role.ORGANIZER, Role.AUDITOR)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def out(view: Any, kind: type[T]) -> T:
    return msgspec.convert(view, kind)


def download(content: bytes, media_type: str, filename: str) -> Response[bytes]:
    """A file to save, named in UTF-8 (RFC 6266 / 5987), never rendered inline."""
    from urllib.parse import quote  # noqa: PLC0415

    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


class EthicsPolicyController(Controller):
    tags = ["ethics"]

    @get("/api/ethics/policy/defaults", guards=[SIGNED_IN], operation_id="GetDefaultEthicsPolicy")
    async def defaults(self) -> dict[str, Any]:
        """The national defaults (domain-rules §7) as a policy document to start a bureau's own from."""
        result: dict[str, Any] = msgspec.to_builtins(DEFAULT_POLICY)
        return result

    @get(
        "/api/regions/{region_id:int}/ethics-policy",
        guards=[AGGREGATE_READERS],
        operation_id="GetEthicsPolicy",
    )
    async def get_policy(self, region_id: FromPath[IdParam]) -> PolicyOut:
        return out(await policies.get_policy(RegionId(region_id)), PolicyOut)

    @post(
        "/api/regions/{region_id:int}/ethics-policy",
        guards=[roles(Role.ORGANIZER)],
        operation_id="PublishEthicsPolicy",
    )
    async def publish(
        self,
        region_id: FromPath[IdParam],
        data: JSONBody[PolicyIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> PolicyOut:
        """A new policy version for the bureau; years already open keep the version they froze."""
        view = await policies.publish_policy(
            rt,
            principal,
            region_id=RegionId(region_id),
            data=msgspec.json.encode(data.policy),
            note=data.note,
        )
        return out(view, PolicyOut)


class EthicsYearController(Controller):
    path = "/api/ethics/years"
    tags = ["ethics"]

    @post("/", guards=[roles(Role.ORGANIZER, Role.UNIT_ADMIN)], operation_id="OpenEthicsYear")
    async def open_year(
        self, data: JSONBody[YearIn], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> YearOpenedOut:
        """Open a unit's evaluation year (freezing the policy) or add files for staff who joined since."""
        view = await files.open_year(rt, principal, unit_id=UnitId(data.unit_id), year=data.year)
        return out(view, YearOpenedOut)

    @get("/", guards=[AGGREGATE_READERS], operation_id="ListEthicsYears")
    async def list_years(
        self,
        principal: NamedDependency[Principal],
        unit_id: FromQuery[IdParam | None] = None,
        year: FromQuery[Year | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[LimitParam] = DEFAULT_LIMIT,
    ) -> YearPageOut:
        page = await files.list_years(
            principal,
            unit_id=UnitId(unit_id) if unit_id else None,
            year=year,
            cursor=cursor,
            limit=limit,
        )
        return YearPageOut([out(y, YearOut) for y in page.items], page.next_cursor)

    @get("/{year_id:int}", guards=[AGGREGATE_READERS], operation_id="GetEthicsYear")
    async def get_year(self, year_id: FromPath[IdParam], principal: NamedDependency[Principal]) -> YearOut:
        return out(await files.year_view(principal, year_id), YearOut)

    @post("/{year_id:int}/close", guards=[OFFICE], operation_id="CloseEthicsYear")
    async def close(
        self, year_id: FromPath[IdParam], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> GradingSummaryOut:
        """Grade the whole unit (the year-end batch) and report distribution, boundary, vetoes, missing."""
        return out(await grading.close_year(rt, principal, year_id), GradingSummaryOut)

    @get("/{year_id:int}/summary", guards=[NAMED_READERS], operation_id="GetEthicsGradingSummary")
    async def get_summary(
        self, year_id: FromPath[IdParam], principal: NamedDependency[Principal]
    ) -> GradingSummaryOut:
        return out(await grading.summary(principal, year_id), GradingSummaryOut)

    @post("/{year_id:int}/tie-decision", guards=[OFFICE], operation_id="DecideEthicsTie")
    async def tie_decision(
        self,
        year_id: FromPath[IdParam],
        data: JSONBody[TieDecisionIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> TieDecisionOut:
        """Record the 考评委员会's choice among people tied at the 优秀 cut-off."""
        view = await grading.decide_tie(
            rt, principal, year_id, group=data.group, keep=list(data.keep), minutes=data.minutes
        )
        return out(view, TieDecisionOut)

    @post("/{year_id:int}/unit-evaluations", guards=[OFFICE], operation_id="EvaluateEthicsUnit")
    async def unit_evaluations(
        self,
        year_id: FromPath[IdParam],
        data: JSONBody[UnitEvaluationBatchIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CountOut:
        """Confirm every department-evaluated file with its suggested grade, or the override given."""
        overrides = {o.cycle_id: (o.grade, o.opinion) for o in data.overrides}
        view = await cycles.evaluate_unit_all(
            rt, principal, year_id, opinion=data.opinion, overrides=overrides
        )
        return out(view, CountOut)

    @post("/{year_id:int}/publicize", guards=[OFFICE], operation_id="PublicizeEthicsYear")
    async def publicize(
        self, year_id: FromPath[IdParam], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> PublicizedOut:
        """Start the 公示 within the unit; windows are counted in working days on the holiday calendar."""
        return out(await cycles.publicize(rt, principal, year_id), PublicizedOut)

    @post("/{year_id:int}/finalize", guards=[OFFICE], operation_id="FinalizeEthicsYear")
    async def finalize(
        self, year_id: FromPath[IdParam], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> FinalizedOut:
        return out(await cycles.finalize(rt, principal, year_id), FinalizedOut)

    @post("/{year_id:int}/archive", guards=[OFFICE], operation_id="ArchiveEthicsYear")
    async def archive(
        self, year_id: FromPath[IdParam], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> ArchivedOut:
        return out(await cycles.archive(rt, principal, year_id), ArchivedOut)

    @get(
        "/{year_id:int}/notice",
        guards=[roles(Role.STAFF, Role.DEPARTMENT_HEAD, Role.UNIT_ADMIN, Role.AUDITOR)],
        operation_id="GetEthicsNotice",
    )
    async def notice(self, year_id: FromPath[IdParam], principal: NamedDependency[Principal]) -> NoticeOut:
        """The 公示 list within the unit (names, departments, grades)."""
        return out(await reports.notice(principal, year_id), NoticeOut)

    @get("/{year_id:int}/report", guards=[NAMED_READERS], operation_id="GetEthicsUnitReport")
    async def unit_report(
        self, year_id: FromPath[IdParam], principal: NamedDependency[Principal]
    ) -> UnitReportOut:
        """The unit's result table (the per-unit Excel export prints these rows)."""
        return out(await reports.unit_report(principal, year_id), UnitReportOut)

    @get(
        "/{year_id:int}/report.xlsx",
        guards=[NAMED_READERS],
        operation_id="DownloadEthicsUnitReport",
        media_type=XLSX,
    )
    async def unit_report_xlsx(
        self, year_id: FromPath[IdParam], principal: NamedDependency[Principal]
    ) -> Response[bytes]:
        """The unit's result table as an Excel workbook."""
        report = await reports.unit_report(principal, year_id)
        return download(
            printing.unit_xlsx(report), XLSX, f"{report['year']}年度医德考评结果-{report['unit']}.xlsx"
        )

    @get(
        "/{year_id:int}/forms.pdf",
        guards=[roles(Role.DEPARTMENT_HEAD, Role.UNIT_ADMIN, Role.AUDITOR)],
        operation_id="DownloadEthicsForms",
        media_type="application/pdf",
    )
    async def forms_pdf(
        self,
        year_id: FromPath[IdParam],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        department_id: FromQuery[IdParam | None] = None,
    ) -> Response[bytes]:
        """Every readable file's 医德考评表 in one PDF (a department head: the department)."""
        found = await reports.forms(rt, principal, year_id, department_id=department_id)
        return download(printing.forms_pdf(found), "application/pdf", f"医德考评表-{year_id}.pdf")

    @get("/{year_id:int}/cycles", guards=[FILE_READERS], operation_id="ListEthicsCycles")
    async def list_cycles(
        self,
        year_id: FromPath[IdParam],
        principal: NamedDependency[Principal],
        *,
        department_id: FromQuery[IdParam | None] = None,
        status: FromQuery[CycleState | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[LimitParam] = DEFAULT_LIMIT,
    ) -> CyclePageOut:
        """The year's files the caller may read: the office all, a head the department, staff their own."""
        page = await files.list_cycles(
            principal,
            year_id=year_id,
            department_id=DepartmentId(department_id) if department_id else None,
            status=status,
            cursor=cursor,
            limit=limit,
        )
        return out({"items": page.items, "next_cursor": page.next_cursor}, CyclePageOut)


class EthicsOverviewController(Controller):
    tags = ["ethics"]

    @get("/api/ethics/overview", guards=[BUREAU], operation_id="GetEthicsOverview")
    async def overview(self, principal: NamedDependency[Principal], year: FromQuery[Year]) -> OverviewOut:
        """The bureau's grade distribution per unit (counts only)."""
        return out(await reports.bureau_overview(principal, year), OverviewOut)

    @get("/api/ethics/overview.xlsx", guards=[BUREAU], operation_id="DownloadEthicsOverview", media_type=XLSX)
    async def overview_xlsx(
        self, principal: NamedDependency[Principal], year: FromQuery[Year]
    ) -> Response[bytes]:
        """The bureau overview as an Excel workbook."""
        overview = await reports.bureau_overview(principal, year)
        return download(printing.overview_xlsx(overview), XLSX, f"{year}年度医德考评等次分布.xlsx")


class EthicsCycleController(Controller):
    path = "/api/ethics/cycles"
    tags = ["ethics"]

    @get("/{cycle_id:int}", guards=[FILE_READERS], operation_id="GetEthicsCycle")
    async def get_cycle(self, cycle_id: FromPath[IdParam], principal: NamedDependency[Principal]) -> CycleOut:
        return out(await files.cycle_view(principal, cycle_id), CycleOut)

    @get("/{cycle_id:int}/form", guards=[FILE_READERS], operation_id="GetEthicsForm")
    async def form(
        self, cycle_id: FromPath[IdParam], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> FormOut:
        """The 医德考评表 data of one person and year (the A4 PDF prints exactly this)."""
        return out(await reports.form(rt, principal, cycle_id), FormOut)

    @get(
        "/{cycle_id:int}/form.pdf",
        guards=[FILE_READERS],
        operation_id="DownloadEthicsForm",
        media_type="application/pdf",
    )
    async def form_pdf(
        self, cycle_id: FromPath[IdParam], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> Response[bytes]:
        """The 医德考评表 as a printable A4 PDF (Chinese text embedded, verification QR code)."""
        data = await reports.form(rt, principal, cycle_id)
        name = f"{data['year']}年度医德考评表-{data['staff']['name']}.pdf"
        return download(printing.form_pdf(data), "application/pdf", name)

    @post("/{cycle_id:int}/self-evaluation", guards=[roles(Role.STAFF)], operation_id="SubmitSelfEvaluation")
    async def self_evaluation(
        self,
        cycle_id: FromPath[IdParam],
        data: JSONBody[SelfEvaluationIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CycleOut:
        """The person's yearly work summary and self-assessed grade (自我评价)."""
        view = await cycles.self_evaluate(
            rt, principal, cycle_id, summary=data.summary, grade=data.grade, expected_version=data.version
        )
        return out(view, CycleOut)

    @post(
        "/{cycle_id:int}/department-evaluation",
        guards=[roles(Role.DEPARTMENT_HEAD)],
        operation_id="SubmitDepartmentEvaluation",
    )
    async def department_evaluation(
        self,
        cycle_id: FromPath[IdParam],
        data: JSONBody[EvaluationIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CycleOut:
        """The department head's opinion and grade (科室评价)."""
        view = await cycles.evaluate_department(
            rt, principal, cycle_id, opinion=data.opinion, grade=data.grade, expected_version=data.version
        )
        return out(view, CycleOut)

    @post(
        "/{cycle_id:int}/return",
        guards=[roles(Role.DEPARTMENT_HEAD, Role.UNIT_ADMIN)],
        operation_id="ReturnEthicsCycle",
    )
    async def send_back(
        self,
        cycle_id: FromPath[IdParam],
        data: JSONBody[ReturnIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CycleOut:
        """Send a file back one step with a reason (退回): head → person, office → department."""
        view = await cycles.send_back(
            rt, principal, cycle_id, reason=data.reason, expected_version=data.version
        )
        return out(view, CycleOut)

    @post("/{cycle_id:int}/unit-evaluation", guards=[OFFICE], operation_id="SubmitUnitEvaluation")
    async def unit_evaluation(
        self,
        cycle_id: FromPath[IdParam],
        data: JSONBody[EvaluationIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CycleOut:
        """The committee's opinion and confirmed grade for one file (单位评价)."""
        view = await cycles.evaluate_unit(
            rt, principal, cycle_id, opinion=data.opinion, grade=data.grade, expected_version=data.version
        )
        return out(view, CycleOut)

    @post(
        "/{cycle_id:int}/appeals",
        guards=[roles(Role.STAFF, Role.UNIT_ADMIN)],
        operation_id="LodgeEthicsAppeal",
    )
    async def appeal(
        self,
        cycle_id: FromPath[IdParam],
        data: JSONBody[AppealIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CycleOut:
        """The person's appeal during the window, or a real-name objection the office registers."""
        objector = None
        if data.objector is not None:
            objector = {
                "name": data.objector.name,
                "work_unit": data.objector.work_unit,
                "phone": data.objector.phone,
            }
        view = await cycles.lodge_appeal(rt, principal, cycle_id, reason=data.reason, objector=objector)
        return out(view, CycleOut)

    @post("/{cycle_id:int}/appeal-decision", guards=[OFFICE], operation_id="DecideEthicsAppeal")
    async def appeal_decision(
        self,
        cycle_id: FromPath[IdParam],
        data: JSONBody[AppealDecisionIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CycleOut:
        """The committee's decision: 维持 finalizes, 变更 publicizes the new grade again."""
        view = await cycles.decide_appeal(
            rt,
            principal,
            cycle_id,
            decision=data.decision,
            grade=data.grade,
            reasons=data.reasons,
            expected_version=data.version,
        )
        return out(view, CycleOut)


class EthicsFileController(Controller):
    path = "/api/ethics/staff"
    tags = ["ethics"]

    @get("/{staff_id:int}/file", guards=[FILE_READERS], operation_id="GetEthicsFile")
    async def get_file(self, staff_id: FromPath[IdParam], principal: NamedDependency[Principal]) -> FileOut:
        """一人一档: personal info, every year's evaluation, records, commendations, penalties, feedback."""
        return out(await files.get_file(principal, StaffId(staff_id)), FileOut)

    @patch("/{staff_id:int}/file", guards=[OFFICE], operation_id="UpdateEthicsFile")
    async def update_file(
        self,
        staff_id: FromPath[IdParam],
        data: JSONBody[PersonalPatch],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> FileOut:
        """Change the 基本信息 section; ``version`` must be the one read (0 before it exists)."""
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if k != "version" and v is not None}
        view = await files.update_personal(
            rt, principal, StaffId(staff_id), expected_version=data.version, changes=changes
        )
        return out(view, FileOut)

    @get(
        "/{staff_id:int}/eligibility",
        guards=[roles(Role.ORGANIZER, Role.REVIEWER, Role.UNIT_ADMIN, Role.AUDITOR)],
        operation_id="GetEthicsEligibility",
    )
    async def eligibility(
        self,
        staff_id: FromPath[IdParam],
        principal: NamedDependency[Principal],
        latest_year: FromQuery[Year],
        purpose: FromQuery[Literal["selection", "periodic_assessment", "promotion"]] = "selection",
    ) -> EligibilityOut:
        """Whether the person meets an ethics rule (selection, periodic_assessment, promotion), and why."""
        view = await feed.eligibility_view(
            principal, StaffId(staff_id), latest_year=latest_year, purpose=purpose
        )
        return out(view, EligibilityOut)
