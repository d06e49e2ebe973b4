"""Year-end grading of a whole unit (``yide ethics close-year``) and the committee's tie decisions.

One transaction reads every file-year, every record and the patient-feedback counts of the unit and
year with three bulk queries, scores each person with ``score_person``, applies the 优秀 quota per quota
group with ``grade_unit``, replaces the stored scores and writes one ``ethics:year:graded`` entry whose
``results_sha256`` binds every file's figures. The summary it returns is what the ethics office
needs at the 考评委员会 meeting: the grade distribution per department, who sits at the quota
boundary (and whether a tie waits for the committee), who is vetoed and why, and who never
submitted a self-evaluation.

Files still 待自评 after the policy's self-evaluation deadline are moved on marked 未自评
(``record_missing_self_evaluation``), each with its own entry; before the deadline they are only
listed. Grading may run again while records change, until the results are publicized.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, Final

import msgspec

from workflow.accounts.roles import Principal
from workflow.db import fetch_rows, insert_many, raw, read_transaction, write_transaction
from workflow.errors import Conflict, InvalidInput, NotFound
from workflow.ethics.common import (
    beijing_date,
    from_cents,
    load_year,
    pseudonymizer,
    scope_of,
    staff_key,
    year_policy,
)
from workflow.ethics.feedback import Answer, FeedbackSummary, summary_from_counts
from workflow.ethics.machine import CycleFacts, CycleProcess
from workflow.ethics.policy import EthicsPolicy, Grade, QuotaScope, RecordKind, Severity, SocialMode, fmt
from workflow.ethics.rules import (
    EthicsRecord,
    QuotaOutcome,
    Score,
    UnitGrading,
    grade_unit,
    resolve_tie,
    score_person,
)
from workflow.ethics.states import CycleState, RecordState
from workflow.ethics.tables import EthicsCycle, EthicsScore, EthicsYear
from workflow.ids import StaffId, UnitId
from workflow.ledger.events import EventType
from workflow.ledger.service import Record, append
from workflow.org.access import require_ethics_office
from workflow.runtime import Runtime
from workflow.stateful import fire

Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: the CLI draws a bar from it."""

GRADED_LATEST: Final = frozenset(
    {CycleState.open, CycleState.self_evaluated, CycleState.department_evaluated, CycleState.unit_evaluated}
)
"""Grading may run while every file is at most unit-evaluated; after the 公示 changes go through appeals."""

_KINDS: Final = {k.value: k for k in RecordKind}
_SEVERITIES: Final = {s.value: s for s in Severity}
_STATES: Final = {s.value: s for s in RecordState}
INSERT_BATCH: Final = 500


class Committee(msgspec.Struct, frozen=True, kw_only=True):
    """The 考评委员会's decision on a tie at the 优秀 cut-off."""

    keep: tuple[int, ...]
    minutes_sha256: str
    decided_at: datetime
    decided_by: str


class GroupGrading(msgspec.Struct, frozen=True, kw_only=True):
    """One quota group (the unit, or one department) and its ``grade_unit`` result."""

    group: str
    label: str
    grading: UnitGrading
    committee: Committee | None = None


def decode_groups(year_row: EthicsYear) -> list[GroupGrading]:
    if not year_row.grading:
        return []
    return msgspec.json.decode(year_row.grading, type=list[GroupGrading])


# --- reading a unit's year in bulk -------------------------------------------------------------------


async def _cycles(year_id: int) -> list[dict[str, Any]]:
    return await raw(
        "SELECT c.id, c.staff, c.status, c.self_missing, c.unit_grade, s.department, s.name, s.staff_no,"
        " d.name AS department_name"
        " FROM ethics_cycle c JOIN staff s ON s.id = c.staff LEFT JOIN department d ON d.id = s.department"
        " WHERE c.ethics_year = {} ORDER BY c.id",
        year_id,
    )


