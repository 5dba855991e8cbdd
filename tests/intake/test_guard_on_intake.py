"""The text guard on every channel: a refusal says why, keeps what was typed, and stores nothing."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client, override_settings
from twilio.request_validator import RequestValidator

from tests.world import NORTH_CENTER, World
from vigil.hotline.models import Incident, Report, SmsConversation

PRIVATE = "The agent's name is Tom Fictional and he lives at 12 Oak St"
ACTIVITY = "ICE at 2100 Bloomington Ave right now, 3 agents arresting a man"


@pytest.mark.parametrize("field", ["activity", "text", "location_text", "uniform", "equipment", "size"])
def test_the_form_refuses_private_details_in_any_field_and_keeps_the_text(world: World, field: str) -> None:
    data = {"language": "en", "activity": "agents stopping cars", "location_text": "Lake St and 5th"}
    data[field] = PRIVATE[:200]
    response = Client().post("/report", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tom Fictional" in html  # kept so the reporter can edit it
    assert not Report.objects.exists()


def test_the_form_takes_the_place_where_activity_happens(world: World) -> None:
    response = Client().post(
        "/report", {"language": "en", "activity": ACTIVITY, "lat": NORTH_CENTER[0], "lon": NORTH_CENTER[1]}
    )
    assert response.status_code == 201


def test_the_form_refuses_in_spanish_with_the_guard_message(world: World) -> None:
    response = Client().post(
        "/report", {"language": "es", "activity": "El agente se llama Juan Ficticio y vive en la calle Roble 12"}
    )
    assert response.status_code == 400
    assert "Juan Ficticio" in response.content.decode()
    assert not Report.objects.exists()


def test_the_api_refuses_with_a_text_guard_error(world: World) -> None:
    response = Client().post(
        "/api/v1/reports",
        data=json.dumps({"activity": PRIVATE, "lat": NORTH_CENTER[0], "lon": NORTH_CENTER[1]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["type"] == "text_guard" and detail[0]["loc"][-1] == "activity" and detail[0]["msg"]
    assert not Report.objects.exists() and not Incident.objects.exists()


def test_sms_refuses_and_tells_the_sender_why(world: World) -> None:
    token, site = "test-token-guard", "https://hotline.example.org"
    params = {"From": "+16125550166", "To": "+16125550100", "Body": PRIVATE, "MessageSid": "SM1"}
    with override_settings(TWILIO_AUTH_TOKEN=token, SITE_URL=site):
        signature = RequestValidator(token).compute_signature(f"{site}/hooks/sms", params)
        response = Client().post("/hooks/sms", params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200
    message = re.search(r"<Message>(.*)</Message>", response.content.decode(), re.S)
    assert message and "Nothing was saved" in message.group(1)
    assert not Report.objects.exists() and not SmsConversation.objects.exists()


# --- A threat is refused on every channel, by the real guard that intake imports -------------------------------------

THREATS = {
    "en": "3 ICE agents at Lake St and 5th, somebody should shoot them before they leave",
    "es": "3 agentes de ICE en Lake y la 5, hay que matarlos antes de que se vayan",
}


def _post_channel(world: World, channel: str, text: str) -> tuple[int, str]:
    """Send `text` as the activity through one intake channel; (status, what the sender reads)."""
    lat, lon = NORTH_CENTER
    if channel == "web":
        response = Client().post("/report", {"language": "en", "activity": text, "lat": lat, "lon": lon})
        return response.status_code, response.content.decode()
    if channel == "operator":
        client = world.client_for(world.dave)
        data = {"language": "en", "activity": text, "lat": lat, "lon": lon, "location_text": "Lake St"}
        response = client.post("/operator/", data)
        return response.status_code, response.content.decode()
    if channel == "api":
        body = json.dumps({"activity": text, "lat": lat, "lon": lon})
        response = Client().post("/api/v1/reports", data=body, content_type="application/json")
        return response.status_code, response.content.decode()
    token, site = "test-token-threat", "https://hotline.example.org"
    params = {"From": "+16125550177", "To": "+16125550100", "Body": text, "MessageSid": "SM2"}
    with override_settings(TWILIO_AUTH_TOKEN=token, SITE_URL=site):
        signature = RequestValidator(token).compute_signature(f"{site}/hooks/sms", params)
        response = Client().post("/hooks/sms", params, HTTP_X_TWILIO_SIGNATURE=signature)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("channel", ["web", "operator", "api", "sms"])
def test_every_public_channel_refuses_a_threat_and_stores_nothing(world: World, channel: str, language: str) -> None:
    status, answer = _post_channel(world, channel, THREATS[language])
    assert status in {"web": (400,), "operator": (400,), "api": (422,), "sms": (200,)}[channel]
    if channel == "sms":  # the reply speaks the sender's language
        assert ("Nothing was saved" if language == "en" else "No se guard\u00f3 nada") in answer
    else:
        assert "text_guard" in answer or "threat" in answer
    assert not Report.objects.exists() and not Incident.objects.exists()
