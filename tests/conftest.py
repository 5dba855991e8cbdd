"""Fixtures every test can use: the fictional network (`world`, people in tests/world.py), a frozen clock, a placed
incident. Helpers that make objects directly live in tests/factories.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from tests.factories import place_incident
from tests.world import NORTH_CENTER, SOUTH_CENTER, World, make_observer, make_user, make_zone
from vigil.accounts.models import Group, Membership, Role, User
from vigil.hotline.models import Incident
from vigil.places.gazetteer import ImportSummary, import_file


@pytest.fixture
def world(db: None) -> World:
    north = Group.objects.create(name="Northside Rapid Response (demo)", slug="northside")
    south = Group.objects.create(name="Southside Rapid Response (demo)", slug="southside")
    world = World(
        north=north,
        south=south,
        north_zone=make_zone(north, "North 1", NORTH_CENTER),
        south_zone=make_zone(south, "South 1", SOUTH_CENTER),
        alice=make_user("alice", north, Role.COORDINATOR),
        bob=make_user("bob", north, Role.DISPATCHER),
        carol=make_observer("carol", north, (NORTH_CENTER[0] + 0.002, NORTH_CENTER[1]), ["en", "es"]),
        chris=make_observer("chris", north, (NORTH_CENTER[0] - 0.004, NORTH_CENTER[1])),
        dave=make_user("dave", north, Role.OPERATOR),
        erin=make_user("erin", north, Role.ATTORNEY),
        frank=make_user("frank", north, Role.AUDITOR),
        mallory=make_user("mallory", south, Role.DISPATCHER),
        nobody=make_user("nobody"),
    )
    # Alice also holds the network-wide settings.
    Membership.objects.create(user=world.alice, group=north, role=Role.NETWORK_ADMIN)
    return world


@pytest.fixture
def client_for(world: World) -> Callable[[User], Client]:
    return world.client_for


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise() -> Iterator[None]:
    """Each test starts in the default language: a Spanish request (LocaleMiddleware activates per request and
    never resets) or translation.activate() in one test must not leak into the next one on the same thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def frozen_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the clock still: the live polls' version tokens include the minute, so a test that crossed a minute
    boundary between two polls would see a change that isn't one."""
    fixed = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: fixed)


@pytest.fixture
def incident(world: World) -> Incident:
    """A new incident at the centre of Northside's zone, in English."""
    return place_incident()


@pytest.fixture
def quiet(world: World) -> World:
    """The world with carol and chris off shift, so a test places its own observers."""
    from vigil.network.models import Shift

    Shift.objects.update(ended_at=timezone.now(), cell="")
    return world


@pytest.fixture
def fresh_rate_limits(db: None) -> Iterator[None]:
    """Rate limits (kept in the shared cache, a database table) start empty and are emptied again after the test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gazetteer(db: None, tmp_path: Path) -> ImportSummary:
    """The fictional city of tests/places/city.py (its Northside on the world's north zone), imported."""
    from tests.places import city

    return import_file(city.write(tmp_path / "city.geojson"))


@pytest.fixture(autouse=True)
def _no_public_page_kept_from_another_test() -> Iterator[None]:
    """Rendered public pages live in each process's memory, across tests: start every test without them."""
    from django.core.cache import caches

    from vigil.public import freshness

    caches["pages"].clear()
    freshness.forget()
    yield
    caches["pages"].clear()
    freshness.forget()


@pytest.fixture(autouse=True)
def _no_flood_baseline_kept_from_another_test() -> Iterator[None]:
    """Zones' usual rates are kept in each process's memory (vigil.hotline.floods): start every test without them."""
    from vigil.hotline import floods

    floods.forget()
    yield
    floods.forget()
