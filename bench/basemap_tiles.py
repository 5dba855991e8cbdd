#!/usr/bin/env python
"""Basemap tiles served by Vigil: range requests on /basemap/city.pmtiles against the no-op /healthz.

    python bench/basemap_tiles.py [--requests 3000]

Seeds the demo city's gazetteer in a throwaway data directory, builds its basemap (PMTiles, zooms 12-16), reads the
archive's directory to find every tile's byte range, then fetches random tiles the way a PMTiles client does (one
`Range: bytes=a-b` request each) through Django's test client in this process, and the same number of GET /healthz.
Prints both rates and their ratio. Target: tiles at >= 0.5 of the no-op rate.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    os.environ.setdefault("VIGIL_DATA_DIR", tempfile.mkdtemp(prefix="vigil-bench-tiles-"))
    use_keys_apart()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    os.environ.setdefault("VIGIL_DEBUG", "0")
    os.environ.setdefault("VIGIL_ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from pmtiles.reader import MmapSource, Reader, all_tiles

    from vigil.ops.demo_places import seed_demo_places
    from vigil.places import basemap

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    print(seed_demo_places())
    print(f"built in {time.perf_counter() - started:.1f} s: {basemap.path().stat().st_size:,} bytes")
    with basemap.path().open("rb") as handle:
        source = MmapSource(handle)  # type: ignore[no-untyped-call]
        reader = Reader(source)  # type: ignore[no-untyped-call]
        header = reader.header()  # type: ignore[no-untyped-call]
        sizes = [len(data) for _zxy, data in all_tiles(source)]  # type: ignore[no-untyped-call]
    # Byte ranges inside the tile data section, of the sizes the tiles have (what a client asks for).
    start, length = int(header["tile_data_offset"]), int(header["tile_data_length"])
    rng = random.Random(7)
    ranges = []
    for _ in range(args.requests):
        size = rng.choice(sizes)
        first = start + rng.randrange(max(1, length - size))
        ranges.append(f"bytes={first}-{first + size - 1}")
    client = Client()

    def rate(fetch: list[tuple[str, dict[str, str]]]) -> float:
        for url, headers in fetch[:50]:
            client.get(url, headers=headers)
        t = time.perf_counter()
        for url, headers in fetch:
            response = client.get(url, headers=headers)
            assert response.status_code in (200, 206), response.status_code
        return len(fetch) / (time.perf_counter() - t)

    tiles = rate([("/basemap/city.pmtiles", {"Range": r}) for r in ranges])
    noop = rate([("/healthz", {}) for _ in ranges])
    print(f"== basemap tiles, {len(sizes)} tiles, {args.requests} requests each (target ratio >= 0.5)")
    print(f"  range requests on /basemap/city.pmtiles: {tiles:8.0f} req/s")
    print(f"  GET /healthz (no-op)                   : {noop:8.0f} req/s")
    print(f"  ratio tiles / no-op: {tiles / noop:.2f}   (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
