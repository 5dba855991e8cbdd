from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import h3
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.accounts.access import audit
from vigil.accounts.models import Group, User
from vigil.lib.errors import VigilError
from vigil.network.models import Observer, Shift
from vigil.network.observers import group_observers

# Length of a shift an observer starts from the phone when none was scheduled for now.
DEFAULT_SHIFT_HOURS = 4


MAX_SHIFT_HOURS = 12


def coarse_cell(lat: float, lon: float) -> str:
    """The H3 cell at the zone resolution that contains a point. The point itself is never kept."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise VigilError(gettext_lazy("That location is not on Earth."), code="bad_location")
    return str(h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_ZONE))


def _check_cell(cell: str) -> str:
    if not (cell and h3.is_valid_cell(cell) and h3.get_resolution(cell) == settings.VIGIL_H3_RES_ZONE):
        raise VigilError(gettext_lazy("That location is not valid."), code="bad_location")
    return str(cell)


def go_on_shift(
    *, observer: Observer, cell: str, hours: int = DEFAULT_SHIFT_HOURS, now: dt.datetime | None = None
) -> Shift:
    """Start (or update the coarse cell of) the observer's shift for now.

    A shift the coordinators scheduled for now is started; without one, an ad-hoc shift of `hours` begins now.
    """
    now = now or timezone.now()
    cell = _check_cell(cell)
    if not 1 <= hours <= MAX_SHIFT_HOURS:
        raise VigilError(gettext_lazy("A shift lasts 1 to %(max)s hours.") % {"max": MAX_SHIFT_HOURS}, code="bad_hours")
    with transaction.atomic():
        Observer.objects.select_for_update().filter(pk=observer.pk).exists()
        shift = open_shift(observer, now=now) or scheduled_shift(observer, now=now)
        if shift is None:
            shift = Shift(observer=observer, starts_at=now, ends_at=now + dt.timedelta(hours=hours))
        if shift.started_at is None:
            shift.started_at = now
        shift.cell = cell
        shift.save()
    return shift


def close_ended_shifts(*, now: dt.datetime | None = None) -> int:
    """Shifts whose scheduled end passed are ended and lose their cell (locations are kept only while on shift)."""
    now = now or timezone.now()
    with transaction.atomic():
        closed = Shift.objects.filter(started_at__isnull=False, ended_at__isnull=True, ends_at__lte=now).update(
            ended_at=now, cell=""
        )
        Shift.objects.filter(ends_at__lte=now).exclude(cell="").update(cell="")
    return closed


def _check_shift(*, observer: Observer, starts_at: dt.datetime, ends_at: dt.datetime, shift_id: int | None) -> None:
    if ends_at <= starts_at:
        raise VigilError(_("A shift must end after it starts."))
    if ends_at - starts_at > dt.timedelta(hours=MAX_SHIFT_HOURS):
        raise VigilError(_("A shift lasts at most %(hours)s hours.") % {"hours": MAX_SHIFT_HOURS})
    overlapping = Shift.objects.filter(observer=observer, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if shift_id is not None:
        overlapping = overlapping.exclude(pk=shift_id)
    other = overlapping.order_by("starts_at").first()
    if other is not None:
        raise VigilError(
            _("%(observer)s already has a shift from %(start)s to %(end)s.")
            % {
                "observer": observer.user.get_username(),
                "start": timezone.localtime(other.starts_at).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(other.ends_at).strftime("%Y-%m-%d %H:%M"),
            }
        )


def _audit_shift(actor: User, action: str, shift: Shift) -> None:
    """The audit row of a shift change: whose shift it is and when it runs."""
    audit(
        actor,
        action,
        object_type="shift",
        object_id=shift.pk,
        observer_id=shift.observer_id,
        starts_at=shift.starts_at.isoformat(),
        ends_at=shift.ends_at.isoformat(),
    )


def create_shift(*, actor: User, observer: Observer, starts_at: dt.datetime, ends_at: dt.datetime) -> Shift:
    with transaction.atomic():
        Observer.objects.select_for_update().filter(pk=observer.pk).first()
        _check_shift(observer=observer, starts_at=starts_at, ends_at=ends_at, shift_id=None)
        shift = Shift.objects.create(observer=observer, starts_at=starts_at, ends_at=ends_at)
        _audit_shift(actor, "shift.create", shift)
    return shift


def update_shift(
    *, actor: User, shift: Shift, observer: Observer, starts_at: dt.datetime, ends_at: dt.datetime
) -> Shift:
    if observer.group_id != shift.observer.group_id:
        raise VigilError(_("A shift can only move to an observer of the same group."))
    with transaction.atomic():
        Observer.objects.select_for_update().filter(pk=observer.pk).first()
        _check_shift(observer=observer, starts_at=starts_at, ends_at=ends_at, shift_id=shift.pk)
        if shift.started_at is not None and observer.pk != shift.observer_id:
            raise VigilError(_("This shift has started: it cannot move to another observer."))
        shift.observer = observer
        shift.starts_at = starts_at
        shift.ends_at = ends_at
        shift.save(update_fields=["observer", "starts_at", "ends_at"])
        _audit_shift(actor, "shift.update", shift)
    return shift


def delete_shift(*, actor: User, shift: Shift) -> None:
    with transaction.atomic():
        _audit_shift(actor, "shift.delete", shift)
        shift.delete()


def on_shift_now(group: Group, *, now: dt.datetime | None = None) -> QuerySet[Shift]:
    """Shifts of the group's observers that are open now: started, not ended, window containing now."""
    now = now or timezone.now()
    return (
        Shift.objects.filter(on_shift_at(now), observer__group=group)
        .select_related("observer__user")
        .order_by("observer__user__username")
    )


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())


@dataclass
class RosterRow:
    observer: Observer
    days: list[list[Shift]]


@dataclass(frozen=True)
class Roster:
    monday: dt.date
    days: list[dt.date]
    rows: list[RosterRow]

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)


def week_roster(group: Group, *, monday: dt.date) -> Roster:
    """The group's shifts in the week starting `monday` (local time), one row per observer, one column per day.

    A shift is listed on the day it starts.
    """
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=7)
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    rows: dict[int, RosterRow] = {}
    for observer in group_observers(group).filter(active=True):
        rows[observer.pk] = RosterRow(observer=observer, days=[[] for _ in days])
    shifts = (
        Shift.objects.filter(observer__group=group, starts_at__lt=end, ends_at__gt=start)
        .select_related("observer__user")
        .order_by("starts_at")
    )
    for shift in shifts:
        row = rows.setdefault(shift.observer_id, RosterRow(observer=shift.observer, days=[[] for _ in days]))
        index = (timezone.localtime(shift.starts_at, tz).date() - monday).days
        row.days[min(max(index, 0), 6)].append(shift)
    ordered = sorted(rows.values(), key=lambda r: r.observer.user.get_username())
    return Roster(monday=monday, days=days, rows=ordered)


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
