"""Reads for dispatch: who can be sent, what an observer has on their plate, what is overdue.

Selection rule (docs/dispatch.md): an observer is *available* when they are active, on an open shift now (scheduled
window contains now, started, not ended, with a coarse cell), hold current training, have accepted the code of conduct
and are not already on an active dispatch (sent, accepted or on scene). For an incident in a zone, only observers of
that zone's group are considered; for an unzoned incident, observers of every group are (the dispatcher decided it is
worth sending someone, and an unzoned place has no group of its own).

Nearest first, by H3 grid distance (rings of res-8 cells, ~0.9 km apart) between the incident's res-8 cell and the
shift's cell. Among observers in the same ring, those who speak the incident's language come first; then the lower
observer id, so the choice is deterministic. Rings are searched in growing bands (0, 1, 2-3, 4-7, 8-15, ...) with an
indexed `cell IN (...)` query each (then one primary-key query for those observers), and the search stops at the first
band that completes the count, so where observers are near a selection costs two small queries, however many
observers are on shift.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

import h3
from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from vigil.accounts.access import AnyUser, coordinated_group_ids
from vigil.accounts.models import Group, Membership
from vigil.hotline.models import Incident
from vigil.network.models import (
    ACTIVE_STATUSES,
    ENGAGED_STATUSES,
    Dispatch,
    DispatchStatus,
    Notification,
    Observer,
    Shift,
)
from vigil.network.shifts import on_shift_at, on_shift_now
from vigil.places.models import Zone, ZoneCell

# Statuses that keep an observer busy: they are not offered another incident meanwhile.
# Statuses in which an observer is (going) on scene and must check in.
# The farthest ring searched: 50 res-8 rings are ~46 km, a metropolitan area. Beyond that nobody is "near".
MAX_RING = 50
# Bands of rings searched per query: (first ring, last ring).
RING_BANDS: tuple[tuple[int, int], ...] = ((0, 0), (1, 1), (2, 3), (4, 7), (8, 15), (16, 31), (32, MAX_RING))


def incident_cell(incident: Incident) -> str:
    """The incident's cell at the zone resolution (the one observers' shift cells use)."""
    if incident.zone_cell and h3.is_valid_cell(incident.zone_cell):
        return incident.zone_cell
    return str(h3.latlng_to_cell(incident.lat, incident.lon, settings.VIGIL_H3_RES_ZONE))


def primary_language(code: str) -> str:
    return code.split("-")[0].split("_")[0].lower()


def _band_cells(origin: str, first: int, last: int) -> dict[str, int]:
    """Cells of rings first..last around origin, with their ring number."""
    cells: dict[str, int] = {}
    for k in range(first, last + 1):
        for cell in h3.grid_ring(origin, k):
            cells.setdefault(cell, k)
    return cells


def _eligible(observer_ids: Collection[int], *, now: dt.datetime, zone_id: int | None) -> list[Observer]:
    """Those observers who are active, trained, bound by the code and not busy (one query, by primary key)."""
    busy = Dispatch.objects.filter(observer_id=OuterRef("pk"), status__in=ACTIVE_STATUSES)
    observers = Observer.objects.filter(
        pk__in=list(observer_ids),
        active=True,
        training_expires_on__gte=timezone.localdate(now),
        code_accepted_at__isnull=False,
    ).filter(~Exists(busy))
    if zone_id is not None:
        observers = observers.filter(group_id=Subquery(Zone.objects.filter(pk=zone_id).values("group_id")[:1]))
    return list(observers.select_related("user"))


def _candidates(
    *, origin: str, now: dt.datetime, zone_id: int | None, exclude_ids: Collection[int]
) -> Iterator[list[tuple[int, Observer]]]:
    """Per band of rings: (ring, observer) for the available observers, one row per observer.

    Two queries per band, each led by one index whatever the planner's statistics say: open shifts by cell, then
    those shifts' observers by primary key. (In one join, SQLite without statistics may walk the group's observers.)
    """
    seen: set[int] = set(exclude_ids)
    for first, last in RING_BANDS:
        cells = _band_cells(origin, first, last)
        ring_of: dict[int, int] = {}
        shifts = Shift.objects.filter(Q(cell__in=list(cells)) & on_shift_at(now)).values_list("observer_id", "cell")
        for observer_id, cell in shifts:
            if observer_id not in seen:
                ring_of[observer_id] = min(cells[cell], ring_of.get(observer_id, cells[cell]))
        seen.update(ring_of)
        if ring_of:
            yield [(ring_of[o.pk], o) for o in _eligible(ring_of, now=now, zone_id=zone_id)]


def nearest_available_observers(
    *, incident: Incident, count: int, exclude_ids: Collection[int] = (), now: dt.datetime | None = None
) -> list[Observer]:
    """Up to `count` available observers for `incident`, nearest first (see the module docstring for the rule)."""
    if count < 1:
        return []
    now = now or timezone.now()
    language = primary_language(incident.language or "")
    found: list[tuple[int, Observer]] = []
    for band in _candidates(origin=incident_cell(incident), now=now, zone_id=incident.zone_id, exclude_ids=exclude_ids):
        found.extend(band)
        # Bands hold whole rings, so once a band completes the count nobody farther can rank higher.
        if len(found) >= count:
            break
    found.sort(key=lambda row: (row[0], _speaks(row[1].languages or [], language), row[1].pk))
    return [observer for _, observer in found[:count]]


@dataclass(frozen=True)
class NearbyObserver:
    """An available observer near an incident, as the dispatcher sees them: coarse cell and distance, never more."""

    observer: Observer
    cell: str  # the shift's coarse cell (VIGIL_H3_RES_ZONE)
    ring: int
    km: float | None
    speaks: bool  # speaks the incident's language


def observers_nearby(
    *, incident: Incident, limit: int = 12, exclude_ids: Collection[int] = (), now: dt.datetime | None = None
) -> list[NearbyObserver]:
    """Up to `limit` available observers for `incident`, in the order dispatch would pick them (the same rule)."""
    now = now or timezone.now()
    language = primary_language(incident.language or "")
    origin = incident_cell(incident)
    found: list[tuple[int, Observer]] = []
    for band in _candidates(origin=origin, now=now, zone_id=incident.zone_id, exclude_ids=exclude_ids):
        found.extend(band)
        if len(found) >= limit:
            break
    found.sort(key=lambda row: (row[0], _speaks(row[1].languages or [], language), row[1].pk))
    found = found[:limit]
    cells = dict(
        Shift.objects.filter(Q(observer_id__in=[o.pk for _r, o in found]) & on_shift_at(now)).values_list(
            "observer_id", "cell"
        )
    )
    return [
        NearbyObserver(
            observer=o,
            cell=cells.get(o.pk, ""),
            ring=ring,
            km=distance_km(origin, cells.get(o.pk, "")),
            speaks=_speaks(o.languages or [], language) == 0,
        )
        for ring, o in found
    ]


def available_among(
    observer_ids: Collection[int], *, incident: Incident, now: dt.datetime | None = None
) -> list[Observer]:
    """Of these observers, those dispatch may send to `incident` now (available, on shift with a cell, of its group)."""
    now = now or timezone.now()
    on_shift = set(
        Shift.objects.filter(Q(observer_id__in=list(observer_ids)) & on_shift_at(now))
        .exclude(cell="")
        .values_list("observer_id", flat=True)
    )
    return _eligible(on_shift, now=now, zone_id=incident.zone_id)


def _speaks(languages: Sequence[str], language: str) -> int:
    """0 when the observer speaks `language` (sorts first), else 1."""
    return 0 if language and any(primary_language(code) == language for code in languages) else 1


def ring_distance(a: str, b: str) -> int | None:
    """Grid distance between two cells of the same resolution, None when H3 cannot tell (too far, pentagon)."""
    try:
        return int(h3.grid_distance(a, b))
    except (h3.H3BaseException, ValueError):
        return None


def distance_km(a: str, b: str) -> float | None:
    """Great-circle distance between the centres of two cells, in km (for showing observers how far a call is)."""
    if not (a and b and h3.is_valid_cell(a) and h3.is_valid_cell(b)):
        return None
    return float(h3.great_circle_distance(h3.cell_to_latlng(a), h3.cell_to_latlng(b), unit="km"))


# --- what one observer sees -------------------------------------------------------------------------------------


def incoming_dispatches(observer: Observer) -> QuerySet[Dispatch]:
    """Dispatches waiting for this observer's answer."""
    return (
        Dispatch.objects.filter(observer=observer, status=DispatchStatus.SENT)
        .select_related("incident")
        .order_by("sent_at")
    )


