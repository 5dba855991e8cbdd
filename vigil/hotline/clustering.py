"""Clustering: a placed report joins the nearest open incident in space and time, else opens one.

Space: an incident is "near" when the great-circle distance from the report to the incident's centroid is at most
`cluster_meters`. Time: it must have heard a report within the last `cluster_minutes`, and still be open (new or
verifying) and not merged into another. Both come from vigil.network.config.current(), so coordinators can change them.

The candidate lookup is an index-backed equality query: incidents whose H3 `cell` (resolution VIGIL_H3_RES_REPORT) lies
in a disk of cells around the report's cell, the disk just big enough that no incident within the radius can lie outside
it. The exact distance is then computed on those few rows only. Its cost does not grow with the number of open
incidents elsewhere.

Concurrency: two reports about the same spot arriving together must not open two incidents. On SQLite every write
transaction is serialised (BEGIN IMMEDIATE). On PostgreSQL each placement first takes transaction-scoped advisory locks
on the coarse cells (resolution _LOCK_RES) around the report, in sorted order (no deadlocks): any two reports within
the radius of each other share at least one lock, so they are placed one after the other, while reports in other parts
of the city go on in parallel.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from dataclasses import dataclass

import h3
from django.conf import settings
from django.db import connection
from django.utils import timezone

from vigil.accounts.access import AnyUser
from vigil.hotline import events
from vigil.hotline.models import Incident, IncidentState, Report
from vigil.network import config
from vigil.network.models import ZoneCell

OPEN_STATES = (IncidentState.NEW, IncidentState.VERIFYING)
# Local H3 cells are nearly regular but not exactly; this margin covers the distortion between the edges we measure
# around the report and the cells a few rings away.
_SAFETY = 0.85
_LOCK_RES = 6
_LOCK_NAMESPACE = 0x56494731  # "VIG1": keeps these advisory locks apart from any other user of pg_advisory_*


@dataclass(frozen=True)
class Placement:
    incident: Incident
    opened: bool
    distance_m: float


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres (haversine, as h3 computes it)."""
    return float(h3.great_circle_distance(a, b, unit="m"))


def _edge_range_m(cell: str) -> tuple[float, float]:
    lengths = [float(h3.edge_length(e, unit="m")) for e in h3.origin_to_directed_edges(cell)]
    return min(lengths), max(lengths)


def disk_k(cell: str, radius_m: float) -> int:
    """The smallest k such that any point within `radius_m` of any point of `cell` lies in grid_disk(cell, k).

    Two points at distance <= r lie in cells whose centres are at most r + 2·(circumradius = edge) apart; in a hexagonal
    grid each ring adds at least 1.5·edge of distance between centres (the least, across a ring's flat sides).
    """
    e_min, e_max = _edge_range_m(cell)
    return max(1, math.ceil((radius_m + 2 * e_max / _SAFETY) / (1.5 * e_min * _SAFETY)))


def candidate_cells(lat: float, lon: float, radius_m: float) -> list[str]:
    cell = h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT)
    return list(h3.grid_disk(cell, disk_k(cell, radius_m)))


def lock_area(lat: float, lon: float, radius_m: float) -> None:
    """Serialise placements near (lat, lon) for the rest of the transaction (PostgreSQL; SQLite is serial anyway)."""
    if connection.vendor != "postgresql":
        return
    coarse = h3.latlng_to_cell(lat, lon, _LOCK_RES)
    # Two reports within radius_m are at most disk_k() rings apart; disks of half that size around each one overlap.
    half = math.ceil(disk_k(coarse, radius_m) / 2)
    keys = sorted({zlib.crc32(c.encode("ascii")) - 2**31 for c in h3.grid_disk(coarse, half)})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, k) FROM (SELECT unnest(%s::int[]) AS k ORDER BY 1) AS keys",
            [_LOCK_NAMESPACE, keys],
        )


def zone_id_for(zone_cell: str) -> int | None:
    return ZoneCell.objects.filter(cell=zone_cell).values_list("zone_id", flat=True).first()


def nearest_open_incident(
    lat: float, lon: float, cfg: config.Config | None = None, *, lock: bool = False
) -> tuple[Incident, float] | None:
    """The nearest open incident within the clustering radius and time window, with its distance; None if none.

    With `lock`, the candidate rows are locked (SELECT … FOR UPDATE) for the rest of the transaction: a dispatcher may
    be changing one of them at this moment."""
    cfg = cfg or config.current()
    cutoff = timezone.now() - dt.timedelta(minutes=cfg.cluster_minutes)
    candidates = Incident.objects.filter(
        cell__in=candidate_cells(lat, lon, cfg.cluster_meters),
        state__in=OPEN_STATES,
        merged_into__isnull=True,
        last_report_at__gte=cutoff,
    )
    if lock:
        candidates = candidates.select_for_update()
    best: tuple[Incident, float] | None = None
    for incident in candidates:
        d = distance_m((lat, lon), (incident.lat, incident.lon))
        if d <= cfg.cluster_meters and (best is None or d < best[1] or (d == best[1] and incident.pk < best[0].pk)):
            best = (incident, d)
    return best


def _set_position(incident: Incident, lat: float, lon: float) -> None:
    incident.lat, incident.lon = lat, lon
    incident.cell = h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT)
    zone_cell = h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_ZONE)
    if zone_cell != incident.zone_cell or incident.pk is None:
        incident.zone_cell = zone_cell
        incident.zone_id = zone_id_for(zone_cell)


def place(report: Report, *, actor: AnyUser | None = None) -> Placement:
    """Put a report that has coordinates into an incident, saving the report (new or not). Call inside a transaction.

    This is the hot path of intake: one config read, one candidate query (rows locked), one incident write, one report
    write and one batch of events."""
    if report.lat is None or report.lon is None:
        raise ValueError("only a report with coordinates can be placed")
    lat, lon = report.lat, report.lon
    now = timezone.now()
    cfg = config.current()
    lock_area(lat, lon, cfg.cluster_meters)
    found = nearest_open_incident(lat, lon, cfg, lock=True)
    if found is None:
        incident = Incident(
            state=IncidentState.NEW,
            language=report.language,
            report_count=1,
            first_report_at=now,
            last_report_at=now,
        )
        _set_position(incident, lat, lon)
        incident.save()
        opened, distance = True, 0.0
    else:
        incident, distance = found
        # Every report of an incident has coordinates (unplaced reports have no incident): the centroid is their mean.
        weight = max(incident.report_count, 1)
        _set_position(
            incident,
            (incident.lat * weight + lat) / (weight + 1),
            (incident.lon * weight + lon) / (weight + 1),
        )
        incident.report_count += 1
        incident.last_report_at = now
        incident.save(update_fields=["lat", "lon", "cell", "zone_cell", "zone", "report_count", "last_report_at"])
        opened = False
    report.incident = incident
    kinds: list[tuple[str, dict[str, object]]] = []
    if report.pk is None:
        report.save()  # a new report is stored here, already in its incident (one INSERT, no UPDATE)
    else:
        report.save(update_fields=["incident"])
    if opened:
        kinds.append(("incident_opened", {"report": report.pk, "channel": report.channel}))
    kinds.append(("report_added", {"report": report.pk, "channel": report.channel, "distance_m": round(distance, 1)}))
    events.record_many(incident, kinds, actor=actor, at=now)
    return Placement(incident=incident, opened=opened, distance_m=distance)
