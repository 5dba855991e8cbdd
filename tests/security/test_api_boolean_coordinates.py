"""Bug: POST /api/v1/reports with "lat": true answered 201 and placed an incident at latitude 1.0."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.world import NORTH_CENTER, World
from vigil.hotline.models import Report


@pytest.fixture(autouse=True)
def _fresh(fresh_rate_limits: None) -> None:
    pass


@pytest.mark.parametrize(
    "where", [{"lat": True, "lon": NORTH_CENTER[1]}, {"lat": NORTH_CENTER[0], "lon": False}, {"lat": "45", "lon": 1}]
)
def test_booleans_and_strings_are_not_coordinates(world: World, where: dict[str, object]) -> None:
    body = {"activity": "checking papers", **where}
    response = Client().post("/api/v1/reports", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert Report.objects.count() == 0


def test_whole_numbers_still_are(world: World) -> None:
    body = {"activity": "checking papers", "lat": 45, "lon": -93}
    assert Client().post("/api/v1/reports", json.dumps(body), content_type="application/json").status_code == 201