class StoredRecord(EthicsRecord, frozen=True, kw_only=True):
    """A record read back in bulk: it was validated by ``EthicsRecord`` when it was filed, and points
    come from integer hundredths, so the batch skips re-validating half a million of them."""

    def __post_init__(self) -> None:
        return None


async def _records(unit_id: int, year: int, staff_id: int | None = None) -> dict[int, list[EthicsRecord]]:
    # ``+ 0`` makes the integer columns expressions without a declared type, so SQLite hands back
    # native ints instead of calling Piccolo's Python INTEGER converter three times per row (3× faster).
    sql = (
        "SELECT id + 0, staff + 0, kind, item, points + 0, category, severity, veto, status"
        " FROM ethics_record WHERE unit = {} AND year = {}"
    )
    args: list[Any] = [unit_id, year]
    if staff_id is not None:
        sql += " AND staff = {}"
        args.append(staff_id)
    by_staff: dict[int, list[EthicsRecord]] = defaultdict(list)
    kinds, severities, states, points = _KINDS, _SEVERITIES, _STATES, from_cents
    for record_id, staff, kind, item, cents, category, severity, veto, status in await fetch_rows(sql, *args):
        by_staff[staff].append(
            StoredRecord(
                id=record_id,
                kind=kinds[kind],
                item=item,
                points=points(cents),
                category=category,
                severity=None if severity is None else severities[severity],
                veto=veto,
                state=states[status],
            )
        )
    return by_staff


async def _feedback_counts(
    unit_id: int, year: int, staff_id: int | None = None
) -> dict[int, tuple[dict[Answer | None, int], dict[Answer | None, int]]]:
    counts: dict[int, tuple[dict[Answer | None, int], dict[Answer | None, int]]] = defaultdict(
        lambda: ({}, {})
    )
    for channel, table in ((0, "sms_reply"), (1, "inpatient_rating")):
        sql = f"SELECT staff, answer, COUNT(*) AS n FROM {table} WHERE unit = {{}} AND year = {{}}"  # noqa: S608
        args: list[Any] = [unit_id, year]
        if staff_id is not None:
            sql += " AND staff = {}"
            args.append(staff_id)
        for r in await raw(sql + " GROUP BY staff, answer", *args):
            answer = Answer(r["answer"]) if r["answer"] else None
            counts[r["staff"]][channel][answer] = int(r["n"])
    return counts


def _summary(
    staff_id: int,
    year: int,
    policy: EthicsPolicy,
    counts: tuple[dict[Answer | None, int], dict[Answer | None, int]],
) -> FeedbackSummary:
    return summary_from_counts(
        StaffId(staff_id),
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        policy=policy.feedback,
        sms=counts[0],
        inpatient=counts[1],
    )


async def score_one(year_row: EthicsYear, staff_id: StaffId) -> Score:
    """One person's score now (self-evaluation, appeal decisions): the same rules as the batch."""
    policy = year_policy(year_row)
    records = await _records(year_row.unit, year_row.year, staff_id)
    counts = await _feedback_counts(year_row.unit, year_row.year, staff_id)
    return score_person(
        staff_id,
        year_row.year,
        records.get(staff_id, []),
        policy,
        feedback=_summary(staff_id, year_row.year, policy, counts[staff_id]),
    )


def score_values(score: Score) -> dict[str, Any]:
    """The columns of an ``EthicsScore`` row computed from a score (quota columns excluded)."""
    return {
        "total": str(score.total),
        "deductions": str(score.deductions),
        "raw_deductions": str(score.raw_deductions),
        "bonus": str(score.bonus),
        "provisional": score.grade.value,
        "vetoed": score.vetoed,
        "detail": msgspec.json.encode(score).decode(),
    }


