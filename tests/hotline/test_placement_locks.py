"""Placing reports fast without ever opening two incidents for one spot: the area locks and the planar reach."""

from __future__ import annotations

import math
import threading

import pytest
from django.conf import settings
from django.db import connections
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.factories import east_of, north_of, salute
from tests.world import NORTH_CENTER, World
from vigil.hotline import clustering
from vigil.hotline.models import Incident, IncidentEvent, Report
from vigil.hotline.services import submit_report

_EARTH = 6371007.180918475


def _destination(lat: float, lon: float, bearing: float, metres: float) -> tuple[float, float]:
    """The point `metres` away from (lat, lon) on the initial `bearing`, on h3's sphere."""
    phi1, lam1, theta, delta = math.radians(lat), math.radians(lon), math.radians(bearing), metres / _EARTH
    phi2 = math.asin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta))
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * math.sin(phi2)
    )
    return math.degrees(phi2), (math.degrees(lam2) + 540) % 360 - 180


radii = st.sampled_from([50, 200, 750, 2000, 5000])


@hsettings(max_examples=300, deadline=None)
@given(
    lat=st.floats(min_value=-85, max_value=85),
    lon=st.floats(min_value=-179, max_value=179),
    bearing=st.floats(min_value=0, max_value=360),
    fraction=st.floats(min_value=0, max_value=1),
    radius=radii,
)
def test_two_points_within_the_radius_share_a_placement_lock(
    lat: float, lon: float, bearing: float, fraction: float, radius: int
) -> None:
    other = _destination(lat, lon, bearing, radius * fraction)
    assert clustering.distance_m((lat, lon), other) <= radius + 1e-6
    mine, theirs = clustering.lock_keys(lat, lon, radius), clustering.lock_keys(*other, radius)
    assert set(mine) & set(theirs)
    assert mine == sorted(mine)


@pytest.mark.parametrize("radius", [50, 200, 750, 2000, 5000])
def test_a_placement_takes_few_locks_at_any_radius_coordinators_may_set(radius: int) -> None:
    assert len(clustering.lock_keys(*NORTH_CENTER, radius)) <= 61


def test_reports_three_kilometres_apart_do_not_wait_for_each_other() -> None:
    for bearing in range(0, 360, 15):
        other = _destination(*NORTH_CENTER, bearing, 3000)
        assert not set(clustering.lock_keys(*NORTH_CENTER, 750)) & set(clustering.lock_keys(*other, 750))


@hsettings(max_examples=300, deadline=None)
@given(
    lat=st.floats(min_value=-79, max_value=79),
    lon=st.floats(min_value=-170, max_value=170),
    bearing=st.floats(min_value=0, max_value=360),
    fraction=st.floats(min_value=0, max_value=1.5),
    radius=radii,
)
def test_the_reach_holds_every_point_within_the_radius_and_is_sure_only_of_those(
    lat: float, lon: float, bearing: float, fraction: float, radius: int
) -> None:
    around = clustering.reach(lat, lon, radius)
    if around is None:  # close to the poles or the antimeridian: placement uses the candidate cells alone
        return
    other = _destination(lat, lon, bearing, radius * fraction)
    within = clustering.distance_m((lat, lon), other) <= radius
    if within:
        assert around.may_hold(*other)
    if around.surely_holds(*other):
        assert within


def test_there_is_no_reach_where_the_plane_misleads() -> None:
    assert clustering.reach(85.0, 10.0, 750) is None
    assert clustering.reach(0.0, 179.999, 750) is None
    assert clustering.reach(*NORTH_CENTER, 750) is not None


@pytest.mark.parametrize(("metres", "joins"), [(740, True), (749, True), (751, False)])
def test_a_report_at_the_edge_of_the_radius_joins_exactly_when_it_is_within(
    world: World, metres: float, joins: bool
) -> None:
    first = submit_report(**salute())
    second = submit_report(**salute(north_of(NORTH_CENTER, metres)))
    assert (second.incident_id == first.incident_id) is joins
    assert Incident.objects.count() == (1 if joins else 2)


def test_a_report_joins_the_nearest_of_two_incidents_both_within_the_radius(world: World) -> None:
    west = submit_report(**salute(east_of(NORTH_CENTER, -400))).incident_id
    east = submit_report(**salute(east_of(NORTH_CENTER, 400))).incident_id
    assert west != east
    assert submit_report(**salute(east_of(NORTH_CENTER, 30))).incident_id == east
    assert submit_report(**salute(east_of(NORTH_CENTER, -300))).incident_id == west


def test_a_report_near_the_antimeridian_is_still_clustered(world: World) -> None:
    spot = (-16.5, 179.9995)
    first = submit_report(**salute(spot))
    second = submit_report(**salute(_destination(*spot, 90, 300)))  # across the antimeridian
    assert clustering.reach(*spot, 750) is None
    assert second.incident_id == first.incident_id


pg_only = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs concurrent writers (PostgreSQL)"
)


def _at_once(spots: list[tuple[float, float]]) -> None:
    barrier = threading.Barrier(len(spots))
    failures: list[BaseException] = []

    def write(spot: tuple[float, float]) -> None:
        try:
            barrier.wait()
            submit_report(**salute(spot))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(spot,)) for spot in spots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


@pg_only
@pytest.mark.django_db(transaction=True)
def test_reports_arriving_together_at_an_open_incident_all_join_it(world: World) -> None:
    incident = submit_report(**salute()).incident
    assert incident is not None
    _at_once([east_of(NORTH_CENTER, 40 * i) for i in range(8)])
    assert Incident.objects.count() == 1
    assert Incident.objects.get().report_count == 9
    assert IncidentEvent.objects.filter(kind="report_added").count() == 9


@pg_only
@pytest.mark.django_db(transaction=True)
def test_reports_arriving_together_in_two_places_open_one_incident_each(world: World) -> None:
    far = north_of(NORTH_CENTER, 5000)
    _at_once([east_of(NORTH_CENTER, 50 * i) for i in range(5)] + [east_of(far, 50 * i) for i in range(5)])
    assert Report.objects.count() == 10
    assert sorted(Incident.objects.values_list("report_count", flat=True)) == [5, 5]
    assert IncidentEvent.objects.filter(kind="incident_opened").count() == 2


sqlite_only = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="SQLite's writers queue per process"
)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_threads_of_one_process_take_turns_to_write_on_sqlite(world: World) -> None:
    _at_once([east_of(NORTH_CENTER, 40 * i) for i in range(6)])
    assert Report.objects.count() == 6
    assert Incident.objects.get().report_count == 6


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_report_stored_inside_a_larger_transaction_does_not_queue_behind_itself(world: World) -> None:
    from django.db import transaction

    from vigil.hotline import services

    with services._SQLITE_WRITER, transaction.atomic():  # another intake write of this process is under way
        report = submit_report(**salute())
    assert report.incident is not None
