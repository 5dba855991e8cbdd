"""Zones: create, rename, delete; cells from GeoJSON, cell lists and circles; map data and GeoJSON export."""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any

import h3
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.world import NORTH_CENTER, SOUTH_CENTER, World
from vigil.accounts.models import AuditEvent
from vigil.places import geometry
from vigil.places.models import Zone, ZoneCell

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

# A box of ~2.2 km x ~1.6 km well north of both fixture zones (which sit around 45.00 and 44.94).
FREE_LAT, FREE_LON = 45.0600, -93.2600


def box(lat: float = FREE_LAT, lon: float = FREE_LON, d: float = 0.01) -> dict[str, Any]:
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"name": "x"}, "geometry": geometry}


@pytest.fixture
def zone(world: World) -> Zone:
    return Zone.objects.create(group=world.north, name="North 2")


def post_geojson(world: World, zone: Zone, payload: object, **extra: object) -> _MonkeyPatchedWSGIResponse:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    data = {"action": "geojson", "geojson-geojson_text": text, "geojson-replace": "on", **extra}
    return world.client_for(world.alice).post(f"/network/zones/{zone.pk}/", data)


def cells_of(zone: Zone) -> set[str]:
    return set(ZoneCell.objects.filter(zone=zone).values_list("cell", flat=True))


# --- the pure geometry --------------------------------------------------------------------------------------------


def test_a_polygon_becomes_the_cells_whose_centres_lie_inside() -> None:
    cells = geometry.cells_from_geojson(json.dumps(box()))
    assert 4 <= len(cells) <= 20
    assert all(h3.get_resolution(c) == settings.VIGIL_H3_RES_ZONE for c in cells)
    assert h3.latlng_to_cell(FREE_LAT, FREE_LON, settings.VIGIL_H3_RES_ZONE) in cells


def test_a_multipolygon_in_a_feature_collection_gives_the_union_of_its_parts() -> None:
    a, b = box(), box(lat=FREE_LAT + 0.1)
    multi = {"type": "MultiPolygon", "coordinates": [a["coordinates"], b["coordinates"]]}
    collection = {"type": "FeatureCollection", "features": [feature(multi)]}
    cells = geometry.cells_from_geojson(json.dumps(collection))
    assert cells == geometry.cells_from_geojson(json.dumps(a)) | geometry.cells_from_geojson(json.dumps(b))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be an object"),
        (json.dumps({"type": "Point", "coordinates": [-93.2, 45.0]}), "is a Point"),
        (json.dumps(feature({"type": "LineString", "coordinates": [[0, 0], [1, 1]]})), "is a LineString"),
        (json.dumps({"type": "FeatureCollection", "features": []}), "no Polygon"),
        (json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0]]]}), "fewer than four"),
        (json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0]]]}), "not closed"),
        (json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [0, 0]], "x"]}), "fewer than four"),
        (json.dumps({"type": "Polygon", "coordinates": [[[0, 100], [0, 101], [1, 101], [0, 100]]]}), "outside"),
        (json.dumps({"type": "Polygon", "coordinates": [[[0, "a"], [0, 1], [1, 1], [0, "a"]]]}), "position"),
    ],
)
def test_it_refuses_what_is_not_a_usable_polygon(payload: str, message: str) -> None:
    with pytest.raises(geometry.ZoneShapeError, match=message):
        geometry.cells_from_geojson(payload)


def test_it_refuses_a_self_intersecting_polygon() -> None:
    lon, lat, d = FREE_LON, FREE_LAT, 0.01
    bowtie = [[lon, lat], [lon + d, lat + d], [lon + d, lat], [lon, lat + d], [lon, lat]]
    with pytest.raises(geometry.ZoneShapeError, match="Self-intersection"):
        geometry.cells_from_geojson(json.dumps({"type": "Polygon", "coordinates": [bowtie]}))


def test_it_refuses_a_shape_too_small_to_hold_a_cell_centre() -> None:
    # A 20-metre square around a cell's corner is as far from any cell centre as a point can be.
    corner_lat, corner_lon = h3.cell_to_boundary(h3.latlng_to_cell(FREE_LAT, FREE_LON, settings.VIGIL_H3_RES_ZONE))[0]
    with pytest.raises(geometry.ZoneShapeError, match="too small"):
        geometry.cells_from_geojson(json.dumps(box(corner_lat, corner_lon, 0.0001)))


def test_it_refuses_a_shape_with_too_many_cells_before_enumerating_them() -> None:
    state = box(d=1.0)  # ~ 220 km x 160 km: tens of thousands of cells
    with pytest.raises(geometry.ZoneShapeError, match="at most 5,000"):
        geometry.cells_from_geojson(json.dumps(state))


def test_it_refuses_oversized_input() -> None:
    with pytest.raises(geometry.ZoneShapeError, match="2 MB"):
        geometry.cells_from_geojson(" " * (geometry.MAX_GEOJSON_BYTES + 1))


