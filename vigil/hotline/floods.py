"""The flood warning: intake in a zone far above its usual rate.

A zone is flooded when the reports of its incidents received in the last `flood_window_minutes` (operational
settings, vigil/places/settings_table.py; default 60) are at least `flood_min_reports` (20) and come at more than
`flood_ratio` (5) times the zone's usual hourly rate. The usual rate is the median of the zone's hourly report counts
over the `flood_baseline_days` (14) before the window, hours without reports included: a quiet zone's median is 0, so
there the minimum decides; a busy zone must go five times its median hour. The console shows a banner naming the
zone and the numbers, and groups under it the burst's incidents that nothing cheap-to-fake corroborates
(vigil/network/attention.py `is_corroborated`), so they do not fill the list.

Cost: one grouped, indexed count of the window's reports per zone on every read; the baseline (one grouped count per
flooded zone) only for a zone over the minimum, kept in the process's memory for BASELINE_KEEP_SECONDS (it is read
from shared data, so nothing is lost by each process keeping its own copy; a shared database cache would cost more
queries than it saves).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from statistics import median
from time import monotonic

from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from vigil.hotline.models import Report
from vigil.places import config
from vigil.places.models import Zone

BASELINE_KEEP_SECONDS = 600
_kept: dict[tuple[int, int, int], tuple[float, float]] = {}  # (zone, days, hour) -> (until, rate)


@dataclass(frozen=True)
class Flood:
    """A zone whose intake jumped: `reports` in the last `window_minutes`, against `usual_per_hour` (a median)."""

    zone_id: int
    zone_name: str
    reports: int
    window_minutes: int
    usual_per_hour: float
    since: dt.datetime

    @property
    def per_hour(self) -> float:
        return self.reports * 60 / self.window_minutes


def usual_hourly_rate(zone_id: int, *, until: dt.datetime, days: int) -> float:
    """The median of the zone's hourly report counts over `days` days before `until` (empty hours count as 0)."""
    hours = days * 24
    start = until - dt.timedelta(hours=hours)
    counts = list(
        Report.objects.filter(incident__zone_id=zone_id, received_at__gte=start, received_at__lt=until)
        .annotate(hour=TruncHour("received_at"))
        .values("hour")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("n", flat=True)
    )
    return float(median(counts + [0] * max(hours - len(counts), 0))) if hours else 0.0


def _baseline(zone_id: int, *, since: dt.datetime, days: int) -> float:
    # Keyed by the hour the baseline ends in: it moves by an hour at most while kept.
    key = (zone_id, days, int(since.timestamp() // 3600))
    kept = _kept.get(key)
    if kept is not None and monotonic() < kept[0]:
        return kept[1]
    value = usual_hourly_rate(zone_id, until=since, days=days)
    if len(_kept) > 10_000:
        _kept.clear()
    _kept[key] = (monotonic() + BASELINE_KEEP_SECONDS, value)
    return value


def forget() -> None:
    """Drop the kept baselines (tests that write a zone's history, then ask again)."""
    _kept.clear()


def floods(zone_ids: Collection[int], *, now: dt.datetime | None = None) -> list[Flood]:
    """The flooded zones among `zone_ids` now (see the module docstring), most reports first."""
    if not zone_ids:
        return []
    now = now or timezone.now()
    cfg = config.current()
    since = now - dt.timedelta(minutes=cfg.flood_window_minutes)
    recent = (
        Report.objects.filter(incident__zone_id__in=list(zone_ids), received_at__gt=since, received_at__lte=now)
        .values("incident__zone_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("incident__zone_id", "n")
    )
    over = {zone_id: n for zone_id, n in recent if zone_id is not None and n >= cfg.flood_min_reports}
    if not over:
        return []
    names = dict(Zone.objects.filter(pk__in=list(over)).values_list("pk", "name"))
    found = []
    for zone_id, n in over.items():
        usual = _baseline(zone_id, since=since, days=cfg.flood_baseline_days)
        per_hour = n * 60 / cfg.flood_window_minutes
        if per_hour > cfg.flood_ratio * usual:
            found.append(
                Flood(
                    zone_id=zone_id,
                    zone_name=names.get(zone_id, ""),
                    reports=n,
                    window_minutes=cfg.flood_window_minutes,
                    usual_per_hour=usual,
                    since=since,
                )
            )
    return sorted(found, key=lambda f: (-f.reports, f.zone_id))
