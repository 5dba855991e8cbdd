#!/usr/bin/env python
"""The dispatcher's queue page with 300 open incidents: p50/p99 of GET /console/ (and of its polled fragment).

    python bench/console_queue.py                     # SQLite, then PostgreSQL (scripts/with-postgres.sh)
    python bench/console_queue.py --database current  # only the database DATABASE_URL names (SQLite if unset)

Each run seeds a throwaway database: one group and zone, a dispatcher, 300 open incidents of 1 to 4 reports each
(web and SMS, fictional words, a third in Spanish), a dispatch on every fifth. The page and the fragment are fetched
through Django's test client in this process (no network), 200 times each, after 20 warm-up requests, by a dispatcher
whose session passed the second factor. They show the default view: 50 rows ranked by corroboration, the rest
counted, and (the seeded hour is a burst) the zone's flood warning. The reference in the same run is GET /healthz
through the same client: the floor of a request in this process. Wall time and this process's CPU time are printed
(the machine is shared: CPU time is what the page itself costs). `--profile` first prints one GET's queries and
profile, and the CPU time of the queue's reads apart from rendering its rows.
Target: page p99 < 150 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parents[1]
CENTRE = (44.9778, -93.2650)
INCIDENTS = 300
ROUNDS = 200


def run_here(incidents: int, rounds: int, profile: bool = False) -> dict[str, object]:
    os.environ.setdefault("VIGIL_DATA_DIR", tempfile.mkdtemp(prefix="vigil-bench-queue-"))
    use_keys_apart()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    os.environ.setdefault("VIGIL_DEBUG", "0")
    os.environ.setdefault("VIGIL_ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime as dt

    import h3
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from vigil.accounts.models import Group, Membership, Role, User
    from vigil.hotline.models import Incident, Report
    from vigil.network.models import Dispatch, Observer
    from vigil.places.models import Zone, ZoneCell

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)  # production serves hashed names from the manifest
    group = Group.objects.create(name="Bench group (fictional)", slug="bench")
    zone = Zone.objects.create(group=group, name="Bench zone")
    origin = h3.latlng_to_cell(CENTRE[0], CENTRE[1], settings.VIGIL_H3_RES_ZONE)
    ZoneCell.objects.bulk_create(ZoneCell(zone=zone, cell=c) for c in h3.grid_disk(origin, 8))
    user = User.objects.create_user(username="bench-dispatcher", password="bench-pass")  # noqa: S106
    Membership.objects.create(user=user, group=group, role=Role.DISPATCHER)
    observer_user = User.objects.create_user(username="bench-observer", password="bench-pass")  # noqa: S106
    observer = Observer.objects.create(user=observer_user, group=group)
    now = timezone.now()
    made = []
    for n in range(incidents):
        lat, lon = CENTRE[0] + (n % 20) * 0.001, CENTRE[1] + (n // 20) * 0.001
        made.append(
            Incident(
                cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT),
                zone_cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_ZONE),
                zone=zone,
                lat=lat,
                lon=lon,
                state="new" if n % 2 else "verifying",
                language="es" if n % 3 == 0 else "en",
                report_count=1 + n % 4,
                first_report_at=now - dt.timedelta(minutes=n),
                last_report_at=now - dt.timedelta(minutes=n // 2),
            )
        )
    made = Incident.objects.bulk_create(made)
    reports = []
    for incident in made:
        for k in range(incident.report_count):
            reports.append(
                Report(
                    receipt=f"B{incident.pk:05d}{k:02d}"[:8],
                    channel="sms" if k % 2 else "web",
                    language=incident.language,
                    incident=incident,
                    activity=f"Agents stopping cars near the market, incident {incident.pk} report {k}",
                    location_text=f"Lake St and {incident.pk % 12 + 1}th Ave",
                    lat=incident.lat,
                    lon=incident.lon,
                    cell=incident.cell,
                    seen_at=incident.first_report_at,
                    received_at=incident.first_report_at + dt.timedelta(minutes=k),
                )
            )
    Report.objects.bulk_create(reports, batch_size=1000)
    Dispatch.objects.bulk_create(
        Dispatch(incident=i, observer=observer, status="sent", sent_at=now, answer_by=now) for i in made[::5]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from vigil.accounts import mfa

    client = Client()
    client.force_login(user)
    session = client.session
    session[mfa.SESSION_KEY] = True  # signed in with a second factor, as staff must be
    session.save()

    cpu: dict[str, list[float]] = {}

    def timed(url: str) -> list[float]:
        for _ in range(20):
            first = client.get(url)
            assert first.status_code == 200, (url, first.status_code, first.get("Location"))
        out = []
        cpu[url] = []
        for _ in range(rounds):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            out.append((time.perf_counter() - started) * 1000)
            cpu[url].append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        cpu[url].sort()
        return sorted(out)

    if profile:
        _profile(client, ["/console/", "/console/queue/rows"], user)
    page = timed("/console/")
    fragment = timed("/console/queue/rows")
    noop = timed("/healthz")
    shown = client.get("/console/").content.decode()
    # The default view: the first page of rows (ranked), the rest counted; or all of them when there are fewer.
    assert shown.count("data-incident=") >= min(incidents, 50) and ("data-more=" in shown or incidents <= 50)

    def pct(values: list[float], p: float) -> float:
        return round(values[min(len(values) - 1, round(p / 100 * len(values)) - 1)], 2)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"  # type: ignore[index]
    else:
        import sqlite3

        version = f"SQLite {sqlite3.sqlite_version}"
    return {
        "database": version,
        "incidents": incidents,
        "page_p50_ms": pct(page, 50),
        "page_p99_ms": pct(page, 99),
        "fragment_p50_ms": pct(fragment, 50),
        "fragment_p99_ms": pct(fragment, 99),
        "noop_p50_ms": pct(noop, 50),
        "noop_p99_ms": pct(noop, 99),
        # CPU time of this process per request: what the page costs, less what other programs on the machine cost it.
        "page_cpu_p50_ms": pct(cpu["/console/"], 50),
        "page_cpu_p99_ms": pct(cpu["/console/"], 99),
        "fragment_cpu_p50_ms": pct(cpu["/console/queue/rows"], 50),
        "noop_cpu_p50_ms": pct(cpu["/healthz"], 50),
        "load_average": round(os.getloadavg()[0], 1),
    }


def _profile(client: object, urls: list[str], user: object = None) -> None:
    """One GET of each page under cProfile, with its number of queries (after a warm-up), printed to stderr; and,
    without the profiler, the CPU time of the queue's reads and of rendering its rows, apart."""
    import cProfile
    import pstats

    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from vigil.console import selectors

    if user is not None:
        reads, renders = [], []
        for _ in range(30):
            started = time.process_time()
            view = selectors.queue_view(user)  # type: ignore[arg-type]
            middle = time.process_time()
            render_to_string("console/_queue_rows.html", {"queue": view, "rows": view.rows, "tab_query": ""})
            reads.append((middle - started) * 1000)
            renders.append((time.process_time() - middle) * 1000)
        print(f"== CPU p50: reads {sorted(reads)[15]:.1f} ms, rendering the rows {sorted(renders)[15]:.1f} ms",
              file=sys.stderr)  # fmt: skip

    for url in urls:
        client.get(url)  # type: ignore[attr-defined]
        with CaptureQueriesContext(connection) as queries:
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(url)  # type: ignore[attr-defined]
            profiler.disable()
        print(f"== {url}: {len(queries)} queries", file=sys.stderr)
        for q in queries.captured_queries:
            print(f"  {q['time']} s  {q['sql'][:140]}", file=sys.stderr)
        ours = "vigil|template/(loader_tags|defaulttags)|shortcuts|query.py:.*_fetch_all|compiler.py.*execute_sql"
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(ours, 40)


