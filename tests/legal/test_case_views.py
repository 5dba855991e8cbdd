"""Every case page against every person of the fictional world: the team opens, everyone else gets a 404."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.cases.helpers import open_case
from tests.factories import observer_of, place_incident, send
from tests.world import World, signed_in
from vigil.accounts.models import AuditEvent
from vigil.cases.models import Case, CaseState
from vigil.hotline.models import Incident, IncidentEvent

EVERYONE = ["alice", "bob", "carol", "chris", "dave", "erin", "frank", "mallory", "nobody"]
TEAM = {"alice", "erin"}  # erin is the case's attorney, alice coordinates the group

GET_PAGES = [
    "legal:case",
    "legal:reveal",
    "legal:history",
    "legal:edit_person",
    "legal:family",
    "legal:family_add",
    "legal:decide",
    "legal:close",
    "legal:note",
    "legal:member",
    "legal:locator_check",
    "legal:hearing",
    "legal:trigger",
    "legal:plan_link",
]
POST_PAGES = ["legal:screen", "legal:decide", "legal:note", "legal:member", "legal:close", "legal:edit_person"]


@pytest.mark.parametrize("name", EVERYONE)
@pytest.mark.parametrize("page", GET_PAGES)
def test_case_pages_open_for_the_team_only(world: World, name: str, page: str) -> None:
    case = open_case(world)
    client = world.client_for(getattr(world, name))
    response = client.get(reverse(page, args=[case.pk]))
    assert response.status_code == (200 if name in TEAM else 404)
    missing = client.get(reverse(page, args=[case.pk + 1000]))
    assert missing.status_code == 404


@pytest.mark.parametrize("name", sorted(set(EVERYONE) - TEAM))
@pytest.mark.parametrize("page", POST_PAGES)
def test_case_actions_are_404_outside_the_team(world: World, name: str, page: str) -> None:
    case = open_case(world)
    response = world.client_for(getattr(world, name)).post(
        reverse(page, args=[case.pk]),
        {"text": "x", "decision": "accepted", "reason": "x", "username": "dave", "name": "Changed Name"},
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == CaseState.INTAKE
    assert not case.events.filter(kind="person_corrected").exists()
    assert not case.notes.exists() and not case.members.exists()


def test_strangers_are_sent_to_sign_in(world: World) -> None:
    case = open_case(world)
    for url in (reverse("legal:list"), reverse("legal:case", args=[case.pk]), reverse("legal:new")):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", EVERYONE)
def test_the_case_list(world: World, name: str) -> None:
    case = open_case(world)
    response = world.client_for(getattr(world, name)).get(reverse("legal:list"))
    if name in TEAM:
        assert response.status_code == 200 and reverse("legal:case", args=[case.pk]).encode() in response.content
    else:
        assert response.status_code == 404


def test_a_page_shows_no_sealed_value_until_revealed_and_the_reveal_is_audited(world: World) -> None:
    case = open_case(world, "Quorra Velasquez (fictional)")
    client = world.client_for(world.erin)
    page = client.get(reverse("legal:case", args=[case.pk]))
    assert b"Quorra" not in page.content
    assert AuditEvent.objects.filter(action="case.open", object_id=str(case.pk)).exists()
    shown = client.get(reverse("legal:reveal", args=[case.pk]))
    assert b"Quorra Velasquez" in shown.content
    assert AuditEvent.objects.filter(action="case.reveal", object_id=str(case.pk), actor=world.erin).count() == 1


@override_settings(VIGIL_REQUIRE_SECOND_FACTOR=True, VIGIL_SECOND_FACTOR_URL="/accounts/2fa/")
def test_case_pages_need_a_second_factor(world: World) -> None:
    case = open_case(world)
    response = signed_in(world.erin, verified=False).get(reverse("legal:case", args=[case.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")


def test_an_attorney_opens_a_case_and_screens_it_with_the_conflict_shown(world: World) -> None:
    earlier = open_case(world, "Jon Smyth")
    client = world.client_for(world.erin)
    response = client.post(reverse("legal:new"), {"name": "John Smith", "a_number": "A 123 456 78"})
    assert response.status_code == 302
    case = Case.objects.exclude(pk=earlier.pk).get()
    assert case.source == "attorney" and case.attorney_id == world.erin.pk
    page = client.get(reverse("legal:case", args=[case.pk]))
    assert f"Case #{earlier.pk}".encode() in page.content and b"sounds alike" in page.content
    client.post(reverse("legal:screen", args=[case.pk]))
    client.post(reverse("legal:decide", args=[case.pk]), {"decision": "referred", "reason": "Conflict with #1."})
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED and case.reason == "Conflict with #1."


def test_an_attorney_takes_an_unassigned_case(world: World) -> None:
    case = open_case(world, attorney=False)
    assert world.client_for(world.bob).post(reverse("legal:take", args=[case.pk])).status_code == 404
    assert world.client_for(world.erin).post(reverse("legal:take", args=[case.pk])).status_code == 302
    assert Case.objects.get(pk=case.pk).attorney_id == world.erin.pk


def test_a_bad_a_number_comes_back_beside_the_field_and_writes_nothing(world: World) -> None:
    response = world.client_for(world.erin).post(reverse("legal:new"), {"name": "Ana", "a_number": "12"})
    assert response.status_code == 400 and b"8 or 9 digits" in response.content
    assert not Case.objects.exists()


def test_a_decision_without_screening_is_refused(world: World) -> None:
    case = open_case(world)
    response = world.client_for(world.erin).post(
        reverse("legal:decide", args=[case.pk]), {"decision": "accepted", "reason": "ok"}
    )
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).state == CaseState.INTAKE


def test_the_text_guard_refuses_a_note(world: World) -> None:
    case = open_case(world)
    response = world.client_for(world.erin).post(
        reverse("legal:note", args=[case.pk]), {"text": "The agent lives at 42 Oak Street with his wife"}
    )
    assert response.status_code == 400 and not case.notes.exists()


def _confirmed() -> Incident:
    incident = place_incident(state="verdict")
    incident.verdict = "confirmed"
    incident.save(update_fields=["verdict"])
    return incident


@pytest.mark.parametrize("name", EVERYONE)
def test_person_detained_from_a_confirmed_incident(world: World, name: str) -> None:
    incident = _confirmed()
    send(incident, observer_of(world.carol))
    allowed = {"alice", "bob", "carol"}
    response = world.client_for(getattr(world, name)).post(
        reverse("legal:from_incident", args=[incident.pk]),
        {"name": "Taken Person (fictional)", "family_name": "Relative (fictional)", "family_phone": "612 555 0100"},
    )
    if name not in allowed:
        assert response.status_code == 404 and not Case.objects.exists()
        return
    case = Case.objects.get()
    assert case.incident_id == incident.pk and case.source == "incident"
    assert case.group_id == world.north.pk
    assert IncidentEvent.objects.filter(incident=incident, kind="person_detained", data__case=case.pk).exists()


def test_an_unconfirmed_incident_cannot_record_a_detention(world: World) -> None:
    incident = place_incident()
    response = world.client_for(world.bob).post(
        reverse("legal:from_incident", args=[incident.pk]), {"name": "Taken Person"}
    )
    assert response.status_code == 409 and not Case.objects.exists()


def test_the_console_links_a_confirmed_incident_to_the_detention_form(world: World) -> None:
    incident = _confirmed()
    page = world.client_for(world.bob).get(reverse("console:incident", args=[incident.pk]))
    assert reverse("legal:from_incident", args=[incident.pk]).encode() in page.content


@pytest.mark.parametrize("name", EVERYONE)
def test_the_operators_family_call_intake(world: World, name: str) -> None:
    client = world.client_for(getattr(world, name))
    response = client.post(reverse("legal:family_call"), {"name": "Called About (fictional)", "language": "es"})
    if name in {"dave", "alice"}:
        assert response.status_code in (200, 302)
        case = Case.objects.get()
        assert case.source == "hotline"
    else:
        assert response.status_code == 404 and not Case.objects.exists()


def test_the_family_call_script_is_in_spanish(world: World) -> None:
    client = world.client_for(world.dave)
    response = client.get(reverse("legal:family_call"), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200 and b"detenida" in response.content.lower()


def test_the_team_closes_a_case_with_a_reason(world: World) -> None:
    case = open_case(world)
    client = world.client_for(world.erin)
    assert client.post(reverse("legal:close", args=[case.pk]), {"reason": ""}).status_code == 400
    assert (
        client.post(reverse("legal:close", args=[case.pk]), {"reason": "Family found private counsel."}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.reason == "Family found private counsel."
    assert world.client_for(world.bob).post(reverse("legal:close", args=[case.pk]), {"reason": "x"}).status_code == 404
