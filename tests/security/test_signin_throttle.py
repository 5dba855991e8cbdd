"""Replay: guessing passwords. Failed sign-ins are limited per account and per client, in the shared cache, keyed by
a keyed hash of the client's address (never the address)."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import Client

from tests.world import PASSWORD, World

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh(fresh_rate_limits: None) -> None:
    pass


THROTTLED = 429


def _try(client: Client, username: str, password: str) -> int:
    """302 signed in (or on to the second factor), 200 refused, THROTTLED refused without checking the password."""
    response = client.post(LOGIN, {"login": username, "password": password})
    if response.status_code == 200 and "Too many failed login attempts" in response.content.decode():
        return THROTTLED
    return response.status_code


def test_two_hundred_wrong_passwords_are_impossible(world: World) -> None:
    refused_early = 0
    for n in range(200):
        client = Client(REMOTE_ADDR=f"198.51.{n // 250}.{n % 250 + 1}")  # a new address every time
        status = _try(client, "bob", f"guess {n}")
        assert status in (200, THROTTLED)
        refused_early += status == THROTTLED
    assert refused_early >= 195  # at most five guesses were checked
    # Within the window even the right password is refused for this account, from anywhere.
    assert _try(Client(REMOTE_ADDR="203.0.113.9"), "bob", PASSWORD) == THROTTLED


def test_one_client_cannot_spray_many_accounts(world: World) -> None:
    client = Client(REMOTE_ADDR="198.51.100.20")
    statuses = [_try(client, name, "wrong password") for name in ["alice", "bob", "dave", "erin", "frank"] * 3]
    assert statuses.count(THROTTLED) >= 5
    # Another client is not affected.
    assert _try(Client(REMOTE_ADDR="198.51.100.21"), "carol", PASSWORD) == 302


def test_the_cache_and_the_logs_hold_no_client_address(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client(REMOTE_ADDR="198.51.100.77")
    for _ in range(12):
        _try(client, "bob", "wrong password")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM vigil_cache")
        rows = cursor.fetchall()
    assert rows
    assert all("198.51.100.77" not in f"{key}{value}" for key, value in rows)
    assert "198.51.100.77" not in caplog.text


def test_the_pseudonym_covers_an_ipv6_block_and_is_keyed() -> None:
    from django.test import RequestFactory, override_settings

    from vigil.lib.clients import client_pseudonym

    make = RequestFactory().get
    a = client_pseudonym(make("/", REMOTE_ADDR="2001:db8:1:2::1"))
    b = client_pseudonym(make("/", REMOTE_ADDR="2001:db8:1:2:ffff::9"))
    c = client_pseudonym(make("/", REMOTE_ADDR="2001:db8:1:3::1"))
    assert a == b != c
    with override_settings(SECRET_KEY="another key for this test only, long enough to pass checks"):
        assert client_pseudonym(make("/", REMOTE_ADDR="2001:db8:1:2::1")) != a
