"""The operator console (/operator/): scripted SALUTE form, one queue of every channel, placing unplaced reports."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import salute
from tests.world import NORTH_CENTER, SOUTH_CENTER, UNZONED, World
from vigil.accounts.models import AuditEvent
from vigil.hotline.models import Channel, IncidentEvent, Report
from vigil.hotline.services import submit_report


def _form(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "language": "es",
        "size": "6 agentes",
        "activity": "tocando puertas en el edificio",
        "location_text": "Edificio en la 24 y Bloomington",
        "lat": "",
        "lon": "",
        "uniform": "chalecos POLICE",
        "seen_at": "",
        "equipment": "",
        "text": "",
        "contact": "",
    }
    data.update(over)
    return data


def test_it_shows_the_scripted_form_in_the_callers_language(world: World) -> None:
    client = world.client_for(world.dave)
    response = client.get("/operator/?language=es")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-script-lang="es"' in html and 'data-script-lang="en"' in html
    assert html.count(" hidden>") >= 9  # the English prompts are hidden, the Spanish ones shown
    assert 'name="activity"' in html and "intake/operator.js" in html
    assert "<script>" not in html and "style=" not in html


def test_it_saves_an_operator_report_with_who_entered_it(world: World) -> None:
    client = world.client_for(world.dave)
    response = client.post("/operator/", _form(lat=str(NORTH_CENTER[0]), lon=str(NORTH_CENTER[1])))
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.channel == Channel.OPERATOR and report.entered_by == world.dave and report.language == "es"
    assert f"{report.receipt[:4]}-{report.receipt[4:]}" in response.content.decode()
    event = IncidentEvent.objects.get(kind="incident_opened")
    assert event.actor == world.dave


def test_it_keeps_what_the_operator_typed_on_bad_input(world: World) -> None:
    client = world.client_for(world.dave)
    response = client.post("/operator/", _form(lat="91", lon="0"))
    assert response.status_code == 400
    assert "tocando puertas en el edificio" in response.content.decode()
    assert not Report.objects.exists()


def test_the_queue_shows_every_channel_unplaced_first_within_the_operators_zones(world: World) -> None:
    north = submit_report(**salute(NORTH_CENTER, activity="north web report"))
    submit_report(**salute(SOUTH_CENTER, activity="south report"))
    far = submit_report(**salute(UNZONED, channel="api", activity="far away report"))
    unplaced = submit_report(**salute(None, channel="sms", activity="unplaced sms report", require_location=False))
    html = world.client_for(world.dave).get("/operator/queue").content.decode()
    assert "north web report" in html and "far away report" in html and "unplaced sms report" in html
    assert "south report" not in html
    assert html.index("unplaced sms report") < html.index("north web report")
    assert "channel-sms" in html and "channel-web" in html and "channel-api" in html
    assert f"/operator/report/{unplaced.pk}/place" in html
    assert north.incident is not None and far.incident is not None


def test_an_operator_places_an_unplaced_report_and_it_joins_an_incident(world: World) -> None:
    placed = submit_report(**salute(NORTH_CENTER))
    unplaced = submit_report(**salute(None, location_text="the laundromat on Lake St"))
    client = world.client_for(world.dave)
    assert "the laundromat on Lake St" in client.get(f"/operator/report/{unplaced.pk}/place").content.decode()
    response = client.post(
        f"/operator/report/{unplaced.pk}/place", {"lat": str(NORTH_CENTER[0]), "lon": str(NORTH_CENTER[1])}
    )
    assert response.status_code == 200
    unplaced.refresh_from_db()
    assert unplaced.incident_id == placed.incident_id
    assert IncidentEvent.objects.filter(kind="report_placed", actor=world.dave).exists()
    assert AuditEvent.objects.filter(action="report.place", actor=world.dave).exists()
    again = client.post(f"/operator/report/{unplaced.pk}/place", {"lat": "45", "lon": "-93"})
    assert again.status_code == 409
    unplaced.refresh_from_db()
    assert unplaced.lat == NORTH_CENTER[0]


@pytest.mark.parametrize("data", [{"lat": "", "lon": ""}, {"lat": "100", "lon": "0"}, {"lat": "x", "lon": "y"}])
def test_placing_refuses_bad_coordinates_and_changes_nothing(world: World, data: dict[str, str]) -> None:
    unplaced = submit_report(**salute(None))
    response = world.client_for(world.dave).post(f"/operator/report/{unplaced.pk}/place", data)
    assert response.status_code == 400
    unplaced.refresh_from_db()
    assert unplaced.lat is None and unplaced.incident is None


# --- every view against every role ---------------------------------------------------------------------------

ROLES = ["alice", "bob", "carol", "chris", "dave", "erin", "frank", "mallory", "nobody"]


@pytest.mark.parametrize("name", ROLES)
def test_only_operators_open_the_operator_console(world: World, name: str) -> None:
    client = world.client_for(getattr(world, name))
    expected = 200 if name == "dave" else 404
    assert client.get("/operator/").status_code == expected
    assert client.get("/operator/queue").status_code == expected
    assert client.post("/operator/", _form()).status_code == (201 if name == "dave" else 404)
    assert Report.objects.count() == (1 if name == "dave" else 0)


def test_strangers_are_sent_to_sign_in(world: World) -> None:
    for path in ("/operator/", "/operator/queue", "/operator/report/1/place"):
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ROLES)
def test_placing_a_northside_report_is_for_northside_operators_and_dispatchers(world: World, name: str) -> None:
    report = submit_report(**salute(NORTH_CENTER))
    unplaced = submit_report(**salute(None))
    client = world.client_for(getattr(world, name))
    north = client.get(f"/operator/report/{report.pk}/place").status_code
    loose = client.get(f"/operator/report/{unplaced.pk}/place").status_code
    assert north == (200 if name in {"dave", "bob"} else 404)
    # Unplaced reports are nobody's zone yet: any group's operators and dispatchers may place them.
    assert loose == (200 if name in {"dave", "bob", "mallory"} else 404)
    assert client.get("/operator/report/99999/place").status_code == 404


@pytest.mark.parametrize("name", [*ROLES, None])
def test_the_public_pages_are_open_to_everyone(world: World, name: str | None) -> None:
    client = Client() if name is None else world.client_for(getattr(world, name))
    assert client.get("/report").status_code == 200
    assert client.get("/").status_code == 200
