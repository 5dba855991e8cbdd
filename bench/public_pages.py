#!/usr/bin/env python
"""The public pages under load: home, rumour feed (HTML, Atom, JSON) and map data, against the same server's no-op
request rate measured in the same run, so a rumour going viral cannot take the hotline down.

    python bench/public_pages.py [--seconds 10] [--connections 16]
    scripts/with-postgres.sh python bench/public_pages.py

Target: each public URL at >= 0.5 of GET /healthz's rate (they are kept in the cache, vigil.site.caching).
Prints req/s, p50/p99 and the ratio for each, and exits non-zero when one falls under the target.
The load generator is wrk (Debian package `wrk`), as in bench/intake_http.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import urllib.request

from intake_http import demo_server, ensure_wrk, wrk

TARGET = 0.5
URLS = ["/", "/?lang=es", "/rumours/", "/rumours/feed.atom", "/rumours/feed.json", "/map/cells.json"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    wrk_bin = ensure_wrk()
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    results: dict[str, dict[str, float]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="vigil-bench-") as data,
        demo_server(data, args.workers, args.threads, VIGIL_HOTLINE_NUMBERS="612-555-0100") as (base, _server),
    ):  # the demo includes the public side: a debunk, a published cell, statistics
        for url in URLS:  # each page answers, and the published cell is there
            body = urllib.request.urlopen(base + url, timeout=10).read()  # noqa: S310
            if url == "/map/cells.json":
                assert b'"Feature"' in body, "the demo's published cell is missing"
        wrk(wrk_bin, base + "/healthz", 3, args.connections, None)  # warm-up
        results["/healthz"] = wrk(wrk_bin, base + "/healthz", args.seconds, args.connections, None)
        for url in URLS:
            results[url] = wrk(wrk_bin, base + url, args.seconds, args.connections, None)
        results["/healthz (again)"] = wrk(wrk_bin, base + "/healthz", args.seconds, args.connections, None)
    noop = (results["/healthz"]["rps"] + results["/healthz (again)"]["rps"]) / 2
    print(
        f"== public pages over HTTP, {database}, gunicorn {args.workers} workers x {args.threads} threads, "
        f"wrk {args.connections} connections, {args.seconds}s each"
    )
    worst = float("inf")
    for url, r in results.items():
        ratio = r["rps"] / noop
        if not url.startswith("/healthz"):
            worst = min(worst, ratio)
        print(
            f"GET {url:22s} {r['rps']:8.1f} req/s  p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  "
            f"ratio {ratio:.2f}  ({r['requests']:.0f} requests, {r['failed']:.0f} failed)"
        )
    print(f"no-op reference (mean of the two /healthz runs): {noop:.1f} req/s")
    print(f"worst public page / no-op: {worst:.2f} (target >= {TARGET})")
    if worst < TARGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
