"""Web Push against a local push service that checks VAPID (RFC 8292) and decrypts (RFC 8291): nothing mocked."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks as CaptureOnCommit
from pytest_django import Settings as SettingsWrapper

from tests.factories import send
from tests.push_service import LocalPushService, start, unb64url
from tests.world import World
from vigil.hotline.models import Incident
from vigil.network import dispatch as network_dispatch
from vigil.network import push
from vigil.network.models import Dispatch, DispatchStatus, Observer, PushSubscription
from vigil.vault import seal


@pytest.fixture
def service() -> Iterator[LocalPushService]:
    running = start()
    yield running
    running.close()


@pytest.fixture
def vapid(settings: SettingsWrapper, tmp_path: Path) -> Path:
    settings.VIGIL_VAPID_KEY_FILE = tmp_path / "keys" / "vapid.pem"
    settings.VIGIL_PUSH_ALLOW_HTTP = True
    settings.VIGIL_NOTIFY_BACKENDS = ["inbox", "push", "sms"]
    call_command("init_keys")
    return Path(settings.VIGIL_VAPID_KEY_FILE)


def subscribe(world: World, user_name: str, service: LocalPushService, *, gone: bool = False) -> dict[str, object]:
    subscription = service.subscribe(gone=gone)
    client = world.client_for(getattr(world, user_name))
    response = client.post("/observer/push/subscribe", json.dumps(subscription), content_type="application/json")
    assert response.status_code == 201
    return subscription


def carol_takes_sms(world: World, phone: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Carol opts in to SMS; the SMS provider's send is replaced by a list of the numbers it would text."""
    Observer.objects.filter(user=world.carol).update(
        notify_by=["inbox", "sms"], phone_sealed=seal(phone, purpose="observer-phone")
    )
    sms: list[str] = []

    def provider(*, to: str, body: str) -> str:
        sms.append(to)
        return f"SM{len(sms)}"

    monkeypatch.setattr("vigil.network.notify.send_sms", provider)
    return sms


def test_init_keys_makes_a_vapid_key_once_and_browsers_get_its_public_point(vapid: Path) -> None:
    before = vapid.read_bytes()
    call_command("init_keys")
    assert vapid.read_bytes() == before and oct(vapid.stat().st_mode & 0o777) == "0o600"
    point = unb64url(push.application_server_key())
    assert len(point) == 65 and point[0] == 4


def test_the_observer_page_hands_out_the_key(world: World, vapid: Path) -> None:
    body = world.client_for(world.carol).get("/observer/push/key").json()
    assert body["key"] == push.application_server_key()


def test_a_plain_http_endpoint_is_refused_in_production(world: World, vapid: Path, settings: SettingsWrapper) -> None:
    settings.VIGIL_PUSH_ALLOW_HTTP = False
    body = {"endpoint": "http://10.0.0.1/internal", "keys": {"p256dh": "x", "auth": "y"}}
    response = world.client_for(world.carol).post(
        "/observer/push/subscribe", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400 and not PushSubscription.objects.exists()


def test_a_dispatch_offer_arrives_encrypted_with_a_valid_vapid_signature_and_actions(
    world: World,
    incident: Incident,
    vapid: Path,
    service: LocalPushService,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    subscribe(world, "carol", service)
    with django_capture_on_commit_callbacks(execute=True):
        network_dispatch.dispatch_observers(incident=incident, actor=world.bob, count=1)
    dispatch = Dispatch.objects.get(incident=incident)
    assert dispatch.observer.user == world.carol
    assert len(service.received) == 1, service.refused
    message = service.received[0]
    payload = message.json()
    assert payload["kind"] == "dispatch_offer"
    assert str(payload["url"]).endswith(f"/observer/dispatch/{dispatch.pk}/")
    actions = payload["actions"]
    assert isinstance(actions, list) and [a["action"] for a in actions] == ["accept", "decline"]
    assert "Lake" not in json.dumps(payload)  # how far, never where
    assert message.headers["urgency"] == "high" and message.headers["content-encoding"] == "aes128gcm"
    assert message.headers["ttl"] == "600"
    assert str(message.vapid_claims["sub"]).startswith("mailto:")
    assert PushSubscription.objects.get().last_used_at is not None


def test_a_gone_subscription_is_deleted_and_sms_goes_instead(
    world: World,
    incident: Incident,
    vapid: Path,
    service: LocalPushService,
    settings: SettingsWrapper,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    sms = carol_takes_sms(world, "+16125550142", monkeypatch)
    subscribe(world, "carol", service, gone=True)
    with django_capture_on_commit_callbacks(execute=True):
        network_dispatch.dispatch_observers(incident=incident, actor=world.bob, count=1)
    assert service.refused == [(410, "subscription gone")]
    assert not PushSubscription.objects.exists()
    assert sms == ["+16125550142"]


def test_with_a_live_subscription_no_sms_is_sent_as_well(
    world: World,
    incident: Incident,
    vapid: Path,
    service: LocalPushService,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    sms = carol_takes_sms(world, "+16125550142", monkeypatch)
    subscribe(world, "carol", service)
    with django_capture_on_commit_callbacks(execute=True):
        network_dispatch.dispatch_observers(incident=incident, actor=world.bob, count=1)
    assert len(service.received) == 1 and sms == []


def test_a_coordinator_alert_arrives_by_push(
    world: World,
    incident: Incident,
    vapid: Path,
    service: LocalPushService,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    subscribe(world, "alice", service)
    dispatch = send(incident, Observer.objects.get(user=world.carol), DispatchStatus.ON_SCENE)
    Dispatch.objects.filter(pk=dispatch.pk).update(sent_at=timezone.now() - dt.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert network_dispatch.alert_missed_check_ins() == 1
    kinds = [m.json()["kind"] for m in service.received]
    assert "check_in_missed" in kinds


def test_a_forged_vapid_signature_is_refused_by_the_service(service: LocalPushService) -> None:
    import urllib.error
    import urllib.request

    subscription = service.subscribe()
    request = urllib.request.Request(  # noqa: S310 - the local test service
        str(subscription["endpoint"]),
        data=b"x",
        method="POST",
        headers={"TTL": "60", "Content-Encoding": "aes128gcm", "Authorization": "vapid t=a.b.c, k=AAAA"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310 - the local test service
    assert refused.value.code in (401, 403) and not service.received


def test_an_unreadable_vapid_key_sends_nothing_by_push_and_the_sms_goes_instead(
    world: World,
    incident: Incident,
    vapid: Path,
    service: LocalPushService,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    sms = carol_takes_sms(world, "+16125550143", monkeypatch)
    subscribe(world, "carol", service)
    vapid.write_text("not a key\n")
    with django_capture_on_commit_callbacks(execute=True):
        network_dispatch.dispatch_observers(incident=incident, actor=world.bob, count=1)
    assert service.received == [] and sms == ["+16125550143"]
