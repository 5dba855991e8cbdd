from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from tests.cases.helpers import open_case
from tests.evidence.conftest import jpeg_bytes, upload
from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.cases import services
from vigil.cases.models import CaseEvent
from vigil.cases.services import PersonInput
from vigil.hotline.models import Incident
from vigil.network.models import Dispatch

EVERYONE = ["alice", "bob", "carol", "chris", "dave", "erin", "frank", "mallory", "nobody"]


def _case_with_evidence(world: World, scene: tuple[Incident, Dispatch]) -> int:
    incident, dispatch = scene
    upload(world.client_for(world.carol), dispatch, jpeg_bytes((200, 150)), name="IMG_1.JPG")
    Incident.objects.filter(pk=incident.pk).update(verdict="confirmed", state="verdict")
    incident.refresh_from_db()
    case = services.open_from_incident(
        incident=incident, actor=world.bob, person=PersonInput(name="Bundle Person (fictional)")
    )
    services.assign_attorney(case=case, attorney=world.erin, actor=world.alice)
    return case.pk


def test_the_attorney_exports_the_incidents_evidence_as_a_court_bundle(
    world: World, scene: tuple[Incident, Dispatch]
) -> None:
    pk = _case_with_evidence(world, scene)
    response = world.client_for(world.erin).post(reverse("legal:bundle", args=[pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "manifest.json" in names
    assert CaseEvent.objects.filter(case_id=pk, kind="bundle_exported").exists()


@pytest.mark.parametrize("name", sorted(set(EVERYONE) - {"alice", "erin"}))
def test_outsiders_cannot_export_a_case_bundle(world: World, scene: tuple[Incident, Dispatch], name: str) -> None:
    pk = _case_with_evidence(world, scene)
    assert world.client_for(getattr(world, name)).post(reverse("legal:bundle", args=[pk])).status_code == 404


def test_a_case_without_an_incident_has_no_bundle(world: World) -> None:
    case = open_case(world)
    response = world.client_for(world.erin).post(reverse("legal:bundle", args=[case.pk]))
    assert response.status_code == 302


def test_the_printable_summary_is_a_pdf_with_the_case_and_its_reading_is_audited(world: World, tmp_path: Path) -> None:
    case = open_case(world, "Printable Person (fictional)", aliases=["P. Person"])
    response = world.client_for(world.erin).get(reverse("legal:summary_pdf", args=[case.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert "Printable Person (fictional)" in text and f"Case #{case.pk}" in text
    assert AuditEvent.objects.filter(action="case.reveal", object_id=str(case.pk)).exists()
    assert world.client_for(world.bob).get(reverse("legal:summary_pdf", args=[case.pk])).status_code == 404
