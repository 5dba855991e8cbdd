"""Where one intake report's time goes, in process: the API path through Django's test client, one thread.

    .venv/bin/python bench/intake_parts.py [--reports 300]

Seeds the demo city into a throwaway test database (the test settings: SQLite), posts `--reports` fictional API
reports spread over the city, and prints the mean time per report, the time of the parts it calls (text cleaning with
the guard, the guard alone, placement into an incident, the service-area test, the intake rate window; each timed
where the API path calls it), and as the
reference a no-op request (GET /healthz) through the same client, with the ratio. HTTP, gunicorn and concurrency
are `bench/intake_http.py`'s; this one says which part of a report to look at.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PARTS = (
    ("vigil.hotline.services", "clean_report", "text cleaning (guard included)"),
    ("vigil.hotline.services", "guarded", "the text guard alone"),  # where intake calls it
    ("vigil.hotline.clustering", "place", "placement into an incident"),
    ("vigil.places.service_area", "serves", "service-area test"),
    ("vigil.intake.api", "within_rate", "intake rate window"),
)


def _timed(spent: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

    return timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    args = parser.parse_args()
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    call_command("seed_demo", "--force", stdout=io.StringIO())
    spent: dict[str, float] = {}
    for module_name, attribute, label in PARTS:
        module = importlib.import_module(module_name)
        setattr(module, attribute, _timed(spent, label, getattr(module, attribute)))
    client = Client()
    rng = random.Random(42)

    def post(n: int) -> None:
        body = {
            "language": "es" if n % 3 == 0 else "en",
            "size": f"{2 + n % 5} agents, 2 vans",
            "activity": "stopping cars",
            "location_text": "near Lake St",
            "lat": 44.950 + rng.random() * 0.060,
            "lon": -93.300 + rng.random() * 0.080,
            "uniform": "vests marked POLICE ICE",
            "equipment": "unmarked vans",
            "text": f"benchmark report {n} (fictional)",
        }
        response = client.post(
            "/api/v1/reports", json.dumps(body), content_type="application/json", REMOTE_ADDR=f"10.1.{n % 250}.{n % 9}"
        )
        if response.status_code != 201:
            raise SystemExit(f"report {n}: HTTP {response.status_code} {response.content[:200]!r}")

    for n in range(20):  # warm up: the model, caches, the first incidents
        post(n)
    spent.clear()
    start = time.perf_counter()
    for n in range(20, 20 + args.reports):
        post(n)
    per_report = (time.perf_counter() - start) / args.reports * 1000
    start = time.perf_counter()
    for _ in range(args.reports):
        client.get("/healthz")
    no_op = (time.perf_counter() - start) / args.reports * 1000
    print(f"== intake in process, {args.reports} API reports, one thread, test settings (SQLite)")
    print(f"per report                        {per_report:7.2f} ms")
    for _module, _attribute, label in PARTS:
        print(f"  {label:<32}{spent.get(label, 0.0) / args.reports * 1000:7.2f} ms")
    print(f"no-op GET /healthz, same client   {no_op:7.2f} ms   ratio report / no-op {per_report / no_op:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
