"""The demo city's gazetteer: fictional streets, addresses and landmarks around settings.MAP_CENTER.

A grid of named streets (east-west) and numbered avenues (north-south) about 250 m apart, cut into the four demo
neighbourhoods (Old Mill north-west, Riverside north-east, Lakeview south-west, Cedar Flats south-east), house
numbers along the main streets, a handful of landmarks, and two Main Streets that both cross 1st Ave, in Old Mill
and in Lakeview, so that "Main St & 1st" is ambiguous as it is in real cities. It is imported through the real
importer as the source "demo city (fictional data)", and the basemap every map of the demo draws is built from it;
seeding again replaces both.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings

from vigil.places import basemap
from vigil.places.gazetteer import import_file

SOURCE = "demo city (fictional data)"
STEP_M = 250.0
# East-west streets, north to south (index 0 is the northmost); the centre line is "Lake St".
STREETS = [
    "Tannery Row", "Mill Road", "Foundry St", "Orchard St", "Lake St", "Heron Park Blvd", "Willow St",
    "Quarry Hill Rd", "Cedar St",
]  # fmt: skip
AVENUES = [f"{n}{'st' if n == 1 else 'nd' if n == 2 else 'rd' if n == 3 else 'th'} Ave" for n in range(1, 10)]
EXTENT = 4  # streets and avenues run from -4 to +4 steps around the centre


def _hood(north: float, east: float) -> str:
    if north >= 0:
        return "Riverside" if east >= 0 else "Old Mill"
    return "Cedar Flats" if east >= 0 else "Lakeview"


def _point(centre: tuple[float, float], north_m: float, east_m: float) -> tuple[float, float]:
    lat = centre[0] + north_m / 111_320.0
    lon = centre[1] + east_m / (111_320.0 * math.cos(math.radians(centre[0])))
    return lat, lon


def _line(name: str, points: list[tuple[float, float]], hood: str = "") -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"name": name, "neighbourhood": hood},
        "geometry": {"type": "LineString", "coordinates": [[round(lon, 6), round(lat, 6)] for lat, lon in points]},
    }


def _feature(props: dict[str, Any], at: tuple[float, float]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [round(at[1], 6), round(at[0], 6)]},
    }


def features(centre: tuple[float, float]) -> list[dict[str, Any]]:
    """The demo city as GeoJSON features (also what a basemap of the demo would draw)."""
    out: list[dict[str, Any]] = []
    span = EXTENT * STEP_M
    for i, name in enumerate(STREETS):
        north = (EXTENT - i) * STEP_M
        for side in (-1, 1):  # each street in two halves, west and east, in their neighbourhoods
            a = _point(centre, north, 0.0)
            b = _point(centre, north, side * span)
            out.append(_line(name, [a, b], _hood(north, side)))
    for j, name in enumerate(AVENUES):
        east = (j - EXTENT) * STEP_M
        out.append(_line(name, [_point(centre, span, east), _point(centre, 0.0, east)], _hood(1, east)))
        out.append(_line(name, [_point(centre, 0.0, east), _point(centre, -span, east)], _hood(-1, east)))
    # Two Main Streets, both crossing 1st Ave: one in Old Mill, one in Lakeview.
    first_ave = (0 - EXTENT) * STEP_M
    for north, hood in ((3.5 * STEP_M, "Old Mill"), (-3.5 * STEP_M, "Lakeview")):
        ends = [_point(centre, north, first_ave - STEP_M), _point(centre, north, -STEP_M / 2)]
        out.append(_line("Main St", ends, hood))
    # House numbers every 20 m along each street, east from 4th Ave (100, 102, …).
    for i, name in enumerate(STREETS):
        north = (EXTENT - i) * STEP_M
        for k in range(0, 100):
            east = -STEP_M + k * 20.0
            at = _point(centre, north + 8.0, east)
            out.append(_feature({"number": str(100 + 2 * k), "street": name, "district": _hood(north, east)}, at))
    landmarks = [
        ("Escuela de Cedar Flats", "school", ["Cedar Flats School"], "Willow St", -2.5, 1.4),
        ("Roosevelt Elementary", "school", ["Escuela Roosevelt"], "Orchard St", 1.2, -2.3),
        ("Foundry Street Laundromat", "laundromat", ["Lavandería Foundry"], "Foundry St", 2.1, 0.6),
        ("Heron Park", "park", ["Parque Heron"], "Heron Park Blvd", -1.4, -1.5),
        ("Lakeview Market", "shop", ["Mercado Lakeview"], "Lake St", -0.1, -2.6),
        ("Cedar Flats Library", "library", ["Biblioteca Cedar Flats"], "Cedar St", -3.9, 2.2),
        ("St. Brendan's Church", "church", ["Iglesia San Brendan"], "Mill Road", 3.1, 1.9),
    ]
    for name, kind, aliases, street, north_steps, east_steps in landmarks:
        at = _point(centre, north_steps * STEP_M, east_steps * STEP_M)
        out.append(_feature({"name": name, "kind": kind, "aliases": aliases, "street": street,
                             "neighbourhood": _hood(north_steps, east_steps)}, at))  # fmt: skip
    return out


def seed_demo_places() -> str:
    """Import the demo city's gazetteer (replacing an earlier one); returns a line saying what it holds."""
    centre = (float(settings.MAP_CENTER[0]), float(settings.MAP_CENTER[1]))
    with tempfile.TemporaryDirectory(prefix="vigil-demo-places-") as directory:
        path = Path(directory) / "demo-city.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features(centre)}))
        summary = import_file(path, source=SOURCE)
    _target, tiles = basemap.build_from_gazetteer()
    return (
        f"Gazetteer ({SOURCE}): {summary.addresses} addresses, {summary.streets} street segments, "
        f"{summary.intersections} crossings, {summary.places} landmarks; a basemap of {tiles} tiles. "
        f"Try \"Lake y la 5\" or \"Main St & 1st\"."
    )
