from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.cases.test_facilities import DEMO
from tests.world import World
from vigil.cases.facilities import import_text
from vigil.cases.models import Case, LocatorCheck

EVERYONE = ["alice", "bob", "carol", "chris", "dave", "erin", "frank", "mallory", "nobody"]


@pytest.fixture
def facilities(db: None) -> None:
    import_text(Path(DEMO).read_text())


def test_a_check_recorded_on_the_case_page_shows_there(world: World, facilities: None) -> None:
    case = open_case(world)
    client = world.client_for(world.erin)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("legal:locator_check", args=[case.pk]), {"result": "found", "facility": "DEMO-LKC", "checked_on": today}
    )
    assert response.status_code == 302
    page = client.get(reverse("legal:case", args=[case.pk]))
    assert b"Lakeside County Jail (fictional)" in page.content
    client.post(
        reverse("legal:locator_check", args=[case.pk]), {"result": "found", "facility": "DEMO-NRP", "checked_on": today}
    )
    page = client.get(reverse("legal:case", args=[case.pk]))
    assert b"transferred from Lakeside County Jail (fictional)" in page.content


def test_an_unknown_facility_is_refused_beside_the_field(world: World, facilities: None) -> None:
    case = open_case(world)
    response = world.client_for(world.erin).post(
        reverse("legal:locator_check", args=[case.pk]),
        {"result": "found", "facility": "NOT-A-PLACE", "checked_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400 and b"unknown facility" in response.content
    assert not LocatorCheck.objects.exists()


@pytest.mark.parametrize("name", EVERYONE)
def test_the_locator_task_list(world: World, name: str) -> None:
    case = open_case(world)
    response = world.client_for(getattr(world, name)).get(reverse("legal:locator"))
    if name in {"alice", "erin"}:
        assert response.status_code == 200 and reverse("legal:case", args=[case.pk]).encode() in response.content
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(set(EVERYONE) - {"alice", "erin"}))
def test_outsiders_cannot_record_a_check(world: World, facilities: None, name: str) -> None:
    case = open_case(world)
    response = world.client_for(getattr(world, name)).post(
        reverse("legal:locator_check", args=[case.pk]),
        {"result": "not_found", "checked_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404 and not LocatorCheck.objects.exists()
    assert Case.objects.get(pk=case.pk).facility is None
