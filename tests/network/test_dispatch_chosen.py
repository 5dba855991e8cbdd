"""Dispatching the observers a dispatcher chose: exactly those, each checked by the rule of availability."""

from __future__ import annotations

import pytest

from tests.factories import km_north, observer_of, send
from tests.world import SOUTH_CENTER, World, make_observer
from vigil.hotline.models import Incident, IncidentEvent
from vigil.network.dispatch import ObserverNotAvailable, dispatch_observers
from vigil.network.models import Dispatch
from vigil.network.selectors import observers_nearby


def test_it_sends_exactly_the_chosen_observers(world: World, incident: Incident) -> None:
    # carol is nearer, and would be picked first; the dispatcher chose chris
    assert [n.observer for n in observers_nearby(incident=incident)][:2] == [world.carol.observer, world.chris.observer]
    sent = dispatch_observers(incident=incident, actor=world.bob, observer_ids=[world.chris.observer.pk])
    assert [d.observer for d in sent] == [world.chris.observer]
    event = IncidentEvent.objects.get(incident=incident, kind="dispatched")
    assert event.data["observer_ids"] == [world.chris.observer.pk]


@pytest.mark.parametrize("who", ["other_group", "busy", "already_sent", "not_an_observer"])
def test_it_refuses_a_chosen_observer_who_cannot_be_sent_and_sends_nobody(
    world: World, incident: Incident, who: str
) -> None:
    if who == "other_group":
        chosen = observer_of(make_observer("sol", world.south, SOUTH_CENTER)).pk
    elif who == "busy":
        other = Incident.objects.create(
            cell=incident.cell, zone_cell=incident.zone_cell, lat=incident.lat, lon=incident.lon,
            first_report_at=incident.first_report_at, last_report_at=incident.last_report_at,
        )  # fmt: skip
        send(other, world.chris.observer)
        chosen = world.chris.observer.pk
    elif who == "already_sent":
        send(incident, world.chris.observer, status="declined")
        chosen = world.chris.observer.pk
    else:
        chosen = 999_999
    before = Dispatch.objects.count()
    with pytest.raises(ObserverNotAvailable):
        dispatch_observers(incident=incident, actor=world.bob, observer_ids=[world.carol.observer.pk, chosen])
    assert Dispatch.objects.count() == before


def test_nearby_observers_are_told_by_coarse_cell_and_distance(world: World, incident: Incident) -> None:
    far = observer_of(make_observer("faye", world.north, km_north(2.0), ["es"]))
    nearby = observers_nearby(incident=incident)
    assert [n.observer for n in nearby] == [world.carol.observer, world.chris.observer, far]
    assert all(len(n.cell) == 15 for n in nearby)
    assert nearby[2].km is not None and 1.0 < nearby[2].km < 3.0
