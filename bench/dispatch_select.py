#!/usr/bin/env python
"""Dispatch-selection latency: 10,000 observers on shift over a city, 1,000 selections of a pair at random points.

    python bench/dispatch_select.py                    # SQLite, then PostgreSQL (scripts/with-postgres.sh)
    python bench/dispatch_select.py --database current # only the database DATABASE_URL names (SQLite if unset)

Each run seeds a throwaway database: a 30 km x 30 km fictional city cut into 16 groups (one zone each, H3 res-8
cells), 10,000 observers on shift spread uniformly over it (5 % of them busy on another dispatch, 30 % speaking
Spanish), then times `vigil.network.selectors.nearest_available_observers` for 1,000 incidents at random points
(the same points on every database). Prints wall-clock p50/p90/p99/max in ms, the median CPU time spent in
this process (Django + driver; the database server's own CPU is not in it), the machine's load average, and a
summary block for the README.
Target: p99 < 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parents[1]
CENTRE = (44.9778, -93.2650)
HALF_LAT, HALF_LON = 0.135, 0.19  # ~15 km each way at this latitude
GRID = 4  # 4 x 4 groups
OBSERVERS = 10_000
SELECTIONS = 1_000
BUSY_SHARE = 0.05


def run_here(observers: int, selections: int, seed: int) -> dict[str, object]:
    os.environ.setdefault("VIGIL_DATA_DIR", tempfile.mkdtemp(prefix="vigil-bench-dispatch-"))
    use_keys_apart()
    os.environ.setdefault("VIGIL_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    os.environ.setdefault("VIGIL_NOTIFY_BACKENDS", "inbox")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    import datetime as dt

    import h3
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from vigil.accounts.models import Group, User
    from vigil.hotline.models import Incident
    from vigil.network.models import Dispatch, DispatchStatus, Observer, Shift
    from vigil.network.selectors import nearest_available_observers
    from vigil.places.models import Zone, ZoneCell

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(seed)
    res = settings.VIGIL_H3_RES_ZONE
    now = timezone.now()
    today = timezone.localdate()

    def point() -> tuple[float, float]:
        return (CENTRE[0] + rng.uniform(-HALF_LAT, HALF_LAT), CENTRE[1] + rng.uniform(-HALF_LON, HALF_LON))

    def square(i: int) -> int:
        return i if 0 <= i < GRID else (0 if i < 0 else GRID - 1)

    def group_index(lat: float, lon: float) -> int:
        row = square(int((lat - (CENTRE[0] - HALF_LAT)) / (2 * HALF_LAT) * GRID))
        col = square(int((lon - (CENTRE[1] - HALF_LON)) / (2 * HALF_LON) * GRID))
        return row * GRID + col

    started = time.perf_counter()
    groups = Group.objects.bulk_create(
        Group(name=f"Bench group {i} (fictional)", slug=f"bench-{i}") for i in range(GRID * GRID)
    )
    zones = Zone.objects.bulk_create(Zone(group=g, name=f"Bench zone {i}") for i, g in enumerate(groups))
    outline = [
        (CENTRE[0] - HALF_LAT, CENTRE[1] - HALF_LON),
        (CENTRE[0] - HALF_LAT, CENTRE[1] + HALF_LON),
        (CENTRE[0] + HALF_LAT, CENTRE[1] + HALF_LON),
        (CENTRE[0] + HALF_LAT, CENTRE[1] - HALF_LON),
    ]
    city_cells = h3.h3shape_to_cells(h3.LatLngPoly(outline), res)
    zone_of_cell: dict[str, Zone] = {}
    for cell in city_cells:
        zone_of_cell[cell] = zones[group_index(*h3.cell_to_latlng(cell))]
    ZoneCell.objects.bulk_create((ZoneCell(zone=z, cell=c) for c, z in zone_of_cell.items()), batch_size=2000)

    users = User.objects.bulk_create(
        (User(username=f"bench-observer-{i}", password="!") for i in range(observers)), batch_size=2000  # noqa: S106
    )
    placed = [point() for _ in users]
    people = Observer.objects.bulk_create(
        (
            Observer(
                user=u,
                group=groups[group_index(*placed[i])],
                languages=rng.choices([["en"], ["en", "es"], ["es"]], weights=[65, 30, 5])[0],
                trained_on=today - dt.timedelta(days=60),
                training_expires_on=today + dt.timedelta(days=300),
                code_accepted_at=now - dt.timedelta(days=60),
                notify_by=["inbox"],
            )
            for i, u in enumerate(users)
        ),
        batch_size=2000,
    )
    Shift.objects.bulk_create(
        (
            Shift(
                observer=o,
                starts_at=now - dt.timedelta(hours=1),
                ends_at=now + dt.timedelta(hours=5),
                started_at=now - dt.timedelta(hours=1),
                cell=h3.latlng_to_cell(*placed[i], res),
            )
            for i, o in enumerate(people)
        ),
        batch_size=2000,
    )
    busy = rng.sample(people, int(len(people) * BUSY_SHARE))
    elsewhere = []
    for i in range(len(busy)):
        lat, lon = point()
        elsewhere.append(
            Incident(
                cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT),
                zone_cell=h3.latlng_to_cell(lat, lon, res),
                lat=lat,
                lon=lon,
                state="verifying",
                report_count=1,
                first_report_at=now,
                last_report_at=now,
                language="en" if i % 3 else "es",
            )
        )
    elsewhere = Incident.objects.bulk_create(elsewhere, batch_size=2000)
    Dispatch.objects.bulk_create(
        (
            Dispatch(
                incident=inc, observer=o, status=DispatchStatus.ON_SCENE, sent_at=now, answer_by=now, responded_at=now
            )
            for inc, o in zip(elsewhere, busy, strict=True)
        ),
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seeded = time.perf_counter() - started

    incidents = []
    for i in range(selections + 50):
        lat, lon = point()
        cell = h3.latlng_to_cell(lat, lon, res)
        zone = zone_of_cell.get(cell)
        incidents.append(
            Incident(
                cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT),
                zone_cell=cell,
                zone_id=zone.pk if zone else None,
                lat=lat,
                lon=lon,
                language="es" if i % 3 == 0 else "en",
            )
        )
    for incident in incidents[:50]:  # warm caches and connections
        nearest_available_observers(incident=incident, count=2, now=now)
    timings: list[float] = []
    cpu: list[float] = []
    short = 0
    for incident in incidents[50:]:
        t, c = time.perf_counter(), time.process_time()
        chosen = nearest_available_observers(incident=incident, count=2, now=now)
        timings.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        short += len(chosen) < 2
    timings.sort()

    def pct(p: float) -> float:
        return timings[min(len(timings) - 1, round(p / 100 * len(timings)) - 1)]

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"  # type: ignore[index]
    else:
        import sqlite3

        version = f"SQLite {sqlite3.sqlite_version}"
    return {
        "database": version,
        "observers": observers,
        "selections": selections,
        "city_cells": len(city_cells),
        "seed_seconds": round(seeded, 1),
        "p50_ms": round(pct(50), 2),
        "p90_ms": round(pct(90), 2),
        "p99_ms": round(pct(99), 2),
        "max_ms": round(timings[-1], 2),
        "mean_ms": round(statistics.fmean(timings), 2),
        "client_cpu_p50_ms": round(statistics.median(cpu), 2),
        "load_average": round(os.getloadavg()[0], 1),
        "fewer_than_two": short,
    }


def child(extra: list[str], args: argparse.Namespace) -> dict[str, object]:
    command = [
        *extra,
        sys.executable,
        str(Path(__file__).resolve()),
        "--database",
        "current",
        "--json",
        "--observers",
        str(args.observers),
        "--selections",
        str(args.selections),
        "--seed",
        str(args.seed),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VIGIL_DATA_DIR")}
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def line(result: dict[str, object]) -> str:
    return (
        f"  {result['database']:<18} p50 {result['p50_ms']:>6} ms   p90 {result['p90_ms']:>6} ms   "
        f"p99 {result['p99_ms']:>6} ms   max {result['max_ms']:>6} ms   "
        f"(Python CPU p50 {result['client_cpu_p50_ms']} ms, load average {result['load_average']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["both", "current"], default="both")
    parser.add_argument("--observers", type=int, default=OBSERVERS)
    parser.add_argument("--selections", type=int, default=SELECTIONS)
    parser.add_argument("--seed", type=int, default=20260)
    parser.add_argument("--json", action="store_true", help="print one JSON line (used by the parent run)")
    args = parser.parse_args()

    if args.database == "current":
        result = run_here(args.observers, args.selections, args.seed)
        print(json.dumps(result) if args.json else line(result))
        return

    results = [child([], args)]
    try:
        results.append(child([str(ROOT / "scripts" / "with-postgres.sh")], args))
    except subprocess.CalledProcessError as error:
        print(f"PostgreSQL run failed: {error.stderr.strip()[-500:]}", file=sys.stderr)
    first = results[0]
    print(
        f"Dispatch selection (bench/dispatch_select.py): {first['observers']:,} observers on shift over a "
        f"30 x 30 km city ({first['city_cells']} H3 res-8 cells, 16 groups, {BUSY_SHARE:.0%} busy), "
        f"{first['selections']:,} selections of a pair at random points; target p99 < 20 ms"
    )
    for result in results:
        print(line(result))
        if result["fewer_than_two"]:
            print(f"    ({result['fewer_than_two']} selections found fewer than two observers)")


if __name__ == "__main__":
    main()
