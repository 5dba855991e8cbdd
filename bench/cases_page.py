#!/usr/bin/env python
"""Opening a case page with 200 events: p50/p99 of GET /cases/<id>/ by its attorney (the page runs the conflict check,
lists hearings, deadlines, locator checks and the history), next to GET /healthz through the same test client in the
same run.

    python bench/cases_page.py                 # SQLite in a throwaway data folder
    python bench/cases_page.py --requests 500
    scripts/with-postgres.sh python bench/cases_page.py

Target: p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parents[1]


def run(events: int, requests: int) -> dict[str, object]:
    os.environ.setdefault("VIGIL_DATA_DIR", tempfile.mkdtemp(prefix="vigil-bench-case-page-"))
    use_keys_apart()
    os.environ.setdefault("VIGIL_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    os.environ.setdefault("VIGIL_NOTIFY_BACKENDS", "inbox")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from vigil.accounts.models import Group, Membership, Role, User
    from vigil.cases import services
    from vigil.cases.models import CaseEvent
    from vigil.cases.services import FamilyInput, PersonInput
    from vigil.vault.keyfile import write_master_key

    settings.ALLOWED_HOSTS = ["*"]
    write_master_key(Path(settings.VIGIL_MASTER_KEY_FILE))
    call_command("migrate", verbosity=0, interactive=False)
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
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, actor=attorney, kind="note_added", data={"n": i}, at=now) for i in range(events - 2)
    )
    client = Client()
    client.force_login(attorney)
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
    page = timed(url)
    reference = timed("/healthz")

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, round(p / 100 * len(values)) - 1)]

    return {
        "database": connection.vendor,
        "events": CaseEvent.objects.filter(case=case).count(),
        "requests": requests,
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
    args = parser.parse_args()
    result = run(args.events, args.requests)
    print(json.dumps(result, indent=2))
    verdict = "meets" if float(result["page_p99_ms"]) < 100 else "MISSES"  # type: ignore[arg-type]
    print(
        f"case page with {result['events']} events: p99 {result['page_p99_ms']} ms ({verdict} the 100 ms target); "
        f"{result['ratio_p50']}x GET /healthz at p50"
    )


if __name__ == "__main__":
    main()
