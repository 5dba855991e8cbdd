#!/usr/bin/env python
"""Geocoding latency against a 500,000-address gazetteer, on SQLite then PostgreSQL; and what importing it costs.

    python bench/geocode.py                     # SQLite, then PostgreSQL (scripts/with-postgres.sh)
    python bench/geocode.py --database current  # only the database DATABASE_URL names (SQLite if unset)
    python bench/geocode.py --addresses 1200000 # a ~100 MB CSV: the import's memory must not grow with the file

Each run writes a fictional city in a throwaway directory: 1,000 streets (500 named, 500 numbered avenues) with
500 house numbers each as an OpenAddresses CSV, and a GeoJSON of 60 x 60 street centrelines and 2,000 landmarks;
imports both with `manage.py import_places` in this process (import seconds and peak RSS growth are printed), then
times `vigil.places.geocoder.geocode` on 1,000 queries: addresses (a fifth with a typo), cross streets in English
and Spanish, landmarks, and words that match nothing. The reference in the same run is one indexed address lookup
by primary key through the ORM (the floor of any query); the ratio is printed. Then a grid of streets known only by
their address points (100,000 more, as an OpenAddresses file gives them): the import's seconds with its estimated
crossings, and 200 crossing queries of those streets (EN/ES), which must be placed at the estimated crossing.
Target: p99 < 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parents[1]
CENTRE = (44.9778, -93.2650)
FIRST = "Ash Bel Cor Dun El Fair Glen Hal Iron Jun Kes Lin Mar Nor Ol Pen Quin Ros Sil Tam Um Val Wes Yar Zel".split()
SECOND = (
    "wood ford ton field brook dale more ridge view side mont crest haven port gate hill vale wick stead burn".split()
)
QUERIES = 1_000
GRID_TILES = 4  # 100,000 address points of streets without centrelines (2,500 crossings)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def write_city(directory: Path, addresses: int) -> tuple[Path, Path, list[str], list[str], list[str]]:
    named = [f"{a}{b} St" for a in FIRST for b in SECOND][:500]
    numbered = [f"{ordinal(n)} Ave" for n in range(1, 501)]
    streets = named + numbered
    per_street = max(1, addresses // len(streets))
    csv_path = directory / "addresses.csv"
    with csv_path.open("w") as handle:
        handle.write("LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH\n")
        for s, street in enumerate(streets):
            rows = []
            for k in range(per_street):
                lat = CENTRE[0] + (s % 50) * 0.002 + k * 0.00001
                lon = CENTRE[1] + (s // 50) * 0.003 + k * 0.00001
                rows.append(f"{lon:.6f},{lat:.6f},{100 + 2 * k},{street},,Bench City,Ward {s % 12},,,,\n")
            handle.write("".join(rows))
    features = []
    for i in range(60):  # named streets run east-west, avenues north-south
        lat = CENTRE[0] + i * 0.004
        features.append(_line(named[i], [(lat, CENTRE[1]), (lat, CENTRE[1] + 0.3)], f"Ward {i % 12}"))
        lon = CENTRE[1] + i * 0.005
        features.append(_line(numbered[i], [(CENTRE[0], lon), (CENTRE[0] + 0.3, lon)], f"Ward {i % 12}"))
    kinds = ["school", "church", "park", "shop", "laundromat", "library"]
    landmarks = []
    for i in range(2000):
        what = ["Academy", "Chapel", "Gardens", "Market", "Wash", "Books"][i % 6]
        name = f"{FIRST[i % 25]}{SECOND[(i // 25) % 20]} {what} {i // 500 + 1}"
        landmarks.append(name)
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "kind": kinds[i % 6], "street": named[i % 60]},
                "geometry": {
                    "type": "Point",
                    "coordinates": [CENTRE[1] + (i % 60) * 0.005, CENTRE[0] + (i // 60) * 0.004],
                },
            }
        )
    geojson_path = directory / "centrelines.geojson"
    geojson_path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return csv_path, geojson_path, named, numbered, landmarks


def _line(name: str, coords: list[tuple[float, float]], hood: str) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": {"name": name, "neighbourhood": hood},
        "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in coords]},
    }


def write_grid(directory: Path, tiles: int) -> Path:
    """Address points only (no centrelines), as an OpenAddresses file gives them: per tile 25 streets east-west and
    25 avenues north-south, 100 m apart, houses every 10 m on both sides; 625 crossings to estimate per tile."""
    path = directory / "grid.csv"
    lat0, lon0 = CENTRE[0] - 0.2, CENTRE[1] - 0.2
    with path.open("w") as handle:
        handle.write("LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH\n")
        for tile in range(tiles):
            top, left = lat0 + (tile // 5) * 0.03, lon0 + (tile % 5) * 0.04
            for i in range(25):
                rows = []
                for k in range(250):
                    for side, odd in ((1, 0), (-1, 1)):
                        number = 100 + 2 * k + odd
                        lat = top + i * 0.0009 + side * 0.00015
                        rows.append(
                            f"{left + k * 0.00013:.6f},{lat:.6f},{number},G{tile} East {i} St,,,Grid {tile},,,,\n"
                        )
                        lon = left + i * 0.00127 + side * 0.0002
                        rows.append(
                            f"{lon:.6f},{top + k * 0.00009:.6f},{number},G{tile} North {i} Ave,,,Grid {tile},,,,\n"
                        )
                handle.write("".join(rows))
    return path


def grid_queries(tiles: int, rng: random.Random) -> list[str]:
    out = []
    for n in range(200):
        tile, i, j = rng.randrange(tiles), rng.randrange(25), rng.randrange(25)
        if n % 2:
            out.append(f"G{tile} East {i} St & G{tile} North {j} Ave")
        else:
            out.append(f"esquina de G{tile} North {j} y G{tile} East {i}")
    return out


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def queries(named: list[str], numbered: list[str], landmarks: list[str], rng: random.Random) -> list[str]:
    out = []
    for i in range(QUERIES):
        kind = i % 5
        if kind == 0:
            street = rng.choice(named)
            number = 100 + 2 * rng.randrange(0, 400)
            out.append(f"{number} {typo(street.split()[0], rng) if rng.random() < 0.2 else street}")
        elif kind == 1:
            a, b = rng.choice(named[:60]), rng.choice(numbered[:60])
            out.append(f"{a} & {b}")
        elif kind == 2:
            a, b = rng.choice(named[:60]).split()[0], rng.choice(numbered[:60]).split()[0].rstrip("stndrh")
            out.append(f"esquina de {a} y la {b}")
        elif kind == 3:
            out.append(f"the {rng.choice(landmarks)}")
        else:
            out.append(f"Qwz{rng.randrange(10**6)} Blvd & Xyq Rd")
    return out


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_here(addresses: int, seed: int) -> dict[str, object]:
    os.environ.setdefault("VIGIL_DATA_DIR", tempfile.mkdtemp(prefix="vigil-bench-geocode-"))
    use_keys_apart()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from vigil.places.gazetteer import import_file
    from vigil.places.geocoder import geocode
    from vigil.places.models import AddressPoint

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(seed)
    directory = Path(tempfile.mkdtemp(prefix="vigil-bench-city-"))
    csv_path, geojson_path, named, numbered, landmarks = write_city(directory, addresses)
    rss_before = rss_mib()
    started = time.perf_counter()
    call_command("import_places", str(csv_path), verbosity=0)
    import_seconds = time.perf_counter() - started
    rss_after = rss_mib()
    call_command("import_places", str(geojson_path), verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    asked = queries(named, numbered, landmarks, rng)
    for q in asked[:50]:
        geocode(q)
    timings: list[float] = []
    found = confident = 0
    for q in asked:
        t = time.perf_counter()
        result = geocode(q)
        timings.append((time.perf_counter() - t) * 1000)
        found += bool(result.matches)
        confident += result.confident is not None
    address_count = AddressPoint.objects.count()
    # Streets known by their address points only: crossings estimated at import, then read like any other.
    grid_path = write_grid(directory, GRID_TILES)
    started = time.perf_counter()
    summary = import_file(grid_path)
    grid_seconds = time.perf_counter() - started
    grid_timings: list[float] = []
    grid_right = 0
    for q in grid_queries(GRID_TILES, rng):
        t = time.perf_counter()
        result = geocode(q)
        grid_timings.append((time.perf_counter() - t) * 1000)
        grid_right += result.confident is not None and result.confident.kind == "estimated crossing"
    grid_timings.sort()
    ids = list(AddressPoint.objects.values_list("pk", flat=True)[:: max(1, addresses // 1000)])
    reference: list[float] = []
    for pk in ids[:QUERIES]:
        t = time.perf_counter()
        AddressPoint.objects.filter(pk=pk).first()
        reference.append((time.perf_counter() - t) * 1000)
    timings.sort()
    reference.sort()

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, round(p / 100 * len(values)) - 1)]

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"  # type: ignore[index]
    else:
        import sqlite3

        version = f"SQLite {sqlite3.sqlite_version}"
    return {
        "database": version,
        "addresses": address_count,
        "csv_mb": round(csv_path.stat().st_size / 2**20, 1),
        "import_seconds": round(import_seconds, 1),
        "import_rss_growth_mib": round(rss_after - rss_before, 1),
        "p50_ms": round(pct(timings, 50), 2),
        "p99_ms": round(pct(timings, 99), 2),
        "max_ms": round(timings[-1], 2),
        "mean_ms": round(statistics.fmean(timings), 2),
        "reference_p50_ms": round(pct(reference, 50), 3),
        "reference_p99_ms": round(pct(reference, 99), 3),
        "grid_addresses": summary.addresses,
        "grid_estimated": summary.estimated_crossings,
        "grid_import_seconds": round(grid_seconds, 1),
        "grid_p99_ms": round(pct(grid_timings, 99), 2),
        "grid_confident": grid_right,
        "grid_queries": len(grid_timings),
        "found": found,
        "confident": confident,
        "queries": len(asked),
        "load_average": round(os.getloadavg()[0], 1),
    }


def child(extra: list[str], args: argparse.Namespace) -> dict[str, object]:
    command = [*extra, sys.executable, str(Path(__file__).resolve()), "--database", "current", "--json"]
    command += ["--addresses", str(args.addresses), "--seed", str(args.seed)]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VIGIL_DATA_DIR")}
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def line(r: dict[str, object]) -> str:
    ratio = float(r["p99_ms"]) / max(float(r["reference_p99_ms"]), 1e-6)  # type: ignore[arg-type]
    return (
        f"  {r['database']:<18} {r['addresses']:,} addresses: p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms  "
        f"max {r['max_ms']} ms  (reference p99 {r['reference_p99_ms']} ms, ratio {ratio:.0f}x; "
        f"{r['found']}/{r['queries']} found, {r['confident']} confident)\n"
        f"  {'':<18} import of {r['csv_mb']} MB CSV: {r['import_seconds']} s, peak RSS growth "
        f"{r['import_rss_growth_mib']} MiB; load average {r['load_average']}\n"
        f"  {'':<18} address points only, {r['grid_addresses']:,} more: import {r['grid_import_seconds']} s with "
        f"{r['grid_estimated']:,} crossings estimated; {r['grid_queries']} crossing queries p99 {r['grid_p99_ms']} ms, "
        f"{r['grid_confident']} placed at an estimated crossing"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["both", "current"], default="both")
    parser.add_argument("--addresses", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true", help="print one JSON line (used by the parent run)")
    args = parser.parse_args()
    if args.database == "current":
        result = run_here(args.addresses, args.seed)
        print(json.dumps(result) if args.json else line(result))
        return
    print(f"== geocoding, {args.addresses:,} addresses, {QUERIES} queries (target p99 < 20 ms)")
    print(line(child([], args)))
    print(line(child([str(ROOT / "scripts" / "with-postgres.sh")], args)))


if __name__ == "__main__":
    main()
