"""Missed check-ins alert the observer's group coordinators (and the dispatcher who sent them), once per silence."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.world import World, make_user
from vigil.accounts.models import Role
from vigil.hotline.models import Incident, IncidentEvent
from vigil.network.dispatch import (
    accept_dispatch,
    alert_missed_check_ins,
    check_in,
    check_out_safe,
    dispatch_observers,
    mark_arrived,
)
from vigil.network.models import Dispatch, Notification
from vigil.network.tasks import alert_missed_check_ins as alert_task
from vigil.places.models import NetworkSettings


def accepted(world: World, incident: Incident, at: dt.datetime) -> Dispatch:
    dispatch_observers(incident=incident, actor=world.bob, count=1, now=at)
    dispatch = Dispatch.objects.get(incident=incident)
    return accept_dispatch(dispatch=dispatch, actor=world.carol, code_acknowledged=True, now=at)


def test_a_missed_check_in_alerts_the_coordinators_and_the_dispatcher(world: World, incident: Incident) -> None:
    t0 = timezone.now() - dt.timedelta(minutes=50)
    dispatch = accepted(world, incident, t0)
    # 20 minutes + 5 of grace: nothing yet at 24 minutes.
    assert alert_missed_check_ins(now=t0 + dt.timedelta(minutes=24)) == 0
    assert alert_missed_check_ins(now=t0 + dt.timedelta(minutes=26)) == 1
    alerted = set(Notification.objects.filter(kind="check_in_missed").values_list("user__username", flat=True))
    assert alerted == {"alice", "bob"}
    event = IncidentEvent.objects.get(incident=incident, kind="check_in_missed")
    assert event.data["observer"] == dispatch.observer_id
    assert sorted(event.data["alerted_user_ids"]) == sorted([world.alice.pk, world.bob.pk])
    body = Notification.objects.filter(user=world.alice, kind="check_in_missed").get().body
    assert "carol" in body and "26 minutes" in body


def test_it_alerts_once_per_silence(world: World, incident: Incident) -> None:
    t0 = timezone.now() - dt.timedelta(minutes=50)
    dispatch = accepted(world, incident, t0)
    assert alert_missed_check_ins(now=t0 + dt.timedelta(minutes=30)) == 1
    assert alert_missed_check_ins(now=t0 + dt.timedelta(minutes=31)) == 0
    check_in(dispatch=dispatch, actor=world.carol, now=t0 + dt.timedelta(minutes=40))
    assert alert_missed_check_ins(now=t0 + dt.timedelta(minutes=50)) == 0
    assert alert_missed_check_ins(now=t0 + dt.timedelta(minutes=66)) == 1
    assert IncidentEvent.objects.filter(incident=incident, kind="check_in_missed").count() == 2


def test_arrival_and_check_ins_restart_the_clock(world: World, incident: Incident) -> None:
    t0 = timezone.now() - dt.timedelta(minutes=50)
    dispatch = accepted(world, incident, t0)
    mark_arrived(dispatch=dispatch, actor=world.carol, now=t0 + dt.timedelta(minutes=15))
    assert alert_missed_check_ins(now=t0 + dt.timedelta(minutes=39)) == 0
    assert alert_missed_check_ins(now=t0 + dt.timedelta(minutes=41)) == 1


def test_an_observer_who_checked_out_is_not_chased(world: World, incident: Incident) -> None:
    t0 = timezone.now() - dt.timedelta(minutes=50)
    dispatch = accepted(world, incident, t0)
    check_out_safe(dispatch=dispatch, actor=world.carol, now=t0 + dt.timedelta(minutes=10))
    assert alert_missed_check_ins(now=t0 + dt.timedelta(hours=1)) == 0


def test_the_period_comes_from_the_network_settings(world: World, incident: Incident) -> None:
    NetworkSettings.objects.create(pk=1, checkin_minutes=5)
    t0 = timezone.now() - dt.timedelta(minutes=50)
    accepted(world, incident, t0)
    assert alert_missed_check_ins(now=t0 + dt.timedelta(minutes=11)) == 1


def test_only_the_coordinators_of_the_observers_group_are_alerted(world: World, incident: Incident) -> None:
    make_user("sid", world.south, Role.COORDINATOR)
    t0 = timezone.now() - dt.timedelta(minutes=50)
    accepted(world, incident, t0)
    alert_missed_check_ins(now=t0 + dt.timedelta(minutes=30))
    assert not Notification.objects.filter(user__username="sid").exists()


def test_the_clock_task_alerts(world: World, incident: Incident) -> None:
    accepted(world, incident, timezone.now() - dt.timedelta(minutes=50))
    assert alert_task.enqueue().return_value == 1
