"""Year-end batch: score and grade 10,000 医德 files of ~50 records each through the pure functions.

Why: the whole year-end grading including database reads should take ≤ 10 s for a city; this
measures the pure part (``score_person`` for every file, then ``grade_unit`` for every unit) so the
database and service layers know their budget. Input data is random but seeded, so runs compare.

    /work/venv/bin/python benchmarks/ethics_grading.py            # defaults: 10,000 files, 50 records
    /work/venv/bin/python benchmarks/ethics_grading.py --weighted-feedback --repeat 5

Record results in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import msgspec

from workflow.ethics.feedback import ChannelStats, FeedbackSummary
from workflow.ethics.policy import (
    DEFAULT_POLICY,
    NATIONAL_ITEMS,
    EthicsPolicy,
    FeedbackPolicy,
    RecordKind,
    Severity,
    SocialMode,
)
from workflow.ethics.rules import EthicsRecord, Score, grade_unit, score_person
from workflow.ethics.states import RecordState
from workflow.ids import EthicsRecordId, StaffId

ITEMS = [i.code for i in NATIONAL_ITEMS]
PRAISE_POINTS = [Decimal(p) for p in ("0.1", "0.2", "0.2", "0.3", "0.5")]
DEDUCTION_POINTS = [Decimal(p) for p in ("0.5", "1", "1", "2", "3", "5")]
CATEGORIES = [f"JX{i}" for i in range(1, 10)]


@dataclass
class File:
    staff: StaffId
    unit: int
    records: list[EthicsRecord]
    feedback: FeedbackSummary | None


def make_files(n_files: int, per_file: int, seed: int, weighted: bool) -> list[File]:
    """Units of 20–400 staff. Most files are clean (praise only, bonus near the cap, so ties at the
    优秀 cut-off happen as in real units); a third have some deductions; violations and vetoes are rare.
    """
    rng = random.Random(seed)
    files: list[File] = []
    next_id = 1
    unit = 0
    remaining_in_unit = 0
    for staff in range(1, n_files + 1):
        if remaining_in_unit == 0:
            unit += 1
            remaining_in_unit = rng.randint(20, 400)
        remaining_in_unit -= 1
        deduction_share = 0.0 if rng.random() < 0.65 else 0.1
        records = []
        for _ in range(max(0, round(rng.gauss(per_file, per_file / 5)))):
            records.append(_record(rng, EthicsRecordId(next_id), deduction_share))
            next_id += 1
        feedback = _feedback(rng, StaffId(staff)) if weighted else None
        files.append(File(StaffId(staff), unit, records, feedback))
    return files


def _record(rng: random.Random, record_id: EthicsRecordId, deduction_share: float) -> EthicsRecord:
    state = RecordState.approved if rng.random() < 0.95 else rng.choice(list(RecordState))
    if rng.random() >= deduction_share:
        return EthicsRecord(
            id=record_id,
            kind=RecordKind.PRAISE,
            item=rng.choice(ITEMS),
            points=rng.choice(PRAISE_POINTS),
            state=state,
        )
    violation = rng.random() < 0.05
    return EthicsRecord(
        id=record_id,
        kind=RecordKind.DEDUCTION,
        item=rng.choice(ITEMS),
        points=rng.choice(DEDUCTION_POINTS),
        category=rng.choice(CATEGORIES) if violation else None,
        severity=rng.choice([Severity.MINOR, Severity.SERIOUS, Severity.GRAVE]) if violation else None,
        veto="V8" if rng.random() < 0.001 else None,
        state=state,
    )


def _feedback(rng: random.Random, staff: StaffId) -> FeedbackSummary:
    valid = rng.randint(0, 120)
    return FeedbackSummary(
        staff_id=staff,
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        sms=ChannelStats(minimum=30, valid=valid, meets_minimum=valid >= 30),
        inpatient=ChannelStats(minimum=5),
        social_score=Decimal(rng.randint(7000, 10000)).scaleb(-2) if valid >= 30 else None,
        satisfaction_rate=Decimal(rng.randint(7000, 10000)).scaleb(-4) if valid >= 30 else None,
    )


def run_once(files: list[File], policy: EthicsPolicy) -> tuple[float, float, list[Score], int]:
    t0 = time.perf_counter()
    scores = [score_person(f.staff, 2025, f.records, policy, feedback=f.feedback) for f in files]
    t1 = time.perf_counter()
    by_unit: dict[int, list[Score]] = {}
    for f, s in zip(files, scores, strict=True):
        by_unit.setdefault(f.unit, []).append(s)
    gradings = [grade_unit(unit_scores, policy) for unit_scores in by_unit.values()]
    t2 = time.perf_counter()
    at_boundary = sum(1 for g in gradings if g.boundary is not None and g.boundary.tie)
    return t1 - t0, t2 - t1, scores, at_boundary


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=50, help="mean records per file")
    parser.add_argument("--seed", type=int, default=20251231)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--weighted-feedback", action="store_true", help="blend a 社会评价 at 20%%")
    args = parser.parse_args()

    policy = DEFAULT_POLICY
    if args.weighted_feedback:
        policy = msgspec.structs.replace(
            DEFAULT_POLICY, feedback=FeedbackPolicy(mode=SocialMode.WEIGHTED, weight=Decimal("0.2"))
        )
    t = time.perf_counter()
    files = make_files(args.files, args.records, args.seed, args.weighted_feedback)
    build = time.perf_counter() - t
    n_records = sum(len(f.records) for f in files)
    units = len({f.unit for f in files})

    runs = [run_once(files, policy) for _ in range(args.repeat)]
    totals = [score_t + grade_t for score_t, grade_t, _, _ in runs]
    score_t, grade_t, scores, ties = min(runs, key=lambda r: r[0] + r[1])
    grades: dict[str, int] = {}
    for s in scores:
        grades[s.grade.label] = grades.get(s.grade.label, 0) + 1

    print(f"python {platform.python_version()} on {platform.machine()} ({platform.processor() or 'cpu'})")
    print(f"{args.files} files, {n_records} records ({n_records / args.files:.1f}/file), {units} units")
    print(f"input construction (not timed below): {build:.2f} s")
    print(f"score_person x {args.files}: {score_t:.3f} s")
    print(f"grade_unit   x {units}: {grade_t:.3f} s   (units with a tie at the cut-off: {ties})")
    print(f"total best {min(totals):.3f} s, median {statistics.median(totals):.3f} s over {args.repeat} runs")
    print("provisional grades:", ", ".join(f"{k} {v}" for k, v in grades.items()))


if __name__ == "__main__":
    main()
