"""Item 14: who reads a reporter's call-back contact, on every path that could show one.

A report in a zone: only the dispatchers of that zone's group. A report in no zone (unplaced, or in an incident
outside every zone): only hotline operators and the network administrator. Everyone else gets the same 404 as a
missing report, nothing is unsealed for them, and every reveal that happens leaves one audit row (without the
contact in it). Paths that never show a contact (the CSV export, the public status API, observers' notifications,
the incident page before a reveal) are checked not to.
"""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import add_report, place_incident
from tests.world import UNZONED, World
from vigil.accounts.models import AuditEvent
from vigil.hotline.access import CONTACT_PURPOSE, may_read_contact, report_contact_for
from vigil.hotline.models import Channel, Incident, Report
from vigil.network.dispatch import dispatch_observers
from vigil.network.models import Notification
from vigil.vault import seal

ZONED_CONTACT = "+1 612 555 0147"
UNZONED_CONTACT = "+1 612 555 0163"
UNPLACED_CONTACT = "caller-unplaced@example.org"

# name in the world -> (reads a zoned report of Northside, reads a report in no zone)
WHO_READS = {
    "bob": (True, False),  # Northside's dispatcher
    "mallory": (False, False),  # Southside's dispatcher
    "dave": (False, True),  # operator
    "alice": (False, True),  # coordinator of Northside and the network administrator
    "frank": (False, False),  # auditor
    "nobody": (False, False),
}


@pytest.fixture
def zoned(world: World) -> Report:
    incident = place_incident()
    assert incident.zone == world.north_zone
    return add_report(incident, channel=Channel.OPERATOR, contact_sealed=seal(ZONED_CONTACT, purpose=CONTACT_PURPOSE))


@pytest.fixture
def unzoned(world: World) -> Report:
    incident = place_incident(UNZONED)
    assert incident.zone is None
    return add_report(incident, contact_sealed=seal(UNZONED_CONTACT, purpose=CONTACT_PURPOSE))


@pytest.fixture
def unplaced(world: World) -> Report:
    now = timezone.now()
    return Report.objects.create(
        receipt="UNPLACD1",
        channel=Channel.WEB,
        incident=None,
        seen_at=now,
        received_at=now,
        location_text="by the old mill",
        contact_sealed=seal(UNPLACED_CONTACT, purpose=CONTACT_PURPOSE),
    )


def _reveals() -> int:
    return AuditEvent.objects.filter(action="report.contact.read").count()


@pytest.mark.parametrize("name", sorted(WHO_READS))
def test_the_access_rule_for_each_role(
    world: World, zoned: Report, unzoned: Report, unplaced: Report, name: str
) -> None:
    user = getattr(world, name)
    reads_zoned, reads_unzoned = WHO_READS[name]
    for report, contact, allowed in (
        (zoned, ZONED_CONTACT, reads_zoned),
        (unzoned, UNZONED_CONTACT, reads_unzoned),
        (unplaced, UNPLACED_CONTACT, reads_unzoned),
    ):
        assert may_read_contact(user, report) is allowed, (name, report.receipt)
        before = _reveals()
        if allowed:
            got, value = report_contact_for(user, report.pk)
            assert got == report and value == contact
            event = AuditEvent.objects.filter(action="report.contact.read").latest("pk")
            assert event.actor == user and event.object_id == str(report.pk)
            assert "555" not in str(event.detail) and "@" not in str(event.detail)
            assert _reveals() == before + 1
        else:
            with pytest.raises(Http404):
                report_contact_for(user, report.pk)
            assert _reveals() == before


