"""Ledger benchmark: proofs at 1M entries through the service, rows read per proof, append throughput.

    python benchmarks/ledger_proofs.py                      # 1,000,000 entries on a fresh SQLite file
    python benchmarks/ledger_proofs.py --size 100000 --bundle
    YIDE_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
        python benchmarks/ledger_proofs.py --appends-only

Setup bulk-inserts the entries and every complete Merkle node straight into SQLite (computed with the
ledger's own encoder and CompactRange), which is far faster than appending them one transaction at a
time; everything measured afterwards goes through the real service functions. ``--bundle`` also
exports the scope and runs ``yide verify`` on it in a child process, reporting its time and peak
memory. Results go to stdout as a Markdown table (add the rows to benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("YIDE_DATA_DIR", tempfile.mkdtemp(prefix="yide-bench-"))
os.environ.setdefault("YIDE_LOG_NAME", "bench.yide.local")

import msgspec  # noqa: E402

from workflow.clock import SystemClock  # noqa: E402
from workflow.db import engine, write_transaction  # noqa: E402
from workflow.ids import ScopeName  # noqa: E402
from workflow.keystore import MemoryKeyStore  # noqa: E402
from workflow.ledger import reads  # noqa: E402
from workflow.ledger.bundle import bundle_chunks, plan_bundle  # noqa: E402
from workflow.ledger.checkpoints import checkpoint_now  # noqa: E402
from workflow.ledger.entry import Entry, format_time  # noqa: E402
from workflow.ledger.events import EventType  # noqa: E402
from workflow.ledger.merkle import CompactRange, leaf_hash, verify_consistency, verify_inclusion  # noqa: E402
from workflow.ledger.proofs import consistency_proof, inclusion_proof  # noqa: E402
from workflow.ledger.scopes import Visibility  # noqa: E402
from workflow.ledger.service import Record, append_many, open_scope  # noqa: E402
from workflow.ledger.store import root_at, scope_head  # noqa: E402
from workflow.migrate import migrate  # noqa: E402
from workflow.runtime import Runtime  # noqa: E402
from workflow.settings import get_settings  # noqa: E402

SCOPE = ScopeName("campaign-1")
APPEND_SCOPE = ScopeName("campaign-2")
rows: list[tuple[str, str, str]] = []


def report(benchmark: str, result: str) -> None:
    rows.append((benchmark, " ".join(sys.argv[1:]) or "(defaults)", result))
    print(f"{benchmark}: {result}", flush=True)


def payload(n: int) -> dict[str, object]:
    return {"ballot": f"{n:064x}", "candidate": f"c{n % 20:02d}", "weight": 1, "channel": "staff"}


def bulk_build(size: int) -> None:
    """Entries 1..size-1 and all their nodes, inserted with sqlite3 in one transaction per 100k."""
    path = get_settings().database.sqlite_path
    connection = sqlite3.connect(path, isolation_level=None)
    scope_id, frontier_json = connection.execute(
        "SELECT id, frontier FROM ledger_scope WHERE name = ?", (SCOPE,)
    ).fetchone()
    tree = CompactRange.from_frontier(1, [bytes.fromhex(h) for h in json.loads(frontier_json)])
    time_text = format_time(datetime.now(UTC))
    sample = Entry(SCOPE, 1, EventType.UNIT_CREATED, "account:7", time_text, payload(1))
    template = sample.as_json()
    encoder = msgspec.json.Encoder(order="sorted")
    assert encoder.encode(template) == sample.encode(), "msgspec and RFC 8785 agree on these entries"
    started = time.perf_counter()
    for start in range(1, size, 100_000):
        entries, nodes = [], []
        for index in range(start, min(start + 100_000, size)):
            template["index"], template["payload"] = index, payload(index)
            body = encoder.encode(template)
            leaf = leaf_hash(body)
            entries.append(
                (scope_id, index, EventType.UNIT_CREATED.value, body.decode(), leaf.hex(), time_text)
            )
            nodes.extend((scope_id, level, idx, h.hex()) for level, idx, h in tree.append(leaf))
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO ledger_entry (scope, idx, event_type, body, leaf_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            entries,
        )
        connection.executemany("INSERT INTO merkle_node (scope, level, idx, hash) VALUES (?, ?, ?, ?)", nodes)
        connection.execute(
            "UPDATE ledger_scope SET size = ?, root = ?, frontier = ? WHERE id = ?",
            (tree.size, tree.root().hex(), json.dumps([h.hex() for h in tree.frontier()]), scope_id),
        )
        connection.execute("COMMIT")
        print(f"  built {tree.size:,} entries", file=sys.stderr, flush=True)
    connection.close()
    report("setup: bulk-build the scope", f"{size:,} entries in {time.perf_counter() - started:.1f} s")


def timings(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    mean, median = statistics.mean(samples), ordered[len(ordered) // 2]
    return f"mean {mean * 1e3:.3f} ms, p50 {median * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms"


async def proofs(rt: Runtime, size: int, count: int) -> None:
    head = await scope_head(SCOPE)
    assert head.size == size
    root = head.root
    rng = random.Random(7)
    sizes = [size] + [rng.randrange(1, size) for _ in range(3)]
    roots = {s: await root_at(head, s) for s in sizes}
    inclusion, nodes_read, consistency, consistency_read, served = [], [], [], [], []
    for _ in range(count):
        index = rng.randrange(size)
        began = time.perf_counter()
        proof = await inclusion_proof(head, index, size)
        inclusion.append(time.perf_counter() - began)
        nodes_read.append(proof.nodes_read)
        assert verify_inclusion(proof.leaf_hash, index, size, proof.hashes, root)
    for _ in range(count):
        old = rng.choice(sizes[1:])
        began = time.perf_counter()
        cproof = await consistency_proof(head, old, size)
        consistency.append(time.perf_counter() - began)
        consistency_read.append(cproof.nodes_read)
        assert verify_consistency(old, size, roots[old], root, cproof.hashes)
    await checkpoint_now(rt, SCOPE)
    for _ in range(count):
        index = rng.randrange(size)
        began = time.perf_counter()
        await reads.inclusion(rt, SCOPE, None, index=index)
        served.append(time.perf_counter() - began)
    report(f"inclusion proof at {size:,} (proofs.inclusion_proof, {count} random leaves)", timings(inclusion))
    report(
        "rows read per inclusion proof (leaf + proof nodes, one query)",
        f"mean {statistics.mean(nodes_read):.1f}, max {max(nodes_read)}",
    )
    report(
        f"inclusion proof as the API serves it (scope + latest checkpoint + proof, {count} leaves)",
        timings(served),
    )
    report(f"consistency proof to {size:,} (from random earlier sizes)", timings(consistency))
    report(
        "rows read per consistency proof (one query)",
        f"mean {statistics.mean(consistency_read):.1f}, max {max(consistency_read)}",
    )


async def appends(rt: Runtime, total: int, batch: int) -> None:
    async with write_transaction():
        await open_scope(APPEND_SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())
    began = time.perf_counter()
    for start in range(0, total, batch):
        records = [
            Record(EventType.UNIT_CREATED, "account:7", payload(n)) for n in range(start, start + batch)
        ]
        async with write_transaction():
            await append_many(APPEND_SCOPE, records, at=rt.clock.now())
    elapsed = time.perf_counter() - began
    report(
        f"batched append ({engine().engine_type}, {batch} entries per transaction)",
        f"{total / elapsed:,.0f} entries/s ({total:,} entries in {elapsed:.1f} s)",
    )
    singles = max(total // 20, 200)
    began = time.perf_counter()
    for n in range(singles):
        async with write_transaction():
            await append_many(
                APPEND_SCOPE, [Record(EventType.UNIT_CREATED, "account:7", payload(n))], at=rt.clock.now()
            )
    elapsed = time.perf_counter() - began
    report(f"single append per transaction ({engine().engine_type})", f"{singles / elapsed:,.0f} entries/s")


async def bundle(rt: Runtime, size: int) -> None:
    out = Path(os.environ["YIDE_DATA_DIR"]) / "bench.zip"
    began = time.perf_counter()
    plan = await plan_bundle(rt, await scope_head(SCOPE))
    with out.open("wb") as handle:
        async for chunk in bundle_chunks(rt, plan):
            handle.write(chunk)
    report(
        f"export {size:,}-entry bundle (streamed)",
        f"{time.perf_counter() - began:.1f} s, {out.stat().st_size / 1e6:.0f} MB",
    )
    began = time.perf_counter()
    verified = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "workflow.cli", "verify", "--no-progress", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert verified.returncode == 0, verified.stdout + verified.stderr
    report(
        f"yide verify on the {size:,}-entry bundle (one process)",
        f"{elapsed:.1f} s, peak memory {peak:.0f} MB",
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=2000, help="proofs timed per kind")
    parser.add_argument("--appends", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument(
        "--appends-only", action="store_true", help="skip the bulk build and proofs (e.g. on PostgreSQL)"
    )
    parser.add_argument(
        "--bundle", action="store_true", help="also export the scope and time yide verify on it"
    )
    args = parser.parse_args()
    rt = Runtime(get_settings(), MemoryKeyStore(), SystemClock())
    owns = engine().engine_type != "sqlite"
    if owns:
        await engine().start_connection_pool(min_size=1, max_size=4)
    try:
        await migrate(at=rt.clock.now())
        if not args.appends_only:
            if engine().engine_type != "sqlite":
                raise SystemExit("the bulk build writes SQLite directly; use --appends-only on PostgreSQL")
            async with write_transaction():
                await open_scope(SCOPE, Visibility.PUBLIC, actor="operator", at=rt.clock.now())
            bulk_build(args.size)
            await proofs(rt, args.size, args.proofs)
            if args.bundle:
                await bundle(rt, args.size)
        await appends(rt, args.appends, args.batch)
    finally:
        if owns:
            await engine().close_connection_pool()
    date = datetime.now(UTC).date().isoformat()
    print("\n| benchmark | command | result | date |\n|---|---|---|---|")
    for benchmark, command, result in rows:
        print(f"| {benchmark} | `python benchmarks/ledger_proofs.py {command}` | {result} | {date} |")


if __name__ == "__main__":
    asyncio.run(main())
