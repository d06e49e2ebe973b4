"""yide's staff-ballot endpoint under load, side by side with the bare ingest baseline.

What it measures: ``POST /api/public/campaigns/{id}/ballots`` of a real ``yide serve`` (uvicorn, two
workers) on SQLite and on PostgreSQL, each request a distinct pre-signed ballot: decode, canonical
check, Ed25519, the batched write transaction (campaign row lock, credential and revote lookups,
ballot rows, one ledger entry and Merkle nodes per ballot) and a signed receipt after the commit.
Then, in the same session and with the same load, the bare baseline of
``../shared/baselines/ingest`` (``sqlite_gc`` / ``pg_gc``: decode, verify, group-committed insert)
from where it lives. yide's figure is reported as a ratio of the baseline's.

    /work/venv/bin/python benchmarks/ballot_ingest.py                      # both engines, 10 s runs
    /work/venv/bin/python benchmarks/ballot_ingest.py --engine sqlite --duration 20

Needs Debian's ``wrk`` and, for PostgreSQL, a server where ``--pg`` points (a database is created
and dropped per run). Record results in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASELINE = Path(os.environ.get("YIDE_INGEST_BASELINE", ROOT.parent / "shared" / "baselines" / "ingest"))
LUA = Path(__file__).with_name("post_ballots.lua")
sys.path.insert(0, str(ROOT))


# --- seeding (runs in a subprocess whose environment names the database) ---------------------------


async def _seed(out: Path, voters: int, per_voter: int) -> None:
    from tests.support.selection import small_rules, voting_campaign  # noqa: PLC0415
    from workflow.clock import SystemClock  # noqa: PLC0415
    from workflow.db import start_pool  # noqa: PLC0415
    from workflow.keystore import FileKeyStore  # noqa: PLC0415
    from workflow.migrate import migrate  # noqa: PLC0415
    from workflow.runtime import Runtime  # noqa: PLC0415
    from workflow.selection.ballot import make_staff_ballot  # noqa: PLC0415
    from workflow.selection.credentials import derive_signer  # noqa: PLC0415
    from workflow.selection.rules import BallotShape, RevoteMode, RevotePolicy  # noqa: PLC0415
    from workflow.settings import get_settings  # noqa: PLC0415

    await start_pool(4)
    settings = get_settings()
    rt = Runtime(settings, FileKeyStore(settings.data_dir / "keys"), SystemClock())
    await migrate(at=rt.clock.now())
    rules = small_rules(
        revote=RevotePolicy(mode=RevoteMode.LAST_COUNTS), ballot=BallotShape(min_choices=1, max_choices=2)
    )
    started = time.perf_counter()
    v = await voting_campaign(rt, rules=rules, voters=voters)
    lines = []
    for row in v.census.private_rows:
        signer = derive_signer(row.credential, v.uid)
        for n in range(per_voter):
            ballot = make_staff_ballot(
                signer,
                campaign=v.uid,
                rules_digest=bytes.fromhex(v.rules_hash),
                choices=sorted({v.candidates[n % 4], v.candidates[(n + len(lines)) % 3]}),
            )
            lines.append(json.dumps({"payload": ballot.payload, "signature": ballot.signature}))
    (out / "ballots.jsonl").write_text("\n".join(lines) + "\n")
    (out / "campaign.json").write_text(json.dumps({"id": v.id, "seconds": time.perf_counter() - started}))


async def _count(campaign_id: int) -> dict[str, int]:
    from workflow.db import start_pool  # noqa: PLC0415
    from workflow.ledger.tables import LedgerEntry  # noqa: PLC0415
    from workflow.selection.tables import Ballot  # noqa: PLC0415

    await start_pool(2)
    return {
        "ballots": await Ballot.count().where(Ballot.campaign == campaign_id),
        "accepted_entries": await LedgerEntry.count().where(
            LedgerEntry.event_type == "selection:ballot:accepted"
        ),
        "rejected_entries": await LedgerEntry.count().where(
            LedgerEntry.event_type == "selection:ballot:rejected"
        ),
    }


# --- the runs ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def wrk(
    url: str, path: str, ballots: Path, *, connections: int, duration: int, threads: int
) -> dict[str, float]:
    env = {**os.environ, "BALLOTS": str(ballots), "BALLOT_PATH": path, "BALLOT_SLICES": str(threads)}
    done = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(LUA), url],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    text = done.stdout
    requests = float(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    seconds = float(re.search(r"requests in ([\d.]+)s", text).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    failed = float(errors.group(1)) if errors else 0.0
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "requests": requests,
        "non_2xx": failed,
        "req_s": requests / seconds,
        "ok_s": (requests - failed) / seconds,
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
    }


def _env(data: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIDE_")}
    env |= {"YIDE_DATA_DIR": str(data), "YIDE_SCHEDULER_SECONDS": "0", "PYTHONPATH": str(ROOT)}
    if database_url:
        env["YIDE_DATABASE_URL"] = database_url
    return env


def run_yide(args: argparse.Namespace, engine: str, pg_database: str | None) -> dict[str, object]:
    data = Path(tempfile.mkdtemp(prefix=f"yide-bench-{engine}-"))
    url = f"{args.pg}/{pg_database}" if pg_database else None
    env = _env(data, url)
    subprocess.run(
        [sys.executable, __file__, "seed", str(data), str(args.voters), str(args.per_voter)],
        env=env, check=True, cwd=ROOT,
    )  # fmt: skip
    campaign = json.loads((data / "campaign.json").read_text())
    port = free_port()
    log = (data / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "workflow.cli", "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(port)
        time.sleep(1.5)  # both workers up
        path = f"/api/public/campaigns/{campaign['id']}/ballots"
        measured = wrk(
            f"http://127.0.0.1:{port}", path, data / "ballots.jsonl",
            connections=args.connections, duration=args.duration, threads=args.threads,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    statuses: dict[str, int] = {}
    for line in (data / "server.log").read_text(errors="replace").splitlines():
        found = re.search(r'" (\d{3})', line)
        if found:
            statuses[found.group(1)] = statuses.get(found.group(1), 0) + 1
    counts = json.loads(
        subprocess.run(
            [sys.executable, __file__, "count", str(campaign["id"])],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    shutil.rmtree(data, ignore_errors=True)
    return {**measured, **counts, "seed_s": campaign["seconds"], "statuses": statuses}


def run_baseline(args: argparse.Namespace, engine: str, pg_database: str | None) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix=f"baseline-{engine}-"))
    subprocess.run(
        [sys.executable, str(BASELINE / "gen_ballots.py"), str(args.voters * args.per_voter)],
        cwd=work, check=True, capture_output=True,
    )  # fmt: skip
    env = {**os.environ, "SQLITE_PATH": str(work / "baseline.db"), "MODE": f"{engine}_gc"}
    if pg_database:
        env["PG_DSN"] = f"{args.pg}/{pg_database}"
        psql(args, pg_database, BASELINE_PG_TABLE)
    port = free_port()
    log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "app:app", "--app-dir", str(BASELINE), "--port", str(port),
            "--workers", str(args.workers), "--loop", "uvloop", "--http", "httptools",
        ],
        env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(port)
        time.sleep(1.5)
        measured = wrk(
            f"http://127.0.0.1:{port}", "/ballots", work / "ballots.jsonl",
            connections=args.connections, duration=args.duration, threads=args.threads,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    shutil.rmtree(work, ignore_errors=True)
    return measured


BASELINE_PG_TABLE = (
    "CREATE TABLE IF NOT EXISTS ballots (id BIGSERIAL PRIMARY KEY, ballot_hash TEXT NOT NULL,"
    " campaign_id TEXT NOT NULL, public_key TEXT NOT NULL, signature TEXT NOT NULL,"
    " choices TEXT NOT NULL, received_at DOUBLE PRECISION NOT NULL)"
)
"""The baseline's own table; created before its two workers start so they do not race to create it."""


