"""Fixtures for dispatch tests: incidents placed on the map and extra observers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import h3
import pytest
from django.conf import settings
from django.utils import timezone

from tests.conftest import NORTH_CENTER, World, make_observer
from vigil.accounts.models import User
from vigil.hotline.models import Incident
from vigil.network.models import Observer
from vigil.places.models import Zone, ZoneCell

MakeIncident = Callable[..., Incident]


def place_incident(
    at: tuple[float, float] = NORTH_CENTER, *, language: str = "en", zone: Zone | None = None, state: str = "new"
) -> Incident:
    now = timezone.now()
    zone_cell = h3.latlng_to_cell(at[0], at[1], settings.VIGIL_H3_RES_ZONE)
    if zone is None:
        found = ZoneCell.objects.filter(cell=zone_cell).select_related("zone").first()
        zone = found.zone if found is not None else None
    return Incident.objects.create(
        cell=h3.latlng_to_cell(at[0], at[1], settings.VIGIL_H3_RES_REPORT),
        zone_cell=zone_cell,
        zone=zone,
        lat=at[0],
        lon=at[1],
        state=state,
        language=language,
        report_count=1,
        first_report_at=now,
        last_report_at=now,
    )


@pytest.fixture
def incident(world: World) -> Incident:
    """A new incident at the centre of Northside's zone, in English."""
    return place_incident()


def observer_of(user: User) -> Observer:
    return Observer.objects.get(user=user)


def add_observer(world: World, name: str, at: tuple[float, float], languages: list[str] | None = None) -> Observer:
    return observer_of(make_observer(name, world.north, at, languages))


def km_north(km: float) -> tuple[float, float]:
    """A point `km` north of Northside's centre (1 degree of latitude is ~111 km)."""
    return (NORTH_CENTER[0] + km / 111.0, NORTH_CENTER[1])


def later(minutes: float = 0, seconds: float = 0) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes, seconds=seconds)


def at_ring(incident: Incident, k: int, index: int = 0) -> tuple[float, float]:
    """The centre of a cell exactly `k` rings from the incident's cell."""
    ring = sorted(h3.grid_ring(incident.zone_cell, k))
    lat, lon = h3.cell_to_latlng(ring[index % len(ring)])
    return (float(lat), float(lon))


@pytest.fixture
def quiet(world: World) -> World:
    """The world with carol and chris off shift, so a test places its own observers."""
    from vigil.network.models import Shift

    Shift.objects.update(ended_at=timezone.now(), cell="")
    return world
