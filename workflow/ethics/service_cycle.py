"""The annual evaluation of one file, step by step (domain-rules §1.7), on the ``ethics-cycle`` process.

自我评价 (the person) → 科室评价 (the department head) → 单位评价 (the ethics office, with the veto
and quota checks) → 公示 (the whole unit at once, 5 working days on the holiday calendar) → appeals
(the person, or a real-name objector the office registers) decided by the committee → final →
archived. Each step loads the facts its guards read, fires the trigger through
``workflow.stateful.fire`` (state, version and the ledger entry in one transaction) and stores what the
step wrote. Entries name the file by its id and the person only by pseudonym; opinions, summaries
and reasons appear as keyed hashes (``content``), never as text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from workflow.accounts.roles import Principal
from workflow.calendar.service import LOAD_HINT, calendar_in_force
from workflow.db import raw, write_transaction
from workflow.errors import Conflict, GuardRejected, InvalidInput, PermissionDenied
from workflow.ethics.anchors import after_archive
from workflow.ethics.common import grade_or_none, load_year, pseudonymizer, scope_of, staff_key, year_policy
from workflow.ethics.machine import CycleFacts, CycleProcess
from workflow.ethics.policy import EthicsPolicy, Grade, TiePolicy
from workflow.ethics.service_files import cycle_view, require_cycle
from workflow.ethics.service_grading import decode_groups, save_score, score_one
from workflow.ethics.states import CycleState
from workflow.ethics.tables import EthicsAppeal, EthicsCycle, EthicsScore, EthicsYear
from workflow.ids import StaffId, UnitId
from workflow.ledger.events import EventType
from workflow.org.access import is_ethics_office, require_department_head, require_ethics_office
from workflow.runtime import Runtime
from workflow.stateful import fire
from workflow.workdays import CalendarNotCovered, Window

CONFIRMED: Final = (
    CycleState.unit_evaluated,
    CycleState.publicized,
    CycleState.appealed,
    CycleState.appeal_decided,
    CycleState.final,
    CycleState.archived,
)


class _Step:
    """One step on one file: the locked row, its year, and the pseudonyms its entry needs."""

    def __init__(self, row: EthicsCycle, staff: dict[str, Any], year_row: EthicsYear, pseudo: Any) -> None:
        self.row = row
        self.staff = staff
        self.year_row = year_row
        self.policy: EthicsPolicy = year_policy(year_row)
        self.pseudo = pseudo

    @property
    def staff_pseudonym(self) -> str:
        return str(self.pseudo("staff", staff_key(self.row.unit, self.staff["staff_no"])))

    async def fire(
        self,
        trigger: str,
        facts: CycleFacts,
        *,
        event: EventType,
        p: Principal,
        at: datetime,
        expected_version: int | None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        await fire(
            self.row,
            CycleProcess,
            trigger,
            expected_version=expected_version,
            facts=facts,
            scope=scope_of(self.year_row),
            event=event,
            actor=p.ledger_actor,
            payload={"file": self.row.id, "staff": self.staff_pseudonym, **(payload or {})},
            at=at,
        )


async def _step(p: Principal, cycle_id: int) -> _Step:
    row, staff = await require_cycle(p, cycle_id, lock=True)
    year_row = await load_year(row.ethics_year)
    return _Step(row, staff, year_row, await pseudonymizer(scope_of(year_row)))


async def _step_of(row: EthicsCycle, year_row: EthicsYear, pseudo: Any) -> _Step:
    staff_no = (await raw("SELECT staff_no, department FROM staff WHERE id = {}", row.staff))[0]
    return _Step(row, dict(staff_no) | {"id": row.staff}, year_row, pseudo)


def _text(value: str, field: str, limit: int) -> str:
    text = value.strip()
    if len(text) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters", field=field)
    return text


# --- 自我评价 -----------------------------------------------------------------------------------------


async def self_evaluate(
    rt: Runtime, p: Principal, cycle_id: int, *, summary: str, grade: Grade, expected_version: int | None
) -> dict[str, Any]:
    """The person submits the yearly work summary and a self-assessed grade; the score is computed."""
    now = rt.clock.now()
    summary = _text(summary, "summary", 5000)
    async with write_transaction():
        step = await _step(p, cycle_id)
        if p.staff_id != step.row.staff:
            raise PermissionDenied("only the person writes their own self-evaluation")
        score = await score_one(step.year_row, StaffId(step.row.staff))
        await save_score(step.year_row, step.row.id, score, now)
        await step.fire(
            "submit_self_evaluation",
            CycleFacts(self_summary=summary, self_grade=grade, has_score=True),
            event=EventType.ETHICS_SELF_EVALUATED,
            p=p,
            at=now,
            expected_version=expected_version,
            payload={
                "self_grade": grade.value,
                "total": str(score.total),
                "content": step.pseudo("summary", summary),
            },
        )
        step.row.self_summary = summary
        step.row.self_grade = grade.value
        step.row.self_missing = False
        step.row.self_at = now
        step.row.return_reason = ""
        await step.row.save(
            [
                EthicsCycle.self_summary,
                EthicsCycle.self_grade,
                EthicsCycle.self_missing,
                EthicsCycle.self_at,
                EthicsCycle.return_reason,
            ]
        )
    return await cycle_view(p, cycle_id)


# --- 科室评价 and returns -------------------------------------------------------------------------------


async def evaluate_department(
    rt: Runtime, p: Principal, cycle_id: int, *, opinion: str, grade: Grade, expected_version: int | None
) -> dict[str, Any]:
    """The department head's opinion (科室意见) and grade."""
    now = rt.clock.now()
    opinion = _text(opinion, "opinion", 2000)
    async with write_transaction():
        step = await _step(p, cycle_id)
        require_department_head(p, step.staff["department"])
        await step.fire(
            "evaluate_department",
            CycleFacts(department_opinion=opinion, department_grade=grade),
            event=EventType.ETHICS_DEPARTMENT_EVALUATED,
            p=p,
            at=now,
            expected_version=expected_version,
            payload={"grade": grade.value, "content": step.pseudo("opinion", opinion)},
        )
        step.row.department_opinion = opinion
        step.row.department_grade = grade.value
        step.row.department_by = None if p.is_operator else p.account_id
        step.row.department_at = now
        step.row.return_reason = ""
        await step.row.save(
            [
                EthicsCycle.department_opinion,
                EthicsCycle.department_grade,
                EthicsCycle.department_by,
                EthicsCycle.department_at,
                EthicsCycle.return_reason,
            ]
        )
    return await cycle_view(p, cycle_id)


