"""Reads for the coordinators' pages, and their access chokepoint.

A coordinator manages only the groups where they hold the coordinator role. Every coordinator page gets its objects
through the `*_for_coordinator` functions below, which answer the same 404 for "does not exist" and "not yours".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import models
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from vigil.accounts.access import AnyUser, group_ids
from vigil.accounts.models import Membership, Role, User
from vigil.network.models import Group, NetworkSettings, Observer, Shift, Zone, ZoneCell
from vigil.network.selectors import on_shift_at

COORDINATOR = (Role.COORDINATOR,)
EXPIRING_DAYS = 30

M = TypeVar("M", bound=models.Model)


# --- access ---------------------------------------------------------------------------------------------------------


def coordinated_group_ids(user: AnyUser) -> set[int]:
    return group_ids(user, COORDINATOR)


def require_coordinator(user: AnyUser) -> set[int]:
    """The ids of the groups `user` coordinates; 404 when none."""
    ids = coordinated_group_ids(user)
    if not ids:
        raise Http404
    return ids


def _first_or_404(found: QuerySet[M]) -> M:
    """The one object the query finds; 404 when it finds none (missing and not yours look the same)."""
    first = found.first()
    if first is None:
        raise Http404
    return first


def group_for_coordinator(user: AnyUser, group_id: int) -> Group:
    return _first_or_404(Group.objects.filter(pk=group_id, pk__in=coordinated_group_ids(user)))


def zone_for_coordinator(user: AnyUser, zone_id: int) -> Zone:
    return _first_or_404(
        Zone.objects.select_related("group").filter(pk=zone_id, group_id__in=coordinated_group_ids(user))
    )


def observer_for_coordinator(user: AnyUser, observer_id: int) -> Observer:
    return _first_or_404(
        Observer.objects.select_related("user", "group").filter(
            pk=observer_id, group_id__in=coordinated_group_ids(user)
        )
    )


def shift_for_coordinator(user: AnyUser, shift_id: int) -> Shift:
    return _first_or_404(
        Shift.objects.select_related("observer__user", "observer__group").filter(
            pk=shift_id, observer__group_id__in=coordinated_group_ids(user)
        )
    )


def membership_for_coordinator(user: AnyUser, membership_id: int) -> Membership:
    return _first_or_404(
        Membership.objects.select_related("user", "group").filter(
            pk=membership_id, group_id__in=coordinated_group_ids(user)
        )
    )


# --- groups and members -----------------------------------------------------------------------------------------------


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


@dataclass
class Member:
    user: User
    memberships: list[Membership] = field(default_factory=list)


def members(group: Group) -> list[Member]:
    """Everyone holding a role in `group`, with their roles, by username."""
    by_user: dict[int, Member] = {}
    rows = Membership.objects.filter(group=group).select_related("user").order_by("user__username", "role")
    for membership in rows:
        by_user.setdefault(membership.user_id, Member(user=membership.user)).memberships.append(membership)
    return list(by_user.values())


# --- zones ------------------------------------------------------------------------------------------------------------


def zones(group: Group) -> QuerySet[Zone]:
    return Zone.objects.filter(group=group).annotate(cell_count=Count("cells")).order_by("name")


def zone_cells(zone: Zone) -> list[str]:
    return list(ZoneCell.objects.filter(zone=zone).order_by("cell").values_list("cell", flat=True))


def cells_taken_elsewhere(cells: Sequence[str] | set[str], *, zone: Zone) -> dict[int, list[str]]:
    """Of `cells`, those already in another zone: {other zone id: [cells]}."""
    taken: dict[int, list[str]] = defaultdict(list)
    cell_list = list(cells)
    for start in range(0, len(cell_list), 500):
        rows = (
            ZoneCell.objects.filter(cell__in=cell_list[start : start + 500])
            .exclude(zone=zone)
            .values_list("zone_id", "cell")
        )
        for zone_id, cell in rows:
            taken[zone_id].append(cell)
    return dict(taken)


# --- observers --------------------------------------------------------------------------------------------------------


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


def group_observers(group: Group) -> QuerySet[Observer]:
    return Observer.objects.filter(group=group).select_related("user").order_by("user__username")


# --- shifts -----------------------------------------------------------------------------------------------------------


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


# --- settings ---------------------------------------------------------------------------------------------------------


def network_settings_row() -> NetworkSettings | None:
    return NetworkSettings.objects.filter(pk=1).first()
