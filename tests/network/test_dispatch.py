from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import observer_of, place_incident
from tests.world import World
from vigil.hotline.models import Incident, IncidentEvent, IncidentState
from vigil.lib.errors import VigilError
from vigil.network.dispatch import NoObserverAvailable, dispatch_observers
from vigil.network.models import Dispatch, DispatchStatus, Notification, Shift
from vigil.places.models import NetworkSettings


def kinds(incident: Incident) -> list[str]:
    return list(IncidentEvent.objects.filter(incident=incident).values_list("kind", flat=True))


def test_it_sends_a_pair_of_the_nearest_observers(world: World, incident: Incident) -> None:
    now = timezone.now()
    sent = dispatch_observers(incident=incident, actor=world.bob, now=now)
    assert sorted(d.observer.user.username for d in sent) == ["carol", "chris"]
    for dispatch in Dispatch.objects.filter(incident=incident):
        assert dispatch.status == DispatchStatus.SENT
        assert dispatch.wave == 1
        assert dispatch.sent_by == world.bob
        assert dispatch.sent_at == now
        assert dispatch.answer_by == now + dt.timedelta(seconds=180)


def test_it_moves_the_incident_to_verifying_and_records_events(world: World, incident: Incident) -> None:
    sent = dispatch_observers(incident=incident, actor=world.bob)
    incident.refresh_from_db()
    assert incident.state == IncidentState.VERIFYING
    assert kinds(incident) == ["dispatched", "state_changed"]
    dispatched = IncidentEvent.objects.get(incident=incident, kind="dispatched")
    assert dispatched.actor == world.bob
    assert sorted(dispatched.data["observer_ids"]) == sorted(d.observer_id for d in sent)
    assert dispatched.data["wave"] == 1
    changed = IncidentEvent.objects.get(incident=incident, kind="state_changed")
    assert changed.data == {"previous": "new", "state": "verifying"}


def test_it_notifies_each_observer_with_the_code_of_conduct(world: World, incident: Incident) -> None:
    sent = dispatch_observers(incident=incident, actor=world.bob)
    for dispatch in sent:
        note = Notification.objects.get(user=dispatch.observer.user, dispatch=dispatch)
        assert note.kind == "dispatch_offer"
        assert "Code of conduct" in note.body
        assert "no physical contact" in note.body
        assert note.channels == ["inbox"]
        # The message says how far, never where: it may travel through mail and SMS providers.
        assert f"{incident.lat:.3f}" not in note.body


def test_it_sends_as_many_as_asked(world: World, incident: Incident) -> None:
    sent = dispatch_observers(incident=incident, actor=world.bob, count=1)
    assert [d.observer.user.username for d in sent] == ["carol"]


def test_the_pair_size_comes_from_the_network_settings(world: World, incident: Incident) -> None:
    NetworkSettings.objects.create(pk=1, dispatch_pair_size=1, dispatch_accept_seconds=60)
    now = timezone.now()
    sent = dispatch_observers(incident=incident, actor=world.bob, now=now)
    assert len(sent) == 1
    assert sent[0].answer_by == now + dt.timedelta(seconds=60)


def test_a_second_dispatch_sends_other_observers_as_a_new_wave(world: World, incident: Incident) -> None:
    first = dispatch_observers(incident=incident, actor=world.bob, count=1)
    second = dispatch_observers(incident=incident, actor=world.bob, count=1)
    assert first[0].observer != second[0].observer
    assert second[0].wave == 2
    assert kinds(incident) == ["dispatched", "state_changed", "dispatched"]


def test_it_says_clearly_when_nobody_is_available_and_records_it(world: World, incident: Incident) -> None:
    Shift.objects.update(ended_at=timezone.now(), cell="")
    with pytest.raises(NoObserverAvailable) as caught:
        dispatch_observers(incident=incident, actor=world.bob)
    assert caught.value.code == "no_observer_available"
    assert "No observer is available" in caught.value.message
    incident.refresh_from_db()
    assert incident.state == IncidentState.NEW
    assert not Dispatch.objects.exists()
    failed = IncidentEvent.objects.get(incident=incident)
    assert failed.kind == "dispatch_failed"
    assert failed.actor == world.bob
    assert failed.data["reason"] == "no_observer_available"


@pytest.mark.parametrize("state", [IncidentState.VERDICT, IncidentState.CLOSED])
def test_it_refuses_an_incident_that_is_not_open(world: World, state: str) -> None:
    incident = place_incident(state=state)
    with pytest.raises(VigilError) as caught:
        dispatch_observers(incident=incident, actor=world.bob)
    assert caught.value.code == "incident_not_open"
    assert not Dispatch.objects.exists()
    assert not IncidentEvent.objects.exists()


@pytest.mark.parametrize("count", [0, -1, 11])
def test_it_refuses_an_absurd_count(world: World, incident: Incident, count: int) -> None:
    with pytest.raises(VigilError) as caught:
        dispatch_observers(incident=incident, actor=world.bob, count=count)
    assert caught.value.code == "bad_count"
    assert not Dispatch.objects.exists()


def test_a_verifying_incident_stays_verifying(world: World) -> None:
    incident = place_incident(state=IncidentState.VERIFYING)
    dispatch_observers(incident=incident, actor=world.bob)
    incident.refresh_from_db()
    assert incident.state == IncidentState.VERIFYING
    assert kinds(incident) == ["dispatched"]


def test_an_observer_who_got_this_incident_once_is_not_asked_again(world: World, incident: Incident) -> None:
    carol = observer_of(world.carol)
    Dispatch.objects.create(
        incident=incident,
        observer=carol,
        status=DispatchStatus.DECLINED,
        sent_at=timezone.now(),
        answer_by=timezone.now(),
    )
    sent = dispatch_observers(incident=incident, actor=world.bob)
    assert [d.observer.user.username for d in sent] == ["chris"]


def test_open_offers_can_be_withdrawn_when_the_incident_is_settled(world: World, incident: Incident) -> None:
    from vigil.network.dispatch import accept_dispatch, cancel_open_dispatches

    sent = dispatch_observers(incident=incident, actor=world.bob)
    accept_dispatch(dispatch=sent[0], actor=sent[0].observer.user, code_acknowledged=True)
    assert cancel_open_dispatches(incident=incident, actor=world.bob) == 1
    assert sorted(Dispatch.objects.values_list("status", flat=True)) == ["accepted", "cancelled"]
    cancelled = IncidentEvent.objects.get(incident=incident, kind="dispatch_cancelled")
    assert cancelled.data["observer_ids"] == [sent[1].observer_id]
    assert cancel_open_dispatches(incident=incident, actor=world.bob) == 0
