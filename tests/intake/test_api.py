"""POST /api/v1/reports and GET /api/v1/reports/{receipt}: typed, documented, anonymous, clear 4xx."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from tests.world import NORTH_CENTER, World
from vigil.hotline.models import Channel, Incident, IncidentEvent, Report


def _body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "language": "es",
        "size": "3 agentes, 1 camioneta",
        "activity": "deteniendo gente en la parada del autobús",
        "location_text": "Lake y Bloomington",
        "lat": NORTH_CENTER[0],
        "lon": NORTH_CENTER[1],
        "uniform": "chalecos ICE",
        "equipment": "camioneta gris sin placas",
        "text": "",
    }
    body.update(over)
    return body


def _post(body: object, client: Client | None = None, **extra: Any) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)
    return (client or Client()).post("/api/v1/reports", data=raw, content_type="application/json", **extra)


def test_it_takes_a_report_and_answers_201_with_a_receipt(world: World) -> None:
    response = _post(_body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"receipt", "status", "placed"}
    assert data["placed"] is True and data["status"] == "new"
    report = Report.objects.get()
    assert report.channel == Channel.API and report.language == "es"
    assert data["receipt"] == f"{report.receipt[:4]}-{report.receipt[4:]}"
    assert report.entered_by is None


def test_it_ignores_a_signed_in_session_on_the_public_api(world: World) -> None:
    client = world.client_for(world.dave)
    response = _post(_body(), client)
    assert response.status_code == 201
    assert Report.objects.get().entered_by is None


def test_it_takes_a_report_without_coordinates_as_unplaced(world: World) -> None:
    response = _post(_body(lat=None, lon=None))
    assert response.status_code == 201
    assert response.json() == {"receipt": response.json()["receipt"], "status": "received", "placed": False}


def test_it_tells_the_reporter_the_state_only(world: World) -> None:
    receipt = _post(_body()).json()["receipt"]
    response = Client().get(f"/api/v1/reports/{receipt}")
    assert response.status_code == 200
    assert response.json() == {"receipt": receipt, "status": "new"}
    assert Client().get(f"/api/v1/reports/{receipt.replace('-', '').lower()}").json()["status"] == "new"
    Incident.objects.update(state="verifying")
    assert Client().get(f"/api/v1/reports/{receipt}").json()["status"] == "verifying"


def test_it_follows_a_merged_incident_to_the_one_it_was_merged_into(world: World) -> None:
    receipt = _post(_body()).json()["receipt"]
    other = _post(_body(lat=NORTH_CENTER[0] + 0.05)).json()["receipt"]
    a = Report.objects.get(receipt=receipt.replace("-", "")).incident
    b = Report.objects.get(receipt=other.replace("-", "")).incident
    assert a is not None and b is not None
    Incident.objects.filter(pk=b.pk).update(state="verifying")
    Incident.objects.filter(pk=a.pk).update(state="closed", merged_into=b)
    assert Client().get(f"/api/v1/reports/{receipt}").json()["status"] == "verifying"


@pytest.mark.parametrize("receipt", ["ZZZZ-ZZZZ", "short", "not a receipt!"])
def test_it_answers_404_for_unknown_receipts(world: World, receipt: str) -> None:
    response = Client().get(f"/api/v1/reports/{receipt}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ("{not json", 400, None),
        ("[1, 2]", 422, None),
        (_body(lat="north"), 422, "lat"),
        (_body(lat=123.0), 422, "lat"),
        (_body(lon=-181), 422, "lon"),
        (_body(lat=44.9, lon=None), 422, "lon"),
        (_body(lat=0, lon=0), 422, "lat"),
        (_body(activity="x" * 2001), 422, "activity"),
        (_body(size=["4"]), 422, "size"),
        (_body(language="klingon"), 422, "language"),
        (_body(seen_at="not a date"), 422, "seen_at"),
        (_body(seen_at=(timezone.now() + dt.timedelta(hours=2)).isoformat()), 422, "seen_at"),
        (_body(seen_at=(timezone.now() - dt.timedelta(days=3)).isoformat()), 422, "seen_at"),
        (_body(text="bad \x00 byte"), 422, "text"),
        (_body(text="lone \ud800 surrogate"), 422, "text"),
        (_body(unexpected="field"), 422, "unexpected"),
        (_body(lat=None, lon=None, location_text=""), 422, "location_text"),
        ({"language": "en"}, 422, "activity"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_4xx_and_writes_nothing(
    world: World, body: object, status: int, field: str | None
) -> None:
    response = _post(body)
    assert response.status_code == status, response.content
    detail = response.json()["detail"]
    if status == 400:
        assert isinstance(detail, str)
    else:
        assert isinstance(detail, list) and detail
        assert all({"type", "loc", "msg"} <= set(item) for item in detail)
        if field is not None:
            assert any(item["loc"][-1] == field for item in detail), detail
    assert not Report.objects.exists() and not Incident.objects.exists() and not IncidentEvent.objects.exists()


@override_settings(VIGIL_REPORT_RATE_PER_MINUTE=2)
def test_it_limits_reports_per_client_with_429(world: World) -> None:
    assert _post(_body(), REMOTE_ADDR="192.0.2.5").status_code == 201
    assert _post(_body(), REMOTE_ADDR="192.0.2.5").status_code == 201
    response = _post(_body(), REMOTE_ADDR="192.0.2.5")
    assert response.status_code == 429
    assert "Too many reports" in response.json()["detail"]
    assert Report.objects.count() == 2


def test_the_openapi_schema_documents_the_intake(world: World) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/reports"]["post"]
    assert set(post["responses"]) >= {"201", "400", "422", "429"}
    fields = schema["components"]["schemas"]["ReportIn"]["properties"]
    assert {"language", "size", "activity", "location_text", "lat", "lon", "uniform", "seen_at"} <= set(fields)
    assert set(schema["paths"]["/api/v1/reports/{receipt}"]["get"]["responses"]) >= {"200", "404"}
