"""The incident page: access for every role, what it shows, the audited contact reveal, the live fragment, measures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import add_report, make_incident, send
from tests.world import NORTH_CENTER, SOUTH_CENTER, World
from vigil.accounts.models import AuditEvent
from vigil.console.selectors import format_duration, incident_measures
from vigil.hotline import events, triage
from vigil.hotline.access import CONTACT_PURPOSE
from vigil.hotline.models import Channel, Incident, Verdict
from vigil.network.models import DispatchStatus, Observation
from vigil.vault import seal

CONTACT = "+1 612 555 0142"


@pytest.fixture
def north(world: World) -> Incident:
    incident = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.SMS])
    add_report(incident, channel=Channel.OPERATOR, contact_sealed=seal(CONTACT, purpose=CONTACT_PURPOSE))
    return incident


def _pages(incident: Incident) -> list[str]:
    return [f"/console/incident/{incident.pk}/", f"/console/incident/{incident.pk}/live"]


def test_it_sends_anonymous_visitors_to_sign_in(client: Client, north: Incident) -> None:
    for url in _pages(north):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", ["bob", "alice"])
def test_it_opens_for_the_zones_dispatchers_and_coordinators(world: World, north: Incident, name: str) -> None:
    for url in _pages(north):
        assert world.client_for(getattr(world, name)).get(url).status_code == 200


@pytest.mark.parametrize("name", ["mallory", "carol", "chris", "dave", "erin", "frank", "nobody"])
def test_it_answers_404_to_everyone_else(world: World, north: Incident, name: str) -> None:
    for url in _pages(north):
        assert world.client_for(getattr(world, name)).get(url).status_code == 404


def test_it_answers_the_same_404_for_unknown_incidents(world: World, north: Incident) -> None:
    client = world.client_for(world.bob)
    missing = client.get(f"/console/incident/{north.pk + 999}/")
    forbidden = world.client_for(world.mallory).get(f"/console/incident/{north.pk}/")
    assert missing.status_code == forbidden.status_code == 404
    assert missing.content == forbidden.content
    assert client.get("/console/incident/abc/").status_code == 404
    assert client.get("/console/incident/99999999999999999999999/").status_code == 404


def test_it_shows_the_reports_salute_fields_but_not_the_contact(world: World, north: Incident) -> None:
    html = world.client_for(world.bob).get(f"/console/incident/{north.pk}/").content.decode()
    for report in north.reports.all():
        assert report.receipt_code in html
    for text in ("3 agents, 2 vans", "Agents stopping cars", "Lake and 5th", "vests marked POLICE ICE", "vans"):
        assert text in html
    assert "Web form" in html and "SMS" in html and "Hotline operator" in html
    # Any way the number could be written (not a bare "555": timestamps' microseconds may hold it).
    for form in (CONTACT, "612 555 0142", "555 0142", "5550142"):
        assert form not in html
    assert "Show contact" in html
    assert "<script>" not in html and "style=" not in html and "onclick" not in html


def test_it_shows_dispatches_observations_proposals_and_history(world: World, north: Incident) -> None:
    dispatch = send(north, world.carol.observer, DispatchStatus.ON_SCENE)
    now = timezone.now()
    dispatch.responded_at = now
    dispatch.arrived_at = now
    dispatch.last_check_in_at = now
    dispatch.proposed_verdict = Verdict.CONFIRMED
    dispatch.proposed_note = "Six agents at the corner, two vans"
    dispatch.save()
    Observation.objects.create(dispatch=dispatch, recorded_at=now, activity="Agents questioning a driver")
    events.record(north, "dispatched", actor=world.bob, observer_ids=[world.carol.observer.pk], dispatch_ids=[1])
    events.record(north, "verdict_proposed", actor=world.carol, observer=world.carol.observer.pk, verdict="confirmed")

    html = world.client_for(world.bob).get(f"/console/incident/{north.pk}/").content.decode()
    assert "carol" in html and "On scene" in html and "Last check-in" in html
    assert "Proposed verdict" in html and "Six agents at the corner, two vans" in html
    assert "Agents questioning a driver" in html
    assert "Observers dispatched" in html and "Verdict proposed by observer" in html
    history = html[html.index('id="history-title"') :]
    assert history.index("Observers dispatched") < history.index("Verdict proposed by observer")
    assert ">bob<" in history


def test_it_offers_nearby_open_incidents_to_merge(world: World, north: Incident) -> None:
    near = make_incident(world.north_zone, (NORTH_CENTER[0] + 0.003, NORTH_CENTER[1]))
    far = make_incident(world.north_zone, (NORTH_CENTER[0] + 0.2, NORTH_CENTER[1]))
    south = make_incident(world.south_zone, SOUTH_CENTER)
    html = world.client_for(world.bob).get(f"/console/incident/{north.pk}/").content.decode()
    assert f'value="{near.pk}"' in html and "m away" in html
    assert f'name="sources" value="{far.pk}"' not in html
    assert f'name="sources" value="{south.pk}"' not in html


def test_the_dispatcher_reveals_a_contact_and_the_reading_is_audited(world: World, north: Incident) -> None:
    report = north.reports.exclude(contact_sealed=None).get()
    url = f"/console/incident/{north.pk}/report/{report.pk}/contact"
    client = world.client_for(world.bob)
    assert client.get(url).status_code == 405
    assert not AuditEvent.objects.exists()

    page = client.post(url)
    assert page.status_code == 200 and CONTACT in page.content.decode()
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    fragment = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert CONTACT in fragment and "<html" not in fragment

    audits = list(AuditEvent.objects.filter(action="report.contact.read"))
    assert len(audits) == 2
    assert all(a.actor == world.bob and a.object_id == str(report.pk) for a in audits)
    assert all("555" not in str(a.detail) for a in audits)


@pytest.mark.parametrize("name", ["alice", "mallory", "dave", "carol", "erin", "frank", "nobody"])
def test_only_dispatchers_of_the_zones_group_may_reveal_a_contact(world: World, north: Incident, name: str) -> None:
    report = north.reports.exclude(contact_sealed=None).get()
    response = world.client_for(getattr(world, name)).post(f"/console/incident/{north.pk}/report/{report.pk}/contact")
    assert response.status_code == 404
    assert CONTACT not in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_the_coordinator_sees_no_reveal_button(world: World, north: Incident) -> None:
    html = world.client_for(world.alice).get(f"/console/incident/{north.pk}/").content.decode()
    assert "Show contact" not in html and "only the zone's dispatchers" in html


def test_it_reveals_no_contact_through_another_incident(world: World, north: Incident) -> None:
    other = make_incident(world.north_zone, NORTH_CENTER)
    report = north.reports.exclude(contact_sealed=None).get()
    client = world.client_for(world.bob)
    assert client.post(f"/console/incident/{other.pk}/report/{report.pk}/contact").status_code == 404
    without = north.reports.filter(contact_sealed=None).first()
    assert without is not None
    assert client.post(f"/console/incident/{north.pk}/report/{without.pk}/contact").status_code == 404
    assert client.post(f"/console/incident/{north.pk}/report/987654/contact").status_code == 404
    assert not AuditEvent.objects.exists()


def test_anonymous_visitors_cannot_reveal_a_contact(client: Client, north: Incident) -> None:
    report = north.reports.exclude(contact_sealed=None).get()
    response = client.post(f"/console/incident/{north.pk}/report/{report.pk}/contact")
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_the_live_fragment_follows_the_incident(world: World, north: Incident) -> None:
    client = world.client_for(world.bob)
    before = client.get(f"/console/incident/{north.pk}/live").content.decode()
    assert "New" in before and "<html" not in before
    triage.record_verdict(incident=north, verdict=Verdict.CONFIRMED, note="Seen by two observers", actor=world.bob)
    after = client.get(f"/console/incident/{north.pk}/live").content.decode()
    assert "Confirmed" in after and "Seen by two observers" in after and "Verdict recorded" in after


def test_it_reads_time_to_dispatch_and_to_verdict_from_events(world: World, north: Incident) -> None:
    start = north.first_report_at
    assert incident_measures(north).time_to_dispatch is None
    events.record(north, "dispatched", actor=world.bob, at=start + dt.timedelta(minutes=3, seconds=20))
    events.record(north, "dispatched", actor=None, at=start + dt.timedelta(minutes=9))  # a later wave
    events.record(north, "verdict_recorded", actor=world.bob, at=start + dt.timedelta(minutes=41))
    measures = incident_measures(north)
    assert measures.time_to_dispatch == dt.timedelta(minutes=3, seconds=20)
    assert measures.time_to_verdict == dt.timedelta(minutes=41)
    html = world.client_for(world.bob).get(f"/console/incident/{north.pk}/").content.decode()
    assert "Time to dispatch" in html and "3 min 20 s" in html and "41 min 00 s" in html


@pytest.mark.parametrize(("seconds", "text"), [(45, "45 s"), (245, "4 min 05 s"), (7380, "2 h 03 min"), (-5, "0 s")])
def test_it_formats_measured_durations(seconds: int, text: str) -> None:
    assert format_duration(dt.timedelta(seconds=seconds)) == text


def test_a_merged_incident_points_to_its_target(world: World, north: Incident) -> None:
    source = make_incident(world.north_zone, NORTH_CENTER)
    triage.merge_incidents(target=north, sources=[source], actor=world.bob)
    html = world.client_for(world.bob).get(f"/console/incident/{source.pk}/").content.decode()
    assert f"/console/incident/{north.pk}/" in html and "was merged into" in html
    assert "Record verdict" not in html and "Dispatch observers" not in html


@pytest.mark.usefixtures("frozen_minute")
def test_the_live_poll_answers_204_until_the_incident_changes(world: World, north: Incident) -> None:
    client = world.client_for(world.bob)
    page = client.get(f"/console/incident/{north.pk}/").content.decode()
    found = re.search(r'id="incident-live" data-version="([0-9a-f]+)"', page)
    assert found is not None
    version = found.group(1)
    idle = client.get(f"/console/incident/{north.pk}/live", HTTP_X_INCIDENT_VERSION=version)
    assert idle.status_code == 204 and idle["X-Incident-Version"] == version
    other = make_incident(world.north_zone, NORTH_CENTER)  # another incident's change does not count
    assert client.get(f"/console/incident/{north.pk}/live", HTTP_X_INCIDENT_VERSION=version).status_code == 204
    triage.start_verifying(incident=north, actor=world.bob)
    changed = client.get(f"/console/incident/{north.pk}/live", HTTP_X_INCIDENT_VERSION=version)
    assert changed.status_code == 200 and "Verifying" in changed.content.decode()
    assert other.pk != north.pk


def test_it_preselects_the_verdict_the_observers_proposed(world: World, north: Incident) -> None:
    dispatch = send(north, world.carol.observer, DispatchStatus.ON_SCENE)
    dispatch.proposed_verdict = Verdict.NOT_IMMIGRATION
    dispatch.save()
    html = world.client_for(world.bob).get(f"/console/incident/{north.pk}/").content.decode()
    assert re.search(r'<input type="radio" name="verdict" value="not_immigration"[^>]* checked', html)
