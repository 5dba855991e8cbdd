"""Rumour alerts by SMS: a number proves it is theirs with a code, then gets each debunk in its language; it can
stop the same way. Twilio is the local stand-in of tests/network/test_notify.py."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import place_incident
from tests.network.test_notify import FakeTwilio, twilio  # noqa: F401  (fixture)
from tests.world import World
from vigil.hotline import triage
from vigil.hotline.models import Verdict
from vigil.lib.errors import VigilError
from vigil.public import alerts, services
from vigil.public.models import Debunk, SmsSubscriber

NUMBER = "+1 612 555 0142"


def last_code(fake: FakeTwilio) -> str:
    body = fake.requests[-1]["form"]["Body"][0]
    found = re.search(r"\b(\d{6})\b", body)
    assert found is not None, body
    return found.group(1)


def subscribe(client: Client, fake: FakeTwilio, language: str = "es") -> None:
    sent = client.post(
        "/rumours/alerts/", {"step": "number", "number": NUMBER, "language": language, "purpose": "subscribe"}
    )
    assert sent.status_code == 200
    done = client.post("/rumours/alerts/", {"step": "code", "number": NUMBER, "code": last_code(fake)})
    assert done.status_code == 200 and "Done: you will get the rumour alerts." in done.content.decode()


def test_a_number_subscribes_with_the_code_sent_to_it(world: World, twilio: FakeTwilio) -> None:  # noqa: F811
    subscribe(Client(), twilio)
    assert twilio.requests[0]["form"]["To"] == ["+16125550142"]
    assert "código" in twilio.requests[0]["form"]["Body"][0]  # in the language asked for
    row = SmsSubscriber.objects.get()
    assert row.confirmed_at is not None and row.language == "es"
    assert b"6125550142" not in bytes(row.number_sealed) and "6125550142" not in row.number_index


def test_a_wrong_code_subscribes_nobody_and_five_void_it(world: World, twilio: FakeTwilio) -> None:  # noqa: F811
    alerts.request_code(number=NUMBER, language="en", purpose="subscribe")
    code = last_code(twilio)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(alerts.MAX_ATTEMPTS):
        with pytest.raises(VigilError):
            alerts.confirm(number=NUMBER, code=wrong)
    with pytest.raises(VigilError):
        alerts.confirm(number=NUMBER, code=code)  # the right one, too late
    assert SmsSubscriber.objects.get().confirmed_at is None


def test_a_published_debunk_goes_to_subscribers_in_their_language(world: World, twilio: FakeTwilio) -> None:  # noqa: F811
    subscribe(Client(), twilio, language="es")
    incident = place_incident()
    triage.record_verdict(incident=incident, verdict=Verdict.FALSE_ALARM, note="", actor=world.bob)
    before = len(twilio.requests)
    services.publish_debunk(
        incident=incident,
        actor=world.bob,
        area="Powderhorn",
        statements={"en": "A film crew, not ICE.", "es": "Un equipo de filmación, no ICE."},
    )
    assert alerts.send_debunk(Debunk.objects.get().pk) == 1  # what the task does once the debunk commits
    message = twilio.requests[before]["form"]
    assert message["To"] == ["+16125550142"]
    assert "Falsa alarma: Powderhorn" in message["Body"][0] and "Un equipo de filmación" in message["Body"][0]


def test_stopping_needs_the_code_too_and_says_nothing_about_unknown_numbers(
    world: World,
    twilio: FakeTwilio,  # noqa: F811
) -> None:
    client = Client()
    subscribe(client, twilio)
    stranger = client.post(
        "/rumours/alerts/", {"step": "number", "number": "+1 612 555 0199", "language": "en", "purpose": "unsubscribe"}
    )
    asked = client.post(
        "/rumours/alerts/", {"step": "number", "number": NUMBER, "language": "en", "purpose": "unsubscribe"}
    )
    notice = "If the number can get texts, a code is on its way."
    assert notice in stranger.content.decode() and notice in asked.content.decode()
    client.post("/rumours/alerts/", {"step": "code", "number": NUMBER, "code": last_code(twilio)})
    assert not SmsSubscriber.objects.exists()


def test_without_sms_configured_the_page_says_so(world: World, settings: object) -> None:
    page = Client().get("/rumours/alerts/").content.decode()
    assert "SMS alerts are not available here." in page


def test_a_number_that_is_not_one_is_refused(world: World, twilio: FakeTwilio) -> None:  # noqa: F811
    response = Client().post(
        "/rumours/alerts/", {"step": "number", "number": "call me", "language": "en", "purpose": "subscribe"}
    )
    assert response.status_code == 400
    assert twilio.requests == []


def test_numbers_never_confirmed_are_forgotten_once_their_code_expires(
    world: World,
    twilio: FakeTwilio,  # noqa: F811
) -> None:
    import datetime as dt

    from django.utils import timezone

    alerts.request_code(number=NUMBER, language="en", purpose="subscribe")
    assert alerts.forget_unconfirmed() == 0
    later = timezone.now() + dt.timedelta(minutes=alerts.CODE_MINUTES + 1)
    assert alerts.forget_unconfirmed(later) == 1
    assert not SmsSubscriber.objects.exists()
