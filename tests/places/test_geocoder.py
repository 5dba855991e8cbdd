"""The local geocoder on the fictional city of tests/places/city.py: what people write, in English and Spanish."""

from __future__ import annotations

import pytest

from tests.places import city
from vigil.places.gazetteer import ImportSummary
from vigil.places.geocoder import geocode
from vigil.places.match import Match

pytestmark = pytest.mark.usefixtures("gazetteer")

LAKE_AND_5TH = (city.LAKE_LAT, city.FIFTH_LON)


def near(match: Match | None, lat: float, lon: float, metres: float = 60) -> bool:
    assert match is not None
    return abs(match.lat - lat) * 111_000 < metres and abs(match.lon - lon) * 78_000 < metres


def test_the_import_found_the_crossings(gazetteer: ImportSummary) -> None:
    # Lake/1st, Lake/5th, Main/1st, Main/5th in Northside, Main/1st in Southside
    assert gazetteer.intersections == 5
    assert gazetteer.places == 3


@pytest.mark.parametrize(
    "words",
    [
        "Lake & 5th",
        "Lake St and 5th Ave",
        "5th Ave and Lake St",
        "lake street & fifth avenue",
        "esquina de Lake y la 5",
        "Lake y la 5",
        "la 5 y Lake",
        "Calle Lake y Avenida 5",
        "lake y quinta",
        "corner of Lake and 5th",
        "Lake St / 5th Ave (by the bus stop)",
    ],
)
def test_it_places_cross_streets_in_either_order_and_language(words: str) -> None:
    result = geocode(words)
    assert result.confident is not None, result
    assert result.confident.kind == "intersection"
    assert near(result.confident, *LAKE_AND_5TH)


@pytest.mark.parametrize("words", ["Laek St & 5th", "Lake Stret and 5th Avenue", "esquina de Lakee y la 5"])
def test_it_tolerates_typos_in_cross_streets(words: str) -> None:
    result = geocode(words)
    assert result.matches, words
    assert result.matches[0].kind == "intersection"
    assert near(result.matches[0], *LAKE_AND_5TH)


@pytest.mark.parametrize(
    "words", ["120 Lake St", "120 lake street", "Calle Lake 120", "Lake St #120", "120 Lake", "at 120 Lake St"]
)
def test_it_finds_an_address(words: str) -> None:
    result = geocode(words)
    assert result.confident is not None
    assert result.confident.kind == "address"
    assert result.confident.label == "120 Lake St"
    assert near(result.confident, city.LAKE_LAT, city.LAKE_100_LON + 5 * 0.0004, metres=5)


@pytest.mark.parametrize(
    ("words", "label"),
    [
        ("the Cub Foods on Lake", "Cub Foods, Lake St"),
        ("Cub Foods", "Cub Foods, Lake St"),
        ("el Cub Foods en la calle Lake", "Cub Foods, Lake St"),
        ("la escuela Roosevelt", "Roosevelt High School"),
        ("Roosevelt High School", "Roosevelt High School"),
        ("Roosvelt high school", "Roosevelt High School"),
        ("escuela Rooseveldt", "Roosevelt High School"),
        ("lavanderia Sunshine", "Sunshine Laundromat, Main St"),
    ],
)
def test_it_finds_landmarks_by_name_alias_and_kind_in_both_languages(words: str, label: str) -> None:
    result = geocode(words, lang="es")
    assert result.matches, words
    assert result.matches[0].kind == "place"
    assert result.matches[0].label == label


def test_two_main_and_first_are_suggestions_never_a_silent_pick() -> None:
    result = geocode("Main St & 1st")
    assert result.confident is None
    hoods = [m.neighbourhood for m in result.matches if m.kind == "intersection"]
    assert sorted(hoods) == ["Northside", "Southside"]
    assert result.matches[0].confidence == result.matches[1].confidence


def test_two_same_addresses_are_suggestions() -> None:
    result = geocode("120 Main St")
    assert result.confident is None
    assert {m.neighbourhood for m in result.matches[:2]} == {"Northside", "Southside"}


def test_a_neighbourhood_after_a_comma_settles_it() -> None:
    result = geocode("Main St & 1st, Southside")
    assert result.confident is not None
    assert result.confident.neighbourhood == "Southside"
    assert near(result.confident, city.SOUTH_MAIN_LAT, city.FIRST_LON)


def test_a_street_alone_is_a_suggestion_not_a_place() -> None:
    result = geocode("Lake St")
    assert result.matches
    assert result.matches[0].kind == "street"
    assert result.confident is None


@pytest.mark.parametrize(
    "words", ["Zzyzx Rd & Qwerty Blvd", "999 Nowhere Lane", "", "   ", "?!", "la iglesia de Xochimilco"]
)
def test_nothing_found_is_empty(words: str) -> None:
    result = geocode(words)
    assert result.matches == ()
    assert result.confident is None


def test_a_number_that_is_not_on_the_street_is_not_invented() -> None:
    result = geocode("121 Lake St")
    assert all(m.kind != "address" for m in result.matches)
    assert result.confident is None


@pytest.mark.parametrize(
    "words", ["Lake & 5th stopping people", "officers at Lake & 5th", "ICE agents at the corner of Lake and 5th now"]
)
def test_words_around_the_crossing_do_not_hide_it(words: str) -> None:
    result = geocode(words)
    assert result.confident is not None, result
    assert near(result.confident, *LAKE_AND_5TH)
