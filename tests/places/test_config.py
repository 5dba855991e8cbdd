"""Operational settings: read once per few seconds by each web process, a saved change applies at once."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.db import transaction

from tests.world import World
from vigil.places import config
from vigil.places.models import NetworkSettings
from vigil.places.services import update_network_settings


@pytest.fixture(autouse=True)
def _nothing_kept() -> Iterator[None]:
    config.forget()
    yield
    config.forget()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_settings_read_outside_a_transaction_for_a_few_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    NetworkSettings.objects.create(pk=1, cluster_meters=400)
    assert config.current().cluster_meters == 400
    NetworkSettings.objects.filter(pk=1).update(cluster_meters=900)  # as another process would
    assert config.current().cluster_meters == 400
    later = time.monotonic() + config.CACHE_SECONDS + 0.1
    monkeypatch.setattr("vigil.places.config.monotonic", lambda: later)
    assert config.current().cluster_meters == 900


@pytest.mark.django_db(transaction=True)
def test_a_change_saved_in_this_process_applies_at_once(world: World) -> None:
    assert config.current() == config.defaults()
    values = {name: getattr(config.defaults(), name) for name in config.Config.__dataclass_fields__}
    update_network_settings(actor=world.alice, values=values | {"cluster_meters": 300})
    assert config.current().cluster_meters == 300
    NetworkSettings.objects.all().delete()
    assert config.current() == config.defaults()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_nothing_read_inside_a_transaction() -> None:
    with transaction.atomic():
        NetworkSettings.objects.create(pk=1, cluster_minutes=30)
        assert config.current().cluster_minutes == 30
        NetworkSettings.objects.filter(pk=1).update(cluster_minutes=31)  # no signal: only a fresh read sees it
        assert config.current().cluster_minutes == 31
