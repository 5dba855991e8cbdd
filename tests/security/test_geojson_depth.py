"""Bug: POST /network/zones/<id>/ with GeoJSON nested 2,000 deep answered 500 (RecursionError); now 400."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.world import World
from vigil.places.geometry import ZoneShapeError, cells_from_geojson


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_deep_nesting_is_a_shape_error(depth: int) -> None:
    with pytest.raises(ZoneShapeError):
        cells_from_geojson("[" * depth + "]" * depth)


def test_the_zone_page_answers_400_and_keeps_the_zone(world: World) -> None:
    before = set(world.north_zone.cells.values_list("cell", flat=True))
    deep = '{"type": "Polygon", "coordinates": ' + "[" * 2_000 + "]" * 2_000 + "}"
    response = world.client_for(world.alice).post(
        reverse("coordinate:zone", args=[world.north_zone.pk]), {"action": "geojson", "geojson-geojson_text": deep}
    )
    assert response.status_code == 400
    assert set(world.north_zone.cells.values_list("cell", flat=True)) == before
