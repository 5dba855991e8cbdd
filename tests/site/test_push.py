"""Rumour alerts by Web Push, against a local push service that speaks RFC 8030 and decrypts the RFC 8291 payload
with the browser's private key made here (no browser push service is reachable from tests)."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from tests.factories import place_incident
from tests.world import World
from vigil.hotline import triage
from vigil.hotline.models import Verdict
from vigil.lib.errors import VigilError
from vigil.public import push, services
from vigil.public.models import Debunk, PushSubscriber


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class PushService:
    base: str
    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 201


@dataclass
class Browser:
    """A browser's side of a subscription: its key pair and auth secret."""

    key: ec.EllipticCurvePrivateKey
    auth: bytes
    endpoint: str

    def subscription(self) -> dict[str, object]:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)}}

    def read(self, body: bytes) -> dict[str, Any]:
        clear = http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        return dict(json.loads(clear))


@pytest.fixture
def service(settings: SettingsWrapper, tmp_path: Any) -> Iterator[PushService]:
    state = PushService(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state.received.append(
                {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": self.rfile.read(length),
                }
            )
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.VIGIL_PUSH_SERVICE_HOSTS = ["127.0.0.1"]
    settings.VIGIL_VAPID_KEY_FILE = tmp_path / "vapid.pem"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def browser_side(service: PushService) -> Browser:
    return Browser(key=ec.generate_private_key(ec.SECP256R1()), auth=os.urandom(16), endpoint=f"{service.base}/p/1")


def publish(world: World) -> Debunk:
    incident = place_incident()
    triage.record_verdict(incident=incident, verdict=Verdict.FALSE_ALARM, note="", actor=world.bob)
    return services.publish_debunk(
        incident=incident,
        actor=world.bob,
        area="Powderhorn",
        statements={"en": "A film crew, not ICE.", "es": "Un equipo de filmación, no ICE."},
    )


def test_a_browser_subscribes_and_gets_the_debunk_encrypted_for_it(
    world: World, service: PushService, browser_side: Browser
) -> None:
    client = Client(enforce_csrf_checks=False)
    answer = client.post(
        "/rumours/alerts/push",
        json.dumps({"subscription": browser_side.subscription(), "language": "es"}),
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json() == {"ok": True, "subscribed": True}
    row = PushSubscriber.objects.get()
    assert browser_side.endpoint.encode() not in bytes(row.subscription_sealed)
    debunk = publish(world)
    assert push.send_debunk(debunk.pk) == 1  # what the task does once the debunk commits
    (delivery,) = service.received
    assert delivery["path"] == "/p/1"
    assert delivery["headers"]["content-encoding"] == "aes128gcm"
    assert delivery["headers"]["authorization"].startswith("vapid t=")
    message = browser_side.read(delivery["body"])
    assert message["title"] == "Control de rumores: Falsa alarma"
    assert message["body"] == "Powderhorn. Un equipo de filmación, no ICE."
    assert message["url"] == f"/rumours/#debunk-{debunk.pk}"


def test_a_subscription_the_service_says_is_gone_is_deleted(
    world: World, service: PushService, browser_side: Browser
) -> None:
    push.subscribe(subscription=browser_side.subscription(), language="en")
    service.status = 410
    assert push.send_debunk(publish(world).pk) == 0
    assert not PushSubscriber.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    ["https://evil.example/p/1", "http://fcm.googleapis.com/p/1", "https://10.0.0.5/p", "file:///etc/passwd"],
)
def test_an_endpoint_outside_the_push_services_is_refused(
    world: World, service: PushService, browser_side: Browser, endpoint: str, settings: SettingsWrapper
) -> None:
    settings.VIGIL_PUSH_SERVICE_HOSTS = ["fcm.googleapis.com", "127.0.0.1"]
    bad = browser_side.subscription() | {"endpoint": endpoint}
    with pytest.raises(VigilError):
        push.subscribe(subscription=bad, language="en")
    assert not PushSubscriber.objects.exists()


def test_keys_of_the_wrong_size_are_refused(world: World, service: PushService, browser_side: Browser) -> None:
    bad = browser_side.subscription() | {"keys": {"p256dh": b64url(b"x" * 10), "auth": b64url(b"y" * 16)}}
    with pytest.raises(VigilError):
        push.subscribe(subscription=bad, language="en")


def test_unsubscribing_forgets_the_browser(world: World, service: PushService, browser_side: Browser) -> None:
    push.subscribe(subscription=browser_side.subscription(), language="en")
    answer = Client().post(
        "/rumours/alerts/push", json.dumps({"unsubscribe": browser_side.endpoint}), content_type="application/json"
    )
    assert answer.json() == {"ok": True, "subscribed": False}
    assert not PushSubscriber.objects.exists()


def test_the_alerts_page_gives_the_vapid_key_and_the_service_worker_is_at_the_root(
    world: World, service: PushService
) -> None:
    page = Client().get("/rumours/alerts/").content.decode()
    key = push.application_server_key()
    assert f'data-key="{key}"' in page and len(base64.urlsafe_b64decode(key + "=")) == 65
    worker = Client().get("/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    assert b'addEventListener("push"' in worker.content
