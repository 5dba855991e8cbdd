"""vigil.hotline.access: one 404 for missing and forbidden; zones decide; unzoned things go to hotline roles."""

from __future__ import annotations

import h3
import pytest
from django.conf import settings
from django.http import Http404
from django.utils import timezone

from tests.world import NORTH_CENTER, SOUTH_CENTER, World
from vigil.accounts.models import AuditEvent, Role
from vigil.hotline.access import (
    CONTACT_PURPOSE,
    incident_for,
    incidents_visible_to,
    report_contact_for,
    report_for,
    reports_visible_to,
)
from vigil.hotline.models import Channel, Incident, Report
from vigil.places.models import Zone
from vigil.vault import seal

HOTLINE = [Role.DISPATCHER, Role.COORDINATOR, Role.OPERATOR]


def _incident(zone: Zone | None, at: tuple[float, float]) -> Incident:
    now = timezone.now()
    return Incident.objects.create(
        cell=h3.latlng_to_cell(at[0], at[1], settings.VIGIL_H3_RES_REPORT),
        zone_cell=h3.latlng_to_cell(at[0], at[1], settings.VIGIL_H3_RES_ZONE),
        zone=zone,
        lat=at[0],
        lon=at[1],
        report_count=1,
        first_report_at=now,
        last_report_at=now,
    )


def _report(incident: Incident | None, receipt: str) -> Report:
    now = timezone.now()
    return Report.objects.create(
        receipt=receipt, channel=Channel.WEB, incident=incident, seen_at=now, received_at=now, activity="agents"
    )


@pytest.fixture
def north_incident(world: World) -> Incident:
    return _incident(world.north_zone, NORTH_CENTER)


@pytest.fixture
def south_incident(world: World) -> Incident:
    return _incident(world.south_zone, SOUTH_CENTER)


@pytest.fixture
def unzoned_incident(world: World) -> Incident:
    return _incident(None, (40.0, -100.0))


def test_it_gives_a_dispatcher_the_incidents_of_their_zones(world: World, north_incident: Incident) -> None:
    assert incident_for(world.bob, north_incident.pk, HOTLINE) == north_incident
    assert incident_for(world.alice, north_incident.pk, [Role.COORDINATOR]) == north_incident


def test_it_answers_404_for_another_groups_incident_as_for_a_missing_one(
    world: World, north_incident: Incident
) -> None:
    with pytest.raises(Http404):
        incident_for(world.mallory, north_incident.pk, HOTLINE)
    with pytest.raises(Http404):
        incident_for(world.bob, north_incident.pk + 1000, HOTLINE)
    with pytest.raises(Http404):
        incident_for(world.bob, "not-a-number", HOTLINE)


@pytest.mark.parametrize("name", ["carol", "erin", "frank", "nobody"])
def test_it_answers_404_to_roles_the_view_did_not_ask_for(world: World, north_incident: Incident, name: str) -> None:
    with pytest.raises(Http404):
        incident_for(getattr(world, name), north_incident.pk, HOTLINE)


def test_it_answers_404_to_a_dispatcher_asked_as_a_coordinator(world: World, north_incident: Incident) -> None:
    with pytest.raises(Http404):
        incident_for(world.bob, north_incident.pk, [Role.COORDINATOR])


def test_it_shows_unzoned_incidents_to_dispatchers_of_any_group(world: World, unzoned_incident: Incident) -> None:
    assert incident_for(world.mallory, unzoned_incident.pk, [Role.DISPATCHER]) == unzoned_incident
    assert incident_for(world.bob, unzoned_incident.pk, [Role.DISPATCHER]) == unzoned_incident
    for name in ("carol", "erin", "frank", "nobody"):
        with pytest.raises(Http404):
            incident_for(getattr(world, name), unzoned_incident.pk, [Role.DISPATCHER, Role.ATTORNEY, Role.AUDITOR])


def test_it_lists_only_visible_incidents(
    world: World, north_incident: Incident, south_incident: Incident, unzoned_incident: Incident
) -> None:
    assert set(incidents_visible_to(world.bob, [Role.DISPATCHER])) == {north_incident, unzoned_incident}
    assert set(incidents_visible_to(world.mallory, [Role.DISPATCHER])) == {south_incident, unzoned_incident}
    assert set(incidents_visible_to(world.erin, [Role.ATTORNEY])) == {north_incident}
    assert not incidents_visible_to(world.nobody, HOTLINE).exists()


def test_it_gives_reports_through_their_incidents_zone(
    world: World, north_incident: Incident, south_incident: Incident
) -> None:
    north = _report(north_incident, "AAAA1111")
    south = _report(south_incident, "AAAA2222")
    unplaced = _report(None, "AAAA3333")
    assert report_for(world.dave, north.pk, [Role.OPERATOR]) == north
    assert report_for(world.dave, unplaced.pk, [Role.OPERATOR]) == unplaced
    with pytest.raises(Http404):
        report_for(world.dave, south.pk, [Role.OPERATOR])
    with pytest.raises(Http404):
        report_for(world.erin, unplaced.pk, [Role.ATTORNEY])
    assert set(reports_visible_to(world.mallory, [Role.DISPATCHER])) == {south, unplaced}


def test_it_audits_every_read_of_a_call_back_contact(world: World, north_incident: Incident) -> None:
    report = _report(north_incident, "AAAA4444")
    report.contact_sealed = seal("+1 612 555 0100", purpose=CONTACT_PURPOSE)
    report.save()
    got, contact = report_contact_for(world.bob, report.pk)
    assert got == report and contact == "+1 612 555 0100"
    event = AuditEvent.objects.get(action="report.contact.read")
    assert event.actor == world.bob and event.object_id == str(report.pk)
    assert "555" not in str(event.detail)
    with pytest.raises(Http404):
        report_contact_for(world.mallory, report.pk)
    with pytest.raises(Http404):
        report_contact_for(world.dave, report.pk)