def psql(args: argparse.Namespace, database: str, sql: str) -> None:
    subprocess.run(
        ["psql", "-q", f"{args.pg}/{database}", "-c", sql],
        check=True, capture_output=True,
    )  # fmt: skip


def with_database(args: argparse.Namespace, name: str) -> str:
    psql(args, "postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(args, "postgres", f"CREATE DATABASE {name}")
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--voters", type=int, default=10_000, help="credentials in the census")
    parser.add_argument("--per-voter", type=int, default=4, help="distinct ballots per credential (revotes)")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    rows = []
    for engine in engines:
        pg = engine == "postgres"
        yide = run_yide(args, engine, with_database(args, "yide_ingest_bench") if pg else None)
        base = run_baseline(
            args, "pg" if pg else "sqlite", with_database(args, "baseline_ingest_bench") if pg else None
        )
        ratio = float(yide["ok_s"]) / float(base["ok_s"])  # type: ignore[arg-type]
        rows.append({"engine": engine, "yide": yide, "baseline": base, "ratio": ratio})
        if pg:
            psql(args, "postgres", "DROP DATABASE IF EXISTS yide_ingest_bench WITH (FORCE)")
            psql(args, "postgres", "DROP DATABASE IF EXISTS baseline_ingest_bench WITH (FORCE)")
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    machine = platform.processor() or platform.machine()
    print(f"{machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.workers} workers")
    for row in rows:
        y: dict[str, Any] = row["yide"]
        b: dict[str, Any] = row["baseline"]
        print(f"{row['engine']:<8} yide {y['ok_s']:8.0f} accepted/s  p99 {y['p99_ms']:6.1f} ms")
        print(
            f"{'':<8}      non-2xx {y['non_2xx']:.0f}, stored {y['ballots']}, logged {y['accepted_entries']}"
        )
        print(f"{'':<8}      statuses {y['statuses']}")
        print(f"{'':<8} base {b['ok_s']:8.0f} stored/s    p99 {b['p99_ms']:6.1f} ms")
        print(f"{'':<8} ratio {row['ratio']:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "seed":
        asyncio.run(_seed(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
    elif len(sys.argv) > 1 and sys.argv[1] == "count":
        print(json.dumps(asyncio.run(_count(int(sys.argv[2])))))
    else:
        main()