async def save_score(
    year_row: EthicsYear, cycle_id: int, score: Score, at: datetime, *, regrade: bool = True
) -> None:
    """Store one person's fresh score; before the 公示 a change of figures makes the unit's grading
    stale (``regrade``); after it (an appeal) the grading stays as it was and only the figures change."""
    values = score_values(score)
    existing = (
        await EthicsScore.select(EthicsScore.id, EthicsScore.total, EthicsScore.provisional)
        .where(EthicsScore.cycle == cycle_id)
        .first()
    )
    if existing is None:
        await EthicsScore.insert(
            EthicsScore(cycle=cycle_id, ethics_year=year_row.id, computed_at=at, **values)
        )
        return
    same = existing["total"] == values["total"] and existing["provisional"] == values["provisional"]
    update: dict[Any, Any] = {getattr(EthicsScore, k): v for k, v in values.items()}
    update[EthicsScore.computed_at] = at
    if not same and regrade:
        update |= {EthicsScore.suggested: "", EthicsScore.outcome: "", EthicsScore.rank: None}
        await EthicsYear.update({EthicsYear.grading_stale: True}).where(EthicsYear.id == year_row.id)
    await EthicsScore.update(update).where(EthicsScore.id == existing["id"])


SCORE_VALUE_COLUMNS: Final = (
    "total",
    "deductions",
    "raw_deductions",
    "bonus",
    "provisional",
    "vetoed",
    "detail",
)


def _columns(values: dict[str, Any]) -> dict[Any, Any]:
    return {getattr(EthicsScore, k): v for k, v in values.items()}


# --- the batch ----------------------------------------------------------------------------------------


def _group_key(scope: QuotaScope, department_id: int | None) -> str:
    if scope is QuotaScope.UNIT:
        return "unit"
    return f"department-{department_id or 'none'}"


def _person(cycle: dict[str, Any], score: Score | None = None, entry: Any = None) -> dict[str, Any]:
    view = {
        "cycle_id": cycle["id"],
        "staff_id": cycle["staff"],
        "name": cycle["name"],
        "staff_no": cycle["staff_no"],
        "department_id": cycle["department"],
        "department": cycle["department_name"] or "",
    }
    if score is not None:
        view |= {"total": str(score.total), "provisional": score.grade.value}
    if entry is not None:
        view |= {
            "suggested": None if entry.grade is None else entry.grade.value,
            "outcome": entry.outcome.value,
        }
    return view


async def _mark_missing(
    year_row: EthicsYear, policy: EthicsPolicy, p: Principal, now: datetime
) -> tuple[date, int]:
    deadline = policy.schedule.self_deadline.on(year_row.year)
    today = beijing_date(now)
    if today <= deadline:
        return deadline, 0
    rows = await EthicsCycle.objects().where(
        (EthicsCycle.ethics_year == year_row.id) & (EthicsCycle.status == CycleState.open)
    )
    pseudo = await pseudonymizer(scope_of(year_row))
    for row in rows:
        staff_no = (await raw("SELECT staff_no FROM staff WHERE id = {}", row.staff))[0]["staff_no"]
        await fire(
            row,
            CycleProcess,
            "record_missing_self_evaluation",
            expected_version=None,
            facts=CycleFacts(now=now, today=today, self_deadline=deadline),
            scope=scope_of(year_row),
            event=EventType.ETHICS_SELF_EVALUATION_MISSING,
            actor=p.ledger_actor,
            payload={"file": row.id, "staff": pseudo("staff", staff_key(year_row.unit, staff_no))},
            at=now,
        )
        row.self_missing = True
        await row.save([EthicsCycle.self_missing])
    return deadline, len(rows)


