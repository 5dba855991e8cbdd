"""The queue says what and where: the place in words, a one-line summary, counts and corroboration; a search across
incidents (words, receipt code, time range); a CSV export for coordinators."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from tests.factories import add_report, make_incident, send
from tests.world import NORTH_CENTER, World
from vigil.accounts.models import AuditEvent
from vigil.hotline import services
from vigil.hotline.models import Channel, Incident, Report
from vigil.network.models import DispatchStatus


def _ids(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'data-incident="(\d+)"', html)]


def _words(incident: Incident, **fields: str) -> Report:
    report = Report.objects.filter(incident=incident).order_by("received_at").first()
    assert report is not None
    for name, value in fields.items():
        setattr(report, name, value)
    report.save()
    return report


def test_each_row_says_where_and_what_and_how_it_is_corroborated(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.SMS, Channel.SMS])
    _words(incident, location_text="Foundry St laundromat", activity="Officers in vests   stopping people " * 8)
    lone = make_incident(world.north_zone, (NORTH_CENTER[0] + 0.01, NORTH_CENTER[1]))
    _words(lone, location_text="")
    html = world.client_for(world.bob).get("/console/").content.decode()
    assert "Foundry St laundromat" in html
    assert "Officers in vests stopping people Officers" in html and "…" in html
    assert "3 reports through 2 channels" in html
    row = html[html.index(f'data-incident="{lone.pk}"') :]
    assert "a single report" in row[:2000] and "place not given in words" in row[:2000]


def test_the_match_a_report_was_placed_by_is_the_place_shown(world: World, gazetteer: object) -> None:
    report = services.submit_report(channel=Channel.SMS, language="es", activity="Agentes", location_text="Lake y la 5")
    html = world.client_for(world.bob).get("/console/").content.decode()
    row = html[html.index(f'data-incident="{report.incident_id}"') :]
    assert "5th Ave &amp; Lake St" in row[:1500]


def test_an_observer_on_scene_corroborates(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    dispatch = send(incident, world.carol.observer)
    dispatch.status = DispatchStatus.ON_SCENE
    dispatch.save()
    html = world.client_for(world.bob).get("/console/queue/rows").content.decode()
    assert "an observer went to the scene" in html


def test_rows_carry_a_signature_that_changes_with_what_they_show(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    client = world.client_for(world.bob)
    before = re.search(r'data-signature="(\w+)"', client.get("/console/queue/rows").content.decode())
    add_report(incident, channel=Channel.SMS)
    after = re.search(r'data-signature="(\w+)"', client.get("/console/queue/rows").content.decode())
    assert before and after and before.group(1) != after.group(1)


def test_the_page_offers_sound_and_counts_unseen_incidents_in_the_title(world: World) -> None:
    html = world.client_for(world.bob).get("/console/").content.decode()
    assert 'id="queue-sound"' in html and 'id="queue-unseen"' in html


def test_search_finds_words_in_any_report_of_any_age(world: World) -> None:
    old = make_incident(world.north_zone, NORTH_CENTER, state="closed")
    Incident.objects.filter(pk=old.pk).update(last_report_at=timezone.now() - dt.timedelta(days=3))
    _words(old, activity="White vans outside the Cedar clinic")
    other = make_incident(world.north_zone, (NORTH_CENTER[0] + 0.01, NORTH_CENTER[1]))
    client = world.client_for(world.bob)
    assert old.pk not in _ids(client.get("/console/").content.decode())
    found = _ids(client.get("/console/", {"q": "cedar VANS"}).content.decode())
    assert found == [old.pk]
    assert other.pk not in _ids(client.get("/console/queue/rows", {"q": "clinic"}).content.decode())


def test_search_finds_a_receipt_code_typed_any_way(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    make_incident(world.north_zone, (NORTH_CENTER[0] + 0.01, NORTH_CENTER[1]))
    receipt = Report.objects.get(incident=incident).receipt
    typed = f"{receipt[:4].lower()} {receipt[4:]}"
    assert _ids(world.client_for(world.bob).get("/console/", {"q": typed}).content.decode()) == [incident.pk]


def test_search_by_time_range(world: World) -> None:
    now = timezone.now()
    early = make_incident(world.north_zone, NORTH_CENTER)
    Incident.objects.filter(pk=early.pk).update(
        first_report_at=now - dt.timedelta(hours=5), last_report_at=now - dt.timedelta(hours=4)
    )
    late = make_incident(world.north_zone, (NORTH_CENTER[0] + 0.01, NORTH_CENTER[1]))
    since = timezone.localtime(now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    until = timezone.localtime(now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    client = world.client_for(world.bob)
    assert _ids(client.get("/console/", {"since": since}).content.decode()) == [late.pk]
    assert _ids(client.get("/console/", {"until": until}).content.decode()) == [early.pk]


def test_search_never_reaches_other_groups_incidents(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    _words(incident, activity="Checkpoint on the bridge")
    assert _ids(world.client_for(world.mallory).get("/console/", {"q": "bridge"}).content.decode()) == []


def test_coordinators_export_the_queue_as_csv(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.SMS])
    _words(incident, location_text="Foundry St", activity="=HYPERLINK(\"http://x\") vans")
    response = world.client_for(world.alice).get("/console/queue/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0][:3] == ["incident", "state", "verdict"]
    row = table[1]
    assert row[0] == str(incident.pk) and row[8] == "Foundry St"
    assert row[9].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    assert "lat" not in table[0] and str(round(incident.lat, 4)) not in response.content.decode()
    assert AuditEvent.objects.filter(actor=world.alice, action="console.export").count() == 1


@pytest.mark.parametrize("who", ["bob", "mallory", "dave", "nobody"])
def test_only_coordinators_export(world: World, who: str) -> None:
    assert world.client_for(getattr(world, who)).get("/console/queue/export.csv").status_code == 404
