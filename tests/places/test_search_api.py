"""GET /api/v1/places/search: for signed-in staff only; ranked matches with coordinates and confidence."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.world import World
from vigil.accounts.models import User
from vigil.api import api
from vigil.places.gazetteer import ImportSummary

URL = "/api/v1/places/search"
pytestmark = pytest.mark.usefixtures("gazetteer")


def test_it_answers_an_operator_with_the_confident_match(world: World, client_for: Callable[[User], Client]) -> None:
    response = client_for(world.dave).get(URL, {"q": "Lake y la 5", "lang": "es"})
    assert response.status_code == 200
    body = response.json()
    assert body["confident"] is True
    first = body["matches"][0]
    assert first["kind"] == "intersection" and first["label"] == "5th Ave & Lake St"
    assert first["confidence"] == 1.0 and first["neighbourhood"] == "Northside"
    assert abs(first["lat"] - 44.999) < 0.001


def test_an_ambiguous_place_gives_suggestions(world: World, client_for: Callable[[User], Client]) -> None:
    body = client_for(world.bob).get(URL, {"q": "Main St & 1st"}).json()
    assert body["confident"] is False
    assert len(body["matches"]) == 2


def test_nothing_found_is_an_empty_list(world: World, client_for: Callable[[User], Client]) -> None:
    body = client_for(world.alice).get(URL, {"q": "Qwertyuiop"}).json()
    assert body == {"query": "Qwertyuiop", "confident": False, "matches": []}


@pytest.mark.parametrize("who", ["nobody", "carol", "erin", "frank"])
def test_it_refuses_anyone_but_staff(world: World, client_for: Callable[[User], Client], who: str) -> None:
    assert client_for(getattr(world, who)).get(URL, {"q": "Lake & 5th"}).status_code == 404
    assert Client().get(URL, {"q": "Lake & 5th"}).status_code == 404


def test_it_is_in_the_openapi_schema(gazetteer: ImportSummary) -> None:
    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/places/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "lang"}
    assert {200, 404} <= set(operation["responses"])