async def close_year(
    rt: Runtime, p: Principal, year_id: int, *, progress: Progress | None = None
) -> dict[str, Any]:
    """Grade a whole unit for one year and return the summary (ethics office)."""
    now = rt.clock.now()
    async with write_transaction():
        year_row = await load_year(year_id, lock=True)
        require_ethics_office(p, UnitId(year_row.unit))
        policy = year_policy(year_row)
        late = await EthicsCycle.count().where(
            (EthicsCycle.ethics_year == year_id) & EthicsCycle.status.not_in(list(GRADED_LATEST))
        )
        if late:
            raise Conflict(
                f"{late} result(s) are already publicized; after the 公示 grades change only through appeals"
            )
        deadline, marked = await _mark_missing(year_row, policy, p, now)
        cycles = await _cycles(year_id)
        if not cycles:
            raise Conflict("this year has no files to grade; sync the year with the staff list first")
        records = await _records(year_row.unit, year_row.year)
        counts = await _feedback_counts(year_row.unit, year_row.year)
        scores = _score_all(
            cycles, records=records, counts=counts, year=year_row.year, policy=policy, progress=progress
        )
        groups, entries = _grade_groups(cycles, scores, policy)
        await _store_scores(year_row, cycles=cycles, scores=scores, entries=entries, groups=groups, now=now)
        summary = _summary_of(
            year_row,
            policy=policy,
            cycles=cycles,
            scores=scores,
            entries=entries,
            groups=groups,
            deadline=deadline,
            marked=marked,
            now=now,
        )
        year_row.grading = msgspec.json.encode(groups).decode()
        year_row.graded_at = now
        year_row.grading_stale = False
        year_row.summary = json.dumps(summary, ensure_ascii=False, default=str)
        year_row.version += 1
        await year_row.save(
            [
                EthicsYear.grading,
                EthicsYear.graded_at,
                EthicsYear.grading_stale,
                EthicsYear.summary,
                EthicsYear.version,
            ]
        )
        await append(
            scope_of(year_row),
            Record(
                EventType.ETHICS_YEAR_GRADED,
                p.ledger_actor,
                _graded_payload(year_row, cycles, scores, entries, groups),
            ),
            at=now,
        )
    if progress:
        progress("done", len(cycles), len(cycles))
    return summary


def _score_all(
    cycles: list[dict[str, Any]],
    *,
    records: dict[int, list[EthicsRecord]],
    counts: dict[int, tuple[dict[Answer | None, int], dict[Answer | None, int]]],
    year: int,
    policy: EthicsPolicy,
    progress: Progress | None,
) -> dict[int, Score]:
    scores: dict[int, Score] = {}
    total = len(cycles)
    no_feedback: tuple[dict[Answer | None, int], dict[Answer | None, int]] = ({}, {})
    # Without any reply and in records mode a summary changes nothing (feedback only reaches the
    # score as verified records), so the batch skips building one for people nobody rated.
    skip_empty = policy.feedback.mode is SocialMode.RECORDS
    for n, cycle in enumerate(cycles, start=1):
        staff = cycle["staff"]
        mine = counts.get(staff)
        feedback = None if mine is None and skip_empty else _summary(staff, year, policy, mine or no_feedback)
        scores[cycle["id"]] = score_person(
            StaffId(staff), year, records.get(staff, ()), policy, feedback=feedback
        )
        if progress and (n % 500 == 0 or n == total):
            progress("score", n, total)
    return scores


def _grade_groups(
    cycles: list[dict[str, Any]], scores: dict[int, Score], policy: EthicsPolicy
) -> tuple[list[GroupGrading], dict[int, Any]]:
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for cycle in cycles:
        members[_group_key(policy.quota.scope, cycle["department"])].append(cycle)
    groups: list[GroupGrading] = []
    entries: dict[int, Any] = {}
    for key in sorted(members):
        people = members[key]
        grading = grade_unit([scores[c["id"]] for c in people], policy)
        by_staff = {e.staff_id: e for e in grading.entries}
        for c in people:
            entries[c["id"]] = by_staff[c["staff"]]
        label = "全单位" if key == "unit" else (people[0]["department_name"] or "未分科室")
        groups.append(GroupGrading(group=key, label=label, grading=grading))
    return groups, entries


