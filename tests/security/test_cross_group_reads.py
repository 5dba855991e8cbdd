"""Replay: a curious insider of another group probing Northside's incidents, contacts and evidence. Every answer
is the same 404 a missing object gets, and no read is left unaudited or half-done."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import add_report
from tests.world import World
from vigil.hotline.models import Incident


def test_another_groups_dispatcher_sees_nothing_of_ours(world: World, incident: Incident) -> None:
    mallory = world.client_for(world.mallory)
    pages = [
        reverse("console:incident", args=[incident.pk]),
        reverse("console:incident_live", args=[incident.pk]),
        reverse("evidence:incident", args=[incident.pk]),
    ]
    for page in pages:
        assert mallory.get(page).status_code == 404, page
    missing = [reverse("console:incident", args=[incident.pk + 1000])]
    assert mallory.get(missing[0]).status_code == 404
    assert f'data-incident="{incident.pk}"' not in mallory.get(reverse("console:queue")).content.decode()
    report = add_report(incident)
    contact = reverse("console:contact", args=[incident.pk, report.pk])
    assert mallory.post(contact).status_code == 404 and mallory.get(contact).status_code in (404, 405)


def test_the_same_pages_open_for_our_own_dispatcher(world: World, incident: Incident) -> None:
    assert world.client_for(world.bob).get(reverse("console:incident", args=[incident.pk])).status_code == 200
