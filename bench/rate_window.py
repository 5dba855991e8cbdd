#!/usr/bin/env python
"""Cost of the sliding-window intake rate limit against the per-minute counter it replaced, on the shared cache.

    python bench/rate_window.py                          # the database DATABASE_URL names (SQLite if unset)
    scripts/with-postgres.sh .venv/bin/python bench/rate_window.py

Both run in the same process on the same cache table (Django's database cache, as in production): the reference is
the old algorithm (one counter per sender per clock minute: add + incr), the new one is
`vigil.hotline.access.within_rate` (add + incr of the current 10-second slice, one get_many of the six before it).
Each is timed over CALLS attempts by distinct senders (every attempt accepted) and by one sender (most refused, which
costs a decr more). Prints the median and p99 in microseconds and the ratio new / reference for each case.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parents[1]
CALLS = 2_000


def _setup() -> None:
    os.environ.setdefault("VIGIL_DATA_DIR", tempfile.mkdtemp(prefix="vigil-bench-rate-"))
    use_keys_apart()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _reference() -> Callable[[str], bool]:
    """The per-minute counter, as vigil/hotline/access.py had it."""
    from django.core.cache import cache
    from django.utils.crypto import salted_hmac

    def within(sender: str, limit: int = 6) -> bool:
        minute = int(time.time() // 60)
        digest = salted_hmac("bench.rate", f"report\x00{minute}\x00{sender}", algorithm="sha256").hexdigest()
        key = f"vigil:rate:{digest[:32]}"
        cache.add(key, 0, timeout=90)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=90)
            count = 1
        return count <= limit

    return within


def _time(call: Callable[[str], bool], senders: list[str]) -> list[float]:
    spent = []
    for sender in senders:
        start = time.perf_counter()
        call(sender)
        spent.append((time.perf_counter() - start) * 1e6)
    return spent


def main() -> None:
    _setup()
    from django.core.cache import cache
    from django.db import connection

    from vigil.hotline.access import within_rate

    def new(sender: str) -> bool:
        return within_rate(sender, scope="report", per_minute=6)

    reference = _reference()
    print(f"database: {connection.vendor}; {CALLS} attempts per case; load average {os.getloadavg()[0]:.2f}")
    for case, senders in (
        ("distinct senders (all accepted)", [f"sender-{n}" for n in range(CALLS)]),
        ("one sender (6 accepted, the rest refused)", ["one-sender"] * CALLS),
    ):
        cache.clear()
        ref = _time(reference, [f"ref-{s}" for s in senders])
        cache.clear()
        got = _time(new, senders)
        p50r, p50n = statistics.median(ref), statistics.median(got)
        p99r = statistics.quantiles(ref, n=100)[98]
        p99n = statistics.quantiles(got, n=100)[98]
        print(
            f"{case}: reference p50 {p50r:.0f} µs p99 {p99r:.0f} µs; sliding window p50 {p50n:.0f} µs "
            f"p99 {p99n:.0f} µs; ratio p50 {p50n / p50r:.2f}"
        )


if __name__ == "__main__":
    main()