def current_dispatches(observer: Observer) -> QuerySet[Dispatch]:
    """Dispatches this observer accepted and has not checked out of."""
    return (
        Dispatch.objects.filter(observer=observer, status__in=ENGAGED_STATUSES)
        .select_related("incident")
        .order_by("sent_at")
    )


def recent_dispatches(observer: Observer, *, limit: int = 10) -> QuerySet[Dispatch]:
    finished = (DispatchStatus.LEFT_SAFE, DispatchStatus.DECLINED, DispatchStatus.EXPIRED, DispatchStatus.CANCELLED)
    return (
        Dispatch.objects.filter(observer=observer, status__in=finished)
        .select_related("incident")
        .order_by("-sent_at")[:limit]
    )


def unread_notifications(user_id: int, *, limit: int = 20) -> QuerySet[Notification]:
    """Unread messages, but not those about a dispatch that is over (answered elsewhere, expired, withdrawn, left
    safe): they would stay on the observer's screen for something nobody can act on any more."""
    return (
        Notification.objects.filter(user_id=user_id, read_at__isnull=True)
        .filter(Q(dispatch__isnull=True) | Q(dispatch__status__in=ACTIVE_STATUSES))
        .order_by("-created_at")[:limit]
    )


# An engaged observer's last sign of life is the first of these that is set: one rule, read in Python by
# last_sign_of_life() and in SQL by missed_check_ins() (sent_at is always set, so there always is one).
# last_check_in_at is when a check-in *arrived*: a check-in made offline proves the observer was alive when it
# arrives, so arriving late it never raises an alert itself; the phone's time (last_check_in_device_at) is kept
# beside it for the record and shown as "arrived late", never used to decide an alert.
SIGN_OF_LIFE = ("last_check_in_at", "arrived_at", "responded_at", "sent_at")


