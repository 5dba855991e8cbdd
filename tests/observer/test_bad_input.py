"""Bad input on the observer's steps: a clear 400 (bad form) or 409 (step not possible now), and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.world import World
from vigil.hotline.models import Incident, IncidentEvent
from vigil.network.models import Dispatch, DispatchStatus, Observation


@pytest.fixture
def accepted(world: World, incident: Incident) -> Dispatch:
    from vigil.network.dispatch import accept_dispatch, dispatch_observers

    dispatch_observers(incident=incident, actor=world.bob)
    dispatch = Dispatch.objects.get(incident=incident, observer__user=world.carol)
    return accept_dispatch(dispatch=dispatch, actor=world.carol, code_acknowledged=True)


def events_of(incident: Incident) -> int:
    return IncidentEvent.objects.filter(incident=incident).count()


GOOD = {"size": "", "activity": "", "location": "", "uniform": "", "equipment": "", "note": "", "time_seen": "",
        "device_time": ""}  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Write at least one thing you observed"),
        ({"activity": "x" * 2001}, "at most 2000 characters"),
        ({"size": "y" * 201}, "at most 200 characters"),
        ({"activity": "vans", "device_time": "yesterday-ish"}, "The device time is not a valid time"),
        ({"activity": "vans", "device_time": "2026-01-01T10:00:00"}, "The device time is not a valid time"),
        ({"activity": "vans", "time_seen": "not a time"}, "Enter a valid date/time"),
        (
            {"activity": "vans", "time_seen": (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
            "cannot be in the future",
        ),
    ],
    ids=["empty", "long-activity", "long-size", "junk-device-time", "naive-device-time", "junk-time", "future"],
)
def test_bad_observations_are_refused_with_a_reason(
    world: World, accepted: Dispatch, data: dict[str, str], message: str
) -> None:
    before = events_of(accepted.incident)
    response = world.client_for(world.carol).post(f"/observer/dispatch/{accepted.pk}/observe", {**GOOD, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Observation.objects.exists()
    assert events_of(accepted.incident) == before


def test_an_observation_that_exposes_a_person_is_refused_and_kept_for_editing(world: World, accepted: Dispatch) -> None:
    text = "The agent's name is John Smith and he lives at 12 Oak St"
    response = world.client_for(world.carol).post(f"/observer/dispatch/{accepted.pk}/observe", {**GOOD, "note": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "12 Oak St" in page  # what they typed is kept in the form
    assert not Observation.objects.exists()


def test_the_place_of_the_activity_is_fine_in_an_observation(world: World, accepted: Dispatch) -> None:
    response = world.client_for(world.carol).post(
        f"/observer/dispatch/{accepted.pk}/observe", {**GOOD, "activity": "ICE at 2100 Bloomington Ave right now"}
    )
    assert response.status_code == 302
    assert Observation.objects.get().activity == "ICE at 2100 Bloomington Ave right now"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"verdict": "arrested", "note": "seen"}, "Select a valid choice"),
        ({"verdict": "confirmed", "note": ""}, "This field is required"),
        ({"note": "seen"}, "This field is required"),
        ({"verdict": "confirmed", "note": "z" * 2001}, "at most 2000 characters"),
        ({"verdict": "confirmed", "note": "I will hurt the officer, I know where he lives"}, "kept"),
    ],
    ids=["unknown-verdict", "no-note", "no-verdict", "long-note", "guarded-note"],
)
def test_bad_verdict_proposals_are_refused(
    world: World, accepted: Dispatch, data: dict[str, str], message: str
) -> None:
    response = world.client_for(world.carol).post(f"/observer/dispatch/{accepted.pk}/propose", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.proposed_verdict == ""
    assert not IncidentEvent.objects.filter(kind="verdict_proposed").exists()


def test_steps_out_of_order_answer_409(world: World, incident: Incident) -> None:
    from vigil.network.dispatch import dispatch_observers

    dispatch_observers(incident=incident, actor=world.bob)
    dispatch = Dispatch.objects.get(incident=incident, observer__user=world.carol)
    carol: Client = world.client_for(world.carol)
    for step in ("arrive", "check-in", "check-out"):
        response = carol.post(f"/observer/dispatch/{dispatch.pk}/{step}")
        assert response.status_code == 409, step
        assert "not possible now" in response.content.decode()
    response = carol.post(f"/observer/dispatch/{dispatch.pk}/propose", {"verdict": "confirmed", "note": "seen"})
    assert response.status_code == 409
    assert carol.post(f"/observer/dispatch/{dispatch.pk}/accept", {"code_acknowledged": "on"}).status_code == 302
    assert carol.post(f"/observer/dispatch/{dispatch.pk}/accept", {"code_acknowledged": "on"}).status_code == 409
    assert carol.post(f"/observer/dispatch/{dispatch.pk}/decline").status_code == 409
    assert carol.post(f"/observer/dispatch/{dispatch.pk}/check-out").status_code == 302
    assert carol.post(f"/observer/dispatch/{dispatch.pk}/check-out").status_code == 409
    assert carol.post(f"/observer/dispatch/{dispatch.pk}/check-in").status_code == 409
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.LEFT_SAFE
    assert IncidentEvent.objects.filter(incident=incident, kind="observer_left_safe").count() == 1


def test_an_offer_for_an_incident_that_closed_cannot_be_accepted(world: World, incident: Incident) -> None:
    from vigil.network.dispatch import dispatch_observers

    dispatch_observers(incident=incident, actor=world.bob)
    Incident.objects.filter(pk=incident.pk).update(state="closed")
    dispatch = Dispatch.objects.get(incident=incident, observer__user=world.carol)
    response = world.client_for(world.carol).post(
        f"/observer/dispatch/{dispatch.pk}/accept", {"code_acknowledged": "on"}
    )
    assert response.status_code == 409
    assert "no longer open" in response.content.decode()
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.SENT