def child(extra: list[str], args: argparse.Namespace) -> dict[str, object]:
    command = [*extra, sys.executable, str(Path(__file__).resolve()), "--database", "current", "--json"]
    command += ["--incidents", str(args.incidents), "--rounds", str(args.rounds)]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VIGIL_DATA_DIR")}
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def line(r: dict[str, object]) -> str:
    return (
        f"  {r['database']:<18} page p50 {r['page_p50_ms']} ms  p99 {r['page_p99_ms']} ms;  "
        f"fragment p50 {r['fragment_p50_ms']} ms  p99 {r['fragment_p99_ms']} ms;  "
        f"no-op /healthz p50 {r['noop_p50_ms']} ms  p99 {r['noop_p99_ms']} ms  (load average {r['load_average']})\n"
        f"  {'':<18} CPU time: page p50 {r['page_cpu_p50_ms']} ms  p99 {r['page_cpu_p99_ms']} ms;  "
        f"fragment p50 {r['fragment_cpu_p50_ms']} ms;  no-op p50 {r['noop_cpu_p50_ms']} ms;  "
        f"page p50 / no-op p50 = {r['page_p50_ms'] / max(r['noop_p50_ms'], 0.001):.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["both", "current"], default="both")
    parser.add_argument("--incidents", type=int, default=INCIDENTS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--json", action="store_true", help="print one JSON line (used by the parent run)")
    parser.add_argument("--profile", action="store_true", help="profile one GET of each page first (to stderr)")
    args = parser.parse_args()
    if args.database == "current":
        result = run_here(args.incidents, args.rounds, args.profile)
        print(json.dumps(result) if args.json else line(result))
        return
    print(f"== console queue page, {args.incidents} open incidents, {args.rounds} requests (target p99 < 150 ms)")
    print(line(child([], args)))
    print(line(child([str(ROOT / "scripts" / "with-postgres.sh")], args)))


if __name__ == "__main__":
    main()
