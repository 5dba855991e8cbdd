"""Incident history: every change to an incident is one IncidentEvent row (who, what, when)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from vigil.accounts.access import AnyUser
from vigil.hotline.models import Incident, IncidentEvent


def record(
    incident: Incident, kind: str, *, actor: AnyUser | None = None, at: dt.datetime | None = None, **data: object
) -> IncidentEvent:
    """Append one event to `incident`'s history. Call inside the transaction that makes the change."""
    return IncidentEvent.objects.create(
        incident=incident,
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        kind=kind,
        data=dict(data),
        at=at or timezone.now(),
    )
