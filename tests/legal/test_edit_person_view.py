"""The page that corrects the person detained: the team only, its opening audited, refusals beside the field."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.cases import services
from vigil.cases.selectors import conflicts_for
from vigil.vault import unseal


def test_the_form_shows_the_current_details_and_opening_it_is_audited(world: World) -> None:
    case = open_case(world, "Rosalind Prefill (fictional)", aliases=["Rosa P."], a_number="123456789")
    response = world.client_for(world.erin).get(reverse("legal:edit_person", args=[case.pk]))
    assert response.status_code == 200
    assert b"Rosalind Prefill (fictional)" in response.content and b"Rosa P." in response.content
    assert b"123456789" in response.content
    reveal = AuditEvent.objects.get(action="case.reveal", object_id=str(case.pk), actor=world.erin)
    assert reveal.detail["fields"] == ["person"]


def test_the_team_corrects_the_details(world: World) -> None:
    case = open_case(world, "Old Name (fictional)", aliases=["Old Alias"])
    response = world.client_for(world.alice).post(
        reverse("legal:edit_person", args=[case.pk]),
        {"name": "New Name (fictional)", "aliases": "New Alias\n", "a_number": "A-111-222-333", "language": "es"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("legal:case", args=[case.pk])
    person = case.person.__class__.objects.get(case=case)
    assert unseal(person.name_sealed, purpose=services.P_NAME) == "New Name (fictional)"
    assert conflicts_for(["Old Alias"]) == [] and [c.kind for c in conflicts_for(["New Alias"])] == ["alias"]
    assert case.events.filter(kind="person_corrected", actor=world.alice).exists()


def test_a_bad_a_number_or_a_future_birth_date_comes_back_beside_the_field(world: World) -> None:
    case = open_case(world, "Kept Name (fictional)")
    client = world.client_for(world.erin)
    url = reverse("legal:edit_person", args=[case.pk])
    bad_a = client.post(url, {"name": "Other Name (fictional)", "a_number": "12"})
    assert bad_a.status_code == 400 and b"8 or 9 digits" in bad_a.content
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    bad_day = client.post(url, {"name": "Other Name (fictional)", "birth_date": tomorrow})
    assert bad_day.status_code == 400 and b"cannot be in the future" in bad_day.content
    guarded = client.post(url, {"name": "Other Name", "needs": "The agent lives at 42 Oak Street with his wife"})
    assert guarded.status_code == 400
    person = case.person.__class__.objects.get(case=case)
    assert unseal(person.name_sealed, purpose=services.P_NAME) == "Kept Name (fictional)"
    assert not case.events.filter(kind="person_corrected").exists()