def test_a_missing_report_and_a_forbidden_one_are_refused_alike(world: World, zoned: Report) -> None:
    mallory = world.client_for(world.mallory)
    incident = zoned.incident
    assert incident is not None
    forbidden = mallory.post(reverse("console:contact", args=[incident.pk, zoned.pk]))
    missing = mallory.post(reverse("console:contact", args=[incident.pk, zoned.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content
    via_operator = world.client_for(world.mallory).post(reverse("intake:contact", args=[zoned.pk]))
    assert via_operator.status_code == 404 and ZONED_CONTACT.encode() not in via_operator.content
    assert _reveals() == 0


def _console_reveal(client: Client, report: Report) -> tuple[int, str]:
    assert report.incident is not None
    response = client.post(reverse("console:contact", args=[report.incident.pk, report.pk]))
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("name", sorted(WHO_READS))
def test_the_console_reveal_for_each_role(world: World, zoned: Report, unzoned: Report, name: str) -> None:
    client = world.client_for(getattr(world, name))
    reads_zoned, _ = WHO_READS[name]
    status, html = _console_reveal(client, zoned)
    assert (status == 200 and ZONED_CONTACT in html) if reads_zoned else (status == 404 and ZONED_CONTACT not in html)
    # Nobody reads an unzoned report's contact through the dispatchers' console, not even a dispatcher.
    status, html = _console_reveal(client, unzoned)
    assert status == 404 and UNZONED_CONTACT not in html
    assert _reveals() == (1 if reads_zoned else 0)


@pytest.mark.parametrize("name", sorted(WHO_READS))
def test_the_operator_reveal_for_each_role(
    world: World, zoned: Report, unzoned: Report, unplaced: Report, name: str
) -> None:
    client = world.client_for(getattr(world, name))
    reads_zoned, reads_unzoned = WHO_READS[name]
    expected = 0
    for report, contact, allowed in (
        (unzoned, UNZONED_CONTACT, reads_unzoned),
        (unplaced, UNPLACED_CONTACT, reads_unzoned),
        (zoned, ZONED_CONTACT, reads_zoned),
    ):
        response = client.post(reverse("intake:contact", args=[report.pk]))
        html = response.content.decode()
        if allowed:
            expected += 1
            assert response.status_code == 200 and contact in html
            assert "no-store" in response["Cache-Control"]
            assert response.get("Content-Encoding") is None
        else:
            assert response.status_code == 404 and contact not in html
    assert _reveals() == expected


def test_the_operator_reveal_takes_no_get_and_no_stranger(client: Client, world: World, unplaced: Report) -> None:
    url = reverse("intake:contact", args=[unplaced.pk])
    assert world.client_for(world.dave).get(url).status_code == 405
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and UNPLACED_CONTACT not in anonymous.content.decode()
    assert _reveals() == 0


def test_the_operator_sees_the_reveal_button_only_where_they_may_read(world: World, unplaced: Report) -> None:
    url = reverse("intake:place", args=[unplaced.pk])
    assert "Show contact" in world.client_for(world.dave).get(url).content.decode()
    # bob places reports too, but a report outside every zone is not his to call back.
    html = world.client_for(world.bob).get(url).content.decode()
    assert "Show contact" not in html and UNPLACED_CONTACT not in html
    assert _reveals() == 0


def test_the_htmx_reveal_answers_a_fragment(world: World, unplaced: Report) -> None:
    response = world.client_for(world.dave).post(reverse("intake:contact", args=[unplaced.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and UNPLACED_CONTACT in html and "<html" not in html


def test_a_report_whose_contact_was_erased_answers_404(world: World, unplaced: Report) -> None:
    Report.objects.filter(pk=unplaced.pk).update(contact_sealed=None)
    assert world.client_for(world.dave).post(reverse("intake:contact", args=[unplaced.pk])).status_code == 404
    assert _reveals() == 0


def test_pages_that_list_reports_never_carry_a_contact(world: World, zoned: Report, unzoned: Report) -> None:
    incident = zoned.incident
    assert isinstance(incident, Incident)
    pages = {
        "bob": [reverse("console:queue"), reverse("console:incident", args=[incident.pk])],
        "alice": [reverse("console:queue_export")],
        "dave": [reverse("intake:operator"), reverse("intake:operator_queue")],
    }
    for name, urls in pages.items():
        client = world.client_for(getattr(world, name))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert ZONED_CONTACT not in body and UNZONED_CONTACT not in body, url
    status = Client().get(f"/api/v1/reports/{zoned.receipt}")
    assert status.status_code == 200 and ZONED_CONTACT not in status.content.decode()
    assert _reveals() == 0


def test_observers_notifications_carry_no_contact(world: World, zoned: Report) -> None:
    incident = zoned.incident
    assert incident is not None
    sent = dispatch_observers(incident=incident, actor=world.bob, count=2)
    assert sent
    bodies = " ".join(f"{n.subject} {n.body}" for n in Notification.objects.all())
    assert bodies and ZONED_CONTACT not in bodies and "555" not in bodies


def test_the_console_offers_the_reveal_only_where_its_dispatcher_may_read(
    world: World, zoned: Report, unzoned: Report
) -> None:
    client = world.client_for(world.bob)
    zoned_page = client.get(reverse("console:incident", args=[zoned.incident_id])).content.decode()
    unzoned_page = client.get(reverse("console:incident", args=[unzoned.incident_id])).content.decode()
    assert "Show contact" in zoned_page
    assert "Show contact" not in unzoned_page and UNZONED_CONTACT not in unzoned_page
    assert _reveals() == 0
