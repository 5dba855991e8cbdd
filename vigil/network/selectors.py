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

import h3
from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from vigil.hotline.models import Incident
from vigil.network.models import Dispatch, DispatchStatus, Notification, Observer, Shift, Zone

# Statuses that keep an observer busy: they are not offered another incident meanwhile.
ACTIVE_STATUSES = (DispatchStatus.SENT, DispatchStatus.ACCEPTED, DispatchStatus.ON_SCENE)
# Statuses in which an observer is (going) on scene and must check in.
ENGAGED_STATUSES = (DispatchStatus.ACCEPTED, DispatchStatus.ON_SCENE)
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


def on_shift_at(now: dt.datetime) -> Q:
    """Shifts open at `now`: started, not ended, and `now` inside their scheduled window."""
    return Q(started_at__isnull=False, ended_at__isnull=True, starts_at__lte=now, ends_at__gt=now)


def open_shift(observer: Observer, *, now: dt.datetime | None = None) -> Shift | None:
    """The observer's started, not ended shift whose window contains now."""
    now = now or timezone.now()
    return Shift.objects.filter(on_shift_at(now), observer=observer).order_by("-started_at").first()


def scheduled_shift(observer: Observer, *, now: dt.datetime | None = None) -> Shift | None:
    """A shift scheduled for now that the observer has not started yet."""
    now = now or timezone.now()
    return (
        Shift.objects.filter(
            observer=observer, started_at__isnull=True, ended_at__isnull=True, starts_at__lte=now, ends_at__gt=now
        )
        .order_by("starts_at")
        .first()
    )


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
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).order_by("-created_at")[:limit]


def check_in_due_at(dispatch: Dispatch, *, checkin_minutes: int) -> dt.datetime | None:
    """When the observer's next check-in is due (None unless accepted or on scene)."""
    if dispatch.status not in ENGAGED_STATUSES:
        return None
    last = dispatch.last_check_in_at or dispatch.arrived_at or dispatch.responded_at or dispatch.sent_at
    return last + dt.timedelta(minutes=checkin_minutes)


# --- what the clock looks at ------------------------------------------------------------------------------------


def unanswered_dispatches(*, now: dt.datetime) -> QuerySet[Dispatch]:
    return Dispatch.objects.filter(status=DispatchStatus.SENT, answer_by__lt=now)


def missed_check_ins(*, now: dt.datetime, checkin_minutes: int, grace_minutes: int) -> QuerySet[Dispatch]:
    """Engaged dispatches whose last sign of life is older than the check-in period plus grace, not yet alerted.

    The last sign of life is the last check-in, else arrival, else acceptance. An alert is sent once per silence:
    a later check-in re-arms it.
    """
    cutoff = now - dt.timedelta(minutes=checkin_minutes + grace_minutes)
    silent = (
        Q(last_check_in_at__lt=cutoff)
        | Q(last_check_in_at__isnull=True, arrived_at__lt=cutoff)
        | Q(last_check_in_at__isnull=True, arrived_at__isnull=True, responded_at__lt=cutoff)
    )
    rearmed = Q(check_in_alerted_at__isnull=True) | Q(
        last_check_in_at__isnull=False, check_in_alerted_at__lt=F("last_check_in_at")
    )
    return (
        Dispatch.objects.filter(status__in=ENGAGED_STATUSES)
        .filter(silent)
        .filter(rearmed)
        .select_related("incident", "observer__user")
    )
