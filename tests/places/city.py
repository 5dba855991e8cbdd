"""A fictional city for the geocoder's tests: two neighbourhoods, each with its own Main St & 1st Ave.

Northside (on tests/world.py's NORTH_CENTER, 44.999, -93.270): Lake St and Main St run east-west; 1st Ave and
5th Ave north-south. Southside (near SOUTH_CENTER, 44.940, -93.270): another Main St and 1st Ave. Landmarks: Cub Foods
on Lake St, Roosevelt High School (alias Escuela Roosevelt), Sunshine Laundromat on Main St in Southside.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LAKE_LAT = 44.999
NORTH_MAIN_LAT = 45.003
FIRST_LON = -93.275
FIFTH_LON = -93.265
SOUTH_MAIN_LAT = 44.940
LAKE_100_LON = -93.280  # 100 Lake St; numbers go up by 4 every 0.0004 degrees east


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
        _line("Lake St", [(LAKE_LAT, -93.285), (LAKE_LAT, -93.270), (LAKE_LAT, -93.255)], "Northside"),
        _line("Main St", [(NORTH_MAIN_LAT, -93.285), (NORTH_MAIN_LAT, -93.255)], "Northside"),
        _line("1st Ave", [(44.994, FIRST_LON), (45.009, FIRST_LON)], "Northside"),
        _line("5th Ave", [(44.994, FIFTH_LON), (45.009, FIFTH_LON)], "Northside"),
        _line("Main St", [(SOUTH_MAIN_LAT, -93.285), (SOUTH_MAIN_LAT, -93.255)], "Southside"),
        _line("1st Ave", [(44.935, FIRST_LON), (44.945, FIRST_LON)], "Southside"),
    ]
    for i, number in enumerate(range(100, 200, 4)):
        f.append(
            _point(
                {"number": str(number), "street": "Lake St", "district": "Northside"},
                LAKE_LAT,
                LAKE_100_LON + i * 0.0004,
            )
        )
    f.append(_point({"number": "120", "street": "Main St", "district": "Northside"}, NORTH_MAIN_LAT, -93.274))
    f.append(_point({"number": "120", "street": "Main St", "district": "Southside"}, SOUTH_MAIN_LAT, -93.274))
    f.append(_point({"name": "Cub Foods", "shop": "supermarket", "street": "Lake St"}, 44.9994, -93.267))
    f.append(
        _point(
            {"name": "Roosevelt High School", "amenity": "school", "aliases": ["Escuela Roosevelt"]}, 45.005, -93.267
        )
    )
    f.append(
        _point({"name": "Sunshine Laundromat", "street": "Main St", "neighbourhood": "Southside"}, 44.9404, -93.270)
    )
    return f


def write(path: Path, extra: list[dict[str, Any]] | None = None) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features() + (extra or [])}))
    return path
