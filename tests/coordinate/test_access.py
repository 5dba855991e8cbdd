"""Every coordinator page against every role: alice manages Northside only; everyone else gets the same 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from tests.world import SOUTH_CENTER, World, make_observer, make_user
from vigil.accounts.models import Membership, Role, User
from vigil.network.models import Observer, Shift


@dataclass(frozen=True)
class Page:
    name: str
    method: str
    north: str
    south: str


def _shift_of(user: User) -> Shift:
    observer = Observer.objects.get(user=user)
    start = timezone.now() + dt.timedelta(days=2)
    return Shift.objects.create(observer=observer, starts_at=start, ends_at=start + dt.timedelta(hours=4))


@pytest.fixture
def pages(world: World) -> list[Page]:
    sofia = make_observer("sofia", world.south, SOUTH_CENTER)
    north_obs = Observer.objects.get(user=world.carol)
    south_obs = Observer.objects.get(user=sofia)
    north_shift, south_shift = _shift_of(world.carol), _shift_of(sofia)
    north_member = Membership.objects.get(user=world.bob)
    south_member = Membership.objects.get(user=world.mallory)
    n, s = world.north.pk, world.south.pk
    nz, sz = world.north_zone.pk, world.south_zone.pk
    return [
        Page("members", "get", f"/network/groups/{n}/members/", f"/network/groups/{s}/members/"),
        Page(
            "remove_role",
            "post",
            f"/network/members/{north_member.pk}/remove/",
            f"/network/members/{south_member.pk}/remove/",
        ),
        Page("zones", "get", f"/network/groups/{n}/zones/", f"/network/groups/{s}/zones/"),
        Page("zone", "get", f"/network/zones/{nz}/", f"/network/zones/{sz}/"),
        Page("zone_delete", "post", f"/network/zones/{nz}/delete/", f"/network/zones/{sz}/delete/"),
        Page("zone_map", "get", f"/network/zones/{nz}/map.json", f"/network/zones/{sz}/map.json"),
        Page("zone_export", "get", f"/network/zones/{nz}/export.geojson", f"/network/zones/{sz}/export.geojson"),
        Page("zone_toggle_cell", "post", f"/network/zones/{nz}/toggle-cell/", f"/network/zones/{sz}/toggle-cell/"),
        Page("observers", "get", f"/network/groups/{n}/observers/", f"/network/groups/{s}/observers/"),
        Page("observer", "get", f"/network/observers/{north_obs.pk}/", f"/network/observers/{south_obs.pk}/"),
        Page("shifts", "get", f"/network/groups/{n}/shifts/", f"/network/groups/{s}/shifts/"),
        Page("shift", "get", f"/network/shifts/{north_shift.pk}/", f"/network/shifts/{south_shift.pk}/"),
        Page(
            "shift_delete",
            "post",
            f"/network/shifts/{north_shift.pk}/delete/",
            f"/network/shifts/{south_shift.pk}/delete/",
        ),
    ]


def _call(client: Client, page: Page, path: str) -> int:
    return (client.get(path) if page.method == "get" else client.post(path)).status_code


def test_alice_opens_every_northside_page(world: World, pages: list[Page]) -> None:
    client = world.client_for(world.alice)
    assert client.get("/network/").status_code == 200
    assert client.get("/network/settings/").status_code == 200
    for page in pages:
        status = _call(client, page, page.north)
        if page.method == "get":
            assert status == 200, page.name
        else:
            assert status in (302, 400), page.name


def test_alice_gets_404_for_every_southside_object_and_nothing_changes(world: World, pages: list[Page]) -> None:
    client = world.client_for(world.alice)
    before = (Membership.objects.count(), Shift.objects.count(), world.south_zone.cells.count())
    for page in pages:
        assert _call(client, page, page.south) == 404, page.name
    assert (Membership.objects.count(), Shift.objects.count(), world.south_zone.cells.count()) == before


@pytest.mark.parametrize("who", ["bob", "carol", "chris", "dave", "erin", "frank", "mallory", "nobody"])
def test_people_who_coordinate_nothing_get_404_everywhere(world: World, pages: list[Page], who: str) -> None:
    client = world.client_for(getattr(world, who))
    assert client.get("/network/").status_code == 404
    assert client.get("/network/settings/").status_code == 404
    assert client.post("/network/settings/", {"cluster_meters": 100}).status_code == 404
    for page in pages:
        assert _call(client, page, page.north) == 404, page.name
        assert _call(client, page, page.south) == 404, page.name


def test_a_southside_coordinator_gets_404_for_northside_objects(world: World, pages: list[Page]) -> None:
    sam = make_user("sam", world.south, Role.COORDINATOR)
    client = world.client_for(sam)
    for page in pages:
        assert _call(client, page, page.north) == 404, page.name


def test_a_missing_object_answers_like_a_forbidden_one(world: World) -> None:
    client = world.client_for(world.alice)
    assert client.get("/network/zones/999999/").status_code == 404
    assert client.get("/network/groups/999999/members/").status_code == 404
    assert client.get("/network/observers/999999/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world: World, pages: list[Page]) -> None:
    client = Client()
    for path in ["/network/", "/network/settings/", *(p.north for p in pages if p.method == "get")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/")


def test_the_home_page_lists_only_the_groups_alice_coordinates(world: World) -> None:
    body = world.client_for(world.alice).get("/network/").content.decode()
    assert world.north.name in body
    assert world.south.name not in body
