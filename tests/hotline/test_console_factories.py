"""Helpers for the console and triage tests: incidents and reports made directly with the ORM (no tests here)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import h3
import pytest
from django.conf import settings
from django.utils import timezone

from vigil.hotline import events
from vigil.hotline.models import Channel, Incident, IncidentState, Report
from vigil.network.models import Dispatch, DispatchStatus, Observer
from vigil.places.models import Zone

_receipts = itertools.count(1)


def make_incident(
    zone: Zone | None,
    at: tuple[float, float],
    *,
    channels: Sequence[str] = (Channel.WEB,),
    minutes_ago: float = 5,
    state: str = IncidentState.NEW,
    language: str = "en",
) -> Incident:
    """An incident at `at` with one report per entry of `channels`, the first `minutes_ago`, one minute apart."""
    first = timezone.now() - dt.timedelta(minutes=minutes_ago)
    incident = Incident.objects.create(
        cell=h3.latlng_to_cell(at[0], at[1], settings.VIGIL_H3_RES_REPORT),
        zone_cell=h3.latlng_to_cell(at[0], at[1], settings.VIGIL_H3_RES_ZONE),
        zone=zone,
        lat=at[0],
        lon=at[1],
        state=state,
        language=language,
        report_count=0,
        first_report_at=first,
        last_report_at=first,
    )
    events.record(incident, "incident_opened", at=first, channel=channels[0] if channels else "")
    for i, channel in enumerate(channels):
        add_report(incident, channel=channel, at=(at[0] + i * 0.0001, at[1]), when=first + dt.timedelta(minutes=i))
    return incident


def add_report(
    incident: Incident,
    *,
    channel: str = Channel.WEB,
    at: tuple[float, float] | None = None,
    when: dt.datetime | None = None,
    activity: str = "Agents stopping cars",
    contact_sealed: bytes | None = None,
) -> Report:
    """A report joined to `incident`, keeping the incident's counters and history as clustering would."""
    when = when or timezone.now()
    lat, lon = at if at is not None else (incident.lat, incident.lon)
    report = Report.objects.create(
        receipt=f"T{next(_receipts):07d}",
        channel=channel,
        language=incident.language,
        incident=incident,
        size="3 agents, 2 vans",
        activity=activity,
        location_text="Lake and 5th",
        lat=lat,
        lon=lon,
        cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT),
        uniform="vests marked POLICE ICE",
        seen_at=when,
        equipment="vans",
        contact_sealed=contact_sealed,
        received_at=when,
    )
    incident.report_count = Report.objects.filter(incident=incident).count()
    incident.last_report_at = max(incident.last_report_at, when)
    incident.first_report_at = min(incident.first_report_at, when)
    incident.save(update_fields=["report_count", "last_report_at", "first_report_at"])
    events.record(incident, "report_added", at=when, report=report.pk, channel=channel)
    return report


def send(incident: Incident, observer: Observer, status: str = DispatchStatus.SENT) -> Dispatch:
    now = timezone.now()
    return Dispatch.objects.create(
        incident=incident,
        observer=observer,
        status=status,
        sent_at=now,
        answer_by=now + dt.timedelta(minutes=3),
    )


@pytest.fixture
def frozen_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the clock still: the live polls' version tokens include the minute, so a test that crossed a minute
    boundary between two polls would see a change that isn't one."""
    fixed = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: fixed)
