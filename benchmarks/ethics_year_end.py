"""Year-end batch through the database: ``close_year`` for every unit of 10,000 files (~50 records each).

What is timed is exactly what ``yide ethics close-year`` runs, per unit, in one transaction: read every
file-year, record and feedback count of the unit with bulk queries, score each person, apply the
优秀 quota, mark missing self-evaluations, replace the stored scores, write the summary and the
``ethics:year:graded`` ledger entry. The data is the seeded synthetic year of
``benchmarks/ethics_grading.py`` (units of 20–400 staff, 5 % of records not approved, rare vetoes),
loaded with the engines' bulk paths before the clock starts (set-up is reported, not timed).

    # SQLite (a fresh file under a temporary directory)
    /work/venv/bin/python benchmarks/ethics_year_end.py
    # PostgreSQL (an empty database)
    psql -h 127.0.0.1 -U postgres -d test -c 'CREATE DATABASE yide_bench'
    YIDE_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/yide_bench \
        /work/venv/bin/python benchmarks/ethics_year_end.py

Record results in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if not os.environ.get("YIDE_DATABASE_URL"):
    _TMP = tempfile.mkdtemp(prefix="yide-bench-")
    os.environ["YIDE_DATA_DIR"] = _TMP
    os.environ["YIDE_DATABASE_URL"] = f"sqlite:///{_TMP}/bench.sqlite"
else:
    os.environ.setdefault("YIDE_DATA_DIR", tempfile.mkdtemp(prefix="yide-bench-"))

from benchmarks.ethics_grading import File, make_files
from workflow.accounts.roles import OPERATOR, OPERATOR_ACCOUNT, Grant, Principal, Role
from workflow.clock import FixedClock
from workflow.db import close_pool, engine, start_pool
from workflow.ethics import service_files, service_grading
from workflow.ethics.states import CycleState
from workflow.ids import UnitId
from workflow.keystore import MemoryKeyStore
from workflow.migrate import migrate
from workflow.org import service as org
from workflow.org.states import RegionLevel, UnitKind
from workflow.runtime import Runtime
from workflow.settings import get_settings

YEAR = 2025
DEPARTMENTS = 4


def office(unit_id: int) -> Principal:
    return Principal(OPERATOR_ACCOUNT, "operator", "bench", None, (Grant(Role.UNIT_ADMIN, UnitId(unit_id)),))


async def _bulk(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Set-up only: the engines' bulk paths (sqlite3 executemany, asyncpg COPY)."""
    db = engine()
    if db.engine_type == "sqlite":
        import sqlite3  # noqa: PLC0415

        with sqlite3.connect(db.path) as connection:  # type: ignore[attr-defined]
            marks = ",".join("?" for _ in columns)
            connection.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)
        return
    import asyncpg  # noqa: PLC0415

    connection = await asyncpg.connect(get_settings().database.url)
    try:
        await connection.copy_records_to_table(table, columns=columns, records=rows)
    finally:
        await connection.close()


async def set_up(rt: Runtime, files: list[File]) -> list[tuple[int, int]]:
    """Region, units, departments, staff; open the year (file-years and their log entries); records."""
    actor = OPERATOR.ledger_actor
    region = await org.create_region(
        rt, code="110113", name="基准区", level=RegionLevel.DISTRICT, parent_id=None, actor=actor
    )
    unit_ids: dict[int, int] = {}
    departments: dict[int, list[int]] = {}
    for unit in sorted({f.unit for f in files}):
        unit_id = await org.create_unit(
            rt, code=f"B{unit:03d}", name=f"单位{unit}", kind=UnitKind.HOSPITAL, region_id=region, actor=actor
        )
        unit_ids[unit] = unit_id
        departments[unit_id] = [
            await org.create_department(rt, OPERATOR, unit_id=unit_id, code=f"D{d}", name=f"科室{d}")
            for d in range(DEPARTMENTS)
        ]
    now = rt.clock.now()
    staff_rows = []
    for f in files:
        unit_id = unit_ids[f.unit]
        staff_rows.append(
            (
                f.staff,
                unit_id,
                departments[unit_id][f.staff % DEPARTMENTS],
                f"S{f.staff:06d}",
                f"员工{f.staff}",
                "male",
                "",
                "",
                "none",
                "active",
                1,
                now,
            )
        )
    await _bulk(
        "staff",
        [
            "id",
            "unit",
            "department",
            "staff_no",
            "name",
            "gender",
            "title",
            "licence_no",
            "licence_type",
            "status",
            "version",
            "updated_at",
        ],
        staff_rows,
    )
    if engine().engine_type != "sqlite":
        await engine().run_ddl("SELECT setval('staff_id_seq', (SELECT MAX(id) FROM staff))")
    year_ids = []
    for unit_id in unit_ids.values():
        opened = await service_files.open_year(rt, office(unit_id), unit_id=UnitId(unit_id), year=YEAR)
        year_ids.append((opened["year"]["id"], unit_id))
    rng = random.Random(7)
    record_rows = []
    for f in files:
        for r in f.records:
            day = date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
            record_rows.append(
                (
                    r.id,
                    unit_ids[f.unit],
                    f.staff,
                    YEAR,
                    day,
                    r.kind.value,
                    r.item,
                    int(r.points * 100),
                    r.category,
                    None if r.severity is None else r.severity.value,
                    r.veto,
                    "",
                    "manual",
                    r.state.value,
                    1,
                    now,
                    "",
                )
            )
    await _bulk(
        "ethics_record",
        [
            "id",
            "unit",
            "staff",
            "year",
            "occurred_on",
            "kind",
            "item",
            "points",
            "category",
            "severity",
            "veto",
            "description",
            "source",
            "status",
            "version",
            "submitted_at",
            "decision_reason",
        ],
        record_rows,
    )
    # Year end: every file has been through self- and department evaluation.
    await engine().run_ddl(f"UPDATE ethics_cycle SET status = '{CycleState.department_evaluated.value}'")
    return year_ids


async def run(args: argparse.Namespace) -> None:
    clock = FixedClock(datetime(YEAR, 1, 2, 1, tzinfo=UTC))
    rt = Runtime(get_settings(), MemoryKeyStore(), clock)
    owns = await start_pool(4)
    try:
        await migrate(at=clock.now())
        files = make_files(args.files, args.records, args.seed, weighted=False)
        t0 = time.perf_counter()
        year_ids = await set_up(rt, files)
        setup = time.perf_counter() - t0
        n_records = sum(len(f.records) for f in files)
        clock.set(datetime(YEAR + 1, 1, 5, 1, tzinfo=UTC))
        runs = []
        for _ in range(args.repeat):
            t1 = time.perf_counter()
            graded = 0
            for year_id, unit_id in year_ids:
                summary = await service_grading.close_year(rt, office(unit_id), year_id)
                graded += summary["files"]
            runs.append(time.perf_counter() - t1)
            assert graded == args.files
    finally:
        if owns:
            await close_pool()
    print(f"python {platform.python_version()} on {platform.machine()}; engine {engine().engine_type}")
    print(
        f"{args.files} files, {n_records} records ({n_records / args.files:.1f}/file), {len(year_ids)} units"
    )
    print(f"set-up (bulk load + opening the years, not timed): {setup:.1f} s")
    print(
        "close_year for every unit: " + ", ".join(f"{r:.2f} s" for r in runs) + f"  (best {min(runs):.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20251231)
    parser.add_argument("--repeat", type=int, default=3, help="grade the same year again (a re-run replaces)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
