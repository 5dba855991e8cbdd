"""Escalation with time travel: offers nobody answered expire and the next nearest observers are asked."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.factories import add_observer, km_north
from tests.world import World
from vigil.hotline.models import Incident, IncidentEvent, IncidentState
from vigil.network.dispatch import accept_dispatch, dispatch_observers, escalate_unanswered
from vigil.network.models import Dispatch, DispatchStatus
from vigil.network.tasks import escalate_unanswered as escalate_task


def statuses(incident: Incident) -> dict[str, str]:
    return {d.observer.user.username: d.status for d in Dispatch.objects.filter(incident=incident)}


def test_unanswered_offers_expire_and_the_next_wave_is_sent(world: World, incident: Incident) -> None:
    add_observer(world, "dana", km_north(2))
    add_observer(world, "eli", km_north(3))
    add_observer(world, "fay", km_north(6))
    t0 = timezone.now()
    dispatch_observers(incident=incident, actor=world.bob, now=t0)
    assert statuses(incident) == {"carol": "sent", "chris": "sent"}

    assert escalate_unanswered(now=t0 + dt.timedelta(seconds=179)) == {"incidents": 0, "expired": 0, "dispatched": 0}
    assert statuses(incident) == {"carol": "sent", "chris": "sent"}

    t1 = t0 + dt.timedelta(seconds=181)
    assert escalate_unanswered(now=t1) == {"incidents": 1, "expired": 2, "dispatched": 2}
    assert statuses(incident) == {"carol": "expired", "chris": "expired", "dana": "sent", "eli": "sent"}
    wave2 = Dispatch.objects.filter(incident=incident, wave=2)
    assert {d.answer_by for d in wave2} == {t1 + dt.timedelta(seconds=180)}
    assert all(d.sent_by is None for d in wave2)
    kinds = list(IncidentEvent.objects.filter(incident=incident).values_list("kind", flat=True))
    assert kinds == ["dispatched", "state_changed", "dispatch_expired", "dispatched"]
    expired = IncidentEvent.objects.get(incident=incident, kind="dispatch_expired")
    assert sorted(expired.data["observer_ids"]) == sorted(
        Dispatch.objects.filter(incident=incident, wave=1).values_list("observer_id", flat=True)
    )


def test_an_accepted_observer_is_kept_and_only_the_missing_one_replaced(world: World, incident: Incident) -> None:
    add_observer(world, "dana", km_north(2))
    add_observer(world, "eli", km_north(3))
    t0 = timezone.now()
    dispatch_observers(incident=incident, actor=world.bob, now=t0)
    carol = Dispatch.objects.get(incident=incident, observer__user=world.carol)
    accept_dispatch(dispatch=carol, actor=world.carol, code_acknowledged=True, now=t0 + dt.timedelta(seconds=30))
    escalate_unanswered(now=t0 + dt.timedelta(minutes=4))
    assert statuses(incident) == {"carol": "accepted", "chris": "expired", "dana": "sent"}


def test_nothing_is_sent_once_the_pair_has_accepted(world: World, incident: Incident) -> None:
    t0 = timezone.now()
    for dispatch in dispatch_observers(incident=incident, actor=world.bob, now=t0):
        accept_dispatch(dispatch=dispatch, actor=dispatch.observer.user, code_acknowledged=True, now=t0)
    assert escalate_unanswered(now=t0 + dt.timedelta(hours=1))["dispatched"] == 0


def test_escalation_records_when_nobody_is_left(world: World, incident: Incident) -> None:
    t0 = timezone.now()
    dispatch_observers(incident=incident, actor=world.bob, now=t0)
    escalate_unanswered(now=t0 + dt.timedelta(minutes=4))
    assert statuses(incident) == {"carol": "expired", "chris": "expired"}
    failed = IncidentEvent.objects.get(incident=incident, kind="dispatch_failed")
    assert failed.data["reason"] == "no_observer_available"
    assert failed.data["wanted"] == 2


def test_offers_for_a_closed_incident_expire_without_a_new_wave(world: World, incident: Incident) -> None:
    add_observer(world, "dana", km_north(2))
    t0 = timezone.now()
    dispatch_observers(incident=incident, actor=world.bob, now=t0)
    Incident.objects.filter(pk=incident.pk).update(state=IncidentState.CLOSED)
    escalate_unanswered(now=t0 + dt.timedelta(minutes=4))
    assert statuses(incident) == {"carol": "expired", "chris": "expired"}


def test_an_expired_offer_can_no_longer_be_accepted(world: World, incident: Incident) -> None:
    t0 = timezone.now()
    dispatch_observers(incident=incident, actor=world.bob, now=t0)
    escalate_unanswered(now=t0 + dt.timedelta(minutes=4))
    dispatch = Dispatch.objects.get(incident=incident, observer__user=world.carol)
    response = world.client_for(world.carol).post(
        f"/observer/dispatch/{dispatch.pk}/accept", {"code_acknowledged": "on"}
    )
    assert response.status_code == 409
    assert "not possible now" in response.content.decode()
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.EXPIRED


def test_the_clock_task_escalates(world: World, incident: Incident) -> None:
    dispatch_observers(incident=incident, actor=world.bob, now=timezone.now() - dt.timedelta(minutes=10))
    result = escalate_task.enqueue()
    assert result.return_value == {"incidents": 1, "expired": 2, "dispatched": 0}


def test_the_clock_runs_the_dispatch_jobs() -> None:
    from django.conf import settings
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    mine = {path: seconds for path, seconds in settings.VIGIL_CLOCK_JOBS if path.startswith("vigil.network.")}
    assert mine == {
        "vigil.network.tasks.escalate_unanswered": 15,
        "vigil.network.tasks.alert_missed_check_ins": 60,
        "vigil.network.tasks.close_ended_shifts": 300,
        "vigil.network.tasks.remind_expiring_training": 86400,
    }
    assert all(isinstance(import_string(path), Task) for path in mine)
