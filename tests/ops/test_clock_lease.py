"""Exactly one clock: a second copy waits while the first holds the lease, and takes over when it lapses."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from vigil.ops import lease
from vigil.ops.models import Lease


@pytest.mark.django_db
def test_only_one_holder_at_a_time() -> None:
    assert lease.take("clock", "node-a", 30)
    assert not lease.take("clock", "node-b", 30)
    assert lease.take("clock", "node-a", 30)  # renewing


@pytest.mark.django_db
def test_a_lapsed_lease_is_taken_over() -> None:
    assert lease.take("clock", "node-a", 30)
    Lease.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert lease.take("clock", "node-b", 30)
    assert not lease.take("clock", "node-a", 30)


@pytest.mark.django_db
def test_a_second_clock_enqueues_nothing(settings: object) -> None:
    lease.take("clock", "another node", 30)
    err = StringIO()
    call_command("clock", "--once", stderr=err)
    assert "another clock is running" in err.getvalue()


@pytest.mark.django_db
def test_a_clock_releases_its_lease_when_it_stops() -> None:
    call_command("clock", "--once", stderr=StringIO())
    assert not Lease.objects.exists()
