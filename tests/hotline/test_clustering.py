"""Clustering: reports join the nearest open incident within the radius and time window, else open one."""

from __future__ import annotations

import datetime as dt
import threading

import h3
import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.factories import east_of, north_of, salute
from tests.world import NORTH_CENTER, SOUTH_CENTER, UNZONED, World
from vigil.hotline import clustering
from vigil.hotline.models import Incident, IncidentEvent, IncidentState, Report, Verdict
from vigil.hotline.services import submit_report
from vigil.places.models import NetworkSettings


def test_it_opens_an_incident_for_a_first_report(world: World) -> None:
    report = submit_report(**salute())
    incident = report.incident
    assert incident is not None
    assert incident.report_count == 1 and incident.state == IncidentState.NEW
    assert (incident.lat, incident.lon) == NORTH_CENTER
    assert incident.cell == h3.latlng_to_cell(*NORTH_CENTER, settings.VIGIL_H3_RES_REPORT)
    assert incident.zone == world.north_zone
    kinds = list(IncidentEvent.objects.filter(incident=incident).values_list("kind", flat=True))
    assert kinds == ["incident_opened", "report_added"]


def test_it_joins_a_report_700_metres_away_and_moves_the_centroid(world: World) -> None:
    first = submit_report(**salute())
    second = submit_report(**salute(north_of(NORTH_CENTER, 700)))
    assert second.incident_id == first.incident_id
    incident = Incident.objects.get()
    assert incident.report_count == 2
    assert incident.lat == pytest.approx((NORTH_CENTER[0] + north_of(NORTH_CENTER, 700)[0]) / 2)
    assert incident.cell == h3.latlng_to_cell(incident.lat, incident.lon, settings.VIGIL_H3_RES_REPORT)
    assert IncidentEvent.objects.filter(incident=incident, kind="report_added").count() == 2


def test_it_opens_a_new_incident_for_a_report_800_metres_away(world: World) -> None:
    first = submit_report(**salute())
    second = submit_report(**salute(east_of(NORTH_CENTER, 800)))
    assert second.incident_id != first.incident_id
    assert Incident.objects.count() == 2


@pytest.mark.parametrize(("minutes_ago", "joins"), [(89, True), (91, False)])
def test_it_joins_only_incidents_heard_from_within_the_time_window(world: World, minutes_ago: int, joins: bool) -> None:
    first = submit_report(**salute())
    Incident.objects.update(last_report_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    second = submit_report(**salute())
    assert (second.incident_id == first.incident_id) is joins


def test_it_uses_the_radius_and_window_the_coordinators_set(world: World) -> None:
    NetworkSettings.objects.create(pk=1, cluster_meters=200, cluster_minutes=10)
    first = submit_report(**salute())
    assert submit_report(**salute(north_of(NORTH_CENTER, 300))).incident_id != first.incident_id
    assert submit_report(**salute(north_of(NORTH_CENTER, 150))).incident_id == first.incident_id
    Incident.objects.update(last_report_at=timezone.now() - dt.timedelta(minutes=11))
    assert submit_report(**salute()).incident_id not in {first.incident_id}


def test_it_merges_into_the_nearest_of_two_open_incidents(world: World) -> None:
    a = submit_report(**salute()).incident
    b = submit_report(**salute(north_of(NORTH_CENTER, 900))).incident
    assert a is not None and b is not None and a != b
    between = submit_report(**salute(north_of(NORTH_CENTER, 600)))
    assert between.incident_id == b.pk


@pytest.mark.parametrize("state", [IncidentState.VERDICT, IncidentState.CLOSED])
def test_it_does_not_join_an_incident_with_a_verdict_or_closed(world: World, state: str) -> None:
    first = submit_report(**salute())
    Incident.objects.update(state=state, verdict=Verdict.FALSE_ALARM)
    assert submit_report(**salute()).incident_id != first.incident_id


def test_it_does_not_join_an_incident_merged_into_another(world: World) -> None:
    first = submit_report(**salute())
    other = submit_report(**salute(east_of(NORTH_CENTER, 5000)))
    Incident.objects.filter(reports=first).update(merged_into=other.incident)
    assert submit_report(**salute()).incident_id != first.incident_id


def test_it_joins_a_verifying_incident(world: World) -> None:
    first = submit_report(**salute())
    Incident.objects.update(state=IncidentState.VERIFYING)
    assert submit_report(**salute()).incident_id == first.incident_id


def test_it_puts_incidents_outside_every_zone_in_no_zone(world: World) -> None:
    far = submit_report(**salute(UNZONED))
    south = submit_report(**salute(SOUTH_CENTER))
    assert far.incident is not None and far.incident.zone is None
    assert south.incident is not None and south.incident.zone == world.south_zone


@hsettings(max_examples=200, deadline=None)
@given(
    lat=st.floats(min_value=-80, max_value=80),
    lon=st.floats(min_value=-179, max_value=179),
    bearing=st.floats(min_value=0, max_value=360),
    fraction=st.floats(min_value=0, max_value=1),
    radius=st.sampled_from([50, 200, 750, 2000]),
)
def test_the_candidate_disk_holds_every_cell_within_the_radius(
    lat: float, lon: float, bearing: float, fraction: float, radius: int
) -> None:
    import math

    d = radius * fraction
    # Destination point on a sphere (same radius h3 uses for great-circle distances).
    r_earth = 6371007.180918475
    phi1, lam1, theta, delta = math.radians(lat), math.radians(lon), math.radians(bearing), d / r_earth
    phi2 = math.asin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta))
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * math.sin(phi2)
    )
    other = (math.degrees(phi2), (math.degrees(lam2) + 540) % 360 - 180)
    assert clustering.distance_m((lat, lon), other) <= radius + 1e-6
    cell = h3.latlng_to_cell(other[0], other[1], settings.VIGIL_H3_RES_REPORT)
    assert cell in clustering.candidate_cells(lat, lon, radius)


def test_the_candidate_query_uses_only_cells_near_the_report(world: World) -> None:
    cells = clustering.candidate_cells(*NORTH_CENTER, 750)
    assert 19 <= len(cells) <= 200


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs concurrent writers (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_reports_at_the_same_spot_at_the_same_moment_open_one_incident(world: World) -> None:
    writers = 8
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(i: int) -> None:
        try:
            barrier.wait()
            submit_report(**salute(east_of(NORTH_CENTER, 10 * i)))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert Report.objects.count() == writers
    assert Incident.objects.count() == 1
    assert Incident.objects.get().report_count == writers
    assert connection.vendor == "postgresql"
