"""Reads of the hotline intake: the operators' queue and a reporter's status lookup."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.access import AnyUser
from vigil.accounts.models import Role
from vigil.hotline.access import reports_visible_to
from vigil.hotline.models import Incident, Report
from vigil.hotline.services import normalise_receipt

QUEUE_HOURS = 24
QUEUE_LIMIT = 100
RECEIVED = "received"  # the status of a report not yet in an incident (not placed on the map yet)
OUTSIDE_AREA = "outside_area"  # placed outside the network's service area: nobody is sent


def operator_queue(user: AnyUser, *, now: dt.datetime | None = None) -> QuerySet[Report]:
    """Recent reports of every channel in the operator's zones and outside every zone: unplaced first, then newest."""
    since = (now or timezone.now()) - dt.timedelta(hours=QUEUE_HOURS)
    return (
        reports_visible_to(user, [Role.OPERATOR])
        .filter(received_at__gte=since, outside_area=False)
        .select_related("incident", "incident__zone")
        .annotate(
            unplaced=Case(When(incident__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("unplaced", "-received_at", "-pk")[:QUEUE_LIMIT]
    )


def held_reports(user: AnyUser) -> QuerySet[Report]:
    """Reports the text guard held, waiting for one of the user's operators to review them: oldest first."""
    return (
        reports_visible_to(user, [Role.OPERATOR])
        .filter(held=True)
        .select_related("incident", "incident__zone")
        .order_by("received_at", "pk")
    )


def report_status(receipt: str) -> str | None:
    """What a reporter may know about their report: only the state of its incident (or "received"); None if unknown.

    An incident merged into another reports the state of the one it was merged into.
    """
    code = normalise_receipt(receipt)
    if code is None:
        return None
    row = Report.objects.filter(receipt=code).values_list("pk", "incident_id", "outside_area").first()
    if row is None:
        return None
    if row[2]:
        return OUTSIDE_AREA
    incident_id = row[1]
    seen: set[int] = set()
    while incident_id is not None and incident_id not in seen:
        seen.add(incident_id)
        incident = Incident.objects.filter(pk=incident_id).values_list("state", "merged_into_id").first()
        if incident is None:
            return RECEIVED
        state, merged_into = incident
        if merged_into is None:
            return str(state)
        incident_id = merged_into
    return RECEIVED


def status_label(state: str) -> str:
    """A reporter-facing sentence for a status (translated)."""
    labels = {
        RECEIVED: _("Received. A volunteer will place it on the map and check it."),
        OUTSIDE_AREA: _("Received, but it is outside the area this hotline covers: nobody will be sent."),
        "new": _("Received and being checked by a dispatcher."),
        "verifying": _("Being verified: trained observers may be on their way."),
        "verdict": _("Checked by the hotline. Thank you for reporting."),
        "closed": _("Closed. Thank you for reporting."),
    }
    return labels.get(state, _("Received."))
