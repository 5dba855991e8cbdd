"""Public statistics against numbers worked out by hand: whole old days only, small counts withheld."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import add_report, make_incident
from tests.world import NORTH_CENTER, World
from vigil.hotline import events
from vigil.hotline.models import Incident, IncidentState
from vigil.public import selectors

CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=CHICAGO)  # cutoff 06:00 on the 20th: the 19th is the last whole day


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


def incident_at(first: dt.datetime, verdict: str, minutes_to_verdict: int) -> Incident:
    incident = make_incident(None, NORTH_CENTER, channels=(), minutes_ago=0)
    Incident.objects.filter(pk=incident.pk).update(
        first_report_at=first, last_report_at=first, state=IncidentState.VERDICT, verdict=verdict
    )
    events.record(incident, "verdict_recorded", at=first + dt.timedelta(minutes=minutes_to_verdict), verdict=verdict)
    return incident


@pytest.fixture
def november(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    holder = make_incident(None, NORTH_CENTER, channels=(), minutes_ago=0)
    # The 19th: 4 web, 3 SMS, 1 operator (under k = 3: withheld). The 18th: 3 web.
    for channel, count in (("web", 4), ("sms", 3), ("operator", 1)):
        for i in range(count):
            add_report(holder, channel=channel, when=local(19, 9 + i))
    for i in range(3):
        add_report(holder, channel="web", when=local(18, 23, 10 * i))
    # The morning of the 20th is after the cutoff's day: not counted.
    add_report(holder, channel="web", when=local(20, 5))
    # Verdicts on the 19th: 2 false alarms out of 4; minutes to verdict 10, 20, 30, 50: median 25.
    incident_at(local(19, 8), "false_alarm", 30)
    incident_at(local(19, 9), "false_alarm", 10)
    incident_at(local(19, 10), "confirmed", 50)
    incident_at(local(19, 11), "not_immigration", 20)
    # A verdict on the 20th is not counted yet.
    incident_at(local(20, 4), "false_alarm", 5)


def test_the_numbers_match_the_hand_computed_ones(november: None) -> None:
    with timezone.override(CHICAGO):
        stats = selectors.public_stats(days=3)
    assert stats.days == [dt.date(2026, 11, 17), dt.date(2026, 11, 18), dt.date(2026, 11, 19)]
    assert stats.reports_by_channel == {"operator": [0, 0, None], "sms": [0, 0, 3], "web": [0, 3, 4]}
    assert stats.verdicts == 4
    assert stats.false_alarm_share == 0.5
    assert stats.median_minutes_to_verdict == 25


def test_the_page_shows_them_and_withholds_small_counts(november: None) -> None:
    with timezone.override(CHICAGO):
        page = Client().get("/stats/").content.decode()
    assert '<dd id="stat-verdicts">4</dd>' in page
    assert "50 %" in page
    assert "25 minutes" in page
    assert "&lt;3" in page  # the single operator report
    chart = json.loads(page.split('id="chart-reports-per-day" type="application/json">', 1)[1].split("</script>")[0])
    assert chart["columns"] == ["", "Hotline operator", "SMS", "Web form"]
    assert chart["rows"][-1] == ["2026-11-19", None, 3, 4]
