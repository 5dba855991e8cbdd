"""Ledger append throughput: Vigil's log on SQLite and PostgreSQL (durable commits, batched), and pymerkle
(SqliteTree and InmemoryTree) appending the same leaves in the same run.

    .venv/bin/python bench/ledger_append.py            # 100,000 leaves per run
    .venv/bin/python bench/ledger_append.py --quick    # 20,000

Durable means every commit reaches the disk before it returns: SQLite in WAL mode with synchronous=FULL, and a
throwaway PostgreSQL server with its default settings (fsync on, synchronous_commit on). Several writers are
separate processes appending at once, as web and worker processes do. The tree is re-verified from scratch
(`manage.py verify_log`) after the runs. Target: >= 3,000 leaves/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import ledger_support as support

TARGET = 3000


def vigil_worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection

    from vigil.ledger.canonical import canonical_json  # noqa: F401  (imported before timing, like a web process)
    from vigil.tlog import services

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={args.sync}")
    support.wait_until(args.start_at)
    start = time.time()
    done = 0
    while done < args.count:
        n = min(args.batch, args.count - done)
        services.append(records=[support.record(args.first + done + i) for i in range(n)])
        done += n
    end = time.time()
    support.report({"start": start, "end": end, "count": done, "rss_mb": support.peak_rss_mb()})


def pymerkle_worker(args: argparse.Namespace) -> None:
    from pymerkle import InmemoryTree, SqliteTree

    from vigil.ledger.canonical import canonical_json

    entries = [bytes(canonical_json(support.record(i))) for i in range(args.count)]
    if args.worker == "pymerkle-sqlite":
        tree = SqliteTree(args.path)
        start = time.time()
        for i in range(0, len(entries), args.batch):
            tree.append_entries(entries[i : i + args.batch])  # one transaction per batch, like Vigil's
        end = time.time()
        tree.close()
    else:
        memory = InmemoryTree()
        start = time.time()
        for entry in entries:
            memory.append_entry(entry)
        end = time.time()
    support.report({"start": start, "end": end, "count": len(entries), "rss_mb": support.peak_rss_mb()})


def run_vigil(env: dict[str, str], *, writers: int, count: int, batch: int, sync: str, first: int) -> dict[str, float]:
    start_at = time.time() + 4  # every writer is set up and waiting before the clock starts
    per = count // writers
    procs = [
        support.start_worker(
            "ledger_append.py",
            [
                "vigil",
                "--count",
                str(per),
                "--batch",
                str(batch),
                "--sync",
                sync,
                "--start-at",
                str(start_at),
                "--first",
                str(first + w * per),
            ],
            env,
        )
        for w in range(writers)
    ]
    results = [support.result_of(p) for p in procs]
    total = sum(int(str(r["count"])) for r in results)
    elapsed = max(float(str(r["end"])) for r in results) - min(float(str(r["start"])) for r in results)
    return {
        "leaves": total,
        "seconds": elapsed,
        "rate": total / elapsed,
        "rss_mb": max(float(str(r["rss_mb"])) for r in results),
    }


def run_pymerkle(kind: str, count: int, batch: int, tmp: Path) -> dict[str, float]:
    proc = support.start_worker(
        "ledger_append.py", [kind, "--count", str(count), "--batch", str(batch), "--path", str(tmp / f"{kind}.db")]
    )
    r = support.result_of(proc)
    elapsed = float(str(r["end"])) - float(str(r["start"]))
    return {"leaves": count, "seconds": elapsed, "rate": count / elapsed, "rss_mb": float(str(r["rss_mb"]))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20,000 leaves per run instead of 100,000")
    parser.add_argument("--leaves", type=int, default=0)
    parser.add_argument("--worker", default="")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--sync", default="FULL")
    parser.add_argument("--start-at", type=float, default=0)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--path", default="")
    args = parser.parse_args()
    if args.worker == "vigil":
        vigil_worker(args)
        return
    if args.worker.startswith("pymerkle"):
        pymerkle_worker(args)
        return

    n = args.leaves or (20_000 if args.quick else 100_000)
    print(
        f"Ledger append benchmark: {n:,} leaves per run, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"PostgreSQL {support.postgres_version()}"
    )
    rows: list[tuple[str, dict[str, float]]] = []
    durable: list[float] = []
    verified: list[str] = []
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as tmpdir:
        tmp = Path(tmpdir)
        (tmp / "sqlite").mkdir()
        sqlite_env = support.django_env(f"sqlite:///{tmp / 'sqlite' / 'vigil.sqlite3'}", tmp / "sqlite")
        support.migrate(sqlite_env)
        with support.postgres_server() as pg_url:
            (tmp / "pg").mkdir()
            pg_env = support.django_env(pg_url, tmp / "pg")
            support.migrate(pg_env)
            first = 0
            plans = [
                ("Vigil, SQLite (WAL, synchronous=FULL), 1 writer, batches of 1000", sqlite_env, 1, 1000, "FULL"),
                ("Vigil, SQLite (WAL, synchronous=FULL), 4 writers, batches of 100", sqlite_env, 4, 100, "FULL"),
                (
                    "Vigil, SQLite (WAL, synchronous=NORMAL, the default), 4 writers, batches of 100",
                    sqlite_env,
                    4,
                    100,
                    "NORMAL",
                ),
                ("Vigil, PostgreSQL (fsync on), 1 writer, batches of 1000", pg_env, 1, 1000, "FULL"),
                ("Vigil, PostgreSQL (fsync on), 4 writers, batches of 100", pg_env, 4, 100, "FULL"),
                ("Vigil, PostgreSQL (fsync on), 4 writers, batches of 10", pg_env, 4, 10, "FULL"),
            ]
            for label, env, writers, batch, sync in plans:
                count = n if batch >= 100 else n // 5
                rows.append((label, run_vigil(env, writers=writers, count=count, batch=batch, sync=sync, first=first)))
                if sync == "FULL" and batch >= 100:
                    durable.append(rows[-1][1]["rate"])
                first += count
                print(f"  {label}: {rows[-1][1]['rate']:,.0f} leaves/s", flush=True)
            verified.append("SQLite: " + support.verify_log(sqlite_env))
            verified.append("PostgreSQL: " + support.verify_log(pg_env))
        for kind, label in (
            ("pymerkle-sqlite", "pymerkle 7 SqliteTree (journal=DELETE, synchronous=FULL), batches of 1000"),
            ("pymerkle-memory", "pymerkle 7 InmemoryTree (not durable), one at a time"),
        ):
            rows.append((label, run_pymerkle(kind, n, 1000, tmp)))
            print(f"  {label}: {rows[-1][1]['rate']:,.0f} leaves/s", flush=True)

    best_pymerkle_sqlite = rows[-2][1]["rate"]
    print()
    print("=" * 100)
    print(f"LEDGER APPEND SUMMARY ({n:,} leaves per run; {os.cpu_count()} CPUs; target >= {TARGET:,} leaves/s durable)")
    print(f"{'run':<84} {'leaves/s':>9} {'peak RSS':>9}")
    for label, r in rows:
        print(f"{label:<84} {r['rate']:>9,.0f} {r['rss_mb']:>7.0f}MB")
    print("ratios (Vigil / pymerkle SqliteTree, same leaves, same run):")
    for label, r in rows[:-2]:
        print(f"  {label:<82} {r['rate'] / best_pymerkle_sqlite:>6.2f}x")
    met = all(rate >= TARGET for rate in durable)
    print(f"target {TARGET:,} leaves/s on every durable batched run (batches >= 100): {'MET' if met else 'NOT MET'}")
    for line in verified:
        print(f"verify_log after the runs — {line}")
    print("=" * 100)


if __name__ == "__main__":
    main()
