"""Helpers for hotline tests: a plausible SALUTE report, and points at a given distance."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from typing import Any

import h3
from django.conf import settings
from django.utils import timezone

from tests.world import NORTH_CENTER, World, make_observer
from vigil.accounts.models import User
from vigil.hotline import events
from vigil.hotline.models import Channel, Incident, IncidentState, Report
from vigil.network.models import Dispatch, DispatchStatus, Observer
from vigil.places.models import Zone, ZoneCell

METRES_PER_DEGREE_LAT = 111_195.0


def north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0] + metres / METRES_PER_DEGREE_LAT, point[1]


def east_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0], point[1] + metres / (METRES_PER_DEGREE_LAT * math.cos(math.radians(point[0])))


def salute(at: tuple[float, float] | None = NORTH_CENTER, **over: Any) -> dict[str, Any]:
    """Keyword arguments for services.submit_report: a web report of ordinary activity (fictional)."""
    kwargs: dict[str, Any] = {
        "channel": "web",
        "language": "en",
        "size": "4 agents, 2 vans",
        "activity": "stopping people outside the laundromat",
        "location_text": "Lake St and 5th Ave",
        "lat": at[0] if at else None,
        "lon": at[1] if at else None,
        "uniform": "vests marked POLICE ICE",
        "seen_at": None,
        "equipment": "unmarked grey vans",
        "text": "",
        "contact": "",
    }
    kwargs.update(over)
    return kwargs


_receipts = itertools.count(1)


def make_incident(
    zone: Zone | None,
    at: tuple[float, float],
    *,
    channels: Sequence[str] = (Channel.WEB,),
    minutes_ago: float = 5,
    state: str = IncidentState.NEW,
    language: str = "en",
) -> Incident:
    """An incident at `at` with one report per entry of `channels`, the first `minutes_ago`, one minute apart."""
    first = timezone.now() - dt.timedelta(minutes=minutes_ago)
    incident = Incident.objects.create(
        cell=h3.latlng_to_cell(at[0], at[1], settings.VIGIL_H3_RES_REPORT),
        zone_cell=h3.latlng_to_cell(at[0], at[1], settings.VIGIL_H3_RES_ZONE),
        zone=zone,
        lat=at[0],
        lon=at[1],
        state=state,
        language=language,
        report_count=0,
        first_report_at=first,
        last_report_at=first,
    )
    events.record(incident, "incident_opened", at=first, channel=channels[0] if channels else "")
    for i, channel in enumerate(channels):
        add_report(incident, channel=channel, at=(at[0] + i * 0.0001, at[1]), when=first + dt.timedelta(minutes=i))
    return incident


def add_report(
    incident: Incident,
    *,
    channel: str = Channel.WEB,
    at: tuple[float, float] | None = None,
    when: dt.datetime | None = None,
    activity: str = "Agents stopping cars",
    contact_sealed: bytes | None = None,
) -> Report:
    """A report joined to `incident`, keeping the incident's counters and history as clustering would."""
    when = when or timezone.now()
    lat, lon = at if at is not None else (incident.lat, incident.lon)
    report = Report.objects.create(
        receipt=f"T{next(_receipts):07d}",
        channel=channel,
        language=incident.language,
        incident=incident,
        size="3 agents, 2 vans",
        activity=activity,
        location_text="Lake and 5th",
        lat=lat,
        lon=lon,
        cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT),
        uniform="vests marked POLICE ICE",
        seen_at=when,
        equipment="vans",
        contact_sealed=contact_sealed,
        received_at=when,
    )
    incident.report_count = Report.objects.filter(incident=incident).count()
    incident.last_report_at = max(incident.last_report_at, when)
    incident.first_report_at = min(incident.first_report_at, when)
    incident.save(update_fields=["report_count", "last_report_at", "first_report_at"])
    events.record(incident, "report_added", at=when, report=report.pk, channel=channel)
    return report


def send(incident: Incident, observer: Observer, status: str = DispatchStatus.SENT) -> Dispatch:
    now = timezone.now()
    return Dispatch.objects.create(
        incident=incident,
        observer=observer,
        status=status,
        sent_at=now,
        answer_by=now + dt.timedelta(minutes=3),
    )


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


def expire_kept_pages() -> None:
    """What time does to the public pages each process keeps: they go (after CACHE_SECONDS) and the publication
    generation is read again (after GENERATION_SECONDS)."""
    from django.core.cache import caches

    from vigil.public import freshness

    caches["pages"].clear()
    freshness.forget()
