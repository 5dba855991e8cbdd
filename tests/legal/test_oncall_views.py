from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.test_oncall import _accepted, _rota
from tests.world import World
from vigil.cases.models import Case, CasePage, OnCall

EVERYONE = ["alice", "bob", "carol", "chris", "dave", "erin", "frank", "mallory", "nobody"]


def test_the_paged_attorney_sees_the_page_and_acknowledges_it(world: World) -> None:
    _rota(world, "erin")
    case = _accepted(world)
    client = world.client_for(world.erin)
    listing = client.get(reverse("legal:list"))
    page = CasePage.objects.get(case=case)
    assert reverse("legal:acknowledge", args=[page.pk]).encode() in listing.content
    response = client.post(reverse("legal:acknowledge", args=[page.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("legal:case", args=[case.pk])
    assert Case.objects.get(pk=case.pk).attorney == world.erin


@pytest.mark.parametrize("name", sorted(set(EVERYONE) - {"erin"}))
def test_nobody_else_acknowledges_a_page(world: World, name: str) -> None:
    _rota(world, "erin")
    page = CasePage.objects.get(case=_accepted(world))
    response = world.client_for(getattr(world, name)).post(reverse("legal:acknowledge", args=[page.pk]))
    assert response.status_code == 404
    assert Case.objects.get(pk=page.case_id).attorney is None


@pytest.mark.parametrize("name", EVERYONE)
def test_only_coordinators_keep_the_rota(world: World, name: str) -> None:
    now = timezone.localtime()
    response = world.client_for(getattr(world, name)).post(
        reverse("legal:rota"),
        {
            "group": world.north.pk,
            "attorney": world.erin.pk,
            "jurisdiction": "Fort Snelling Immigration Court (fictional)",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M"),
            "order": 0,
        },
    )
    if name == "alice":
        assert response.status_code == 302 and OnCall.objects.filter(attorney=world.erin).count() == 1
    else:
        assert response.status_code == 404 and not OnCall.objects.exists()


def test_a_rota_slot_ending_before_it_starts_is_refused(world: World) -> None:
    now = timezone.localtime()
    response = world.client_for(world.alice).post(
        reverse("legal:rota"),
        {
            "group": world.north.pk,
            "attorney": world.erin.pk,
            "jurisdiction": "Court",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400 and b"after the start" in response.content and not OnCall.objects.exists()