RETURNS: Final = {
    CycleState.self_evaluated: "return_to_self",
    CycleState.department_evaluated: "return_to_department",
    CycleState.unit_evaluated: "reopen_unit_evaluation",
}


async def send_back(
    rt: Runtime, p: Principal, cycle_id: int, *, reason: str, expected_version: int | None
) -> dict[str, Any]:
    """Return a file one step with a reason: the head to the person, the office to the department."""
    now = rt.clock.now()
    reason = _text(reason, "reason", 1000)
    async with write_transaction():
        step = await _step(p, cycle_id)
        state = CycleState(step.row.status)
        trigger = RETURNS.get(state, "return_to_self")
        if state is CycleState.self_evaluated:
            require_department_head(p, step.staff["department"])
        else:
            require_ethics_office(p, UnitId(step.row.unit))
        await step.fire(
            trigger,
            CycleFacts(reason=reason),
            event=EventType.ETHICS_RETURNED,
            p=p,
            at=now,
            expected_version=expected_version,
            payload={"content": step.pseudo("reason", reason)},
        )
        step.row.return_reason = reason
        fields: list[Any] = [EthicsCycle.return_reason]
        if trigger == "reopen_unit_evaluation":
            step.row.unit_grade = ""
            step.row.unit_at = None
            fields += [EthicsCycle.unit_grade, EthicsCycle.unit_at]
        await step.row.save(fields)
    return await cycle_view(p, cycle_id)


# --- 单位评价 -----------------------------------------------------------------------------------------


async def _confirmed_excellent(year_id: int, group: str, exclude: int) -> int:
    rows = await raw(
        "SELECT COUNT(*) AS n FROM ethics_cycle c JOIN ethics_score s ON s.cycle = c.id"
        " WHERE c.ethics_year = {} AND s.quota_group = {} AND c.unit_grade = {} AND c.id <> {}",
        year_id,
        group,
        Grade.EXCELLENT.value,
        exclude,
    )
    return int(rows[0]["n"])


