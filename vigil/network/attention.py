"""Corroboration before attention: the rank of an incident in the dispatcher's queue.

320 fake API reports once hid two real raids from every dispatcher: a queue ordered only by time gives the floor to
whoever sends the most. So the queue ranks incidents first by signals a flood cannot fake cheaply, and only then by
time. The rank is one number, `attention`, the sum of these points (docs/console.md):

| signal                                                                        | points |
|-------------------------------------------------------------------------------|--------|
| an observer went: a dispatch of the incident on scene or left safe            | 4      |
| a hotline operator took one of its reports (a person on the phone)            | 3      |
| an SMS sender whose earlier report was part of a confirmed incident           | 3      |
| each channel beyond the first (web, SMS, operator, API)                       | 2      |
| an observer on shift nearby (within NEARBY_RINGS rings of zone cells)          | 1      |
| at least one report came by something other than the API                      | 1      |

An incident reported only through the API (anonymous clients: the API has no known clients) and by nothing else gets
0 and ranks lowest. "Corroborated" (`is_corroborated`) is the stricter subset a flood would have to pay for: several
channels, an operator, a known sender or an observer who went; an observer merely nearby, one web form or one text
from an unknown number is not. The flood warning (vigil/hotline/floods.py) groups the uncorroborated incidents of a
burst under it.

Everything is computed in the database (`annotate_attention`: correlated subqueries, one per signal, so the queue
stays one query however long it is), except the set of cells near observers on shift, read once per call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import h3
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.hotline.models import Channel, Incident, Report, Verdict
from vigil.network.models import Dispatch, DispatchStatus, Shift
from vigil.network.shifts import on_shift_at

POINTS_OBSERVER_WENT = 4
POINTS_OPERATOR = 3
POINTS_KNOWN_SENDER = 3
POINTS_PER_EXTRA_CHANNEL = 2
POINTS_OBSERVER_NEARBY = 1
POINTS_NOT_API_ONLY = 1
# Rings of zone cells (H3 VIGIL_H3_RES_ZONE, ~0.9 km between centres) around an observer's shift cell that count as
# "nearby".
NEARBY_RINGS = 2
# More observers on shift than this and "nearby" is not computed cell by cell (the IN list would be too long).
NEARBY_MAX_SHIFTS = 500
WENT_STATUSES = (DispatchStatus.ON_SCENE, DispatchStatus.LEFT_SAFE)


def _points(condition: Exists | Q, points: int) -> Case:
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


def cells_near_observers(now: dt.datetime) -> list[str]:
    """Zone-resolution cells within NEARBY_RINGS of an observer on shift now (coarse cells, never positions)."""
    shift_cells = set(
        Shift.objects.filter(on_shift_at(now)).exclude(cell="").values_list("cell", flat=True)[:NEARBY_MAX_SHIFTS]
    )
    near: set[str] = set()
    for cell in shift_cells:
        if h3.is_valid_cell(cell):
            near.update(h3.grid_disk(cell, NEARBY_RINGS))
    return sorted(near)


def annotate_attention(
    incidents: QuerySet[Incident], *, now: dt.datetime | None = None, near_cells: Collection[str] | None = None
) -> QuerySet[Incident]:
    """`incidents` with the signals and the rank of each (see the module docstring) as annotations:

    att_channels (distinct channels of its reports), att_operator, att_known_sender, att_observer_went,
    att_observer_nearby, att_not_api_only (booleans) and attention (the sum of points)."""
    now = now or timezone.now()
    near = list(cells_near_observers(now) if near_cells is None else near_cells)
    reports = Report.objects.filter(incident_id=OuterRef("pk"))
    channels = Subquery(
        reports.order_by().values("incident_id").annotate(n=Count("channel", distinct=True)).values("n")[:1],
        output_field=IntegerField(),
    )
    confirmed_before = Report.objects.filter(
        sender_hash=OuterRef("sender_hash"), incident__verdict=Verdict.CONFIRMED
    ).exclude(incident_id=OuterRef("incident_id"))
    known_sender = Exists(reports.filter(sender_hash__isnull=False).filter(Exists(confirmed_before)))
    operator = Exists(reports.filter(channel=Channel.OPERATOR))
    not_api_only = Exists(reports.exclude(channel=Channel.API))
    went = Exists(Dispatch.objects.filter(incident_id=OuterRef("pk"), status__in=WENT_STATUSES))
    nearby = (
        Case(When(Q(zone_cell__in=near), then=Value(True)), default=Value(False), output_field=BooleanField())
        if near
        else Value(False, output_field=BooleanField())
    )
    annotated = incidents.annotate(
        att_channels=Coalesce(channels, Value(0)),
        att_operator=operator,
        att_known_sender=known_sender,
        att_observer_went=went,
        att_observer_nearby=nearby,
        att_not_api_only=not_api_only,
    )
    return annotated.annotate(
        attention=_points(went, POINTS_OBSERVER_WENT)
        + _points(operator, POINTS_OPERATOR)
        + _points(known_sender, POINTS_KNOWN_SENDER)
        + POINTS_PER_EXTRA_CHANNEL * Greatest(F("att_channels") - 1, Value(0))
        + (_points(Q(zone_cell__in=near), POINTS_OBSERVER_NEARBY) if near else Value(0))
        + _points(not_api_only, POINTS_NOT_API_ONLY)
    )


def is_corroborated(incident: object) -> bool:
    """Whether an annotated incident has a signal a flood would have to pay for (see the module docstring)."""
    return bool(
        getattr(incident, "att_channels", 0) >= 2
        or getattr(incident, "att_operator", False)
        or getattr(incident, "att_known_sender", False)
        or getattr(incident, "att_observer_went", False)
    )


def reasons(incident: Incident) -> list[str]:
    """Why an annotated incident ranks where it does, in words (translated), strongest signal first."""
    said: list[str] = []
    if getattr(incident, "att_observer_went", False):
        said.append(_("an observer went to the scene"))
    if getattr(incident, "att_operator", False):
        said.append(_("a hotline operator took a report"))
    if getattr(incident, "att_known_sender", False):
        said.append(_("an SMS sender with confirmed past reports"))
    channels = int(getattr(incident, "att_channels", 0) or 0)
    if channels >= 2:
        said.append(
            ngettext("reported through %(count)d channel", "reported through %(count)d channels", channels)
            % {"count": channels}
        )
    if getattr(incident, "att_observer_nearby", False):
        said.append(_("an observer on shift nearby"))
    if not getattr(incident, "att_not_api_only", True):
        said.append(_("API reports only: ranked lowest"))
    elif not is_corroborated(incident):
        said.append(_("one channel, not corroborated yet"))
    return said
