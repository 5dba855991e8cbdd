"""Public-site fixtures: incidents with verdicts at chosen ages, and a cache emptied around each test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from tests.factories import make_incident
from vigil.hotline import events
from vigil.hotline.models import Incident, IncidentState
from vigil.places import config
from vigil.places.models import Zone


@pytest.fixture(autouse=True)
def _empty_cache(fresh_rate_limits: None) -> Iterator[None]:
    """Kept pages and limits live in the shared cache (a database table): empty around each test."""
    config.forget()
    yield
    config.forget()


def judged(
    zone: Zone | None, at: tuple[float, float], *, verdict: str, hours_ago: float, channels: tuple[str, ...] = ("web",)
) -> Incident:
    """An incident whose only report came `hours_ago`, judged `verdict` 30 minutes after that report."""
    incident = make_incident(zone, at, channels=channels, minutes_ago=hours_ago * 60)
    incident.state = IncidentState.VERDICT
    incident.verdict = verdict
    incident.save(update_fields=["state", "verdict"])
    events.record(incident, "verdict_recorded", at=incident.first_report_at + dt.timedelta(minutes=30), verdict=verdict)
    return incident


def hours_from_now(hours: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)
