"""Bug: GET /network/groups/<id>/shifts/?week=0001-01-01 or 9999-12-31 answered 500 (OverflowError)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.world import World


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "0001-01-03", "1899-12-31", "3000-01-01"])
def test_a_week_at_the_calendar_edges_is_refused(world: World, week: str) -> None:
    url = reverse("coordinate:shifts", args=[world.north.pk])
    assert world.client_for(world.alice).get(url, {"week": week}).status_code == 400


def test_an_ordinary_week_still_shows(world: World) -> None:
    url = reverse("coordinate:shifts", args=[world.north.pk])
    assert world.client_for(world.alice).get(url, {"week": "2026-11-30"}).status_code == 200
