"""Notifications per backend: inbox rows, Django mail, a console line without personal data, and Twilio's REST API
against a small local HTTP server standing in for api.twilio.com (method, path, basic auth, form fields, errors)."""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from pytest_django import DjangoCaptureOnCommitCallbacks as CaptureOnCommit
from pytest_django import Settings as SettingsWrapper

from tests.factories import observer_of
from tests.world import World
from vigil.hotline.models import Incident
from vigil.network import notify
from vigil.network.dispatch import dispatch_observers
from vigil.network.models import Notification, Observer
from vigil.vault import seal

SID = "AC00000000000000000000000000000001"
TOKEN = "test-auth-token"
CAROL_PHONE = "+15555550123"


@dataclass
class FakeTwilio:
    base: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    answer: tuple[int, dict[str, object]] = (201, {"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"})


@pytest.fixture
def twilio(settings: SettingsWrapper) -> Iterator[FakeTwilio]:
    state = FakeTwilio(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state.requests.append(
                {
                    "method": "POST",
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type"),
                    "form": parse_qs(self.rfile.read(length).decode()),
                }
            )
            status, payload = state.answer
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.TWILIO_API_BASE = state.base
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM_NUMBER = "+15555550100"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def opt_in(user_observer: Observer, *channels: str, phone: str | None = None) -> None:
    user_observer.notify_by = ["inbox", *channels]
    if phone is not None:
        user_observer.phone_sealed = seal(phone, purpose="observer-phone")
    user_observer.save()


def test_the_inbox_backend_creates_a_row_the_observer_page_polls(world: World, incident: Incident) -> None:
    sent = dispatch_observers(incident=incident, actor=world.bob)
    assert Notification.objects.filter(kind="dispatch_offer").count() == len(sent) == 2
    assert all(n.read_at is None for n in Notification.objects.all())


def test_without_the_inbox_backend_no_row_is_written(
    world: World, incident: Incident, settings: SettingsWrapper
) -> None:
    settings.VIGIL_NOTIFY_BACKENDS = ["console"]
    dispatch_observers(incident=incident, actor=world.bob)
    assert not Notification.objects.exists()


def test_the_email_backend_mails_observers_who_opted_in(
    world: World, incident: Incident, settings: SettingsWrapper, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    settings.VIGIL_NOTIFY_BACKENDS = ["inbox", "email"]
    opt_in(observer_of(world.carol), "email")
    with django_capture_on_commit_callbacks(execute=True):
        sent = dispatch_observers(incident=incident, actor=world.bob)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["carol@example.org"]
    assert "Vigil dispatch" in message.subject
    assert "no physical contact" in message.body
    carols = next(d for d in sent if d.observer.user == world.carol)
    assert f"/observer/dispatch/{carols.pk}/" in message.body
    assert Notification.objects.get(user=world.carol).channels == ["inbox", "email"]
    assert Notification.objects.get(user=world.chris).channels == ["inbox"]


def test_mail_goes_out_only_after_the_dispatch_commits(
    world: World, incident: Incident, settings: SettingsWrapper, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    settings.VIGIL_NOTIFY_BACKENDS = ["email"]
    opt_in(observer_of(world.carol), "email")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dispatch_observers(incident=incident, actor=world.bob)
        assert mail.outbox == []
    assert len(callbacks) == 1


def test_the_console_backend_logs_a_line_without_personal_data(
    world: World, incident: Incident, settings: SettingsWrapper, caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:  # fmt: skip
    settings.VIGIL_NOTIFY_BACKENDS = ["console"]
    with caplog.at_level(logging.INFO, logger="vigil.network.notify"), django_capture_on_commit_callbacks(execute=True):
        sent = dispatch_observers(incident=incident, actor=world.bob)
    lines = [r.getMessage() for r in caplog.records if r.name == "vigil.network.notify"]
    assert len(lines) == len(sent) == 2
    assert all(line.startswith("notification kind=dispatch_offer user=#") for line in lines)
    text = "\n".join(lines)
    for secret in ("carol", "chris", "example.org", "Code of conduct", "km", str(incident.lat)[:6]):
        assert secret not in text


def test_the_sms_backend_posts_to_twilios_messages_api(
    world: World, incident: Incident, settings: SettingsWrapper, twilio: FakeTwilio,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:  # fmt: skip
    settings.VIGIL_NOTIFY_BACKENDS = ["inbox", "sms"]
    opt_in(observer_of(world.carol), "sms", phone=CAROL_PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        sent = dispatch_observers(incident=incident, actor=world.bob)
    assert len(twilio.requests) == 1
    request = twilio.requests[0]
    assert request["method"] == "POST"
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request["authorization"] == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert request["content_type"] == "application/x-www-form-urlencoded"
    form = request["form"]
    assert form["To"] == [CAROL_PHONE]
    assert form["From"] == ["+15555550100"]
    carols = next(d for d in sent if d.observer.user == world.carol)
    assert "no physical contact" in form["Body"][0]
    assert f"/observer/dispatch/{carols.pk}/" in form["Body"][0]


def test_send_sms_returns_twilios_message_sid(twilio: FakeTwilio) -> None:
    assert notify.send_sms(to=CAROL_PHONE, body="hello") == "SM0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("status", [400, 401, 429, 500, 503])
def test_send_sms_reports_api_errors_without_the_number(twilio: FakeTwilio, status: int) -> None:
    twilio.answer = (
        status,
        {"code": 21211, "message": f"The 'To' number {CAROL_PHONE} is not valid", "status": status},
    )
    with pytest.raises(notify.SmsError) as caught:
        notify.send_sms(to=CAROL_PHONE, body="hello")
    assert caught.value.status == status
    assert caught.value.code == 21211
    assert CAROL_PHONE not in str(caught.value)
    assert str(status) in str(caught.value)


def test_send_sms_reports_an_unreachable_api(settings: SettingsWrapper, twilio: FakeTwilio) -> None:
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(notify.SmsError, match="unreachable"):
        notify.send_sms(to=CAROL_PHONE, body="hello", timeout=2)


def test_send_sms_refuses_when_not_configured(settings: SettingsWrapper) -> None:
    settings.TWILIO_ACCOUNT_SID = ""
    with pytest.raises(notify.SmsError, match="not configured"):
        notify.send_sms(to=CAROL_PHONE, body="hello")


def test_a_failing_sms_api_does_not_undo_the_dispatch(
    world: World, incident: Incident, settings: SettingsWrapper, twilio: FakeTwilio,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:  # fmt: skip
    settings.VIGIL_NOTIFY_BACKENDS = ["inbox", "sms"]
    twilio.answer = (500, {"code": 20500, "message": "Internal Server Error"})
    opt_in(observer_of(world.carol), "sms", phone=CAROL_PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        sent = dispatch_observers(incident=incident, actor=world.bob)
    assert len(sent) == 2
    assert len(twilio.requests) == 1
    assert Notification.objects.filter(user=world.carol).exists()


def test_sms_needs_an_opt_in_and_a_number(world: World, settings: SettingsWrapper) -> None:
    settings.VIGIL_NOTIFY_BACKENDS = ["inbox", "sms", "email"]
    carol = observer_of(world.carol)
    assert notify.channels_for(world.carol) == ["inbox"]
    opt_in(carol, "sms")
    assert notify.channels_for(world.carol) == ["inbox"]
    opt_in(carol, "sms", phone=CAROL_PHONE)
    assert notify.channels_for(world.carol) == ["inbox", "sms"]
    # Not an observer: email when they have an address, never SMS.
    assert notify.channels_for(world.alice) == ["inbox", "email"]


def test_an_unknown_backend_name_is_a_configuration_error(world: World, settings: SettingsWrapper) -> None:
    settings.VIGIL_NOTIFY_BACKENDS = ["inbox", "pigeon"]
    with pytest.raises(ImproperlyConfigured, match="pigeon"):
        notify.channels_for(world.carol)
