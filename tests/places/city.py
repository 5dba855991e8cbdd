"""A fictional city for the geocoder's tests: two neighbourhoods, each with its own Main St & 1st Ave.

Northside (around 45.000, -93.300): Lake St and Main St run east-west; 1st Ave, 5th Ave run north-south.
Southside (around 44.950, -93.300): another Main St and 1st Ave. Landmarks: Cub Foods on Lake St, Roosevelt High
School (alias Escuela Roosevelt), Sunshine Laundromat on Main St in Southside.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NORTH = (45.000, -93.300)
SOUTH = (44.950, -93.300)
LAKE_LAT = 45.000
NORTH_MAIN_LAT = 45.004
FIRST_LON = -93.300
FIFTH_LON = -93.290
SOUTH_MAIN_LAT = 44.950


def _line(name: str, coords: list[tuple[float, float]], hood: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"name": name, "neighbourhood": hood},
        "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in coords]},
    }


def _point(props: dict[str, Any], lat: float, lon: float) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def features() -> list[dict[str, Any]]:
    f = [
        _line("Lake St", [(LAKE_LAT, -93.310), (LAKE_LAT, -93.295), (LAKE_LAT, -93.280)], "Northside"),
        _line("Main St", [(NORTH_MAIN_LAT, -93.310), (NORTH_MAIN_LAT, -93.280)], "Northside"),
        _line("1st Ave", [(44.995, FIRST_LON), (45.010, FIRST_LON)], "Northside"),
        _line("5th Ave", [(44.995, FIFTH_LON), (45.010, FIFTH_LON)], "Northside"),
        _line("Main St", [(SOUTH_MAIN_LAT, -93.310), (SOUTH_MAIN_LAT, -93.280)], "Southside"),
        _line("1st Ave", [(44.945, FIRST_LON), (44.955, FIRST_LON)], "Southside"),
    ]
    for i, number in enumerate(range(100, 200, 4)):
        f.append(
            _point(
                {"number": str(number), "street": "Lake St", "district": "Northside"}, LAKE_LAT, -93.305 + i * 0.0004
            )
        )
    f.append(_point({"number": "120", "street": "Main St", "district": "Northside"}, NORTH_MAIN_LAT, -93.299))
    f.append(_point({"number": "120", "street": "Main St", "district": "Southside"}, SOUTH_MAIN_LAT, -93.299))
    f.append(_point({"name": "Cub Foods", "shop": "supermarket", "street": "Lake St"}, 45.0004, -93.297))
    f.append(
        _point(
            {"name": "Roosevelt High School", "amenity": "school", "aliases": ["Escuela Roosevelt"]}, 45.006, -93.292
        )
    )
    f.append(
        _point({"name": "Sunshine Laundromat", "street": "Main St", "neighbourhood": "Southside"}, 44.9504, -93.295)
    )
    return f


def write(path: Path, extra: list[dict[str, Any]] | None = None) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features() + (extra or [])}))
    return path