def last_sign_of_life(dispatch: Dispatch) -> dt.datetime:
    for name in SIGN_OF_LIFE:
        value: dt.datetime | None = getattr(dispatch, name)
        if value is not None:
            return value
    return dispatch.sent_at


def check_in_due_at(dispatch: Dispatch, *, checkin_minutes: int) -> dt.datetime | None:
    """When the observer's next check-in is due (None unless accepted or on scene)."""
    if dispatch.status not in ENGAGED_STATUSES:
        return None
    return last_sign_of_life(dispatch) + dt.timedelta(minutes=checkin_minutes)


# --- what the clock looks at ------------------------------------------------------------------------------------


def unanswered_dispatches(*, now: dt.datetime) -> QuerySet[Dispatch]:
    return Dispatch.objects.filter(status=DispatchStatus.SENT, answer_by__lt=now)


def missed_check_ins(*, now: dt.datetime, checkin_minutes: int, grace_minutes: int) -> QuerySet[Dispatch]:
    """Engaged dispatches whose last sign of life is older than the check-in period plus grace, not yet alerted.

    The last sign of life is SIGN_OF_LIFE's first set field (as last_sign_of_life). An alert is sent once per
    silence: a later check-in re-arms it.
    """
    cutoff = now - dt.timedelta(minutes=checkin_minutes + grace_minutes)
    rearmed = Q(check_in_alerted_at__isnull=True) | Q(
        last_check_in_at__isnull=False, check_in_alerted_at__lt=F("last_check_in_at")
    )
    return (
        Dispatch.objects.filter(status__in=ENGAGED_STATUSES)
        .annotate(last_sign=Coalesce(*SIGN_OF_LIFE))
        .filter(last_sign__lt=cutoff)
        .filter(rearmed)
        .select_related("incident", "observer__user")
    )


EXPIRING_DAYS = 30


@dataclass(frozen=True)
class GroupSummary:
    group: Group
    members: int
    zones: int
    cells: int
    observers: int
    on_shift: int
    training_attention: int


def group_summaries(user: AnyUser, *, now: dt.datetime | None = None) -> list[GroupSummary]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    soon = today + dt.timedelta(days=EXPIRING_DAYS)
    result = []
    for group in Group.objects.filter(pk__in=coordinated_group_ids(user)).order_by("name"):
        observers = Observer.objects.filter(group=group, active=True)
        result.append(
            GroupSummary(
                group=group,
                members=Membership.objects.filter(group=group).values("user_id").distinct().count(),
                zones=Zone.objects.filter(group=group).count(),
                cells=ZoneCell.objects.filter(zone__group=group).count(),
                observers=observers.count(),
                on_shift=on_shift_now(group, now=now).count(),
                training_attention=observers.exclude(training_expires_on__gt=soon).count(),
            )
        )
    return result


@dataclass(frozen=True)
class ObserverRow:
    observer: Observer
    training: str  # "current", "expiring", "expired", "untrained"
    phone_on_file: bool
    on_shift: bool


def training_status(observer: Observer, *, today: dt.date) -> str:
    if observer.training_expires_on is None:
        return "untrained"
    if observer.training_expires_on < today:
        return "expired"
    if observer.training_expires_on <= today + dt.timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "current"


def observer_rows(group: Group, *, now: dt.datetime | None = None) -> list[ObserverRow]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    on_shift = set(on_shift_now(group, now=now).values_list("observer_id", flat=True))
    observers = Observer.objects.filter(group=group).select_related("user").order_by("-active", "user__username")
    return [
        ObserverRow(
            observer=o,
            training=training_status(o, today=today),
            phone_on_file=bool(o.phone_sealed),
            on_shift=o.pk in on_shift,
        )
        for o in observers
    ]
