"""The whole observer flow through HTTP, as the phone does it: accept → arrive → observe → check in → propose →
check out, each step leaving an event in the incident's history."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.hotline.models import Incident, IncidentEvent, Report
from vigil.network.dispatch import dispatch_observers
from vigil.network.models import Dispatch, DispatchStatus, Observation


def carols_dispatch(world: World, incident: Incident) -> Dispatch:
    dispatch_observers(incident=incident, actor=world.bob)
    return Dispatch.objects.get(incident=incident, observer__user=world.carol)


def test_the_observer_walks_through_a_whole_dispatch(world: World, incident: Incident) -> None:
    Report.objects.create(
        receipt="R1", channel="web", incident=incident, location_text="Lake St & 5th Ave", activity="two vans",
        seen_at=timezone.now(), received_at=timezone.now(),
    )  # fmt: skip
    dispatch = carols_dispatch(world, incident)
    phone = world.client_for(world.carol)

    home = phone.get("/observer/")
    assert home.status_code == 200
    assert f"/observer/dispatch/{dispatch.pk}/" in home.content.decode()

    offer = phone.get(f"/observer/dispatch/{dispatch.pk}/")
    page = offer.content.decode()
    assert offer.status_code == 200
    assert "no physical contact" in page.lower()
    assert "Lake St" not in page  # the place is shown only after accepting
    assert "/upload" not in page

    answer = phone.post(f"/observer/dispatch/{dispatch.pk}/accept", {"code_acknowledged": "on"})
    assert answer.status_code == 302
    accepted = phone.get(f"/observer/dispatch/{dispatch.pk}/").content.decode()
    assert "Lake St &amp; 5th Ave" in accepted
    assert "Next check-in due at" in accepted
    assert f'href="/evidence/dispatch/{dispatch.pk}/upload"' in accepted

    assert phone.post(f"/observer/dispatch/{dispatch.pk}/arrive").status_code == 302
    device = (timezone.now() - dt.timedelta(seconds=42)).isoformat()
    observed = phone.post(
        f"/observer/dispatch/{dispatch.pk}/observe",
        {"size": "6 agents, 2 vans", "activity": "questioning people at the bus stop", "location": "NE corner",
         "uniform": "vests marked POLICE ICE", "equipment": "unmarked vans", "note": "", "time_seen": "",
         "device_time": device},
    )  # fmt: skip
    assert observed.status_code == 302
    assert phone.post(f"/observer/dispatch/{dispatch.pk}/check-in").status_code == 302
    proposed = phone.post(
        f"/observer/dispatch/{dispatch.pk}/propose",
        {"verdict": "confirmed", "note": "Vests marked ICE, two people detained"},
    )
    assert proposed.status_code == 302
    assert phone.post(f"/observer/dispatch/{dispatch.pk}/check-out").status_code == 302

    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.LEFT_SAFE
    assert dispatch.responded_at and dispatch.arrived_at and dispatch.last_check_in_at and dispatch.left_at
    assert dispatch.proposed_verdict == "confirmed"
    assert dispatch.proposed_note == "Vests marked ICE, two people detained"
    observation = Observation.objects.get(dispatch=dispatch)
    assert observation.size == "6 agents, 2 vans"
    assert observation.device_time is not None
    assert abs((observation.recorded_at - observation.device_time).total_seconds() - 42) < 5

    mine = IncidentEvent.objects.filter(incident=incident, actor=world.carol).values_list("kind", flat=True)
    assert list(mine) == [
        "dispatch_accepted", "observer_arrived", "observation_recorded", "checked_in", "verdict_proposed",
        "observer_left_safe",
    ]  # fmt: skip
    proposal = IncidentEvent.objects.get(incident=incident, kind="verdict_proposed")
    assert proposal.data["verdict"] == "confirmed"
    assert proposal.data["dispatch"] == dispatch.pk
    assert AuditEvent.objects.filter(actor=world.carol, action="dispatch_viewed", object_id=str(dispatch.pk)).exists()


def test_declining_asks_the_next_observer_at_once(world: World, incident: Incident) -> None:
    dispatch_observers(incident=incident, actor=world.bob, count=1)
    first = Dispatch.objects.get(incident=incident)
    assert first.observer.user == world.carol
    response = world.client_for(world.carol).post(f"/observer/dispatch/{first.pk}/decline")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == DispatchStatus.DECLINED
    second = Dispatch.objects.exclude(pk=first.pk).get(incident=incident)
    assert second.observer.user == world.chris
    assert second.wave == 2
    kinds = list(IncidentEvent.objects.filter(incident=incident).values_list("kind", flat=True))
    assert kinds[-2:] == ["dispatch_declined", "dispatched"]


def test_accepting_needs_the_code_of_conduct_acknowledged(world: World, incident: Incident) -> None:
    dispatch = carols_dispatch(world, incident)
    response = world.client_for(world.carol).post(f"/observer/dispatch/{dispatch.pk}/accept", {})
    assert response.status_code == 400
    assert "Confirm that you will follow the code of conduct" in response.content.decode()
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.SENT


def test_the_inbox_fragment_shows_an_incoming_dispatch(world: World, incident: Incident) -> None:
    phone: Client = world.client_for(world.carol)
    before = phone.get("/observer/inbox/")
    assert before.status_code == 200
    assert "No dispatch for you right now" in before.content.decode()
    dispatch = carols_dispatch(world, incident)
    after = phone.get("/observer/inbox/").content.decode()
    assert f'data-incoming="{dispatch.pk}"' in after
    assert "Vigil dispatch" in after  # the inbox notification


def test_a_notice_can_be_dismissed(world: World, incident: Incident) -> None:
    dispatch = carols_dispatch(world, incident)
    from vigil.network.models import Notification

    notice = Notification.objects.get(user=world.carol, dispatch=dispatch)
    phone = world.client_for(world.carol)
    assert phone.post(f"/observer/inbox/{notice.pk}/read").status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert world.client_for(world.chris).post(f"/observer/inbox/{notice.pk}/read").status_code == 404
