"""The operator's place page: the gazetteer's suggestions for the reporter's words, a search box, a pick that
places the report and records which suggestion it was."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.places import city
from tests.world import World
from vigil.accounts.models import User
from vigil.hotline import services
from vigil.hotline.models import Channel, PlacedBy, Report

pytestmark = pytest.mark.usefixtures("gazetteer")


def _ambiguous() -> Report:
    return services.submit_report(channel=Channel.WEB, language="en", activity="Vans", location_text="Main St & 1st")


def test_the_place_page_lists_the_suggestions(world: World, client_for: Callable[[User], Client]) -> None:
    report = _ambiguous()
    page = client_for(world.dave).get(f"/operator/report/{report.pk}/place").content.decode()
    assert page.count('name="match" value="1st Ave &amp; Main St"') == 2
    assert "Northside" in page and "Southside" in page
    assert f'value="{city.SOUTH_MAIN_LAT:.6f}"' in page


def test_the_search_box_searches_other_words(world: World, client_for: Callable[[User], Client]) -> None:
    report = _ambiguous()
    page = client_for(world.dave).get(f"/operator/report/{report.pk}/place", {"q": "la escuela Roosevelt"})
    assert 'value="Roosevelt High School"' in page.content.decode()
    nothing = client_for(world.dave).get(f"/operator/report/{report.pk}/place", {"q": "qwertyuiop"})
    assert "data-no-suggestions" in nothing.content.decode()


def test_picking_a_suggestion_places_the_report(world: World, client_for: Callable[[User], Client]) -> None:
    report = _ambiguous()
    response = client_for(world.dave).post(
        f"/operator/report/{report.pk}/place",
        {"lat": f"{city.NORTH_MAIN_LAT:.6f}", "lon": f"{city.FIRST_LON:.6f}", "match": "1st Ave & Main St"},
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.incident is not None
    assert (report.placed_by, report.place_match) == (PlacedBy.OPERATOR, "1st Ave & Main St")
    assert report.incident.zone == world.north_zone


def test_a_report_placed_from_words_says_so(world: World, client_for: Callable[[User], Client]) -> None:
    report = services.submit_report(channel=Channel.SMS, language="es", activity="Agentes", location_text="Lake y la 5")
    page = client_for(world.dave).get(f"/operator/report/{report.pk}/place").content.decode()
    assert "Placed from words: 5th Ave &amp; Lake St" in page


def test_the_dispatcher_sees_the_match_a_report_was_placed_by(
    world: World, client_for: Callable[[User], Client]
) -> None:
    report = services.submit_report(channel=Channel.SMS, language="es", activity="Agentes", location_text="Lake y la 5")
    page = client_for(world.bob).get(f"/console/incident/{report.incident_id}/").content.decode()
    assert "placed from words: 5th Ave &amp; Lake St" in page
    queue = client_for(world.dave).get("/operator/").content.decode()
    assert "placed from words: 5th Ave &amp; Lake St" in queue


def test_the_public_form_finds_words_in_the_gazetteer(db: None, fresh_rate_limits: None) -> None:
    body = Client().get("/report/places", {"q": "Lake y la 5", "language": "es"}).json()
    assert body == {"matches": [{"label": "5th Ave & Lake St", "lat": city.LAKE_LAT, "lon": city.FIFTH_LON}]}
    assert Client().get("/report/places", {"q": ""}).json() == {"matches": []}
    assert Report.objects.count() == 0
    page = Client().get("/report").content.decode()
    assert 'data-place-finder="/report/places"' in page


def test_the_public_finder_is_rate_limited(db: None, fresh_rate_limits: None) -> None:
    client = Client()
    answers = [client.get("/report/places", {"q": "Lake"}).status_code for _ in range(61)]
    assert answers[:60] == [200] * 60 and answers[60] == 429


def test_estimated_crossings_are_flagged_in_the_suggestions(world: World, client_for: Callable[[User], Client]) -> None:
    report = services.submit_report(channel=Channel.WEB, language="en", activity="Vans", location_text="Pine & 2nd")
    assert report.placed_by != PlacedBy.WORDS  # two such crossings: the operator picks
    page = client_for(world.dave).get(f"/operator/report/{report.pk}/place").content.decode()
    assert page.count('name="match" value="≈ 2nd Ave &amp; Pine St"') == 2
    assert page.count("crossing estimated from house numbers") == 2


def test_a_report_placed_at_an_estimated_crossing_says_so(world: World, client_for: Callable[[User], Client]) -> None:
    report = services.submit_report(channel=Channel.SMS, language="es", activity="Agentes", location_text="Cedar y Oak")
    assert (report.placed_by, report.place_match) == (PlacedBy.WORDS, "≈ Cedar St & Oak Ave")
    assert report.place_confidence is not None and report.place_confidence < 1.0
    assert abs(report.lat - city.CEDAR_LAT) < 0.0002 and abs(report.lon - city.OAK_LON) < 0.0002  # type: ignore[operator]
    page = client_for(world.dave).get(f"/operator/report/{report.pk}/place").content.decode()
    assert "Placed from words: ≈ Cedar St &amp; Oak Ave" in page
