"""The live queue: who may see it, what it shows, its order, the polling fragment and the map feed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import add_report, make_incident, send
from tests.world import NORTH_CENTER, SOUTH_CENTER, World
from vigil.console.selectors import human_age, queue_incidents
from vigil.hotline import events
from vigil.hotline.models import Channel, Incident, IncidentState
from vigil.network.models import DispatchStatus

QUEUE_URLS = ["/console/", "/console/queue/rows", "/console/queue/map.json"]


def _row_ids(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'data-incident="(\d+)"', html)]


@pytest.mark.parametrize("url", QUEUE_URLS)
def test_it_sends_anonymous_visitors_to_sign_in(client: Client, db: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", QUEUE_URLS)
@pytest.mark.parametrize("name", ["carol", "chris", "dave", "erin", "frank", "nobody"])
def test_it_answers_404_to_people_who_do_not_dispatch(world: World, url: str, name: str) -> None:
    assert world.client_for(getattr(world, name)).get(url).status_code == 404


@pytest.mark.parametrize("url", QUEUE_URLS)
@pytest.mark.parametrize("name", ["bob", "alice", "mallory"])
def test_it_opens_for_dispatchers_and_coordinators(world: World, url: str, name: str) -> None:
    assert world.client_for(getattr(world, name)).get(url).status_code == 200


def test_it_shows_only_the_incidents_of_the_dispatchers_zones_and_unzoned_ones_in_their_tab(world: World) -> None:
    north = make_incident(world.north_zone, NORTH_CENTER)
    south = make_incident(world.south_zone, SOUTH_CENTER)
    nowhere = make_incident(None, (44.5, -92.5))
    for user, own in ((world.bob, north), (world.mallory, south)):
        client = world.client_for(user)
        page = client.get("/console/").content.decode()
        assert _row_ids(page) == [own.pk]
        assert 'data-unzoned="1"' in page and "Outside every zone (1)" in page
        assert _row_ids(client.get("/console/?zone=none").content.decode()) == [nowhere.pk]


def test_it_shows_state_counts_sources_age_zone_language_and_dispatches(world: World) -> None:
    incident = make_incident(
        world.north_zone,
        NORTH_CENTER,
        channels=[Channel.WEB, Channel.WEB, Channel.SMS, Channel.OPERATOR],
        minutes_ago=12.5,
        state=IncidentState.VERIFYING,
        language="es",
    )
    send(incident, world.carol.observer, DispatchStatus.ACCEPTED)
    send(incident, world.chris.observer, DispatchStatus.SENT)
    html = world.client_for(world.bob).get("/console/queue/rows").content.decode()
    row = html[html.index(f'data-incident="{incident.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Verifying" in row
    assert '<td data-label="Reports" class="num">4</td>' in row
    assert "Web form 2" in row and "SMS 1" in row and "Hotline operator 1" in row and "API" not in row
    assert "12 min" in row
    assert "North 1" in row
    assert ">es<" in row
    assert "Sent 1" in row and "Accepted 1" in row


def test_it_orders_open_first_then_newest_and_largest_first(world: World) -> None:
    now = timezone.now()

    def at(minutes_ago: float, reports: int, state: str = IncidentState.NEW) -> Incident:
        incident = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB] * reports, state=state)
        Incident.objects.filter(pk=incident.pk).update(last_report_at=now - dt.timedelta(minutes=minutes_ago))
        return incident

    # Buckets are five minutes on the clock; pick times well inside one bucket to keep the test exact.
    base = (now.timestamp() % 300) / 60  # minutes since the current bucket began
    newest_small = at(base * 0.1, 1)
    same_bucket_large = at(base * 0.9, 5)
    older_larger = at(base + 10, 9)
    judged_recent = at(0.01, 3, IncidentState.VERDICT)
    closed_old = at(60 * 30, 2, IncidentState.CLOSED)  # 30 h ago: not in the default queue

    ids = [i.pk for i in queue_incidents(world.bob, now=now)]
    assert ids == [same_bucket_large.pk, newest_small.pk, older_larger.pk, judged_recent.pk]
    assert closed_old.pk not in ids
    html = world.client_for(world.bob).get("/console/").content.decode()
    assert _row_ids(html) == ids
    assert [i.pk for i in queue_incidents(world.bob, state="closed", now=now)] == [closed_old.pk]


def test_it_filters_by_state_and_zone(world: World) -> None:
    new = make_incident(world.north_zone, NORTH_CENTER)
    verifying = make_incident(world.north_zone, NORTH_CENTER, state=IncidentState.VERIFYING)
    nowhere = make_incident(None, (44.5, -92.5))
    client = world.client_for(world.bob)
    assert _row_ids(client.get("/console/queue/rows?state=verifying").content.decode()) == [verifying.pk]
    assert _row_ids(client.get("/console/queue/rows?state=new&zone=none").content.decode()) == [nowhere.pk]
    zone_only = _row_ids(client.get(f"/console/queue/rows?zone={world.north_zone.pk}").content.decode())
    assert sorted(zone_only) == sorted([new.pk, verifying.pk])


@pytest.mark.parametrize("query", ["state=bogus", "zone=abc", "zone=999999", "state=open&zone=-1"])
def test_it_refuses_unknown_filters_with_400(world: World, query: str) -> None:
    client = world.client_for(world.bob)
    assert client.get(f"/console/?{query}").status_code == 400
    assert client.get(f"/console/queue/rows?{query}").status_code == 400
    response = client.get(f"/console/queue/map.json?{query}")
    assert response.status_code == 400 and "detail" in response.json()


def test_it_refuses_another_groups_zone_as_a_filter(world: World) -> None:
    response = world.client_for(world.mallory).get(f"/console/queue/rows?zone={world.north_zone.pk}")
    assert response.status_code == 400


def test_the_polling_fragment_reflects_a_new_report_without_reload(world: World) -> None:
    client = world.client_for(world.bob)
    incident = make_incident(world.north_zone, NORTH_CENTER)
    first = client.get("/console/queue/rows", HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and "no-cache" in first["Cache-Control"]
    assert '<td data-label="Reports" class="num">1</td>' in first.content.decode()

    add_report(incident, channel=Channel.SMS)
    fresh = make_incident(world.north_zone, NORTH_CENTER, minutes_ago=0)

    second = client.get("/console/queue/rows", HTTP_HX_REQUEST="true").content.decode()
    # Both heard a report within the same five minutes: the larger one leads.
    assert _row_ids(second) == [incident.pk, fresh.pk]
    assert '<td data-label="Reports" class="num">2</td>' in second
    assert "SMS 1" in second
    assert "<html" not in second  # a fragment, not a page


def test_the_queue_page_polls_its_fragment_every_two_seconds(world: World) -> None:
    html = world.client_for(world.bob).get("/console/").content.decode()
    assert 'hx-get="/console/queue/rows"' in html and 'hx-trigger="every 2s"' in html
    assert 'src="/static/console/console.js"' in html and 'src="/static/vendor/leaflet/leaflet.js"' in html
    assert "<script>" not in html and "style=" not in html and "onclick" not in html


def test_the_map_feed_gives_positions_and_zone_outlines(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.API])
    make_incident(world.south_zone, SOUTH_CENTER)
    data = world.client_for(world.bob).get("/console/queue/map.json?zones=1").json()
    assert [p["id"] for p in data["incidents"]] == [incident.pk]
    point = data["incidents"][0]
    assert point["lat"] == pytest.approx(incident.lat, abs=1e-3) and point["reports"] == 2
    assert point["state"] == "new"
    assert data["url"] == "/console/incident/0/"
    assert [z["name"] for z in data["zones"]] == ["North 1"]
    assert data["zones"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert "zones" not in world.client_for(world.bob).get("/console/queue/map.json").json()


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _fill(world: World, count: int) -> None:
    for n in range(count):
        incident = make_incident(
            world.north_zone, (NORTH_CENTER[0] + n * 1e-4, NORTH_CENTER[1]), channels=[Channel.WEB, Channel.SMS]
        )
        if n % 3 == 0:
            send(incident, world.carol.observer if n % 2 else world.chris.observer)


def test_it_keeps_the_queue_cheap_with_200_open_incidents(world: World) -> None:
    client = world.client_for(world.bob)
    _fill(world, 2)
    _queries(client, "/console/queue/rows")  # warm caches (templates, translations)
    few_rows, _html = _queries(client, "/console/queue/rows")
    few_map, _html = _queries(client, "/console/queue/map.json")
    _fill(world, 198)

    rows, html = _queries(client, "/console/queue/rows")
    every, all_html = _queries(client, "/console/queue/rows?all=1")
    points, body = _queries(client, "/console/queue/map.json")

    # The default view shows a page of rows and counts the rest; "show all" shows them all.
    assert len(_row_ids(html)) == 50 and 'data-more="150"' in html
    assert len(_row_ids(all_html)) == 200 and body.count('"id"') == 200
    # 400 reports in minutes is a flood by the rule (a banner), but these are corroborated (two channels): listed.
    assert "Flood warning in North 1" in html and "flood-group" not in html
    # The number of queries does not grow with the queue: version, incidents, one grouped read per table, the
    # unzoned count, the flood check (plus the zone's name, and its baseline the first time, once over the minimum).
    assert every <= rows <= few_rows + 2 <= 20
    assert points == few_map <= 12


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0.2, "less than 1 min"), (12.4, "12 min"), (65, "1 h 05 min"), (60 * 24 * 3 + 5, "3 days")],
)
def test_it_tells_the_age_in_human_words(minutes: float, text: str) -> None:
    assert human_age(dt.timedelta(minutes=minutes)) == text


@pytest.mark.usefixtures("frozen_minute")
def test_the_poll_answers_204_while_nothing_changed_and_rows_once_something_did(world: World) -> None:
    client = world.client_for(world.bob)
    incident = make_incident(world.north_zone, NORTH_CENTER)
    page = client.get("/console/").content.decode()
    version = re.search(r'data-version="([0-9a-f]+)"', page)
    assert version is not None
    first = client.get("/console/queue/rows", HTTP_X_QUEUE_VERSION=version.group(1))
    assert first.status_code == 204 and first.content == b""
    assert first["X-Queue-Version"] == version.group(1)

    add_report(incident, channel=Channel.SMS)
    events.record(incident, "report_added", report=0, channel="sms")
    second = client.get("/console/queue/rows", HTTP_X_QUEUE_VERSION=version.group(1))
    assert second.status_code == 200 and second["X-Queue-Version"] != version.group(1)
    assert '<td data-label="Reports" class="num">2</td>' in second.content.decode()
    # Another filter with the same token is another view: it gets its rows.
    other = client.get("/console/queue/rows?state=open", HTTP_X_QUEUE_VERSION=second["X-Queue-Version"])
    assert other.status_code == 200
