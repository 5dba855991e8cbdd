"""POST /hooks/sms in Twilio's format: real signatures, forged ones, a conversation that fills in SALUTE, keywords."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import translation
from twilio.request_validator import RequestValidator

from tests.world import World
from vigil.hotline import sms
from vigil.hotline.models import Channel, Incident, Report, SmsConversation

TOKEN = "test-auth-token-0123456789abcdef"
SITE = "https://hotline.example.org"
URL = f"{SITE}/hooks/sms"
SENDER = "+16125550147"


@pytest.fixture(autouse=True)
def _twilio() -> Iterator[None]:
    cache.clear()
    with override_settings(TWILIO_AUTH_TOKEN=TOKEN, SITE_URL=SITE):
        yield


def _params(body: str, sender: str = SENDER, **extra: str) -> dict[str, str]:
    params = {
        "MessageSid": f"SM{uuid.uuid4().hex}",  # each message its own, as the provider gives them
        "AccountSid": "AC0123456789abcdef0123456789abcdef",
        "From": sender,
        "To": "+16125550100",
        "Body": body,
        "NumMedia": "0",
    }
    params.update(extra)
    return params


def _send(params: dict[str, str], signature: str | None = None, url: str = URL) -> Any:
    sig = RequestValidator(TOKEN).compute_signature(url, params) if signature is None else signature
    if not sig:
        return Client().post("/hooks/sms", params)
    return Client().post("/hooks/sms", params, HTTP_X_TWILIO_SIGNATURE=sig)


def _question(part: str, language: str) -> str:
    """The question as the sender should read it (Spanish once the catalogue has it; the same code path either way)."""
    with translation.override(language):
        return sms.question(part)


def _reply(response: Any) -> str:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    match = re.search(r"<Message>(.*)</Message>", response.content.decode(), re.S)
    assert match, response.content
    return match.group(1)


def test_it_takes_a_full_message_and_replies_with_the_receipt(world: World) -> None:
    text = "4 ICE agents and 2 vans at Lake St and 5th right now, arresting a man. 44.999,-93.27"
    reply = _reply(_send(_params(text)))
    report = Report.objects.get()
    assert report.channel == Channel.SMS and report.language == "en"
    assert report.size and "ICE" in report.uniform and report.activity
    assert report.incident is not None
    assert f"{report.receipt[:4]}-{report.receipt[4:]}" in reply


def test_it_asks_for_missing_parts_one_at_a_time_in_spanish_and_fills_the_report(world: World) -> None:
    reply = _reply(_send(_params("Hay agentes de la migra deteniendo gente ahora")))
    report = Report.objects.get()
    assert report.language == "es" and report.lat is None
    assert reply.endswith(_question("location", "es")), reply
    conversation = SmsConversation.objects.get()
    assert conversation.awaiting == "location"
    assert SENDER not in conversation.sender_hash and "6125550147" not in conversation.sender_hash

    reply = _reply(_send(_params("Frente a la lavandería en Lake y la 5ta")))
    report.refresh_from_db()
    assert report.location_text == "Frente a la lavandería en Lake y la 5ta"
    assert reply == _question("activity", "es") or reply == _question("size", "es"), reply

    _reply(_send(_params("5 agentes y 2 camionetas")))
    report.refresh_from_db()
    assert report.size == "5 agentes y 2 camionetas"
    asked = 0
    last = ""
    while SmsConversation.objects.exists():
        asked += 1
        last = _reply(_send(_params("no sé")))
    assert asked <= len(sms.ASK_ORDER)
    assert last.startswith("Gracias. Su reporte "), last
    assert Report.objects.count() == 1


def test_coordinates_in_an_answer_put_the_report_on_the_map(world: World) -> None:
    _send(_params("agents arresting people"))
    assert SmsConversation.objects.get().awaiting == "location"
    _send(_params("44.9990, -93.2700"))
    report = Report.objects.get()
    assert report.lat == pytest.approx(44.999) and report.incident is not None
    assert Incident.objects.get().zone == world.north_zone


def test_keywords_switch_the_language_and_stop_the_questions(world: World) -> None:
    _send(_params("agents arresting people"))
    reply = _reply(_send(_params("ES")))
    assert reply == _question("location", "es"), reply
    assert SmsConversation.objects.get().language == "es"
    reply = _reply(_send(_params("STOP")))
    assert not SmsConversation.objects.exists()
    assert Report.objects.count() == 1
    help_reply = _reply(_send(_params("HELP")))
    assert "STOP" in help_reply
    assert "STOP" in _reply(_send(_params("AYUDA")))


def test_it_refuses_a_message_the_text_guard_refuses_and_stores_nothing(world: World) -> None:
    # The real guard, imported normally by intake: an SMS that says where an officer lives is refused whole.
    reply = _reply(_send(_params("the agent lives at 12 Oak St, 3 agents at Lake St arresting")))
    assert "where a person lives" in reply and "Nothing was saved" in reply
    assert not Report.objects.exists() and not SmsConversation.objects.exists()


@pytest.mark.parametrize(
    ("body", "said", "nothing_saved"),
    [
        ("the agent lives at 12 Oak St, his kids go to Maplewood Elementary", "where a person lives",
         "Nothing was saved"),
        ("el agente vive en la calle Olmo 12, sus hijos van a la escuela Arce", "Dice dónde vive una persona",
         "No se guardó nada"),
        ("5 agentes en la lavanderia, mátenlos a todos los de la migra", "Parece una amenaza", "No se guardó nada"),
    ],
)  # fmt: skip
def test_a_refusal_is_one_message_in_the_senders_language(
    world: World, body: str, said: str, nothing_saved: str
) -> None:
    response = _send(_params(body))
    assert response.content.decode().count("<Message>") == 1
    reply = _reply(response)
    # Each reason once, even though the body is read into several fields; nothing claims the text was kept.
    assert reply.count(said) == 1 and reply.count(nothing_saved) == 1
    assert "kept" not in reply and "conservó" not in reply
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("signature", "url"),
    [
        ("", URL),  # missing
        ("bm90IGEgc2lnbmF0dXJl", URL),  # forged
        (None, "https://attacker.example/hooks/sms"),  # signed for another URL
    ],
)
def test_it_answers_403_to_missing_or_forged_signatures_and_stores_nothing(
    world: World, signature: str | None, url: str
) -> None:
    response = _send(_params("4 agents at Lake St arresting people"), signature=signature, url=url)
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_it_answers_403_when_the_body_was_changed_after_signing(world: World) -> None:
    params = _params("4 agents at Lake St")
    signature = RequestValidator(TOKEN).compute_signature(URL, params)
    params["Body"] = "something else"
    assert _send(params, signature=signature).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"Body": "agents at Lake St", "To": "+16125550100"},  # no From
        {"From": SENDER, "To": "+16125550100"},  # no Body
        {"From": "+1" * 100, "Body": "agents"},  # absurd sender
        {"From": SENDER, "Body": "x" * 5000},  # not an SMS
    ],
)
def test_it_answers_400_to_malformed_but_signed_requests(world: World, params: dict[str, str]) -> None:
    assert _send(params).status_code == 400
    assert not Report.objects.exists()


def test_it_answers_503_when_sms_is_not_configured(world: World) -> None:
    with override_settings(TWILIO_AUTH_TOKEN=""):
        response = _send(_params("agents at Lake St"))
    assert response.status_code == 503


def test_it_takes_only_post(world: World) -> None:
    assert Client().get("/hooks/sms").status_code == 405


def test_it_needs_no_csrf_token(world: World) -> None:
    params = _params("3 agents stopping cars on Lake St")
    signature = RequestValidator(TOKEN).compute_signature(URL, params)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/hooks/sms", params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200


@override_settings(VIGIL_REPORT_RATE_PER_MINUTE=2)
def test_it_limits_messages_per_sender_without_keeping_the_number(world: World) -> None:
    _send(_params("STOP"))
    _send(_params("HELP"))
    reply = _reply(_send(_params("agents at Lake St arresting")))
    assert "Too many messages" in reply
    assert not Report.objects.exists()


def test_the_sender_hash_is_keyed_and_stable(world: World, tmp_path: Path) -> None:
    from vigil.vault import crypto
    from vigil.vault.keyfile import write_master_key

    assert sms.sender_hash("+1 612 555 0147") == sms.sender_hash("+16125550147")
    assert sms.sender_hash("+16125550147") != sms.sender_hash("+16125550148")
    assert len(sms.sender_hash(SENDER)) == 64
    before = sms.sender_hash(SENDER)
    # The key is the vault's (kept apart from the data), not Django's secret key.
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert sms.sender_hash(SENDER) == before
    write_master_key(tmp_path / "other.key")
    crypto.forget_keys()
    try:
        with override_settings(VIGIL_MASTER_KEY_FILE=tmp_path / "other.key"):
            assert sms.sender_hash(SENDER) != before
    finally:
        crypto.forget_keys()


@pytest.mark.parametrize(
    ("text", "language", "found"),
    [
        (
            "4 ICE agents at Lake St and 5th right now, arresting a man",
            "en",
            {"size", "uniform", "activity", "location", "time"},
        ),
        (
            "Hay 3 agentes de ICE en la esquina de Lake y Bloomington deteniendo gente",
            "es",
            {"size", "uniform", "activity", "location"},
        ),
        (
            "5 unmarked SUVs parked outside the school 10 min ago",
            "en",
            {"size", "equipment", "activity", "location", "time"},
        ),
        ("migra", "es", {"uniform"}),
    ],
)
def test_it_picks_salute_parts_out_of_free_text(text: str, language: str, found: set[str]) -> None:
    parsed = sms.parse(text)
    assert parsed.language == language
    assert found <= parsed.found, parsed


def test_stale_conversations_are_forgotten_by_the_clock_task(world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    from vigil.hotline.tasks import end_stale_sms_conversations

    _send(_params("agents arresting people"))
    assert SmsConversation.objects.count() == 1
    SmsConversation.objects.update(updated_at=timezone.now() - dt.timedelta(hours=3))
    end_stale_sms_conversations.enqueue()
    assert not SmsConversation.objects.exists()
    assert Report.objects.count() == 1


def test_a_message_after_the_conversation_went_stale_starts_a_new_report(world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    _send(_params("agents arresting people"))
    SmsConversation.objects.update(updated_at=timezone.now() - dt.timedelta(hours=3))
    _send(_params("3 agents at Lake St arresting people now"))
    assert Report.objects.count() == 2


def test_it_asks_when_it_was_seen_and_sets_the_time_from_the_answer(world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    _send(_params("agents arresting people"))
    asked = []
    answers = {
        "location": "Lake St and 5th",
        "size": "3 agents",
        "uniform": "vests marked POLICE",
        "time": "20 min ago",
        "equipment": "two grey vans",
    }
    while SmsConversation.objects.exists():
        part = SmsConversation.objects.get().awaiting
        asked.append(part)
        _reply(_send(_params(answers[part])))
    assert asked == ["location", "size", "uniform", "time", "equipment"]
    report = Report.objects.get()
    assert abs((timezone.now() - dt.timedelta(minutes=20) - report.seen_at).total_seconds()) < 60
    assert report.equipment == "two grey vans" and report.uniform == "vests marked POLICE"
