#!/usr/bin/env python
"""Opening a case page with 200 events: p50/p99 of GET /cases/<id>/ by its attorney (the page runs the conflict check,
lists hearings, deadlines, locator checks and the history; the case also has 200 facilities in the table, 6 hearings,
8 deadlines, 30 locator checks and a colleague on the team), next to GET /healthz through the same test client in the
same run.

    python bench/cases_page.py                 # SQLite in a throwaway data folder
    python bench/cases_page.py --requests 500
    scripts/with-postgres.sh python bench/cases_page.py

Target: p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parents[1]
FACILITIES = 200


def run(events: int, requests: int, profile: bool = False) -> dict[str, object]:
    os.environ.setdefault("VIGIL_DATA_DIR", tempfile.mkdtemp(prefix="vigil-bench-case-page-"))
    use_keys_apart()
    os.environ.setdefault("VIGIL_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    os.environ.setdefault("VIGIL_NOTIFY_BACKENDS", "inbox")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    os.environ.setdefault("VIGIL_DEBUG", "0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from vigil.accounts import mfa
    from vigil.accounts.models import Group, Membership, Role, User
    from vigil.cases import services
    from vigil.cases.models import CaseEvent, CaseMember, Deadline, Facility, Hearing, LocatorCheck
    from vigil.cases.services import FamilyInput, PersonInput
    from vigil.vault.keyfile import write_master_key

    settings.ALLOWED_HOSTS = ["*"]
    write_master_key(Path(settings.VIGIL_MASTER_KEY_FILE))
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)  # production serves hashed names from the manifest
    group = Group.objects.create(name="Bench group (fictional)", slug="bench-case-page")
    attorney = User.objects.create_user(username="bench-attorney", password="bench pass phrase")  # noqa: S106
    Membership.objects.create(user=attorney, group=group, role=Role.ATTORNEY)
    for i in range(200):  # other cases, so the conflict check has a table to look in
        services.open_case(
            group=group, opened_by=attorney, source="attorney", person=PersonInput(name=f"Other Person {i} (fictional)")
        )
    case = services.open_case(
        group=group,
        opened_by=attorney,
        source="attorney",
        attorney=attorney,
        person=PersonInput(
            name="Bench Person (fictional)", aliases=["B. Person"], family=[FamilyInput(name="Bench Relative")]
        ),
    )
    now = timezone.now()
    # What a case with a long history carries besides its events: a national facility table (ICE lists ~200
    # facilities), hearings, deadlines, locator checks, a colleague on the team.
    Facility.objects.bulk_create(
        Facility(
            code=f"BENCH-{i:03d}",
            name=f"Bench Facility {i} (fictional)",
            address=f"{i} Example Road (fictional)",
            immigration_court=f"Bench Court {i % 60} (fictional)",
        )
        for i in range(FACILITIES)
    )
    held = Facility.objects.order_by("pk")
    colleague = User.objects.create_user(username="bench-paralegal", password="bench pass phrase")  # noqa: S106
    Membership.objects.create(user=colleague, group=group, role=Role.ATTORNEY)
    CaseMember.objects.create(case=case, user=colleague, added_by=attorney)
    Hearing.objects.bulk_create(
        Hearing(case=case, kind="master", court="Bench Court 1 (fictional)", starts_at=now + dt.timedelta(days=i))
        for i in range(6)
    )
    Deadline.objects.bulk_create(
        Deadline(
            case=case,
            trigger="ij_decision",
            triggered_on=now.date(),
            title=f"Bench deadline {i}",
            source="8 C.F.R. § 1003.38(b)",
            due_on=now.date() + dt.timedelta(days=30 + i),
        )
        for i in range(8)
    )
    LocatorCheck.objects.bulk_create(
        LocatorCheck(case=case, result="found", facility=held[i], checked_on=now.date(), checked_by=attorney)
        for i in range(30)
    )
    kinds = ["note_added", "locator_check", "hearing_added", "paged", "accepted"]
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            actor=(attorney, colleague)[i % 2],
            kind=kinds[i % len(kinds)],
            data={"reason": "Bench reason (fictional)"} if i % 5 == 4 else {"n": i},
            at=now,
        )
        for i in range(events - 2)
    )
    client = Client()
    client.force_login(attorney)
    session = client.session
    session[mfa.SESSION_KEY] = True  # as after a sign-in with a second factor: case pages require one
    session.save()
    url = f"/cases/{case.pk}/"

    def timed(path: str) -> list[float]:
        out = []
        for _ in range(requests):
            t = time.perf_counter()
            response = client.get(path)
            out.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
        return sorted(out)

    timed(url)  # warm templates and caches
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        size = len(client.get(url).content)
    if profile:
        for sql in queries:
            print(sql[:160])
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            client.get(url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    page = timed(url)
    reference = timed("/healthz")

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, round(p / 100 * len(values)) - 1)]

    return {
        "database": connection.vendor,
        "events": CaseEvent.objects.filter(case=case).count(),
        "requests": requests,
        "queries_per_get": len(queries),
        "page_bytes": size,
        "page_p50_ms": round(pct(page, 50), 2),
        "page_p99_ms": round(pct(page, 99), 2),
        "healthz_p50_ms": round(pct(reference, 50), 2),
        "healthz_p99_ms": round(pct(reference, 99), 2),
        "ratio_p50": round(pct(page, 50) / pct(reference, 50), 1),
        "load_average": round(os.getloadavg()[0], 1),
        "target_p99_ms": 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="print where 20 GETs of the page spend their time")
    args = parser.parse_args()
    result = run(args.events, args.requests, args.profile)
    print(json.dumps(result, indent=2))
    verdict = "meets" if float(result["page_p99_ms"]) < 100 else "MISSES"  # type: ignore[arg-type]
    print(
        f"case page with {result['events']} events: p99 {result['page_p99_ms']} ms ({verdict} the 100 ms target); "
        f"{result['ratio_p50']}x GET /healthz at p50"
    )


if __name__ == "__main__":
    main()
