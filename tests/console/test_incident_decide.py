"""The incident page to decide from: a map of reports and nearby observers (coarse cells), the suggested pair and
why, a choice of others before dispatching, why each report joined, and a flag when places in words disagree."""

from __future__ import annotations

import json
import re

from tests.factories import add_report
from tests.places import city
from tests.world import World
from vigil.hotline import services
from vigil.hotline.models import Channel, Incident, Report
from vigil.network.models import Dispatch


def _page(world: World, incident: Incident) -> str:
    response = world.client_for(world.bob).get(f"/console/incident/{incident.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _map(html: str) -> dict[str, object]:
    found = re.search(r'<script id="incident-map-data" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    return dict(json.loads(found.group(1)))


def test_it_suggests_the_pair_and_says_why(world: World, incident: Incident) -> None:
    html = _page(world, incident)
    carol = world.carol.observer.pk
    chris = world.chris.observer.pk
    assert f'name="observers" value="{carol}" id="observer-{carol}" checked' in html
    assert f'name="observers" value="{chris}" id="observer-{chris}" checked' in html
    assert "about 0.0 km away, speaks the reporter&#x27;s language" in html


def test_the_map_shows_observers_as_coarse_cells_never_points(world: World, incident: Incident) -> None:
    add_report(incident, channel=Channel.SMS)
    data = _map(_page(world, incident))
    observers = data["observers"]
    assert isinstance(observers, list) and len(observers) == 2
    for observer in observers:
        assert set(observer) == {"name", "km", "suggested", "cell"}
        assert observer["cell"]["type"] == "Polygon"
    assert data["reports"] and data["incident"]


def test_the_dispatcher_sends_the_observers_they_chose(world: World, incident: Incident) -> None:
    response = world.client_for(world.bob).post(
        f"/console/incident/{incident.pk}/dispatch", {"observers": [str(world.chris.observer.pk)]}
    )
    assert response.status_code == 302
    assert list(Dispatch.objects.filter(incident=incident).values_list("observer_id", flat=True)) == [
        world.chris.observer.pk
    ]


def test_a_choice_that_cannot_be_sent_is_refused_with_the_reason(world: World, incident: Incident) -> None:
    response = world.client_for(world.bob).post(
        f"/console/incident/{incident.pk}/dispatch", {"observers": ["999999"]}
    )
    assert response.status_code == 409
    assert "can no longer be sent" in response.content.decode()
    assert not Dispatch.objects.filter(incident=incident).exists()


def test_each_report_says_why_it_joined(world: World, incident: Incident) -> None:
    add_report(incident, channel=Channel.SMS)
    report = services.submit_report(
        channel=Channel.WEB, language="en", activity="Vans", lat=incident.lat + 0.001, lon=incident.lon
    )
    assert report.incident_id == incident.pk
    html = _page(world, incident)
    assert re.search(r"Joined: 1\d\d m from the incident, \d+ min after the first report", html)


def test_a_join_whose_places_in_words_disagree_is_flagged(world: World, gazetteer: object) -> None:
    first = services.submit_report(channel=Channel.WEB, language="en", activity="Vans", location_text="Lake & 5th")
    assert first.incident is not None
    # A report of the school, sent with coordinates close enough to join, but its words name a place 700 m away.
    school = services.submit_report(
        channel=Channel.SMS, language="es", activity="Agentes", location_text="la escuela Roosevelt",
        lat=city.LAKE_LAT + 0.0005, lon=city.FIFTH_LON,
    )  # fmt: skip
    assert school.incident_id == first.incident_id
    html = _page(world, first.incident)
    assert "Check this join: its place in words (Roosevelt High School) is" in html
    assert "from the first report's (5th Ave &amp; Lake St)" in html
    agreeing = Report.objects.filter(incident=first.incident).count()
    assert agreeing == 2 and html.count("Check this join") == 1
