"""Helpers for hotline tests: a plausible SALUTE report, and points at a given distance."""

from __future__ import annotations

import math
from typing import Any

from tests.conftest import NORTH_CENTER

METRES_PER_DEGREE_LAT = 111_195.0


def north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0] + metres / METRES_PER_DEGREE_LAT, point[1]


def east_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0], point[1] + metres / (METRES_PER_DEGREE_LAT * math.cos(math.radians(point[0])))


def salute(at: tuple[float, float] | None = NORTH_CENTER, **over: Any) -> dict[str, Any]:
    """Keyword arguments for services.submit_report: a web report of ordinary activity (fictional)."""
    kwargs: dict[str, Any] = {
        "channel": "web",
        "language": "en",
        "size": "4 agents, 2 vans",
        "activity": "stopping people outside the laundromat",
        "location_text": "Lake St and 5th Ave",
        "lat": at[0] if at else None,
        "lon": at[1] if at else None,
        "uniform": "vests marked POLICE ICE",
        "seen_at": None,
        "equipment": "unmarked grey vans",
        "text": "",
        "contact": "",
    }
    kwargs.update(over)
    return kwargs
