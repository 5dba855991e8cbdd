"""Crossings of streets known only by their address points (tests/places/city.py's Eastside): estimated at import
from the closest houses of the two streets, with a lower confidence and a mark; never from streets too far apart,
side by side, or whose direction the houses do not tell; two such places are two suggestions."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.places import city
from vigil.places.gazetteer import ESTIMATE_MAX_METRES, ImportSummary, import_file
from vigil.places.geocoder import CONFIDENT, ESTIMATED_MARK, geocode
from vigil.places.match import Match
from vigil.places.models import Intersection

CEDAR_OAK = (city.CEDAR_LAT, city.OAK_LON)


def near(match: Match | None, lat: float, lon: float, metres: float = 20) -> bool:
    assert match is not None
    return abs(match.lat - lat) * 111_000 < metres and abs(match.lon - lon) * 78_000 < metres


def _estimated() -> list[tuple[str, str, str]]:
    rows = Intersection.objects.filter(estimated=True).values_list("a_name", "b_name", "neighbourhood")
    return sorted(rows)


@pytest.mark.usefixtures("gazetteer")
def test_the_import_estimates_the_crossings_of_address_point_streets(gazetteer: ImportSummary) -> None:
    assert gazetteer.estimated_crossings == 4
    assert _estimated() == [
        ("2nd Ave", "Elm St", "Eastside"),
        ("2nd Ave", "Pine St", "Eastside"),
        ("2nd Ave", "Pine St", "Southside"),
        ("Cedar St", "Oak Ave", "Eastside"),
    ]
    # The centrelines' crossings are not estimated again, and the count is kept with the source.
    assert Intersection.objects.filter(estimated=False).count() == gazetteer.intersections == 5


@pytest.mark.usefixtures("gazetteer")
@pytest.mark.parametrize(
    ("words", "lang"),
    [
        ("Cedar & Oak", "en"),
        ("Oak Ave and Cedar St", "en"),
        ("corner of Cedar and Oak", "en"),
        ("esquina de Cedar y Oak", "es"),
        ("Oak y Cedar", "es"),
        ("Avenida Oak con calle Cedar", "es"),
    ],
)
def test_it_places_an_estimated_crossing_in_either_order_and_language(words: str, lang: str) -> None:
    result = geocode(words, lang=lang)
    assert result.confident is not None, result
    assert result.confident.kind == "estimated crossing"
    assert result.confident.label == f"{ESTIMATED_MARK} Cedar St & Oak Ave"
    assert CONFIDENT <= result.confident.confidence < 1.0
    assert near(result.confident, *CEDAR_OAK)


@pytest.mark.usefixtures("gazetteer")
def test_a_typo_in_an_estimated_crossing_is_a_suggestion() -> None:
    result = geocode("Cedr & Oak")
    assert result.confident is None
    assert result.matches and result.matches[0].kind == "estimated crossing"
    assert near(result.matches[0], *CEDAR_OAK)


@pytest.mark.usefixtures("gazetteer")
@pytest.mark.parametrize("words", ["Pine & 2nd", "esquina de Pine y la 2"])
def test_two_estimated_crossings_of_the_same_streets_are_suggestions(words: str) -> None:
    result = geocode(words)
    assert result.confident is None
    assert sorted(m.neighbourhood for m in result.matches) == ["Eastside", "Southside"]
    assert all(m.kind == "estimated crossing" for m in result.matches)
    settled = geocode(words + ", Southside").confident
    assert settled is not None and near(settled, city.PINE_SOUTH_LAT, city.SECOND_LON)


@pytest.mark.usefixtures("gazetteer")
@pytest.mark.parametrize(
    "words",
    [
        "Elm & Oak",  # the closest houses are 84 m apart
        "esquina de Elm y Oak",
        "Ash Ln and Cedar St",  # 38 m apart, but side by side
        "Ash y Cedar",
        "Ash & Oak",  # 90 m
    ],
)
def test_streets_too_far_apart_or_side_by_side_do_not_cross(words: str) -> None:
    result = geocode(words)
    assert all("crossing" not in m.kind and m.kind != "intersection" for m in result.matches), result
    assert result.confident is None


def _house(street: str, lat: float, lon: float, number: str) -> dict[str, Any]:
    props = {"number": number, "street": street, "district": "Westside"}
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


@pytest.mark.django_db
def test_streets_with_too_few_houses_to_tell_their_direction_give_no_estimate(tmp_path: Path) -> None:
    # Two houses each, 20 m apart: they might as well face each other across one street.
    extra = [
        _house("Quince St", 44.9700, -93.3000, "1"),
        _house("Quince St", 44.9703, -93.3000, "2"),
        _house("Rowan Ave", 44.9701, -93.2998, "1"),
        _house("Rowan Ave", 44.9702, -93.2997, "2"),
    ]
    summary = import_file(city.write(tmp_path / "city.geojson", extra))
    assert summary.estimated_crossings == 4
    assert geocode("Quince & Rowan").matches == ()


@pytest.mark.django_db
def test_a_crossing_found_from_centrelines_is_kept_over_its_estimate(tmp_path: Path) -> None:
    lines = [
        {
            "type": "Feature",
            "properties": {"name": name, "neighbourhood": "Eastside"},
            "geometry": {"type": "LineString", "coordinates": coords},
        }
        for name, coords in [
            ("Cedar St", [[-93.2500, city.CEDAR_LAT], [-93.2380, city.CEDAR_LAT]]),
            ("Oak Ave", [[city.OAK_LON, 44.9850], [city.OAK_LON, 44.9970]]),
        ]
    ]
    import_file(city.write(tmp_path / "city.geojson"))
    import_file(city.write(tmp_path / "lines.geojson", lines), source="centrelines")  # another source, as files come
    result = geocode("Cedar & Oak")
    assert result.confident is not None
    assert result.confident.kind == "intersection"
    assert [m.kind for m in result.matches].count("estimated crossing") == 0


@pytest.mark.django_db
def test_re_importing_estimates_the_same_crossings_once(tmp_path: Path) -> None:
    path = city.write(tmp_path / "city.geojson")
    import_file(path)
    first = _estimated()
    again = import_file(path)
    assert again.estimated_crossings == 4
    assert _estimated() == first


@pytest.mark.django_db
@pytest.mark.parametrize(("beyond", "crosses"), [(5.0, False), (-15.0, True)])
def test_the_distance_between_the_closest_houses_decides(tmp_path: Path, beyond: float, crosses: bool) -> None:
    # Move Oak Ave east of Cedar St's last house, its closest house `beyond` metres past ESTIMATE_MAX_METRES:
    # just farther is no crossing; a little nearer is one (a T: Cedar St ends at Oak Ave).
    features = copy.deepcopy(city.features())
    cedar_east = max(f["geometry"]["coordinates"][0] for f in features if f["properties"].get("street") == "Cedar St")
    shift = cedar_east - (city.OAK_LON - city.SIDE) + (ESTIMATE_MAX_METRES + beyond) / 78_700
    for feature in features:
        if feature["properties"].get("street") == "Oak Ave":
            feature["geometry"]["coordinates"][0] += shift
    path = tmp_path / "city.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    import_file(path)
    assert (("Cedar St", "Oak Ave", "Eastside") in _estimated()) is crosses
    found = [m for m in geocode("Cedar & Oak").matches if m.kind == "estimated crossing"]
    if crosses:
        assert found and near(found[0], city.CEDAR_LAT, city.OAK_LON + shift, metres=10)
    else:
        assert found == []
