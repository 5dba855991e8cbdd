"""The family contacts' pages of a case: the team only, every opening that shows sealed values audited, refusals beside
the field, a closed case left as it is."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.cases.helpers import open_case
from tests.legal.test_case_views import EVERYONE, TEAM
from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.cases import services
from vigil.cases.models import Case, FamilyContact
from vigil.cases.selectors import conflicts_for
from vigil.vault import unseal


def _case(world: World) -> tuple[Case, FamilyContact]:
    case = open_case(world, "Ana Ruiz (fictional)", family=["Rosalind Kin (fictional)"])
    return case, FamilyContact.objects.get(case=case)


def _name(contact: FamilyContact) -> str:
    return unseal(FamilyContact.objects.get(pk=contact.pk).name_sealed, purpose=services.P_FAMILY_NAME)


def _pages(case: Case, contact: FamilyContact) -> list[str]:
    return [
        reverse("legal:family", args=[case.pk]),
        reverse("legal:family_add", args=[case.pk]),
        reverse("legal:family_edit", args=[case.pk, contact.pk]),
    ]


@pytest.mark.parametrize("name", EVERYONE)
def test_the_pages_open_for_the_team_only(world: World, name: str) -> None:
    case, contact = _case(world)
    client = world.client_for(getattr(world, name))
    for url in _pages(case, contact):
        response = client.get(url)
        assert response.status_code == (200 if name in TEAM else 404), url
        assert (b"Rosalind Kin" in response.content) == (name in TEAM and "/add/" not in url), url
    assert client.get(reverse("legal:family", args=[case.pk + 1000])).status_code == 404
    assert client.get(reverse("legal:family_edit", args=[case.pk, contact.pk + 1000])).status_code == 404


@pytest.mark.parametrize("name", sorted(set(EVERYONE) - TEAM))
def test_nobody_outside_the_team_changes_the_family(world: World, name: str) -> None:
    case, contact = _case(world)
    client = world.client_for(getattr(world, name))
    posted = {"name": "Changed Name (fictional)", "phone": "+1 612 555 0100"}
    assert client.post(reverse("legal:family_add", args=[case.pk]), posted).status_code == 404
    assert client.post(reverse("legal:family_edit", args=[case.pk, contact.pk]), posted).status_code == 404
    assert client.post(reverse("legal:family_remove", args=[case.pk, contact.pk])).status_code == 404
    assert list(FamilyContact.objects.filter(case=case)) == [contact] and _name(contact) == "Rosalind Kin (fictional)"
    assert not case.events.filter(kind__startswith="family").exists()
    assert not AuditEvent.objects.filter(action="case.reveal").exists()


def test_strangers_are_sent_to_sign_in(world: World) -> None:
    case, contact = _case(world)
    for url in _pages(case, contact):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_contact_of_another_case_is_404_under_this_one(world: World) -> None:
    case, _contact = _case(world)
    other = open_case(world, "Otro Caso (fictional)", family=["Ajeno Familiar (fictional)"])
    theirs = FamilyContact.objects.get(case=other)
    client = world.client_for(world.erin)
    assert client.get(reverse("legal:family_edit", args=[case.pk, theirs.pk])).status_code == 404
    assert client.post(reverse("legal:family_remove", args=[case.pk, theirs.pk])).status_code == 404
    assert FamilyContact.objects.filter(pk=theirs.pk).exists()


def test_the_case_page_links_the_family_page_without_showing_names(world: World) -> None:
    case, _contact = _case(world)
    page = world.client_for(world.erin).get(reverse("legal:case", args=[case.pk]))
    assert reverse("legal:family", args=[case.pk]).encode() in page.content
    assert b"Rosalind" not in page.content


def test_opening_the_list_and_the_form_are_audited_reveals(world: World) -> None:
    case, contact = _case(world)
    client = world.client_for(world.erin)
    client.get(reverse("legal:family", args=[case.pk]))
    client.get(reverse("legal:family_edit", args=[case.pk, contact.pk]))
    client.get(reverse("legal:family_add", args=[case.pk]))  # an empty form shows nothing sealed
    reveals = AuditEvent.objects.filter(action="case.reveal", object_id=str(case.pk), actor=world.erin).order_by("pk")
    assert [r.detail for r in reveals] == [{"fields": ["family"]}, {"fields": ["family"], "contact": contact.pk}]


def test_the_team_adds_corrects_and_removes_a_contact(world: World) -> None:
    case, contact = _case(world)
    client = world.client_for(world.alice)
    added = client.post(
        reverse("legal:family_add", args=[case.pk]),
        {"name": "Nueva Tía (fictional)", "phone": "+1 612 555 0133", "relationship": "aunt", "language": "es"},
    )
    assert added.status_code == 302 and added["Location"] == reverse("legal:family", args=[case.pk])
    new = FamilyContact.objects.filter(case=case).exclude(pk=contact.pk).get()
    assert _name(new) == "Nueva Tía (fictional)" and new.language == "es"
    assert [c.kind for c in conflicts_for(["Nueva Tia (fictional)"])] == ["family"]

    corrected = client.post(
        reverse("legal:family_edit", args=[case.pk, contact.pk]),
        {"name": "Beatriz Quintero (fictional)", "phone": "+1 612 555 0100", "relationship": "sibling"},
    )
    assert corrected.status_code == 302
    assert _name(contact) == "Beatriz Quintero (fictional)"
    assert conflicts_for(["Rosalind Kin (fictional)"]) == []

    removed = client.post(reverse("legal:family_remove", args=[case.pk, new.pk]))
    assert removed.status_code == 302 and removed["Location"] == reverse("legal:family", args=[case.pk])
    assert list(FamilyContact.objects.filter(case=case)) == [contact]
    assert conflicts_for(["Nueva Tía (fictional)"]) == []
    kinds = list(case.events.filter(kind__startswith="family").values_list("kind", flat=True))
    assert kinds == ["family_added", "family_corrected", "family_removed"]
    page = client.get(reverse("legal:family", args=[case.pk]))
    assert b"Beatriz Quintero (fictional)" in page.content and b"Nueva" not in page.content


def test_remove_needs_a_post(world: World) -> None:
    case, contact = _case(world)
    response = world.client_for(world.erin).get(reverse("legal:family_remove", args=[case.pk, contact.pk]))
    assert response.status_code == 405 and FamilyContact.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize(
    ("posted", "says"),
    [
        ({"name": "Other (fictional)", "phone": "call me later"}, b"7 to 20 digits"),
        ({"name": "Other (fictional)", "relationship": "The agent lives at 42 Oak St"}, b"accept this text"),
        ({"name": "", "phone": "+1 612 555 0100"}, b"required"),
    ],
)
def test_a_refusal_comes_back_beside_the_field_and_writes_nothing(
    world: World, posted: dict[str, str], says: bytes
) -> None:
    case, contact = _case(world)
    client = world.client_for(world.erin)
    for url in (reverse("legal:family_add", args=[case.pk]), reverse("legal:family_edit", args=[case.pk, contact.pk])):
        response = client.post(url, posted)
        assert response.status_code == 400 and says in response.content, url
    assert list(FamilyContact.objects.filter(case=case)) == [contact] and _name(contact) == "Rosalind Kin (fictional)"
    assert not case.events.filter(kind__startswith="family").exists()


def test_a_closed_case_is_not_edited(world: World) -> None:
    case, contact = _case(world)
    services.close_case(case=case, actor=world.erin, reason="Family found private counsel.")
    client = world.client_for(world.erin)
    page = client.get(reverse("legal:family", args=[case.pk]))
    assert page.status_code == 200 and reverse("legal:family_add", args=[case.pk]).encode() not in page.content
    added = client.post(reverse("legal:family_add", args=[case.pk]), {"name": "Late Kin (fictional)"})
    assert added.status_code == 409
    edited = client.post(reverse("legal:family_edit", args=[case.pk, contact.pk]), {"name": "Late Kin (fictional)"})
    assert edited.status_code == 409
    removed = client.post(reverse("legal:family_remove", args=[case.pk, contact.pk]), follow=True)
    assert b"The case is closed." in removed.content
    assert list(FamilyContact.objects.filter(case=case)) == [contact] and _name(contact) == "Rosalind Kin (fictional)"
    assert not case.events.filter(kind__startswith="family").exists()


def test_the_pages_speak_spanish(world: World) -> None:
    case, contact = _case(world)
    client = world.client_for(world.erin)
    said = {
        "family": "Agregar un contacto familiar",
        "family_add": "Agregar el contacto",
        "family_edit": "Corregir el contacto familiar",
    }
    for url, words in zip(_pages(case, contact), said.values(), strict=True):
        response = client.get(url, headers={"accept-language": "es"})
        assert response.status_code == 200 and words in response.content.decode(), url
        assert "Add a family contact" not in response.content.decode(), url