def test_a_cell_list_must_hold_valid_cells_at_the_zone_resolution() -> None:
    here = h3.latlng_to_cell(FREE_LAT, FREE_LON, settings.VIGIL_H3_RES_ZONE)
    neighbour = sorted(h3.grid_ring(here, 1))[0]
    assert geometry.cells_from_list(f"{here},\n{neighbour.upper()} {here}") == {here, neighbour}
    with pytest.raises(geometry.ZoneShapeError, match="not an H3 cell"):
        geometry.cells_from_list("hello")
    with pytest.raises(geometry.ZoneShapeError, match="resolution 9"):
        geometry.cells_from_list(h3.latlng_to_cell(FREE_LAT, FREE_LON, 9))
    with pytest.raises(geometry.ZoneShapeError, match="at least one"):
        geometry.cells_from_list(" , ")


def test_a_circle_covers_the_cells_whose_centres_are_within_the_radius() -> None:
    here = h3.latlng_to_cell(FREE_LAT, FREE_LON, settings.VIGIL_H3_RES_ZONE)
    assert geometry.cells_around(FREE_LAT, FREE_LON, 0) == {here}
    cells = geometry.cells_around(FREE_LAT, FREE_LON, 2000)
    assert here in cells and 10 <= len(cells) <= 30
    for cell in cells:
        assert h3.great_circle_distance((FREE_LAT, FREE_LON), h3.cell_to_latlng(cell), "m") <= 2000
    with pytest.raises(geometry.ZoneShapeError):
        geometry.cells_around(95, 0, 100)
    with pytest.raises(geometry.ZoneShapeError):
        geometry.cells_around(FREE_LAT, FREE_LON, 50_000)


def test_the_export_imports_back_into_the_same_cells() -> None:
    cells = geometry.cells_around(FREE_LAT, FREE_LON, 3000)
    exported = geometry.cells_to_feature_collection(cells, properties={"zone": "x"})
    assert geometry.cells_from_geojson(json.dumps(exported)) == cells


# --- through the pages ----------------------------------------------------------------------------------------------


def test_alice_creates_renames_and_deletes_a_zone(world: World) -> None:
    client = world.client_for(world.alice)
    response = client.post(f"/network/groups/{world.north.pk}/zones/", {"name": "  Riverbank  "})
    zone = Zone.objects.get(group=world.north, name="Riverbank")
    assert response.status_code == 302 and response["Location"] == f"/network/zones/{zone.pk}/"
    duplicate = client.post(f"/network/groups/{world.north.pk}/zones/", {"name": "riverbank"})
    assert duplicate.status_code == 400 and b"already has a zone" in duplicate.content
    assert client.post(f"/network/zones/{zone.pk}/", {"action": "rename", "rename-name": "River"}).status_code == 302
    zone.refresh_from_db()
    assert zone.name == "River"
    unconfirmed = client.post(f"/network/zones/{zone.pk}/delete/")
    assert unconfirmed.status_code == 302 and Zone.objects.filter(pk=zone.pk).exists()
    client.post(f"/network/zones/{zone.pk}/delete/", {"confirm": "yes"})
    assert not Zone.objects.filter(pk=zone.pk).exists()
    actions = list(
        AuditEvent.objects.filter(object_type="zone", object_id=str(zone.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["zone.create", "zone.delete", "zone.rename"]
    assert all(e.actor_id == world.alice.pk for e in AuditEvent.objects.filter(object_type="zone"))


def test_importing_a_valid_polygon_replaces_the_zone_cells(world: World, zone: Zone) -> None:
    ZoneCell.objects.create(zone=zone, cell=h3.latlng_to_cell(46.0, -94.0, settings.VIGIL_H3_RES_ZONE))
    response = post_geojson(world, zone, feature(box()))
    assert response.status_code == 302
    assert cells_of(zone) == geometry.cells_from_geojson(json.dumps(box()))
    event = AuditEvent.objects.get(action="zone.cells", object_id=str(zone.pk))
    assert event.detail["source"] == "geojson" and event.detail["removed"] == 1


def test_importing_a_file_upload_works_like_pasting(world: World, zone: Zone) -> None:
    upload = SimpleUploadedFile("zone.geojson", json.dumps(feature(box())).encode(), "application/geo+json")
    response = world.client_for(world.alice).post(
        f"/network/zones/{zone.pk}/", {"action": "geojson", "geojson-geojson_file": upload, "geojson-replace": "on"}
    )
    assert response.status_code == 302
    assert len(cells_of(zone)) > 0


def test_importing_a_multipolygon_feature_collection(world: World, zone: Zone) -> None:
    a, b = box(), box(lat=FREE_LAT + 0.05)
    multi = {"type": "MultiPolygon", "coordinates": [a["coordinates"], b["coordinates"]]}
    response = post_geojson(world, zone, {"type": "FeatureCollection", "features": [feature(multi)]})
    assert response.status_code == 302
    assert len(cells_of(zone)) == len(geometry.cells_from_geojson(json.dumps(multi)))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{oops", b"not valid JSON"),
        (json.dumps({"type": "Point", "coordinates": [-93.2, 45.0]}), b"Polygon or MultiPolygon"),
        (
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [[[-93.2, 45.0], [-93.1, 45.1], [-93.1, 45.0], [-93.2, 45.1], [-93.2, 45.0]]],
                }
            ),
            b"not a valid polygon",
        ),
        (json.dumps(box(d=1.0)), b"at most 5,000"),
        ("", b"Choose a GeoJSON file or paste GeoJSON"),
    ],
)
def test_bad_geojson_is_refused_with_a_clear_message_and_nothing_changes(
    world: World, zone: Zone, payload: str, message: bytes
) -> None:
    ZoneCell.objects.create(zone=zone, cell=h3.latlng_to_cell(46.0, -94.0, settings.VIGIL_H3_RES_ZONE))
    before = cells_of(zone)
    response = post_geojson(world, zone, payload)
    assert response.status_code == 400
    assert message in response.content
    assert escape(payload[:20]).encode() in response.content  # what was typed is kept
    assert cells_of(zone) == before
    assert not AuditEvent.objects.filter(action="zone.cells").exists()