async def quota_problem(year_row: EthicsYear, cycle_id: int, grade: Grade | None) -> str | None:
    """Why the quota is not settled for confirming ``grade`` on this file, or ``None``."""
    if year_row.graded_at is None:
        return "the unit has not been graded yet: run close-year first"
    if year_row.grading_stale:
        return "records or feedback changed since the last grading: run close-year again"
    score = (
        await EthicsScore.select(EthicsScore.quota_group, EthicsScore.outcome)
        .where(EthicsScore.cycle == cycle_id)
        .first()
    )
    groups = {g.group: g for g in decode_groups(year_row)}
    group = None if score is None or not score["outcome"] else groups.get(score["quota_group"])
    if group is None:
        return "this file was not in the last grading: run close-year again"
    grading = group.grading
    if grading.pending:
        return f"a tie at the 优秀 cut-off ({group.label}) awaits the committee's decision"
    if grade is Grade.EXCELLENT and grading.places is not None:
        policy = year_policy(year_row)
        limit = grading.places
        if policy.quota.tie_policy is TiePolicy.INCLUDE_ALL:
            limit = max(limit, grading.excellent)
        taken = await _confirmed_excellent(year_row.id, group.group, cycle_id)
        if taken + 1 > limit:
            return f"the 优秀 places of {group.label} are taken ({limit}; quota {policy.quota.hard_ratio})"
    return None


async def _evaluate_unit(
    step: _Step, p: Principal, *, opinion: str, grade: Grade, at: datetime, expected_version: int | None
) -> None:
    score = (
        await EthicsScore.select(EthicsScore.vetoed, EthicsScore.total)
        .where(EthicsScore.cycle == step.row.id)
        .first()
    )
    vetoed = bool(score and score["vetoed"])
    await step.fire(
        "evaluate_unit",
        CycleFacts(
            unit_opinion=opinion,
            unit_grade=grade,
            vetoed=vetoed,
            quota_problem=await quota_problem(step.year_row, step.row.id, grade),
        ),
        event=EventType.ETHICS_UNIT_EVALUATED,
        p=p,
        at=at,
        expected_version=expected_version,
        payload={
            "grade": grade.value,
            "total": score["total"] if score else None,
            "vetoed": vetoed,
            "content": step.pseudo("opinion", opinion),
        },
    )
    step.row.unit_opinion = opinion
    step.row.unit_grade = grade.value
    step.row.unit_by = None if p.is_operator else p.account_id
    step.row.unit_at = at
    step.row.vetoed = vetoed
    step.row.return_reason = ""
    await step.row.save(
        [
            EthicsCycle.unit_opinion,
            EthicsCycle.unit_grade,
            EthicsCycle.unit_by,
            EthicsCycle.unit_at,
            EthicsCycle.vetoed,
            EthicsCycle.return_reason,
        ]
    )


async def evaluate_unit(
    rt: Runtime, p: Principal, cycle_id: int, *, opinion: str, grade: Grade, expected_version: int | None
) -> dict[str, Any]:
    """The committee's opinion and confirmed grade for one file (ethics office)."""
    now = rt.clock.now()
    opinion = _text(opinion, "opinion", 2000)
    async with write_transaction():
        step = await _step(p, cycle_id)
        require_ethics_office(p, UnitId(step.row.unit))
        await _evaluate_unit(step, p, opinion=opinion, grade=grade, at=now, expected_version=expected_version)
    return await cycle_view(p, cycle_id)


async def evaluate_unit_all(
    rt: Runtime,
    p: Principal,
    year_id: int,
    *,
    opinion: str,
    overrides: dict[int, tuple[Grade, str]],
) -> dict[str, Any]:
    """Confirm every department-evaluated file at once (综合评价批量录入): the suggested grade after
    the quota, or the committee's override. All or nothing: one refusal names its file and stops."""
    now = rt.clock.now()
    opinion = _text(opinion, "opinion", 2000)
    async with write_transaction():
        year_row = await load_year(year_id, lock=True)
        require_ethics_office(p, UnitId(year_row.unit))
        rows = (
            await EthicsCycle.objects()
            .where(
                (EthicsCycle.ethics_year == year_id) & (EthicsCycle.status == CycleState.department_evaluated)
            )
            .order_by(EthicsCycle.id)
        )
        unknown = set(overrides) - {r.id for r in rows}
        if unknown:
            raise InvalidInput(
                f"not department-evaluated files of this year: {sorted(unknown)}", field="overrides"
            )
        suggested = {
            s["cycle"]: s["suggested"]
            for s in await EthicsScore.select(EthicsScore.cycle, EthicsScore.suggested).where(
                EthicsScore.ethics_year == year_id
            )
        }
        pseudo = await pseudonymizer(scope_of(year_row))
        for row in rows:
            grade, text = overrides.get(row.id, (grade_or_none(suggested.get(row.id)), opinion))
            step = await _step_of(row, year_row, pseudo)
            try:
                if grade is None:
                    raise GuardRejected(
                        "no suggested grade: a tie at the 优秀 cut-off awaits the committee,"
                        " or the grading is due",
                        reasons=["quota_settled"],
                    )
                await _evaluate_unit(
                    step, p, opinion=_text(text, "opinion", 2000), grade=grade, at=now, expected_version=None
                )
            except GuardRejected as exc:
                exc.extra["file"] = row.id
                exc.detail = f"file {row.id}: {exc.detail}"
                raise
    return {"evaluated": len(rows)}


