"""The Django admin: network and account models registered, sealed bytes never shown, the audit trail read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.world import World, enrol_totp, signed_in
from vigil.accounts.access import audit
from vigil.accounts.models import AuditEvent, Membership, User
from vigil.network.models import Observer
from vigil.vault import seal


@pytest.fixture
def admin_client(world: World) -> Client:
    root = User.objects.create_superuser("root", "root@example.org", "root-password-123")
    enrol_totp(root)
    return signed_in(root)


def test_every_model_has_an_admin_page(admin_client: Client) -> None:
    for path in [
        "/admin/accounts/group/",
        "/admin/places/zone/",
        "/admin/places/zonecell/",
        "/admin/network/observer/",
        "/admin/network/shift/",
        "/admin/network/dispatch/",
        "/admin/network/observation/",
        "/admin/network/notification/",
        "/admin/places/networksettings/",
        "/admin/accounts/user/",
        "/admin/accounts/membership/",
        "/admin/accounts/auditevent/",
    ]:
        assert admin_client.get(path).status_code == 200, path


def test_the_observer_page_never_shows_the_sealed_phone(world: World, admin_client: Client) -> None:
    observer = Observer.objects.get(user=world.carol)
    observer.phone_sealed = seal("+16125550142", purpose="observer-phone")
    observer.save()
    body = admin_client.get(f"/admin/network/observer/{observer.pk}/change/").content
    assert b"phone_sealed" not in body
    assert b"5550142" not in body
    assert bytes(observer.phone_sealed)[:12] not in body


def test_the_user_admin_edits_the_custom_user_with_its_roles(world: World, admin_client: Client) -> None:
    body = admin_client.get(f"/admin/accounts/user/{world.alice.pk}/change/").content
    assert b'name="language"' in body
    assert b"memberships-0-role" in body
    assert Membership.objects.filter(user=world.alice).exists()


def test_the_audit_trail_is_read_only_in_the_admin(world: World, admin_client: Client) -> None:
    audit(world.alice, "zone.create", object_type="zone", object_id=1)
    event = AuditEvent.objects.get()
    assert admin_client.get("/admin/accounts/auditevent/add/").status_code == 403
    response = admin_client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    view = admin_client.get(f"/admin/accounts/auditevent/{event.pk}/change/")
    assert view.status_code == 200 and b'name="action"' not in view.content


def test_dispatch_history_cannot_be_edited_in_the_admin(admin_client: Client) -> None:
    assert admin_client.get("/admin/network/dispatch/add/").status_code == 403
    assert admin_client.get("/admin/places/networksettings/add/").status_code == 403
