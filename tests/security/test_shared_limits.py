"""Replay: one client got 19 reports accepted across two nodes with the limit at 6/min, because each process kept its
own counters. Limits now live in the shared cache (the database by default), so every worker and node counts
against one limit."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.test import Client, override_settings

from tests.intake.test_report_form import _form
from tests.world import World
from vigil.hotline.access import within_rate


@pytest.fixture(autouse=True)
def _fresh(fresh_rate_limits: None) -> None:
    pass


def test_the_default_cache_is_shared_by_every_process() -> None:
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_another_process_sees_the_same_counters(db: None) -> None:
    # A second process has its own cache object, but the same table behind it.
    other_node = DatabaseCache(settings.CACHES["default"]["LOCATION"], {})
    from django.core.cache import cache

    cache.set("vigil:probe", 41)
    assert other_node.get("vigil:probe") == 41
    other_node.incr("vigil:probe")
    assert cache.get("vigil:probe") == 42


@override_settings(VIGIL_REPORT_RATE_PER_MINUTE=6)
def test_the_report_limit_holds_across_nodes(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from vigil.hotline import access

    nodes = [DatabaseCache(settings.CACHES["default"]["LOCATION"], {}) for _ in range(2)]
    accepted = 0
    for n in range(20):
        monkeypatch.setattr(access, "cache", nodes[n % 2])  # requests alternate between two nodes
        status = Client(REMOTE_ADDR="198.51.100.30").post("/report", _form()).status_code
        accepted += status == 201
    assert accepted == 6


@override_settings(VIGIL_REPORT_RATE_PER_MINUTE=3)
def test_sms_senders_are_limited_one_by_one(db: None) -> None:
    assert all(within_rate("sender-a", scope="sms") for _ in range(3))
    assert not within_rate("sender-a", scope="sms")
    assert within_rate("sender-b", scope="sms")