# --- 公示 -------------------------------------------------------------------------------------------


async def _windows(policy: EthicsPolicy, at: datetime) -> tuple[Window, Window]:
    calendar = await calendar_in_force()
    try:
        return calendar.window(at, policy.publicity), calendar.window(at, policy.appeal_window)
    except CalendarNotCovered as exc:
        raise CalendarNotCovered(f"{exc.detail}; {LOAD_HINT}", **exc.extra) from None


def _window_payload(publicity: Window, appeal: Window) -> dict[str, Any]:
    return {
        "publicity_first_day": publicity.first_day.isoformat(),
        "publicity_last_day": publicity.last_day.isoformat(),
        "publicity_closes_at": publicity.closes_at.isoformat(),
        "appeal_closes_at": appeal.closes_at.isoformat(),
    }


def _set_windows(row: EthicsCycle, publicity: Window, appeal: Window) -> None:
    row.publicity_opens_at = publicity.opens_at
    row.publicity_closes_at = publicity.closes_at
    row.appeal_closes_at = appeal.closes_at


WINDOW_COLUMNS: Final = (
    EthicsCycle.publicity_opens_at,
    EthicsCycle.publicity_closes_at,
    EthicsCycle.appeal_closes_at,
)


async def publicize(rt: Runtime, p: Principal, year_id: int) -> dict[str, Any]:
    """Publish the unit's results within the unit (公示) once every file is unit-evaluated."""
    now = rt.clock.now()
    async with write_transaction():
        year_row = await load_year(year_id, lock=True)
        require_ethics_office(p, UnitId(year_row.unit))
        rows = await EthicsCycle.objects().where(EthicsCycle.ethics_year == year_id).order_by(EthicsCycle.id)
        waiting = [r.id for r in rows if r.status != CycleState.unit_evaluated]
        if waiting:
            raise Conflict(
                f"{len(waiting)} file(s) are not unit-evaluated; the 公示 covers the whole unit at once",
                files=waiting[:50],
            )
        if not rows:
            raise Conflict("this year has no files")
        publicity, appeal = await _windows(year_policy(year_row), now)
        pseudo = await pseudonymizer(scope_of(year_row))
        for row in rows:
            step = await _step_of(row, year_row, pseudo)
            await step.fire(
                "publicize",
                CycleFacts(window_set=True),
                event=EventType.ETHICS_PUBLICIZED,
                p=p,
                at=now,
                expected_version=None,
                payload={"grade": row.unit_grade, **_window_payload(publicity, appeal)},
            )
            _set_windows(row, publicity, appeal)
            await row.save(list(WINDOW_COLUMNS))
        year_row.publicized_at = now
        year_row.version += 1
        await year_row.save([EthicsYear.publicized_at, EthicsYear.version])
    return {
        "publicized": len(rows),
        "publicity": {
            "first_day": publicity.first_day,
            "last_day": publicity.last_day,
            "closes_at": publicity.closes_at,
            "label": publicity.label,
        },
        "appeal_closes_at": appeal.closes_at,
    }


# --- 复核 (appeals and objections) -------------------------------------------------------------------------


