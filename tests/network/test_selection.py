from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import add_observer, at_ring, observer_of, place_incident
from tests.world import SOUTH_CENTER, World, make_observer
from vigil.hotline.models import Incident
from vigil.network.models import Dispatch, DispatchStatus, Observer, Shift
from vigil.network.selectors import MAX_RING, nearest_available_observers


def names(observers: list[Observer]) -> list[str]:
    return [o.user.username for o in observers]


def pick(incident: Incident, count: int = 5, exclude_ids: tuple[int, ...] = ()) -> list[str]:
    return names(nearest_available_observers(incident=incident, count=count, exclude_ids=exclude_ids))


def test_it_picks_the_nearest_observers_first(quiet: World, incident: Incident) -> None:
    add_observer(quiet, "far", at_ring(incident, 6))
    add_observer(quiet, "near", at_ring(incident, 1))
    add_observer(quiet, "here", at_ring(incident, 0))
    add_observer(quiet, "middle", at_ring(incident, 3))
    assert pick(incident, 3) == ["here", "near", "middle"]
    assert pick(incident, 10) == ["here", "near", "middle", "far"]


def test_it_expands_the_rings_until_it_finds_someone(quiet: World, incident: Incident) -> None:
    add_observer(quiet, "distant", at_ring(incident, 20))
    assert pick(incident, 2) == ["distant"]


def test_it_does_not_look_beyond_the_last_ring(quiet: World, incident: Incident) -> None:
    add_observer(quiet, "too_far", at_ring(incident, MAX_RING + 2))
    assert pick(incident, 2) == []


def test_it_prefers_the_incident_language_within_the_same_ring(quiet: World) -> None:
    incident = place_incident(language="es")
    add_observer(quiet, "anna", at_ring(incident, 1, 0), ["en"])
    add_observer(quiet, "beto", at_ring(incident, 1, 3), ["es"])
    add_observer(quiet, "cruz", at_ring(incident, 2, 0), ["es-MX"])
    assert pick(incident, 1) == ["beto"]
    assert pick(incident, 3) == ["beto", "anna", "cruz"]


def test_language_never_beats_a_nearer_ring(quiet: World) -> None:
    incident = place_incident(language="es")
    add_observer(quiet, "anna", at_ring(incident, 0), ["en"])
    add_observer(quiet, "beto", at_ring(incident, 1), ["es"])
    assert pick(incident, 1) == ["anna"]


def test_it_skips_observers_whose_training_expired(world: World, incident: Incident) -> None:
    Observer.objects.filter(user=world.carol).update(training_expires_on=timezone.localdate() - dt.timedelta(days=1))
    Observer.objects.filter(user=world.chris).update(training_expires_on=None)
    assert pick(incident) == []


def test_training_that_expires_today_still_counts(world: World, incident: Incident) -> None:
    Observer.objects.filter(user=world.carol).update(training_expires_on=timezone.localdate())
    assert "carol" in pick(incident)


def test_it_skips_observers_who_have_not_accepted_the_code_of_conduct(world: World, incident: Incident) -> None:
    Observer.objects.filter(user=world.carol).update(code_accepted_at=None)
    assert pick(incident) == ["chris"]


def test_it_skips_inactive_observers(world: World, incident: Incident) -> None:
    Observer.objects.filter(user=world.chris).update(active=False)
    assert pick(incident) == ["carol"]


@pytest.mark.parametrize(
    "change",
    [
        {"ended_at": timezone.now()},
        {"started_at": None},
        {"ends_at": timezone.now() - dt.timedelta(minutes=1)},
        {"starts_at": timezone.now() + dt.timedelta(hours=1)},
        {"cell": ""},
    ],
    ids=["ended", "never-started", "window-passed", "not-yet", "no-cell"],
)
def test_it_skips_observers_who_are_not_on_shift_now(
    world: World, incident: Incident, change: dict[str, object]
) -> None:
    Shift.objects.filter(observer__user=world.carol).update(**change)
    assert pick(incident) == ["chris"]


@pytest.mark.parametrize("status", [DispatchStatus.SENT, DispatchStatus.ACCEPTED, DispatchStatus.ON_SCENE])
def test_it_skips_observers_already_on_an_active_dispatch(world: World, incident: Incident, status: str) -> None:
    other = place_incident()
    now = timezone.now()
    Dispatch.objects.create(
        incident=other, observer=observer_of(world.carol), status=status, sent_at=now, answer_by=now
    )
    assert pick(incident) == ["chris"]


@pytest.mark.parametrize(
    "status", [DispatchStatus.LEFT_SAFE, DispatchStatus.DECLINED, DispatchStatus.EXPIRED, DispatchStatus.CANCELLED]
)
def test_a_finished_dispatch_leaves_the_observer_available(world: World, incident: Incident, status: str) -> None:
    other = place_incident()
    now = timezone.now()
    Dispatch.objects.create(
        incident=other, observer=observer_of(world.carol), status=status, sent_at=now, answer_by=now
    )
    assert sorted(pick(incident)) == ["carol", "chris"]


def test_it_keeps_to_the_group_of_the_incident_zone(world: World, incident: Incident) -> None:
    make_observer("sam", world.south, (incident.lat, incident.lon))
    assert "sam" not in pick(incident)
    south_incident = place_incident(SOUTH_CENTER)
    assert south_incident.zone == world.south_zone
    assert pick(south_incident) == ["sam"]


def test_an_unzoned_incident_may_get_observers_of_any_group(world: World) -> None:
    outside = (45.2, -93.27)  # north of every zone
    incident = place_incident(outside)
    assert incident.zone is None
    make_observer("sam", world.south, (outside[0] + 0.003, outside[1]))
    make_observer("nina", world.north, (outside[0] - 0.02, outside[1]))
    assert pick(incident, 2) == ["sam", "nina"]


def test_it_leaves_out_the_excluded_observers(world: World, incident: Incident) -> None:
    carol = observer_of(world.carol)
    assert pick(incident, exclude_ids=(carol.pk,)) == ["chris"]


def test_it_lists_an_observer_once_even_with_two_open_shifts(world: World, incident: Incident) -> None:
    shift = Shift.objects.get(observer__user=world.carol)
    shift.pk = None
    shift.save()
    assert sorted(pick(incident)) == ["carol", "chris"]


def test_it_returns_nobody_for_a_count_below_one(world: World, incident: Incident) -> None:
    assert pick(incident, 0) == []
