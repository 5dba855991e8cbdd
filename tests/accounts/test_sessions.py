"""Idle and absolute timeouts, no-store on signed-in pages, a person's own sessions, signing out everywhere."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tests.world import World, signed_in
from vigil.accounts import sessions
from vigil.accounts.models import SignedInSession


def _age(client: Client, *, started: float, seen: float) -> None:
    session = client.session
    session[sessions.STARTED] = time.time() - started
    session[sessions.SEEN] = time.time() - seen
    session.save()


def test_a_session_idle_for_half_an_hour_is_signed_out(world: World) -> None:
    client = signed_in(world.bob)
    _age(client, started=31 * 60, seen=31 * 60)
    response = client.get("/home/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/home/").status_code == 302


def test_a_busy_session_still_ends_at_the_absolute_limit(world: World) -> None:
    client = signed_in(world.bob)
    _age(client, started=13 * 3600, seen=10)
    assert client.get("/home/")["Location"].startswith("/accounts/login/")


def test_a_recent_session_goes_on(world: World) -> None:
    client = signed_in(world.bob)
    _age(client, started=3600, seen=29 * 60)
    assert client.get("/home/").status_code == 200


@pytest.mark.parametrize("page", ["/home/", "/console/", "/accounts/sessions/"])
def test_signed_in_pages_are_never_stored(world: World, page: str) -> None:
    response = signed_in(world.bob).get(page)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_person_sees_their_own_sessions_only(world: World) -> None:
    first, second = signed_in(world.bob), signed_in(world.bob)
    signed_in(world.alice)
    assert SignedInSession.objects.filter(user=world.bob).count() == 2
    page = first.get("/accounts/sessions/").content.decode()
    assert page.count("<tr><td>") == 2 and "this one" in page
    assert second.get("/home/").status_code == 200


def test_signing_out_everywhere_ends_every_session(world: World) -> None:
    first, second = signed_in(world.bob), signed_in(world.bob)
    alice = signed_in(world.alice)
    assert first.post("/accounts/sessions/").status_code == 302
    assert second.get("/home/").status_code == 302
    assert first.get("/home/").status_code == 302
    assert alice.get("/home/").status_code == 200
    assert not SignedInSession.objects.filter(user=world.bob).exists()
    assert Session.objects.count() == 1


def test_signing_out_forgets_the_session(world: World) -> None:
    client = signed_in(world.bob)
    client.post("/accounts/logout/")
    assert not SignedInSession.objects.filter(user=world.bob).exists()
