"""The coordinators' dashboard numbers: how fast the network answers, who is on shift, how reports arrive.

Staff only (coordinators, for the zones and observers of their groups). Each chart is a `Table`: the same rows feed
the chart and its CSV export, so what is drawn is what is downloaded. The arithmetic is pure (`percentile`,
`summarise`, `coverage_by_hour`) and tested against numbers worked out by hand; the reads below gather plain values.

Percentiles interpolate linearly between the two nearest ranks (numpy's default): p50 of 10, 20, 30, 50 is 25.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.access import AnyUser, group_ids
from vigil.accounts.models import Role
from vigil.hotline.access import incidents_visible_to, reports_visible_to
from vigil.hotline.models import Channel, IncidentEvent
from vigil.network.models import Shift

ROLES = (Role.COORDINATOR,)
DEFAULT_DAYS = 30
HOURS = range(24)


@dataclass(frozen=True)
class Table:
    """One chart's numbers: column names and rows (the first column is the label)."""

    slug: str
    title: str
    columns: list[str]
    rows: list[list[object]]


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0 to 100) by linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def summarise(groups: dict[str, list[float]]) -> list[list[object]]:
    """[label, n, p50, p90] per group, in label order."""
    return [
        [label, len(values), _minutes(percentile(values, 50)), _minutes(percentile(values, 90))]
        for label, values in sorted(groups.items())
    ]


def coverage_by_hour(
    shifts: Iterable[tuple[dt.datetime, dt.datetime, dt.datetime | None, dt.datetime | None]],
    *,
    start: dt.datetime,
    end: dt.datetime,
    tz: dt.tzinfo,
) -> list[list[object]]:
    """Per local hour of day: the average number of observers planned on shift, and actually on shift, over the days
    of [start, end). A shift covers an hour slot when it overlaps it; `shifts` are (starts_at, ends_at, started_at,
    ended_at), an open shift counting as present until its planned end."""
    days = max(1, round((end - start).total_seconds() / 86400))
    planned: Counter[int] = Counter()
    present: Counter[int] = Counter()
    for starts_at, ends_at, started_at, ended_at in shifts:
        for hour in _hour_slots(starts_at, ends_at, start, end):
            planned[hour.astimezone(tz).hour] += 1
        if started_at is not None:
            for hour in _hour_slots(started_at, ended_at or ends_at, start, end):
                present[hour.astimezone(tz).hour] += 1
    return [[f"{h:02d}:00", round(planned[h] / days, 2), round(present[h] / days, 2)] for h in HOURS]


def _hour_slots(a: dt.datetime, b: dt.datetime, start: dt.datetime, end: dt.datetime) -> Iterable[dt.datetime]:
    """The starts of the whole UTC hours that [a, b) overlaps, within [start, end)."""
    a, b = max(a, start), min(b, end)
    slot = a.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    while slot < b:
        yield slot
        slot += dt.timedelta(hours=1)


# --- reads -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime
    days: int


def window(days: int = DEFAULT_DAYS, now: dt.datetime | None = None) -> Window:
    end = now or timezone.now()
    return Window(start=end - dt.timedelta(days=days), end=end, days=days)


def _measures(user: AnyUser, span: Window) -> list[tuple[str, int, float | None, float | None]]:
    """(zone name, local hour of first report, minutes to first dispatch, minutes to first verdict) per incident."""
    incidents = (
        incidents_visible_to(user, ROLES)
        .filter(first_report_at__gte=span.start, first_report_at__lt=span.end, merged_into__isnull=True)
        .values_list("pk", "zone__name", "first_report_at")
    )
    rows = {pk: (zone or _("outside every zone"), first) for pk, zone, first in incidents}
    firsts: dict[tuple[int, str], dt.datetime] = {
        (r["incident_id"], r["kind"]): r["first"]
        for r in IncidentEvent.objects.filter(incident_id__in=list(rows), kind__in=["dispatched", "verdict_recorded"])
        .values("incident_id", "kind")
        .annotate(first=Min("at"))
    }
    tz = timezone.get_current_timezone()
    found = []
    for pk, (zone, first) in rows.items():
        dispatched, judged = firsts.get((pk, "dispatched")), firsts.get((pk, "verdict_recorded"))
        found.append(
            (
                zone,
                first.astimezone(tz).hour,
                None if dispatched is None else (dispatched - first).total_seconds() / 60,
                None if judged is None else (judged - first).total_seconds() / 60,
            )
        )
    return found


def response_times(user: AnyUser, span: Window) -> list[Table]:
    measures = _measures(user, span)
    columns = [_("incidents"), _("p50 (minutes)"), _("p90 (minutes)")]
    tables = []
    for index, (what, slug) in enumerate(((_("Time to dispatch"), "dispatch"), (_("Time to verdict"), "verdict"))):
        by_zone: dict[str, list[float]] = defaultdict(list)
        by_hour: dict[str, list[float]] = defaultdict(list)
        for zone, hour, *times in measures:
            value = times[index]
            if value is not None:
                by_zone[zone].append(value)
                by_hour[f"{hour:02d}:00"].append(value)
        tables.append(
            Table(f"{slug}-by-zone", _("%(what)s by zone") % {"what": what}, [_("zone"), *columns], summarise(by_zone))
        )
        tables.append(
            Table(
                f"{slug}-by-hour",
                _("%(what)s by hour of the first report") % {"what": what},
                [_("hour"), *columns],
                summarise(by_hour),
            )
        )
    return tables


def coverage(user: AnyUser, span: Window) -> Table:
    groups = group_ids(user, ROLES)
    shifts = Shift.objects.filter(
        observer__group_id__in=groups, starts_at__lt=span.end, ends_at__gt=span.start
    ).values_list("starts_at", "ends_at", "started_at", "ended_at")
    rows = coverage_by_hour(shifts, start=span.start, end=span.end, tz=timezone.get_current_timezone())
    return Table(
        "coverage",
        _("Observers on shift by hour of day (average per day)"),
        [_("hour"), _("planned"), _("on shift")],
        rows,
    )


def intake(user: AnyUser, span: Window) -> Table:
    counts = Counter(
        reports_visible_to(user, ROLES)
        .filter(received_at__gte=span.start, received_at__lt=span.end)
        .values_list("channel", "language")
    )
    languages = sorted({language for _c, language in counts})
    labels = dict(Channel.choices)
    rows: list[list[object]] = [
        [str(labels.get(channel, channel)), *[counts[(channel, lang)] for lang in languages]]
        for channel in Channel.values
        if any(counts[(channel, lang)] for lang in languages)
    ]
    return Table("intake", _("Reports by channel and language"), [_("channel"), *languages], rows)


def tables(user: AnyUser, span: Window) -> list[Table]:
    return [*response_times(user, span), coverage(user, span), intake(user, span)]
