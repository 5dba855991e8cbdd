"""A fictional city for the geocoder's tests: two neighbourhoods, each with its own Main St & 1st Ave.

Northside (on tests/world.py's NORTH_CENTER, 44.999, -93.270): Lake St and Main St run east-west; 1st Ave and
5th Ave north-south. Southside (near SOUTH_CENTER, 44.940, -93.270): another Main St and 1st Ave. Landmarks: Cub Foods
on Lake St, Roosevelt High School (alias Escuela Roosevelt), Sunshine Laundromat on Main St in Southside.

Eastside (east of the centrelines, lon -93.250 to -93.236) has address points only, as an OpenAddresses file gives
them: houses on both sides of each street, 17 m (east-west streets) or 12 m (north-south) off its middle. Cedar St
(east-west, lat 44.990) and Oak Ave (north-south, lon -93.246) cross; Elm St (lat 44.994) stops 84 m (house to
house) short of Oak Ave and crosses 2nd Ave; Ash Ln runs 68 m north of Cedar St, parallel to it (their houses 38 m
apart), and ends 90 m short of Oak Ave; Pine St and 2nd Ave cross twice: in Eastside and, with the same names, in
Southside.
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


CEDAR_LAT = 44.990
OAK_LON = -93.246
ELM_LAT = 44.994
ASH_LAT = 44.99061
PINE_EAST_LAT = 44.996
PINE_SOUTH_LAT = 44.945
SECOND_LON = -93.240
SIDE = 0.00015  # degrees from a street's middle to its houses: 17 m of latitude, 12 m of longitude


def _houses(
    street: str,
    hood: str,
    first: int,
    *,
    lat: float | None = None,
    lon: float | None = None,
    start: float,
    stop: float,
    step: float = 0.0005,
) -> list[dict[str, Any]]:
    """Address points on both sides of a street running east-west (at `lat`) or north-south (at `lon`)."""
    points = []
    along = start
    number = first
    while along <= stop + 1e-9:
        for side, offset in ((0, SIDE), (1, -SIDE)):
            props = {"number": str(number + side), "street": street, "district": hood}
            if lat is not None:
                points.append(_point(props, lat + offset, along))
            else:
                assert lon is not None
                points.append(_point(props, along, lon - offset))
        number += 4
        along += step
    return points


def points_only() -> list[dict[str, Any]]:
    """Eastside's streets and Southside's Pine St and 2nd Ave: address points, no centrelines."""
    return [
        *_houses("Cedar St", "Eastside", 100, lat=CEDAR_LAT, start=-93.2500, stop=-93.2380),
        *_houses("Oak Ave", "Eastside", 200, lon=OAK_LON, start=44.9850, stop=44.9970),
        *_houses("Elm St", "Eastside", 100, lat=ELM_LAT, start=-93.2450 + 0.0002, stop=-93.2380),
        *_houses("Ash Ln", "Eastside", 100, lat=ASH_LAT, start=-93.2447, stop=-93.2380),
        *_houses("Pine St", "Eastside", 300, lat=PINE_EAST_LAT, start=-93.2440, stop=-93.2360),
        *_houses("2nd Ave", "Eastside", 500, lon=SECOND_LON, start=44.9930, stop=45.0000),
        *_houses("Pine St", "Southside", 300, lat=PINE_SOUTH_LAT, start=-93.2440, stop=-93.2360),
        *_houses("2nd Ave", "Southside", 500, lon=SECOND_LON, start=44.9420, stop=44.9480),
    ]


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
    return f + points_only()


def write(path: Path, extra: list[dict[str, Any]] | None = None) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features() + (extra or [])}))
    return path