async def lodge_appeal(
    rt: Runtime,
    p: Principal,
    cycle_id: int,
    *,
    reason: str,
    objector: dict[str, str] | None,
) -> dict[str, Any]:
    """The person appeals their own result, or the office registers a real-name objection (§4)."""
    now = rt.clock.now()
    reason = _text(reason, "reason", 2000)
    async with write_transaction():
        step = await _step(p, cycle_id)
        row = step.row
        if objector is None:
            if p.staff_id != row.staff:
                raise PermissionDenied(
                    "an appeal is lodged by the person; objections are registered by the office"
                )
            appellant, identified = "self", True
        else:
            if not is_ethics_office(p, UnitId(row.unit)):
                raise PermissionDenied("only the ethics office registers an objection")
            appellant = "objector"
            identified = all(objector.get(k, "").strip() for k in ("name", "work_unit", "phone"))
        calendar = await calendar_in_force()
        try:
            decide_by = calendar.window(now, step.policy.appeal_review).closes_at
        except CalendarNotCovered as exc:
            raise CalendarNotCovered(f"{exc.detail}; {LOAD_HINT}", **exc.extra) from None
        appeal = EthicsAppeal(
            cycle=row.id,
            appellant=appellant,
            lodged_by=None if p.is_operator else p.account_id,
            objector_name=(objector or {}).get("name", "").strip()[:50],
            objector_unit=(objector or {}).get("work_unit", "").strip()[:100],
            objector_phone=(objector or {}).get("phone", "").strip()[:20],
            reason=reason,
            lodged_at=now,
            decide_by=decide_by,
            previous_grade=row.unit_grade,
        )
        await appeal.save()
        await step.fire(
            "lodge_appeal",
            CycleFacts(
                now=now,
                appeal_opens_at=row.publicity_opens_at,
                appeal_closes_at=row.appeal_closes_at,
                appellant_identified=identified,
                reason=reason,
            ),
            event=EventType.ETHICS_APPEAL_LODGED,
            p=p,
            at=now,
            expected_version=None,
            payload={
                "appeal": appeal.id,
                "appellant": appellant,
                "objector": None
                if objector is None
                else step.pseudo("objector", f"{objector.get('name', '')}|{objector.get('phone', '')}"),
                "content": step.pseudo("reason", reason),
                "decide_by": decide_by.isoformat(),
            },
        )
    return await cycle_view(p, cycle_id)


async def decide_appeal(
    rt: Runtime,
    p: Principal,
    cycle_id: int,
    *,
    decision: str,
    grade: Grade,
    reasons: str,
    expected_version: int | None,
) -> dict[str, Any]:
    """The committee's decision (维持/变更). The score is recomputed first: a record corrected during
    the appeal counts. A changed grade is publicized again; a kept one becomes final."""
    now = rt.clock.now()
    reasons = _text(reasons, "reasons", 2000)
    async with write_transaction():
        step = await _step(p, cycle_id)
        row = step.row
        require_ethics_office(p, UnitId(row.unit))
        appeal = (
            await EthicsAppeal.objects()
            .where((EthicsAppeal.cycle == row.id) & (EthicsAppeal.decision == ""))
            .order_by(EthicsAppeal.id, ascending=False)
            .first()
        )
        previous = Grade(row.unit_grade) if row.unit_grade else None
        if decision == "maintain" and grade != previous:
            raise InvalidInput("维持 (maintain) keeps the publicized grade", field="grade")
        if decision == "change" and grade == previous:
            raise InvalidInput("变更 (change) needs a grade other than the publicized one", field="grade")
        score = await score_one(step.year_row, StaffId(row.staff))
        await save_score(step.year_row, row.id, score, now, regrade=False)
        if score.vetoed and grade is not Grade.POOR:
            raise InvalidInput("this file carries a veto (一票否决): the grade must be 较差", field="grade")
        if grade is Grade.EXCELLENT and previous is not Grade.EXCELLENT:
            problem = await quota_problem(step.year_row, row.id, grade)
            if problem is not None and "places" in problem:
                raise Conflict(problem)
        late = appeal is not None and appeal.decide_by is not None and now >= appeal.decide_by
        facts = CycleFacts(
            appeal_decision=decision, decision_reasons=reasons, decided_grade=grade, previous_grade=previous
        )
        await step.fire(
            "decide_appeal",
            facts,
            event=EventType.ETHICS_APPEAL_DECIDED,
            p=p,
            at=now,
            expected_version=expected_version,
            payload={
                "appeal": None if appeal is None else appeal.id,
                "decision": decision,
                "grade": grade.value,
                "previous_grade": None if previous is None else previous.value,
                "total": str(score.total),
                "late": late,
                "content": step.pseudo("reasons", reasons),
            },
        )
        if appeal is not None:
            appeal.decision = decision
            appeal.decided_grade = grade.value
            appeal.decision_reasons = reasons
            appeal.decided_by = None if p.is_operator else p.account_id
            appeal.decided_at = now
            await appeal.save()
        if grade != previous:
            publicity, appeal_window = await _windows(step.policy, now)
            await step.fire(
                "republicize",
                CycleFacts(decided_grade=grade, previous_grade=previous, window_set=True),
                event=EventType.ETHICS_REPUBLICIZED,
                p=p,
                at=now,
                expected_version=None,
                payload={"grade": grade.value, **_window_payload(publicity, appeal_window)},
            )
            row.unit_grade = grade.value
            row.vetoed = score.vetoed
            _set_windows(row, publicity, appeal_window)
            await row.save([EthicsCycle.unit_grade, EthicsCycle.vetoed, *WINDOW_COLUMNS])
        else:
            await _finalize(step, p, now, CycleFacts(decided_grade=grade, previous_grade=previous))
    return await cycle_view(p, cycle_id)


