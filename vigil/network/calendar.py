"""The iCalendar (RFC 5545) feed of training sessions: public facts only (kind, time, language, public venue)."""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone

from vigil.network.dispatch import absolute_url
from vigil.network.models import Training, TrainingKind


def sessions_ics(sessions: Iterable[Training]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Vigil//trainings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Vigil trainings")
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "vigil"
    stamp = timezone.now()
    for training in sessions:
        event = icalendar.Event()
        event.add("uid", f"training-{training.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", training.starts_at)
        event.add("dtend", training.ends_at)
        event.add("summary", f"{training.title} ({TrainingKind(training.kind).label}, {training.language})")
        event.add("location", "online" if training.online else training.place)
        event.add("url", absolute_url("volunteer:trainings"))
        if training.cancelled:
            event.add("status", "CANCELLED")
        cal.add_component(event)
    return bytes(cal.to_ical())
