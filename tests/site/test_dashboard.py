"""The coordinators' dashboard: each chart's numbers against ones worked out by hand, its CSV, and who may see it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import add_report, make_incident
from tests.world import NORTH_CENTER, SOUTH_CENTER, World
from vigil.hotline import events
from vigil.hotline.models import Incident
from vigil.network.models import Observer, Shift
from vigil.public import dashboard

CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=CHICAGO)


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


def answered(zone: object, first: dt.datetime, dispatch_min: float | None, verdict_min: float | None) -> Incident:
    incident = make_incident(zone, NORTH_CENTER, channels=(), minutes_ago=0)  # type: ignore[arg-type]
    Incident.objects.filter(pk=incident.pk).update(first_report_at=first, last_report_at=first)
    if dispatch_min is not None:
        events.record(incident, "dispatched", at=first + dt.timedelta(minutes=dispatch_min))
        events.record(incident, "dispatched", at=first + dt.timedelta(minutes=dispatch_min + 30))  # later: ignored
    if verdict_min is not None:
        events.record(incident, "verdict_recorded", at=first + dt.timedelta(minutes=verdict_min))
    return incident


def test_percentiles_interpolate_between_ranks() -> None:
    assert dashboard.percentile([10, 20, 30, 50], 50) == 25
    assert dashboard.percentile([10, 20, 30, 50], 90) == pytest.approx(44)  # 30 + 0.7 x 20
    assert dashboard.percentile([7], 90) == 7
    assert dashboard.percentile([], 50) is None


@pytest.fixture
def north_week(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    zone = world.north_zone
    # North 1: dispatch after 2, 4, 6, 10 minutes (p50 5, p90 8.8); verdicts after 20, 40, 60 (p50 40, p90 56).
    answered(zone, local(19, 9), 2, 20)
    answered(zone, local(19, 9, 30), 4, 40)
    answered(zone, local(19, 14), 6, 60)
    answered(zone, local(18, 14), 10, None)
    # Outside every zone: one incident, dispatched after 3 minutes, at 22:00.
    answered(None, local(17, 22), 3, None)
    # Southside's incident is not alice's.
    answered(world.south_zone, local(19, 9), 100, 100)
    return world


def _table(world: World, slug: str, days: int = 7) -> dashboard.Table:
    found = dashboard.tables(world.alice, dashboard.window(days))
    return next(t for t in found if t.slug == slug)


def test_time_to_dispatch_and_verdict_by_zone(north_week: World) -> None:
    assert _table(north_week, "dispatch-by-zone").rows == [
        ["North 1", 4, 5.0, 8.8],
        ["outside every zone", 1, 3.0, 3.0],
    ]
    assert _table(north_week, "verdict-by-zone").rows == [["North 1", 3, 40.0, 56.0]]


def test_time_to_dispatch_by_hour_of_the_first_report(north_week: World) -> None:
    assert _table(north_week, "dispatch-by-hour").rows == [
        ["09:00", 2, 3.0, 3.8],
        ["14:00", 2, 8.0, 9.6],
        ["22:00", 1, 3.0, 3.0],
    ]


def test_coverage_by_hour_planned_and_present(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    Shift.objects.all().delete()
    carol = Observer.objects.get(user=world.carol)
    chris = Observer.objects.get(user=world.chris)
    # Window of two days (the 19th and the 20th). Carol planned 09-11 both days, on shift 09:30-11:00 the first.
    # Chris planned 10-11 the second day and went on at 10:00, still open (counts to the planned end).
    Shift.objects.create(
        observer=carol,
        starts_at=local(19, 9),
        ends_at=local(19, 11),
        started_at=local(19, 9, 30),
        ended_at=local(19, 11),
    )
    Shift.objects.create(observer=carol, starts_at=local(20, 9), ends_at=local(20, 11))
    Shift.objects.create(observer=chris, starts_at=local(20, 10), ends_at=local(20, 11), started_at=local(20, 10))
    Shift.objects.create(observer=chris, starts_at=local(18, 9), ends_at=local(18, 11))  # before the window
    rows = {row[0]: row[1:] for row in _table(world, "coverage", days=2).rows}
    # 09:00 slot: planned carol x2 = 2 / 2 days = 1.0; present carol day 1 = 0.5.
    assert rows["09:00"] == [1.0, 0.5]
    # 10:00 slot: planned carol x2 + chris = 1.5; present carol day 1 + chris = 1.0.
    assert rows["10:00"] == [1.5, 1.0]
    assert rows["11:00"] == [0.0, 0.0]


def test_intake_by_channel_and_language(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    north = make_incident(world.north_zone, NORTH_CENTER, channels=(), minutes_ago=0)
    south = make_incident(world.south_zone, SOUTH_CENTER, channels=(), minutes_ago=0)
    for channel, language, n in (("web", "en", 3), ("web", "es", 2), ("sms", "es", 1), ("operator", "en", 1)):
        north.language = language
        for _ in range(n):
            add_report(north, channel=channel, when=local(19, 10))
    add_report(south, channel="web", when=local(19, 10))  # not alice's
    add_report(north, channel="web", when=local(1, 10))  # older than the window
    assert _table(world, "intake").columns == ["channel", "en", "es"]
    assert _table(world, "intake").rows == [["Web form", 3, 2], ["SMS", 0, 1], ["Hotline operator", 1, 0]]


def test_the_page_draws_each_chart_and_the_csv_holds_its_numbers(north_week: World) -> None:
    alice = north_week.client_for(north_week.alice)
    page = alice.get("/stats/manage/?days=7").content.decode()
    for slug in ("dispatch-by-zone", "dispatch-by-hour", "verdict-by-zone", "verdict-by-hour", "coverage", "intake"):
        assert f'data-chart="chart-{slug}"' in page and f'id="chart-{slug}"' in page
    assert "chart.js-4.6.1.umd.min.js" in page
    response = alice.get("/stats/manage/dispatch-by-zone.csv?days=7")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["zone", "incidents", "p50 (minutes)", "p90 (minutes)"],
        ["North 1", "4", "5.0", "8.8"],
        ["outside every zone", "1", "3.0", "3.0"],
    ]
    assert alice.get("/stats/manage/nothing.csv").status_code == 404


@pytest.mark.parametrize("who", ["bob", "carol", "mallory", "nobody"])
def test_only_coordinators_see_the_dashboard(world: World, who: str) -> None:
    client = world.client_for(getattr(world, who))
    assert client.get("/stats/manage/").status_code == 404
    assert client.get("/stats/manage/intake.csv").status_code == 404
