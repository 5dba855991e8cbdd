"""Steps queued offline: each client id applied once, in order, a replay after the end refused cleanly, a late
check-in kept with its phone time and never raising a missed check-in alert itself."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from tests.factories import send
from tests.world import World, verify_session
from vigil.hotline.models import Incident, IncidentEvent
from vigil.network import dispatch as network_dispatch
from vigil.network import selectors
from vigil.network.models import Dispatch, DispatchStatus, Observation, Observer, QueuedAction
from vigil.places import config


def engaged(world: World, incident: Incident) -> Dispatch:
    return send(incident, Observer.objects.get(user=world.carol), DispatchStatus.ON_SCENE)


def post(client: Client, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    response = client.post("/observer/sync", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def step(dispatch: Dispatch, client_id: str, kind: str, **data: object) -> dict[str, object]:
    device = (timezone.now() - dt.timedelta(minutes=3)).isoformat()
    return {"id": client_id, "kind": kind, "dispatch": dispatch.pk, "device_time": device, "data": data}


def test_the_same_queued_observation_sent_three_times_is_stored_once(world: World, incident: Incident) -> None:
    dispatch = engaged(world, incident)
    phone = world.client_for(world.carol)
    answers = [post(phone, step(dispatch, "obs-0001-abcd", "observation", activity="two vans")) for _ in range(3)]
    assert [status for status, _ in answers] == [200, 200, 200]
    assert [body["replay"] for _, body in answers] == [False, True, True]
    assert Observation.objects.filter(dispatch=dispatch).count() == 1
    observation = Observation.objects.get()
    assert observation.device_time is not None and observation.device_time < observation.recorded_at
    assert IncidentEvent.objects.filter(incident=incident, kind="observation_recorded").count() == 1


def test_queued_steps_arrive_in_the_order_they_were_sent(world: World, incident: Incident) -> None:
    dispatch = engaged(world, incident)
    phone = world.client_for(world.carol)
    post(phone, step(dispatch, "first-000001", "check_in"))
    post(phone, step(dispatch, "second-00002", "observation", activity="first thing seen"))
    post(phone, step(dispatch, "third-000003", "observation", activity="second thing seen"))
    kinds = list(IncidentEvent.objects.filter(incident=incident).order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == ["checked_in", "observation_recorded", "observation_recorded"]
    assert list(Observation.objects.order_by("pk").values_list("activity", flat=True)) == [
        "first thing seen",
        "second thing seen",
    ]


def test_a_replay_after_the_dispatch_ended_gets_a_clear_answer_and_changes_nothing(
    world: World, incident: Incident
) -> None:
    dispatch = engaged(world, incident)
    phone = world.client_for(world.carol)
    assert post(phone, step(dispatch, "leave-000001", "left_safe"))[0] == 200
    status, body = post(phone, step(dispatch, "late-obs-001", "observation", activity="seen before leaving"))
    assert status == 409 and body["applied"] is False
    assert "not possible now" in str(body["message"])
    assert not Observation.objects.exists()
    again = post(phone, step(dispatch, "late-obs-001", "observation", activity="seen before leaving"))
    assert again == (409, {"applied": False, "message": body["message"], "replay": True})
    assert not Observation.objects.exists()
    assert QueuedAction.objects.count() == 2


def test_a_late_offline_check_in_shows_its_phone_time_and_raises_no_alert(world: World, incident: Incident) -> None:
    dispatch = engaged(world, incident)
    cfg = config.current()
    period = cfg.checkin_minutes
    # The observer checked in on time, without signal; the check-in arrives much later.
    Dispatch.objects.filter(pk=dispatch.pk).update(
        sent_at=timezone.now() - dt.timedelta(minutes=3 * period),
        arrived_at=timezone.now() - dt.timedelta(minutes=3 * period),
    )
    made = timezone.now() - dt.timedelta(minutes=2 * period)
    phone = world.client_for(world.carol)
    body = {
        "id": "late-check-01",
        "kind": "check_in",
        "dispatch": dispatch.pk,
        "device_time": made.isoformat(),
        "data": {},
    }
    assert post(phone, body)[0] == 200
    dispatch.refresh_from_db()
    assert dispatch.last_check_in_device_at == made
    assert dispatch.last_check_in_at is not None and dispatch.last_check_in_at > made
    assert selectors.last_sign_of_life(dispatch) == dispatch.last_check_in_at
    assert network_dispatch.alert_missed_check_ins() == 0
    event = IncidentEvent.objects.get(incident=incident, kind="checked_in")
    assert event.data["late_minutes"] >= 2 * period - 1
    page = world.client_for(world.bob).get(f"/console/incident/{incident.pk}/").content.decode()
    assert "made offline, arrived" in page


def test_a_phone_clock_ahead_of_the_server_is_capped_at_arrival(world: World, incident: Incident) -> None:
    dispatch = engaged(world, incident)
    ahead = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    body = {"id": "ahead-clock-1", "kind": "check_in", "dispatch": dispatch.pk, "device_time": ahead, "data": {}}
    post(world.client_for(world.carol), body)
    dispatch.refresh_from_db()
    assert dispatch.last_check_in_device_at == dispatch.last_check_in_at


def test_someone_elses_dispatch_is_404_and_nothing_is_stored(world: World, incident: Incident) -> None:
    dispatch = engaged(world, incident)
    response = world.client_for(world.chris).post(
        "/observer/sync", json.dumps(step(dispatch, "not-mine-0001", "check_in")), content_type="application/json"
    )
    assert response.status_code == 404
    assert not QueuedAction.objects.exists()


def test_bad_bodies_are_refused(world: World, incident: Incident) -> None:
    dispatch = engaged(world, incident)
    phone = world.client_for(world.carol)
    assert phone.post("/observer/sync", "{", content_type="application/json").status_code == 400
    assert post(phone, step(dispatch, "short", "check_in"))[0] == 400
    assert post(phone, step(dispatch, "unknown-kind-1", "dance"))[0] == 400
    guarded = post(
        phone, step(dispatch, "guarded-0001", "observation", note="The agent lives at 12 Elm St, follow him home")
    )
    assert guarded[0] == 409 and not Observation.objects.exists()


def test_the_sync_endpoint_checks_csrf(world: World, incident: Incident) -> None:
    dispatch = engaged(world, incident)
    phone = Client(enforce_csrf_checks=True)
    phone.force_login(world.carol)
    verify_session(phone)
    response = phone.post(
        "/observer/sync", json.dumps(step(dispatch, "no-csrf-0001", "check_in")), content_type="application/json"
    )
    assert response.status_code == 403
    assert not QueuedAction.objects.exists()