# --- 确定 and 归档 ------------------------------------------------------------------------------------


async def _finalize(step: _Step, p: Principal, at: datetime, facts: CycleFacts) -> None:
    await step.fire(
        "finalize",
        facts,
        event=EventType.ETHICS_FINALIZED,
        p=p,
        at=at,
        expected_version=None,
        payload={"grade": step.row.unit_grade, "vetoed": step.row.vetoed},
    )
    step.row.final_grade = step.row.unit_grade
    step.row.finalized_at = at
    await step.row.save([EthicsCycle.final_grade, EthicsCycle.finalized_at])


async def finalize(rt: Runtime, p: Principal, year_id: int) -> dict[str, Any]:
    """Make final every publicized file whose 公示 and appeal windows have closed; list the rest."""
    now = rt.clock.now()
    finalized = 0
    waiting: list[dict[str, Any]] = []
    async with write_transaction():
        year_row = await load_year(year_id, lock=True)
        require_ethics_office(p, UnitId(year_row.unit))
        rows = (
            await EthicsCycle.objects()
            .where(
                (EthicsCycle.ethics_year == year_id)
                & EthicsCycle.status.is_in(
                    [CycleState.publicized, CycleState.appealed, CycleState.appeal_decided]
                )
            )
            .order_by(EthicsCycle.id)
        )
        pseudo = await pseudonymizer(scope_of(year_row))
        for row in rows:
            if row.status != CycleState.publicized:
                waiting.append(
                    {"file": row.id, "reason": f"{CycleState(row.status).label}: the appeal is not decided"}
                )
                continue
            step = await _step_of(row, year_row, pseudo)
            facts = CycleFacts(
                now=now, publicity_closes_at=row.publicity_closes_at, appeal_closes_at=row.appeal_closes_at
            )
            try:
                await _finalize(step, p, now, facts)
            except GuardRejected as exc:
                waiting.append({"file": row.id, "reason": exc.detail})
                continue
            finalized += 1
    return {"finalized": finalized, "waiting": waiting}


async def archive(rt: Runtime, p: Principal, year_id: int) -> dict[str, Any]:
    """Lock a complete year into the files (归档) once every file is final."""
    now = rt.clock.now()
    async with write_transaction():
        year_row = await load_year(year_id, lock=True)
        require_ethics_office(p, UnitId(year_row.unit))
        rows = await EthicsCycle.objects().where(EthicsCycle.ethics_year == year_id).order_by(EthicsCycle.id)
        not_final = sum(1 for r in rows if r.status not in (CycleState.final, CycleState.archived))
        pseudo = await pseudonymizer(scope_of(year_row))
        archived = 0
        for row in rows:
            if row.status == CycleState.archived:
                continue
            step = await _step_of(row, year_row, pseudo)
            await step.fire(
                "archive",
                CycleFacts(files_not_final=not_final),
                event=EventType.ETHICS_ARCHIVED,
                p=p,
                at=now,
                expected_version=None,
                payload={"grade": row.final_grade},
            )
            archived += 1
        year_row.archived_at = now
        year_row.version += 1
        await year_row.save([EthicsYear.archived_at, EthicsYear.version])
        checkpoint = await after_archive(rt, scope_of(year_row))  # pins the complete year
    return {"archived": archived, "checkpoint": checkpoint}
