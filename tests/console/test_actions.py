"""Triage through HTTP, as the dispatcher's browser does it: every action, every role, bad input, CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import add_report, make_incident, send
from tests.hotline.test_triage import _snapshot
from tests.world import NORTH_CENTER, SOUTH_CENTER, World, verify_session
from vigil.hotline.models import Channel, Incident, IncidentEvent, IncidentState, Verdict
from vigil.network.models import Dispatch, DispatchStatus, Observer

NEAR = (NORTH_CENTER[0] + 0.002, NORTH_CENTER[1])
ACTIONS = ["dispatch", "verify", "merge", "split", "verdict", "close", "reopen"]


def _url(incident: Incident, action: str) -> str:
    return f"/console/incident/{incident.pk}/{action}"


@pytest.fixture
def north(world: World) -> Incident:
    return make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.SMS, Channel.API])


@pytest.mark.parametrize("action", ACTIONS)
def test_it_sends_anonymous_visitors_to_sign_in_and_changes_nothing(
    client: Client, north: Incident, action: str
) -> None:
    before = _snapshot()
    response = client.post(_url(north, action), {"verdict": "confirmed"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert _snapshot() == before


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("name", ["mallory", "carol", "chris", "dave", "erin", "frank", "nobody"])
def test_it_answers_404_to_people_outside_the_zones_dispatch(
    world: World, north: Incident, action: str, name: str
) -> None:
    before = _snapshot()
    response = world.client_for(getattr(world, name)).post(_url(north, action), {"verdict": "false_alarm"})
    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("action", ACTIONS)
def test_it_refuses_get_on_actions(world: World, north: Incident, action: str) -> None:
    assert world.client_for(world.bob).get(_url(north, action)).status_code == 405


@pytest.mark.parametrize("action", ACTIONS)
def test_it_answers_404_for_an_unknown_incident(world: World, north: Incident, action: str) -> None:
    response = world.client_for(world.bob).post(
        f"/console/incident/{north.pk + 500}/{action}", {"verdict": "confirmed"}
    )
    assert response.status_code == 404


def test_it_requires_the_csrf_token(world: World, north: Incident) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bob)
    verify_session(client)
    before = _snapshot()
    assert client.post(_url(north, "verdict"), {"verdict": "confirmed"}).status_code == 403
    assert _snapshot() == before


def test_the_dispatcher_sends_observers_with_one_action(world: World, north: Incident) -> None:
    response = world.client_for(world.bob).post(_url(north, "dispatch"), follow=True)
    assert response.redirect_chain[-1] == (f"/console/incident/{north.pk}/", 302)
    html = response.content.decode()
    assert "Dispatched:" in html and "carol" in html and "chris" in html
    north.refresh_from_db()
    assert north.state == IncidentState.VERIFYING
    assert set(Dispatch.objects.filter(incident=north).values_list("observer__user__username", flat=True)) == {
        "carol",
        "chris",
    }
    dispatched = IncidentEvent.objects.get(incident=north, kind="dispatched")
    assert dispatched.actor == world.bob


def test_the_coordinator_can_stand_in_for_the_dispatcher(world: World, north: Incident) -> None:
    assert world.client_for(world.alice).post(_url(north, "dispatch"), {"count": "1"}).status_code == 302
    assert Dispatch.objects.filter(incident=north).count() == 1


def test_it_says_clearly_when_nobody_can_be_sent(world: World, north: Incident) -> None:
    Observer.objects.update(active=False)
    response = world.client_for(world.bob).post(_url(north, "dispatch"))
    assert response.status_code == 409
    assert "No observer is available" in response.content.decode()
    assert not Dispatch.objects.exists()


@pytest.mark.parametrize("count", ["0", "-1", "abc", "11", "1.5"])
def test_it_refuses_a_bad_number_of_observers(world: World, north: Incident, count: str) -> None:
    before = _snapshot()
    response = world.client_for(world.bob).post(_url(north, "dispatch"), {"count": count})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert _snapshot() == before


def test_it_records_a_verdict_through_the_form(world: World, north: Incident) -> None:
    send(north, world.carol.observer, DispatchStatus.SENT)
    response = world.client_for(world.bob).post(
        _url(north, "verdict"), {"verdict": "false_alarm", "note": "Caller saw a utility crew"}, follow=True
    )
    assert "Verdict recorded: False alarm." in response.content.decode()
    north.refresh_from_db()
    assert (north.state, north.verdict, north.verdict_note) == ("verdict", "false_alarm", "Caller saw a utility crew")
    # The observer who had not answered yet is told not to go.
    assert Dispatch.objects.get(incident=north).status == DispatchStatus.CANCELLED


@pytest.mark.parametrize(
    "data",
    [{}, {"verdict": ""}, {"verdict": "maybe"}, {"verdict": "closed"}, {"verdict": "confirmed", "note": "x" * 2001}],
)
def test_it_refuses_bad_verdicts_with_400_and_keeps_what_was_typed(
    world: World, north: Incident, data: dict[str, str]
) -> None:
    before = _snapshot()
    response = world.client_for(world.bob).post(_url(north, "verdict"), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert _snapshot() == before


def test_it_refuses_a_verdict_on_a_closed_incident_with_409(world: World, north: Incident) -> None:
    client = world.client_for(world.bob)
    client.post(_url(north, "verdict"), {"verdict": Verdict.CONFIRMED})
    assert client.post(_url(north, "close")).status_code == 302
    before = _snapshot()
    response = client.post(_url(north, "verdict"), {"verdict": Verdict.FALSE_ALARM})
    assert response.status_code == 409 and "cannot become" in response.content.decode()
    assert _snapshot() == before


def test_it_refuses_to_close_without_a_verdict_with_409(world: World, north: Incident) -> None:
    response = world.client_for(world.bob).post(_url(north, "close"))
    assert response.status_code == 409 and "Record a verdict" in response.content.decode()


def test_it_closes_and_reopens(world: World, north: Incident) -> None:
    client = world.client_for(world.bob)
    client.post(_url(north, "verdict"), {"verdict": Verdict.UNABLE_TO_VERIFY})
    assert client.post(_url(north, "close")).status_code == 302
    north.refresh_from_db()
    assert north.state == IncidentState.CLOSED
    assert client.post(_url(north, "reopen"), {"reason": "More calls came in"}).status_code == 302
    north.refresh_from_db()
    assert north.state == IncidentState.VERIFYING and north.verdict == ""
    assert IncidentEvent.objects.get(incident=north, kind="reopened").data["reason"] == "More calls came in"
    assert client.post(_url(north, "reopen")).status_code == 409


def test_it_starts_verifying_by_hand(world: World, north: Incident) -> None:
    client = world.client_for(world.bob)
    assert client.post(_url(north, "verify")).status_code == 302
    north.refresh_from_db()
    assert north.state == IncidentState.VERIFYING
    assert client.post(_url(north, "verify")).status_code == 409


def test_it_merges_a_nearby_duplicate(world: World, north: Incident) -> None:
    duplicate = make_incident(world.north_zone, NEAR, channels=[Channel.OPERATOR])
    response = world.client_for(world.bob).post(_url(north, "merge"), {"sources": [str(duplicate.pk)]})
    assert response.status_code == 302
    north.refresh_from_db()
    duplicate.refresh_from_db()
    assert north.report_count == 4 and duplicate.merged_into == north
    assert duplicate.state == IncidentState.CLOSED


def test_it_merges_an_incident_typed_by_number(world: World, north: Incident) -> None:
    far = make_incident(world.north_zone, (NORTH_CENTER[0] + 0.02, NORTH_CENTER[1]))
    assert world.client_for(world.bob).post(_url(north, "merge"), {"other": str(far.pk)}).status_code == 302
    far.refresh_from_db()
    assert far.merged_into_id == north.pk


def test_it_refuses_to_merge_an_incident_with_itself(world: World, north: Incident) -> None:
    before = _snapshot()
    response = world.client_for(world.bob).post(_url(north, "merge"), {"sources": [str(north.pk)]})
    assert response.status_code == 400 and "itself" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("data", [{}, {"sources": ["abc"]}, {"sources": ["-3"]}, {"other": "x"}, {"other": "0"}])
def test_it_refuses_malformed_merges(world: World, north: Incident, data: dict[str, object]) -> None:
    before = _snapshot()
    response = world.client_for(world.bob).post(_url(north, "merge"), data)
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert _snapshot() == before


def test_it_refuses_to_merge_unknown_or_foreign_incidents_alike(world: World, north: Incident) -> None:
    south = make_incident(world.south_zone, SOUTH_CENTER)
    near = make_incident(world.north_zone, NEAR)
    client = world.client_for(world.bob)
    before = _snapshot()
    foreign = client.post(_url(north, "merge"), {"sources": [str(near.pk), str(south.pk)]})
    missing = client.post(_url(north, "merge"), {"other": "987654"})
    assert foreign.status_code == missing.status_code == 400
    assert "There is no incident" in foreign.content.decode() and "There is no incident" in missing.content.decode()
    assert _snapshot() == before


def test_it_splits_selected_reports_into_a_new_incident(world: World, north: Incident) -> None:
    stray = add_report(north, channel=Channel.OPERATOR, at=(NORTH_CENTER[0] + 0.004, NORTH_CENTER[1]))
    response = world.client_for(world.bob).post(_url(north, "split"), {"reports": [str(stray.pk)]}, follow=True)
    assert "moved to new incident" in response.content.decode()
    stray.refresh_from_db()
    north.refresh_from_db()
    assert stray.incident_id != north.pk and north.report_count == 3
    assert stray.incident is not None and stray.incident.report_count == 1


def test_it_refuses_to_split_all_reports(world: World, north: Incident) -> None:
    before = _snapshot()
    every = [str(pk) for pk in north.reports.values_list("pk", flat=True)]
    response = world.client_for(world.bob).post(_url(north, "split"), {"reports": every})
    assert response.status_code == 400 and "at least one report" in response.content.decode()
    assert _snapshot() == before


def test_it_refuses_to_split_foreign_or_malformed_reports(world: World, north: Incident) -> None:
    other = make_incident(world.north_zone, NEAR)
    client = world.client_for(world.bob)
    before = _snapshot()
    for data in ({}, {"reports": ["abc"]}, {"reports": [str(other.reports.get().pk)]}, {"reports": ["99999"]}):
        response = client.post(_url(north, "split"), data)
        assert response.status_code == 400, data
        assert 'role="alert"' in response.content.decode()
    assert _snapshot() == before


def test_a_refusal_page_still_works_as_the_incident_page(world: World, north: Incident) -> None:
    html = world.client_for(world.bob).post(_url(north, "verdict"), {"verdict": "nope"}).content.decode()
    assert "Incident #" in html and "Record verdict" in html and 'id="refusal"' in html
    assert 'src="/static/console/incident.js"' in html


def test_a_guarded_note_is_refused_with_the_reason_and_kept_for_fixing(world: World, north: Incident) -> None:
    note = "The agent's name is John Miller and he lives at 12 Oak St"
    before = _snapshot()
    response = world.client_for(world.bob).post(_url(north, "verdict"), {"verdict": "confirmed", "note": note})
    html = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in html
    assert "12 Oak St" in html  # still in the note box, for the dispatcher to fix
    assert _snapshot() == before
