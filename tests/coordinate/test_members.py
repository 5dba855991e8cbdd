"""Members and roles of a group: add an existing account, create a volunteer account, remove a role."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tests.world import World, make_user
from vigil.accounts.models import AuditEvent, Membership, Role, User
from vigil.network.models import Observer


def url(world: World) -> str:
    return f"/network/groups/{world.north.pk}/members/"


def test_the_page_lists_everyone_with_their_roles(world: World) -> None:
    body = world.client_for(world.alice).get(url(world)).content.decode()
    for name in ["alice", "bob", "carol", "chris", "dave", "erin", "frank"]:
        assert name in body
    assert "mallory" not in body


def test_alice_gives_an_existing_account_a_role(world: World) -> None:
    client = world.client_for(world.alice)
    response = client.post(url(world), {"action": "add", "add-username": "NOBODY", "add-role": "dispatcher"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=world.nobody, group=world.north, role=Role.DISPATCHER).exists()
    event = AuditEvent.objects.get(action="membership.add")
    assert event.actor_id == world.alice.pk and event.detail == {"user_id": world.nobody.pk, "role": "dispatcher"}


def test_an_observer_role_creates_the_observer_record(world: World) -> None:
    client = world.client_for(world.alice)
    client.post(url(world), {"action": "add", "add-username": "nobody", "add-role": "observer"})
    observer = Observer.objects.get(user=world.nobody)
    assert observer.group == world.north and observer.active
    # An observer belongs to one group: Southside's observer cannot become Northside's.
    make_user("sam", world.south, Role.OBSERVER)
    Observer.objects.create(user=User.objects.get(username="sam"), group=world.south)
    response = client.post(url(world), {"action": "add", "add-username": "sam", "add-role": "observer"})
    assert response.status_code == 400 and b"another group" in response.content


def test_it_refuses_unknown_users_duplicates_and_bad_roles(world: World) -> None:
    client = world.client_for(world.alice)
    before = Membership.objects.count()
    assert (
        b"No active account"
        in client.post(url(world), {"action": "add", "add-username": "ghost", "add-role": "operator"}).content
    )
    duplicate = client.post(url(world), {"action": "add", "add-username": "bob", "add-role": "dispatcher"})
    assert duplicate.status_code == 400 and b"already holds" in duplicate.content
    assert client.post(url(world), {"action": "add", "add-username": "bob", "add-role": "king"}).status_code == 400
    assert client.post(url(world), {"action": "fly"}).status_code == 400
    assert Membership.objects.count() == before


@pytest.mark.django_db(transaction=True)  # the invitation goes after commit
def test_alice_invites_a_volunteer_by_email_and_sees_no_password(world: World) -> None:
    client = world.client_for(world.alice)
    data = {
        "action": "create",
        "new-username": "wren",
        "new-first_name": "Wren",
        "new-last_name": "Calloway",
        "new-email": "wren@example.org",
        "new-language": "es",
        "new-role": "observer",
    }
    response = client.post(url(world), data)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(username="wren")
    assert user.language == "es" and Observer.objects.filter(user=user, group=world.north).exists()
    assert not user.has_usable_password()
    assert "wren@example.org" in response.content.decode() and 'class="secret"' not in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wren@example.org"]
    link = re.search(r"http\S+/accounts/password/reset/key/\S+", str(mail.outbox[0].body))
    assert link is not None and "Wren" in mail.outbox[0].body
    # The link lets Wren choose a password once.
    path = link.group(0).split("127.0.0.1:8000", 1)[-1]
    stranger = Client()
    form = stranger.get(path, follow=True)
    assert form.status_code == 200
    chosen = "a long passphrase of my own"
    set_password = stranger.post(form.redirect_chain[-1][0], {"password1": chosen, "password2": chosen})
    assert set_password.status_code == 302
    user.refresh_from_db()
    assert user.check_password(chosen)
    again = Client().get(path, follow=True)
    assert b"password1" not in again.content  # used: the link no longer works
    event = AuditEvent.objects.get(action="user.create")
    assert "wren@example.org" not in str(event.detail)
    taken = client.post(url(world), {**data, "new-username": "WREN"})
    assert taken.status_code == 400 and b"taken" in taken.content
    bad = client.post(url(world), {**data, "new-username": "wren smith!", "new-email": "nope"})
    assert bad.status_code == 400 and User.objects.filter(username__startswith="wren").count() == 1
    no_mail = client.post(url(world), {**data, "new-username": "wren2", "new-email": ""})
    assert no_mail.status_code == 400 and not User.objects.filter(username="wren2").exists()


def test_alice_removes_a_role_but_not_the_last_coordinator(world: World) -> None:
    client = world.client_for(world.alice)
    carol_role = Membership.objects.get(user=world.carol, role=Role.OBSERVER)
    assert client.post(f"/network/members/{carol_role.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(pk=carol_role.pk).exists()
    assert Observer.objects.get(user=world.carol).active is False
    own = Membership.objects.get(user=world.alice, role=Role.COORDINATOR)
    response = client.post(f"/network/members/{own.pk}/remove/", follow=True)
    assert b"at least one coordinator" in response.content
    assert Membership.objects.filter(pk=own.pk).exists()
    assert AuditEvent.objects.filter(action="membership.remove").count() == 1
    assert client.get(f"/network/members/{own.pk}/remove/").status_code == 405
