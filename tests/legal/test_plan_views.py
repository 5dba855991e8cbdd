from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.cases.test_plans import HEADER
from tests.world import World
from vigil.cases import locator, plans
from vigil.cases.facilities import import_text
from vigil.cases.models import FamilyPlan, PlanDocument

EVERYONE = ["alice", "bob", "carol", "chris", "dave", "erin", "frank", "mallory", "nobody"]
PLAN = {
    "action": "create",
    "contact1_name": "Tia Rosa (ficticia)",
    "contact1_phone": "+1 612 555 0177",
    "caregiver_name": "Tia Rosa (ficticia)",
    "medical": "Metformina",
    "wishes": "Que los niños se queden juntos.",
    "notify_phone": "+1 612 555 0178",
}


def _create(client: Client) -> tuple[str, str]:
    page = client.post(reverse("plan:start"), PLAN, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    code = re.search(rb'id="plan-code">([A-Z0-9-]+)<', page.content)
    passphrase = re.search(rb'id="plan-passphrase">([a-z0-9-]+)<', page.content)
    assert code and passphrase
    return code.group(1).decode(), passphrase.group(1).decode()


def test_a_family_makes_a_plan_in_spanish_without_an_account(db: None) -> None:
    client = Client()
    page = client.get(reverse("plan:start"), HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200 and b"Plan familiar" in page.content
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    code, passphrase = _create(client)
    assert FamilyPlan.objects.get().language == "es"
    other = Client()
    opened = other.post(reverse("plan:start"), {"action": "open", "code": code, "passphrase": passphrase})
    assert opened.status_code == 302 and opened["Location"] == reverse("plan:mine")
    mine = other.get(reverse("plan:mine"))
    assert "Que los niños se queden juntos.".encode() in mine.content


@pytest.mark.usefixtures("fresh_rate_limits")
def test_wrong_passphrase_and_unknown_code_get_the_same_answer(db: None) -> None:
    code, _passphrase = _create(Client())
    wrong = Client().post(reverse("plan:start"), {"action": "open", "code": code, "passphrase": "nope"})
    unknown = Client().post(reverse("plan:start"), {"action": "open", "code": "ZZZZ-ZZZZ-ZZZZ", "passphrase": "nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert b"The plan code or the passphrase is not right." in wrong.content
    assert wrong.content.replace(code.encode(), b"").count(b"not right") == unknown.content.count(b"not right")
    assert Client().get(reverse("plan:mine")).status_code == 404


@pytest.mark.usefixtures("fresh_rate_limits")
def test_opening_is_rate_limited_per_code(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # The limit counts per clock minute: hold the clock inside one minute so the test cannot straddle two.
    monkeypatch.setattr("vigil.hotline.access.time.time", lambda: 1_800_000_000.0)
    code, passphrase = _create(Client())
    for _ in range(5):
        Client().post(reverse("plan:start"), {"action": "open", "code": code, "passphrase": "nope"})
    blocked = Client().post(reverse("plan:start"), {"action": "open", "code": code, "passphrase": passphrase})
    assert blocked.status_code == 429 and b"Too many tries" in blocked.content


def test_the_family_updates_uploads_and_deletes(db: None) -> None:
    client = Client()
    _create(client)
    form = dict(PLAN)
    form.pop("action")
    form["wishes"] = "Llamar a la abogada."
    assert client.post(reverse("plan:mine"), form).status_code == 302
    plan = FamilyPlan.objects.get()
    assert plans.content_of(plan).wishes == "Llamar a la abogada."
    pdf = SimpleUploadedFile("poder.pdf", b"%PDF-1.4 fictional", content_type="application/pdf")
    assert client.post(reverse("plan:upload"), {"file": pdf}).status_code == 302
    doc = PlanDocument.objects.get()
    assert client.get(reverse("plan:document", args=[doc.pk])).content == b"%PDF-1.4 fictional"
    assert Client().get(reverse("plan:document", args=[doc.pk])).status_code == 404
    assert client.post(reverse("plan:delete")).status_code == 200
    assert not FamilyPlan.objects.exists() and not PlanDocument.objects.exists()


@override_settings(VIGIL_PLAN_DOCUMENT_MAX_BYTES=1024)
def test_an_oversized_upload_is_refused_clearly(db: None) -> None:
    client = Client()
    _create(client)
    big = SimpleUploadedFile("big.pdf", b"x" * 2048, content_type="application/pdf")
    response = client.post(reverse("plan:upload"), {"file": big})
    assert response.status_code == 413 and b"too large" in response.content
    assert not PlanDocument.objects.exists()


def _linked_case(world: World) -> tuple[int, str]:
    code, _p = _create(Client())
    case = open_case(world)
    import_text(HEADER + "F1,Facility One (fictional),,,,Court A (fictional),\n")
    locator.record_check(
        case=case, actor=world.erin, result="found", checked_on=timezone.localdate(), facility_code="F1"
    )
    return case.pk, code


def test_the_team_links_and_two_approvals_release_the_plan(world: World) -> None:
    pk, code = _linked_case(world)
    erin = world.client_for(world.erin)
    assert erin.post(reverse("legal:plan_link", args=[pk]), {"code": code}).status_code == 302
    assert erin.get(reverse("legal:plan", args=[pk])).status_code == 404
    erin.post(reverse("legal:plan_approve", args=[pk]))
    assert erin.get(reverse("legal:plan", args=[pk])).status_code == 404
    world.client_for(world.alice).post(reverse("legal:plan_approve", args=[pk]))
    page = erin.get(reverse("legal:plan", args=[pk]))
    assert page.status_code == 200 and b"Metformina" in page.content


@pytest.mark.parametrize("name", sorted(set(EVERYONE) - {"alice", "erin"}))
def test_nobody_else_links_approves_or_reads_a_plan(world: World, name: str) -> None:
    pk, code = _linked_case(world)
    erin = world.client_for(world.erin)
    erin.post(reverse("legal:plan_link", args=[pk]), {"code": code})
    erin.post(reverse("legal:plan_approve", args=[pk]))
    client = world.client_for(getattr(world, name))
    assert client.post(reverse("legal:plan_approve", args=[pk])).status_code == 404
    assert client.get(reverse("legal:plan", args=[pk])).status_code == 404
    assert FamilyPlan.objects.get().released_at is None
