"""Observers: the list flags training, the edit page changes training, languages, code, active flag and the phone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.network.models import Observer
from vigil.vault import unseal


def carol(world: World) -> Observer:
    return Observer.objects.get(user=world.carol)


def form(**changes: object) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "trained_on": (today - dt.timedelta(days=10)).isoformat(),
        "training_expires_on": (today + dt.timedelta(days=300)).isoformat(),
        "languages": "en, es, so",
        "code_accepted": "on",
        "active": "on",
        "notify_by": ["inbox"],
        "new_phone": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_list_flags_expired_and_expiring_training(world: World) -> None:
    today = timezone.localdate()
    Observer.objects.filter(user=world.carol).update(training_expires_on=today - dt.timedelta(days=1))
    Observer.objects.filter(user=world.chris).update(training_expires_on=today + dt.timedelta(days=20))
    body = world.client_for(world.alice).get(f"/network/groups/{world.north.pk}/observers/").content.decode()
    assert "expired" in body and "expires within 30 days" in body
    assert "en, es" in body and "on shift" in body


def test_alice_edits_an_observer_and_the_change_is_audited_without_values(world: World) -> None:
    client = world.client_for(world.alice)
    response = client.post(
        f"/network/observers/{carol(world).pk}/", form(new_phone="+1 (612) 555-0142", notify_by=["inbox", "sms"])
    )
    assert response.status_code == 302
    observer = carol(world)
    assert observer.languages == ["en", "es", "so"]
    assert observer.notify_by == ["inbox", "sms"]
    assert observer.phone_sealed is not None
    assert unseal(observer.phone_sealed, purpose="observer-phone") == "+16125550142"
    event = AuditEvent.objects.get(action="observer.update")
    assert "phone" in event.detail["fields"] and "5550142" not in str(event.detail)


def test_the_phone_is_shown_masked_and_the_read_is_audited(world: World) -> None:
    client = world.client_for(world.alice)
    client.post(f"/network/observers/{carol(world).pk}/", form(new_phone="+16125550142"))
    body = client.get(f"/network/observers/{carol(world).pk}/").content.decode()
    assert "5550142" not in body and "•42" in body
    assert AuditEvent.objects.filter(action="observer.phone.masked_read", actor=world.alice).exists()


def test_clearing_the_phone_and_withdrawing_the_code(world: World) -> None:
    client = world.client_for(world.alice)
    client.post(f"/network/observers/{carol(world).pk}/", form(new_phone="+16125550142"))
    client.post(f"/network/observers/{carol(world).pk}/", form(clear_phone="on", code_accepted=None, active=None))
    observer = carol(world)
    assert observer.phone_sealed is None and observer.code_accepted_at is None and observer.active is False


def test_bad_observer_input_is_refused_and_nothing_changes(world: World) -> None:
    client = world.client_for(world.alice)
    before = carol(world)
    for data, message in [
        (form(new_phone="555-0142"), b"country code"),
        (form(languages="english!"), b"is not a language code"),
        (form(notify_by=["inbox", "sms"]), b"SMS notifications need a phone"),
        (form(notify_by=["pigeon"]), b"pigeon"),
        (form(trained_on="2026-01-10", training_expires_on="2025-01-01"), b"cannot expire before"),
        (form(trained_on="yesterday"), b"Enter a valid date"),
    ]:
        response = client.post(f"/network/observers/{before.pk}/", data)
        assert response.status_code == 400, data
        assert message in response.content, data
    after = carol(world)
    assert (after.languages, after.notify_by, after.phone_sealed) == (before.languages, before.notify_by, None)
    assert not AuditEvent.objects.filter(action="observer.update").exists()
