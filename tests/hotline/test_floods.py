"""The flood warning: a zone's intake in the last window against its usual hourly rate (vigil/hotline/floods.py)."""

from __future__ import annotations

import datetime as dt
import itertools

import h3
from django.conf import settings
from django.utils import timezone

from tests.factories import make_incident
from tests.world import NORTH_CENTER, SOUTH_CENTER, World
from vigil.hotline import floods
from vigil.hotline.models import Channel, Incident, Report
from vigil.places import config
from vigil.places.models import NetworkSettings
from vigil.places.settings_table import SETTINGS

_codes = itertools.count(1)


def _reports(incident: Incident, times: list[dt.datetime]) -> None:
    Report.objects.bulk_create(
        Report(
            receipt=f"F{next(_codes):07d}",
            channel=Channel.API,
            incident=incident,
            activity="agents",
            lat=incident.lat,
            lon=incident.lon,
            cell=h3.latlng_to_cell(incident.lat, incident.lon, settings.VIGIL_H3_RES_REPORT),
            seen_at=when,
            received_at=when,
        )
        for when in times
    )


def _minutes_ago(now: dt.datetime, count: int, within: float = 55) -> list[dt.datetime]:
    return [now - dt.timedelta(minutes=within * (n + 0.5) / count) for n in range(count)]


def _settings(**values: int) -> None:
    NetworkSettings.objects.update_or_create(pk=1, defaults={**{s.name: s.default for s in SETTINGS}, **values})
    config.forget()


def test_a_quiet_zone_with_a_burst_over_the_minimum_is_flooded(world: World) -> None:
    now = timezone.now()
    incident = make_incident(world.north_zone, NORTH_CENTER, channels=[])
    _reports(incident, _minutes_ago(now, 25))
    [flood] = floods.floods([world.north_zone.pk, world.south_zone.pk], now=now)
    assert (flood.zone_id, flood.zone_name, flood.reports, flood.usual_per_hour) == (
        world.north_zone.pk,
        "North 1",
        25,
        0.0,
    )
    assert flood.window_minutes == 60 and flood.since == now - dt.timedelta(minutes=60)


def test_a_few_reports_more_than_usual_are_no_flood(world: World) -> None:
    now = timezone.now()
    incident = make_incident(world.north_zone, NORTH_CENTER, channels=[])
    _reports(incident, _minutes_ago(now, 19))  # one under the minimum of 20
    assert floods.floods([world.north_zone.pk], now=now) == []


def test_a_busy_zone_at_its_usual_rate_is_no_flood_and_five_times_it_is(world: World) -> None:
    _settings(flood_baseline_days=2)
    now = timezone.now()
    busy = make_incident(world.north_zone, NORTH_CENTER, channels=[])
    # Two days of 30 reports every hour before the window: the usual hour brings 30.
    start = now - dt.timedelta(hours=1)
    history = [start - dt.timedelta(hours=h, minutes=2 * k) for h in range(48) for k in range(30)]
    _reports(busy, [t for t in history if t >= start - dt.timedelta(days=2)])
    assert floods.usual_hourly_rate(world.north_zone.pk, until=start, days=2) == 30.0

    _reports(busy, _minutes_ago(now, 140))  # an ordinary busy hour and a bit more: 140 < 5 x 30
    assert floods.floods([world.north_zone.pk], now=now) == []

    _reports(busy, _minutes_ago(now, 20))  # 160 > 150
    floods.forget()
    [flood] = floods.floods([world.north_zone.pk], now=now)
    assert flood.reports == 160 and flood.usual_per_hour == 30.0


def test_the_window_and_thresholds_are_operational_settings(world: World) -> None:
    now = timezone.now()
    incident = make_incident(world.south_zone, SOUTH_CENTER, channels=[])
    _reports(incident, _minutes_ago(now, 12, within=25))
    assert floods.floods([world.south_zone.pk], now=now) == []
    _settings(flood_min_reports=10, flood_window_minutes=30)
    [flood] = floods.floods([world.south_zone.pk], now=now)
    assert flood.reports == 12 and flood.window_minutes == 30 and flood.per_hour == 24.0
    _settings(flood_min_reports=10, flood_window_minutes=10)  # most of them are older than ten minutes
    assert floods.floods([world.south_zone.pk], now=now) == []


def test_an_ordinary_day_of_a_county_hotline_never_warns(world: World) -> None:
    """Fourteen days of an ordinary county hotline in one zone (up to 8 reports an hour at the afternoon peak), then
    an ordinary afternoon: no warning at any hour of it."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    incident = make_incident(world.north_zone, NORTH_CENTER, channels=[])
    per_hour = [0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 8, 6, 5, 4, 3, 2, 1, 1, 0]
    times = []
    for day in range(15):
        for hour, count in enumerate(per_hour):
            base = now - dt.timedelta(days=day) + dt.timedelta(hours=hour - 24)
            times += [base + dt.timedelta(minutes=60 * (k + 0.5) / count) for k in range(count)]
    _reports(incident, [t for t in times if t <= now])
    for hour in range(24):
        assert floods.floods([world.north_zone.pk], now=now - dt.timedelta(hours=hour)) == []