async def _store_scores(
    year_row: EthicsYear,
    *,
    cycles: list[dict[str, Any]],
    scores: dict[int, Score],
    entries: dict[int, Any],
    groups: list[GroupGrading],
    now: datetime,
) -> None:
    group_of = {}
    for g in groups:
        for e in g.grading.entries:
            group_of[e.staff_id] = g.group
    await EthicsScore.delete().where(EthicsScore.ethics_year == year_row.id)
    rows = []
    for cycle in cycles:
        entry = entries[cycle["id"]]
        values = score_values(scores[cycle["id"]])
        rows.append(
            (
                cycle["id"],
                year_row.id,
                *(values[c] for c in SCORE_VALUE_COLUMNS),
                "" if entry.grade is None else entry.grade.value,
                entry.outcome.value,
                entry.rank,
                group_of[cycle["staff"]],
                now,
            )
        )
    await insert_many(
        "ethics_score",
        [
            "cycle",
            "ethics_year",
            *SCORE_VALUE_COLUMNS,
            "suggested",
            "outcome",
            "rank",
            "quota_group",
            "computed_at",
        ],
        rows,
    )


def results_digest(rows: Iterable[tuple[int, str, str, str, str, bool]]) -> str:
    """SHA-256 of the per-file results, canonical JSON sorted by file id (docs/ethics.md)."""
    ordered = sorted(rows)
    text = json.dumps([list(r) for r in ordered], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _graded_payload(
    year_row: EthicsYear,
    cycles: list[dict[str, Any]],
    scores: dict[int, Score],
    entries: dict[int, Any],
    groups: list[GroupGrading],
) -> dict[str, Any]:
    results = [
        (
            c["id"],
            str(scores[c["id"]].total),
            scores[c["id"]].grade.value,
            "" if entries[c["id"]].grade is None else entries[c["id"]].grade.value,
            entries[c["id"]].outcome.value,
            scores[c["id"]].vetoed,
        )
        for c in cycles
    ]
    return {
        "ethics_year": year_row.id,
        "files": len(cycles),
        "policy_sha256": year_row.policy_sha256,
        "results_sha256": results_digest(results),
        "groups": [
            {
                "group": g.group,
                "headcount": g.grading.headcount,
                "places": g.grading.places,
                "candidates": g.grading.candidates,
                "excellent": g.grading.excellent,
                "tie": bool(g.grading.boundary and g.grading.boundary.tie),
                "pending": [_file_of(cycles, s) for s in g.grading.pending],
            }
            for g in groups
        ],
        "vetoes": sum(1 for s in scores.values() if s.vetoed),
    }


def _file_of(cycles: list[dict[str, Any]], staff_id: int) -> int:
    return int(next(c["id"] for c in cycles if c["staff"] == staff_id))


GRADE_KEYS: Final = (*(g.value for g in Grade), "pending")


def _summary_of(
    year_row: EthicsYear,
    *,
    policy: EthicsPolicy,
    cycles: list[dict[str, Any]],
    scores: dict[int, Score],
    entries: dict[int, Any],
    groups: list[GroupGrading],
    deadline: date,
    marked: int,
    now: datetime,
) -> dict[str, Any]:
    by_staff = {c["staff"]: c for c in cycles}
    departments: dict[int | None, dict[str, Any]] = {}
    for c in cycles:
        d = departments.setdefault(
            c["department"],
            {
                "department_id": c["department"],
                "name": c["department_name"] or "未分科室",
                "headcount": 0,
                "grades": dict.fromkeys(GRADE_KEYS, 0),
                "vetoed": 0,
                "missing_self_evaluations": 0,
            },
        )
        entry = entries[c["id"]]
        d["headcount"] += 1
        d["grades"]["pending" if entry.grade is None else entry.grade.value] += 1
        d["vetoed"] += scores[c["id"]].vetoed
        d["missing_self_evaluations"] += c["status"] == CycleState.open or bool(c["self_missing"])
    totals = Counter("pending" if e.grade is None else e.grade.value for e in entries.values())
    return {
        "ethics_year_id": year_row.id,
        "unit_id": year_row.unit,
        "year": year_row.year,
        "graded_at": now.isoformat(),
        "files": len(cycles),
        "quota_scope": policy.quota.scope.value,
        "tie_policy": policy.quota.tie_policy.value,
        "grade_counts": {k: totals.get(k, 0) for k in GRADE_KEYS},
        "departments": sorted(departments.values(), key=lambda d: (d["department_id"] is None, d["name"])),
        "groups": [_group_view(g, by_staff, scores, entries) for g in groups],
        "vetoes": [
            _person(c, scores[c["id"]], entries[c["id"]])
            | {
                "reasons": [
                    {"code": v.code, "title": v.title, "record_id": v.record_id}
                    for v in scores[c["id"]].vetoes
                ]
            }
            for c in cycles
            if scores[c["id"]].vetoed
        ],
        "self_deadline": deadline.isoformat(),
        "marked_missing": marked,
        "missing_self_evaluations": [
            _person(c) | {"marked": bool(c["self_missing"]) or c["status"] != CycleState.open}
            for c in cycles
            if c["status"] == CycleState.open or c["self_missing"]
        ],
    }


def _group_view(
    g: GroupGrading, by_staff: dict[int, dict[str, Any]], scores: dict[int, Score], entries: dict[int, Any]
) -> dict[str, Any]:
    grading = g.grading

    def people(ids: Iterable[int]) -> list[dict[str, Any]]:
        found = []
        for staff_id in ids:
            c = by_staff[staff_id]
            found.append(_person(c, scores[c["id"]], entries[c["id"]]))
        return found

    boundary = grading.boundary
    return {
        "group": g.group,
        "label": g.label,
        "headcount": grading.headcount,
        "places": grading.places,
        "soft_places": grading.soft_places,
        "candidates": grading.candidates,
        "excellent": grading.excellent,
        "soft_exceeded": grading.soft_exceeded,
        "over_hard_limit": grading.over_hard_limit,
        "pending": people(grading.pending),
        "committee_decided": g.committee is not None,
        "notes": list(grading.explanation),
        "boundary": None
        if boundary is None
        else {
            "cutoff_score": None if boundary.cutoff_score is None else fmt(boundary.cutoff_score),
            "open_places": boundary.open_places,
            "tie": boundary.tie,
            "resolution": None if boundary.resolution is None else boundary.resolution.value,
            "decided_by": boundary.decided_by,
            "above_cutoff": len(boundary.above_cutoff),
            "at_cutoff": people(boundary.at_cutoff),
            "kept_at_cutoff": [by_staff[s]["id"] for s in boundary.kept_at_cutoff],
            "demoted_at_cutoff": [by_staff[s]["id"] for s in boundary.demoted_at_cutoff],
            "first_below": people(boundary.first_below),
            "first_below_score": None
            if boundary.first_below_score is None
            else fmt(boundary.first_below_score),
        },
    }


async def _summary_from_store(
    year_row: EthicsYear, groups: list[GroupGrading], cycles: list[dict[str, Any]]
) -> dict[str, Any]:
    """The summary again after a committee decision, from the stored scores and gradings."""
    previous = json.loads(year_row.summary) if year_row.summary else {}
    stored = await EthicsScore.select(EthicsScore.cycle, EthicsScore.detail).where(
        EthicsScore.ethics_year == year_row.id
    )
    scores = {r["cycle"]: msgspec.json.decode(r["detail"], type=Score) for r in stored}
    cycle_of = {c["staff"]: c["id"] for c in cycles}
    entries = {cycle_of[e.staff_id]: e for g in groups for e in g.grading.entries}
    deadline = date.fromisoformat(previous.get("self_deadline", f"{year_row.year}-12-20"))
    assert year_row.graded_at is not None
    return _summary_of(
        year_row,
        policy=year_policy(year_row),
        cycles=cycles,
        scores=scores,
        entries=entries,
        groups=groups,
        deadline=deadline,
        marked=int(previous.get("marked_missing", 0)),
        now=year_row.graded_at,
    )


async def summary(p: Principal, year_id: int) -> dict[str, Any]:
    """The last close-year summary (ethics office and auditor: it names people)."""
    from workflow.org.access import ethics_file_scope  # noqa: PLC0415

    async with read_transaction():
        year_row = await load_year(year_id)
        scope = ethics_file_scope(p)
        if not (scope.everyone or UnitId(year_row.unit) in scope.units):
            raise NotFound("no such evaluation year")
    if not year_row.summary:
        raise Conflict("this year has not been graded yet; run close-year first")
    result: dict[str, Any] = json.loads(year_row.summary)
    result["grading_stale"] = year_row.grading_stale
    return result


# --- the committee's tie decision -----------------------------------------------------------------------


async def decide_tie(
    rt: Runtime, p: Principal, year_id: int, *, group: str, keep: list[int], minutes: str
) -> dict[str, Any]:
    """Record which of the people tied at the 优秀 cut-off keep 优秀 (files named by cycle id)."""
    if not minutes.strip():
        raise InvalidInput("record the committee's minutes (会议纪要) with the decision", field="minutes")
    now = rt.clock.now()
    async with write_transaction():
        year_row = await load_year(year_id, lock=True)
        require_ethics_office(p, UnitId(year_row.unit))
        if year_row.grading_stale:
            raise Conflict("records changed since the last grading; run close-year again before deciding")
        groups = decode_groups(year_row)
        found = [g for g in groups if g.group == group]
        if not found:
            raise InvalidInput(f"no quota group {group!r} in this year's grading", field="group")
        target = found[0]
        cycles = await _cycles(year_id)
        staff_of = {c["id"]: c["staff"] for c in cycles}
        unknown = [k for k in keep if k not in staff_of]
        if unknown:
            raise InvalidInput(f"not files of this year: {unknown}", field="keep")
        resolved: UnitGrading = resolve_tie(target.grading, [StaffId(staff_of[k]) for k in keep])
        committee = Committee(
            keep=tuple(sorted(keep)),
            minutes_sha256=hashlib.sha256(minutes.strip().encode()).hexdigest(),
            decided_at=now,
            decided_by=p.ledger_actor,
        )
        updated = [
            msgspec.structs.replace(g, grading=resolved, committee=committee) if g.group == group else g
            for g in groups
        ]
        cycle_of = {c["staff"]: c["id"] for c in cycles}
        for entry in resolved.entries:
            if entry.outcome in (QuotaOutcome.KEPT_BY_TIE_RULE, QuotaOutcome.DEMOTED_BY_TIE_RULE):
                assert entry.grade is not None
                await EthicsScore.update(
                    {EthicsScore.suggested: entry.grade.value, EthicsScore.outcome: entry.outcome.value}
                ).where(EthicsScore.cycle == cycle_of[entry.staff_id])
        year_row.grading = msgspec.json.encode(updated).decode()
        year_row.summary = json.dumps(
            await _summary_from_store(year_row, updated, cycles), ensure_ascii=False, default=str
        )
        year_row.version += 1
        await year_row.save([EthicsYear.grading, EthicsYear.summary, EthicsYear.version])
        boundary = resolved.boundary
        assert boundary is not None
        pseudo = await pseudonymizer(scope_of(year_row))
        await append(
            scope_of(year_row),
            Record(
                EventType.ETHICS_TIE_DECIDED,
                p.ledger_actor,
                {
                    "ethics_year": year_row.id,
                    "group": group,
                    "kept": [cycle_of[s] for s in boundary.kept_at_cutoff],
                    "demoted": [cycle_of[s] for s in boundary.demoted_at_cutoff],
                    "minutes": pseudo("minutes", minutes.strip()),
                },
            ),
            at=now,
        )
    return {
        "group": group,
        "kept": sorted(cycle_of[s] for s in boundary.kept_at_cutoff),
        "demoted": sorted(cycle_of[s] for s in boundary.demoted_at_cutoff),
    }