def test_cells_of_another_zone_of_the_same_group_are_refused_by_name(world: World, zone: Zone) -> None:
    response = post_geojson(world, zone, box(NORTH_CENTER[0], NORTH_CENTER[1], 0.008))
    assert response.status_code == 400
    assert b"already belong to another zone (North 1)" in response.content
    assert cells_of(zone) == set()


def test_cells_of_another_groups_zone_are_refused_without_naming_it(world: World, zone: Zone) -> None:
    response = post_geojson(world, zone, box(SOUTH_CENTER[0], SOUTH_CENTER[1], 0.008))
    assert response.status_code == 400
    assert b"another group" in response.content
    assert b"South 1" not in response.content
    assert cells_of(zone) == set()


def test_cells_can_be_added_from_a_list_and_from_a_circle(world: World, zone: Zone) -> None:
    client = world.client_for(world.alice)
    here = h3.latlng_to_cell(FREE_LAT, FREE_LON, settings.VIGIL_H3_RES_ZONE)
    response = client.post(
        f"/network/zones/{zone.pk}/", {"action": "cells", "cells-cells": here, "cells-replace": "on"}
    )
    assert response.status_code == 302 and cells_of(zone) == {here}
    response = client.post(
        f"/network/zones/{zone.pk}/",
        {"action": "circle", "circle-lat": FREE_LAT + 0.03, "circle-lon": FREE_LON, "circle-radius_m": 1000},
    )
    assert response.status_code == 302
    assert cells_of(zone) == {here} | geometry.cells_around(FREE_LAT + 0.03, FREE_LON, 1000)


def test_a_bad_cell_list_or_circle_is_refused(world: World, zone: Zone) -> None:
    client = world.client_for(world.alice)
    response = client.post(f"/network/zones/{zone.pk}/", {"action": "cells", "cells-cells": "8828308281fffff zzz"})
    assert response.status_code == 400 and b"is not an H3 cell" in response.content
    response = client.post(
        f"/network/zones/{zone.pk}/", {"action": "circle", "circle-lat": 91, "circle-lon": 0, "circle-radius_m": 10}
    )
    assert response.status_code == 400
    assert client.post(f"/network/zones/{zone.pk}/", {"action": "explode"}).status_code == 400
    assert cells_of(zone) == set()


def test_the_map_shows_the_zone_and_its_group_neighbours_only(world: World) -> None:
    response = world.client_for(world.alice).get(f"/network/zones/{world.north_zone.pk}/map.json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == world.north_zone.cells.count()
    assert all(f["properties"]["current"] for f in data["features"])
    assert all(f["geometry"]["type"] == "Polygon" for f in data["features"])


def test_the_zone_page_carries_its_map_in_data_attributes_and_no_inline_script(world: World) -> None:
    body = world.client_for(world.alice).get(f"/network/zones/{world.north_zone.pk}/").content.decode()
    assert 'data-cells-url="/network/zones/' in body
    assert "coordinate/zone.js" in body and "vendor/leaflet/leaflet.js" in body
    assert "<script>" not in body and "style=" not in body and "onclick" not in body


def test_the_export_is_a_geojson_download_of_the_zone(world: World) -> None:
    response = world.client_for(world.alice).get(f"/network/zones/{world.north_zone.pk}/export.geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert {f["properties"]["cell"] for f in data["features"]} == cells_of(world.north_zone)
    assert data["features"][0]["properties"]["zone"] == "North 1"


def test_tapping_the_map_adds_then_removes_a_cell(world: World, zone: Zone) -> None:
    client = world.client_for(world.alice)
    url = f"/network/zones/{zone.pk}/toggle-cell/"
    added = client.post(url, {"lat": FREE_LAT, "lon": FREE_LON}).json()
    assert added["in_zone"] is True and cells_of(zone) == {added["cell"]}
    removed = client.post(url, {"lat": FREE_LAT, "lon": FREE_LON}).json()
    assert removed["in_zone"] is False and cells_of(zone) == set()
    taken = client.post(url, {"lat": SOUTH_CENTER[0], "lon": SOUTH_CENTER[1]})
    assert taken.status_code == 409 and "another group" in taken.json()["detail"]
    assert client.post(url, {"lat": "north"}).status_code == 400
