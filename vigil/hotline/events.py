"""Incident history: every change to an incident is one IncidentEvent row (who, what, when)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

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


def record_many(
    incident: Incident,
    kinds: Sequence[tuple[str, Mapping[str, object]]],
    *,
    actor: AnyUser | None = None,
    at: dt.datetime | None = None,
) -> list[IncidentEvent]:
    """Append several events at once (one INSERT), in the order given."""
    at = at or timezone.now()
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    return IncidentEvent.objects.bulk_create(
        IncidentEvent(incident=incident, actor_id=actor_id, kind=kind, data=dict(data), at=at) for kind, data in kinds
    )
