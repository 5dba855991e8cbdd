"""Clustering: a placed report joins the nearest open incident in space and time, else opens one.

Space: an incident is "near" when the great-circle distance from the report to the incident's centroid is at most
`cluster_meters`. Time: it must have heard a report within the last `cluster_minutes`, and still be open (new or
verifying) and not merged into another. Both come from vigil.places.config.current(), so coordinators can change them.

The candidate lookup is an index-backed equality query: incidents whose H3 `cell` (resolution VIGIL_H3_RES_REPORT) lies
in a disk of cells around the report's cell, the disk just big enough that no incident within the radius can lie outside
it; a box and a flat distance around the report (Reach) keep only the rows near enough to matter. The exact distance
is then computed on those few rows only. Its cost does not grow with the number of open incidents elsewhere.

Concurrency: two reports about the same spot arriving together must not open two incidents. On SQLite every write
transaction is serialised (BEGIN IMMEDIATE). On PostgreSQL a report first looks for the nearest open incident surely
within the radius and locks that row alone (SELECT … FOR UPDATE): reports joining one incident wait for each other
there, reports joining others don't wait at all. Only a report that finds none takes transaction-scoped advisory
locks on the cells of a small disk around it (lock_keys), in sorted order (no deadlocks), and looks again, with all the
candidates, before it opens an incident. Any two reports within the radius of each other share at least one of those
locks, so two that both found nothing are placed one after the other and the second sees (and joins) the incident the
first opened; it holds no row lock while it waits for them. The lock cells are as fine as the radius allows with at
most _LOCK_DISK rings: coarser cells would serialise a whole city's intake, because a placement holds its locks until
its commit is on disk.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import h3
from django.conf import settings
from django.db import connection
from django.utils import timezone

from vigil.accounts.access import AnyUser
from vigil.hotline import events
from vigil.hotline.models import OPEN_STATES, Incident, IncidentEvent, IncidentState, Report
from vigil.places import config
from vigil.places.models import ZoneCell

# Local H3 cells are nearly regular but not exactly; this margin covers the distortion between the edges we measure
# around the report and the cells a few rings away.
_SAFETY = 0.85
_LOCK_DISK = 3  # rings of the lock disk: 37 advisory locks per placement, few enough for PostgreSQL's lock table
_LOCK_FINEST_RES = 10
# What a report joining an incident changes in it.
_UPDATED = ("lat", "lon", "cell", "zone_cell", "zone", "report_count", "last_report_at")
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


def lock_resolution(radius_m: float) -> int:
    """The finest H3 resolution whose lock disk stays within _LOCK_DISK rings for this radius.

    It depends on the radius only (average edge lengths), so every placement under the same settings locks cells of the
    same resolution."""
    for res in range(_LOCK_FINEST_RES, -1, -1):
        edge = float(h3.average_hexagon_edge_length(res, unit="m"))
        if math.ceil((radius_m + 2 * edge / _SAFETY) / (1.5 * edge * _SAFETY)) <= 2 * _LOCK_DISK:
            return res
    return 0


def lock_keys(lat: float, lon: float, radius_m: float) -> list[int]:
    """The advisory-lock keys of a placement at (lat, lon), sorted: those of any two points within radius_m intersect.

    Two points within radius_m lie in cells at most k = disk_k() rings apart (k of either cell), so disks of ceil(k/2)
    rings around each cell share a cell."""
    cell = h3.latlng_to_cell(lat, lon, lock_resolution(radius_m))
    half = math.ceil(disk_k(cell, radius_m) / 2)
    return sorted({zlib.crc32(c.encode("ascii")) - 2**31 for c in h3.grid_disk(cell, half)})


def lock_area(lat: float, lon: float, radius_m: float) -> None:
    """Serialise placements near (lat, lon) for the rest of the transaction (PostgreSQL; SQLite is serial anyway)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, k) FROM (SELECT unnest(%s::int[]) AS k ORDER BY 1) AS keys",
            [_LOCK_NAMESPACE, lock_keys(lat, lon, radius_m)],
        )


def zone_id_for(zone_cell: str) -> int | None:
    return ZoneCell.objects.filter(cell=zone_cell).values_list("zone_id", flat=True).first()


@dataclass(frozen=True)
class Reach:
    """Planar bounds around a point for the incidents that can (or surely do) lie within a radius of it.

    In SQL they let the database return, and lock, only the incidents near the report, nearest first, rather than every
    open incident of the candidate cells. Flat distances (metres per degree at the report's latitude) err by well under
    the 1 % margins at a few kilometres and below 80° of latitude; the great-circle distance computed afterwards
    decides."""

    lat: float
    lon: float
    lat_scale: float  # metres per degree of latitude
    lon_scale: float  # metres per degree of longitude at the report's latitude
    box: tuple[float, float, float, float]  # lat_min, lat_max, lon_min, lon_max: holds every point within `outer_m`
    inner_m: float  # a point at most this far on the plane is within the radius
    outer_m: float  # a point within the radius is at most this far on the plane

    def planar_m(self, lat: float, lon: float) -> float:
        return math.hypot((lat - self.lat) * self.lat_scale, (lon - self.lon) * self.lon_scale)

    def may_hold(self, lat: float, lon: float) -> bool:
        lat_min, lat_max, lon_min, lon_max = self.box
        return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max and self.planar_m(lat, lon) <= self.outer_m

    def surely_holds(self, lat: float, lon: float) -> bool:
        return self.planar_m(lat, lon) <= self.inner_m

    def planar2_sql(self) -> tuple[str, list[float]]:
        """SQL for the square of planar_m() of the row's (lat, lon), and its parameters."""
        sql = "((lat - %s) * %s) * ((lat - %s) * %s) + ((lon - %s) * %s) * ((lon - %s) * %s)"
        dy, dx = [self.lat, self.lat_scale] * 2, [self.lon, self.lon_scale] * 2
        return sql, dy + dx


_EARTH_RADIUS_M = 6371007.180918475  # the sphere h3's great_circle_distance uses
_METRES_PER_DEGREE = _EARTH_RADIUS_M * math.pi / 180


def reach(lat: float, lon: float, radius_m: float) -> Reach | None:
    """The Reach of radius_m around (lat, lon); None near the poles or the antimeridian, where the plane is no guide."""
    outer_m, inner_m = radius_m * 1.01 + 1, radius_m * 0.99 - 1
    dlat = outer_m / _METRES_PER_DEGREE
    if abs(lat) + dlat > 80:
        return None
    # The box's longitude span is measured where a degree of longitude is shortest, so the box holds the whole disk.
    dlon = outer_m / (_METRES_PER_DEGREE * math.cos(math.radians(abs(lat) + dlat)))
    if lon - dlon < -180 or lon + dlon > 180:
        return None
    return Reach(
        lat=lat,
        lon=lon,
        lat_scale=_METRES_PER_DEGREE,
        lon_scale=_METRES_PER_DEGREE * math.cos(math.radians(lat)),
        box=(lat - dlat, lat + dlat, lon - dlon, lon + dlon),
        inner_m=inner_m,
        outer_m=outer_m,
    )


def _open_incidents_near(
    cells: Sequence[str], cfg: config.Config, around: Reach | None, *, surely: bool, lock: bool
) -> list[Incident]:
    """Open incidents of the candidate cells heard from within the time window: with a Reach, only those that may lie
    within the radius (or, `surely`, the nearest one that surely does); locked in id order (or that one row) if `lock`.

    Written in SQL rather than through the query builder: this runs for every report, and composing a query with a
    hundred cells and a distance expression cost more CPU than the rest of the request together."""
    quote = connection.ops.quote_name
    fields = ", ".join(quote(str(f.column)) for f in Incident._meta.concrete_fields)
    select_params: list[float | str | None] = []
    where_params: list[float | str | None] = []
    if connection.vendor == "postgresql":
        # One parameter for all the cells (H3 indexes: hex digits, no commas): a short statement, cheap to send.
        where = [f"{quote('cell')} = ANY(string_to_array(%s, ','))"]
        where_params.append(",".join(cells))
    else:
        where = [f"{quote('cell')} IN ({', '.join(['%s'] * len(cells))})"]
        where_params.extend(cells)
    where += [f"{quote('state')} IN ({', '.join(['%s'] * len(OPEN_STATES))})", f"{quote('merged_into_id')} IS NULL"]
    where_params.extend(state.value for state in OPEN_STATES)
    where.append(f"{quote('last_report_at')} >= %s")
    cutoff = timezone.now() - dt.timedelta(minutes=cfg.cluster_minutes)
    where_params.append(connection.ops.adapt_datetimefield_value(cutoff))
    order = quote("id")
    if around is not None:
        where += ["lat BETWEEN %s AND %s", "lon BETWEEN %s AND %s"]
        where_params.extend(around.box)
        planar2, planar_params = around.planar2_sql()
        where.append(f"{planar2} <= %s")
        where_params += [*planar_params, (around.inner_m if surely else around.outer_m) ** 2]
        if surely:
            fields += f", {planar2} AS planar2"
            select_params += planar_params
            order = f"planar2, {quote('id')}"
    # Only names from the model and fixed fragments go into the text; every value is a parameter.
    sql = f"SELECT {fields} FROM {quote(Incident._meta.db_table)} WHERE {' AND '.join(where)} ORDER BY {order}"  # noqa: S608
    if surely:
        sql += " LIMIT 1"
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    if connection.vendor != "postgresql":
        return list(Incident.objects.raw(sql, select_params + where_params))
    # psycopg hands back finished Python values (aware datetimes included): build the rows as the ORM would.
    names = [f.attname for f in Incident._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, select_params + where_params)
        return [Incident.from_db(connection.alias, names, row[: len(names)]) for row in cursor.fetchall()]


def nearest_open_incident(
    lat: float,
    lon: float,
    cfg: config.Config | None = None,
    *,
    lock: bool = False,
    cells: Sequence[str] | None = None,
) -> tuple[Incident, float] | None:
    """The nearest open incident within the clustering radius and time window, with its distance; None if none.

    With `lock`, the candidate rows are locked (SELECT … FOR UPDATE, in id order so that two placements never wait on
    each other crosswise) for the rest of the transaction: a dispatcher may be changing one of them at this moment.
    `cells` are the candidate_cells() when the caller has them already."""
    cfg = cfg or config.current()
    if cells is None:
        cells = candidate_cells(lat, lon, cfg.cluster_meters)
    candidates = _open_incidents_near(cells, cfg, reach(lat, lon, cfg.cluster_meters), surely=False, lock=lock)
    best: tuple[Incident, float] | None = None
    for incident in candidates:
        d = distance_m((lat, lon), (incident.lat, incident.lon))
        if d <= cfg.cluster_meters and (best is None or d < best[1] or (d == best[1] and incident.pk < best[0].pk)):
            best = (incident, d)
    return best


def _nearest_surely_within(
    lat: float, lon: float, cfg: config.Config, cells: Sequence[str]
) -> tuple[Incident, float] | None:
    """The nearest open incident that surely lies within the radius, its row alone locked, in one query; None if there
    is none, or where no Reach can be used. Nearest on the plane, which orders incidents as the great-circle distance
    does but for centimetres. Only a row within the radius is ever locked here (see place: no lock is held before the
    area's advisory locks are taken)."""
    around = reach(lat, lon, cfg.cluster_meters)
    if around is None:
        return None
    found = _open_incidents_near(cells, cfg, around, surely=True, lock=True)
    if not found:
        return None
    return found[0], distance_m((lat, lon), (found[0].lat, found[0].lon))


def _set_position(incident: Incident, lat: float, lon: float) -> None:
    incident.lat, incident.lon = lat, lon
    incident.cell = h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT)
    zone_cell = h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_ZONE)
    if zone_cell != incident.zone_cell or incident.pk is None:
        incident.zone_cell = zone_cell
        incident.zone_id = zone_id_for(zone_cell)


def place(report: Report, *, actor: AnyUser | None = None, cfg: config.Config | None = None) -> Placement:
    """Put a report that has coordinates into an incident, saving the report (new or not). Call inside a transaction.

    This is the hot path of intake: on PostgreSQL a report that joins an incident costs one query that finds and locks
    it, one incident write, one report write and one batch of events; one that opens an incident also takes the area's
    locks and looks again (see the module's notes). `cfg` is config.current() when the caller has read it already."""
    if report.lat is None or report.lon is None:
        raise ValueError("only a report with coordinates can be placed")
    lat, lon = report.lat, report.lon
    now = timezone.now()
    cfg = cfg or config.current()
    cells = candidate_cells(lat, lon, cfg.cluster_meters)
    if connection.vendor == "postgresql":
        found = _nearest_surely_within(lat, lon, cfg, cells)
        if found is None:
            lock_area(lat, lon, cfg.cluster_meters)
            found = nearest_open_incident(lat, lon, cfg, lock=True, cells=cells)
    else:  # SQLite runs one write transaction at a time (BEGIN IMMEDIATE): one look, nothing to lock
        found = nearest_open_incident(lat, lon, cfg, cells=cells)
    if found is None:
        incident = Incident(
            state=IncidentState.NEW,
            language=report.language,
            report_count=1,
            first_report_at=now,
            last_report_at=now,
        )
        _set_position(incident, lat, lon)
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
        opened = False
    report.incident = incident
    kinds: list[tuple[str, dict[str, object]]] = []
    if opened:
        kinds.append(("incident_opened", {"channel": report.channel}))
    kinds.append(("report_added", {"channel": report.channel, "distance_m": round(distance, 1)}))
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    if connection.vendor == "postgresql" and report.pk is None:
        _store_in_one_statement(incident, report, opened=opened, kinds=kinds, actor_id=actor_id, at=now)
    else:
        if opened:
            incident.save()
        else:
            incident.save(update_fields=list(_UPDATED))
        if report.pk is None:
            report.save()  # a new report is stored here, already in its incident (one INSERT, no UPDATE)
        else:
            report.save(update_fields=["incident"])
        events.record_many(
            incident, [(kind, {"report": report.pk, **data}) for kind, data in kinds], actor=actor, at=now
        )
    return Placement(incident=incident, opened=opened, distance_m=distance)


def _columns(obj: Incident | Report, names: Sequence[str] | None, *, add: bool) -> tuple[list[str], list[Any]]:
    """Quoted columns and database values of `obj`'s fields (all but the key, or `names`), as save() sends them."""
    fields = [
        f
        for f in type(obj)._meta.concrete_fields
        if not f.primary_key and (names is None or f.name in names or f.attname in names)
    ]
    quote = connection.ops.quote_name
    return [quote(str(f.column)) for f in fields], [
        f.get_db_prep_save(f.pre_save(obj, add), connection) for f in fields
    ]


def _store_in_one_statement(
    incident: Incident,
    report: Report,
    *,
    opened: bool,
    kinds: Sequence[tuple[str, Mapping[str, object]]],
    actor_id: int | None,
    at: dt.datetime,
) -> None:
    """Write the incident (new or changed), the new report and its events in one PostgreSQL statement.

    Only names from the models and fixed fragments go into its text; every value is a parameter. The same rows
    Model.save() and events.record_many() would write, in one round trip instead of three: the lock on
    the incident is held that much shorter. Data-modifying CTEs pass the new keys along (RETURNING); the events get the
    report's key in their data and ascending ids in the order given. No model signals are sent (none are used for
    these models, as for bulk_create)."""
    quote = connection.ops.quote_name
    params: list[Any] = []  # database values, as the fields prepare them
    if opened:
        columns, values = _columns(incident, None, add=True)
        incident_sql = (
            f"INSERT INTO {quote(Incident._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(values))}) RETURNING {quote('id')}"
        )
        params += values
    else:
        columns, values = _columns(incident, _UPDATED, add=False)
        incident_sql = (
            f"UPDATE {quote(Incident._meta.db_table)} SET {', '.join(f'{c} = %s' for c in columns)} "  # noqa: S608
            f"WHERE {quote('id')} = %s RETURNING {quote('id')}"
        )
        params += [*values, incident.pk]
    report_fields = [f.name for f in Report._meta.concrete_fields if not f.primary_key and f.name != "incident"]
    columns, values = _columns(report, report_fields, add=True)
    report_sql = (
        f"INSERT INTO {quote(Report._meta.db_table)} ({', '.join(columns)}, {quote('incident_id')}) "  # noqa: S608
        f"SELECT {', '.join(['%s'] * len(values))}, inc.{quote('id')} FROM inc RETURNING {quote('id')}"
    )
    params += values
    by_name = {f.name: f for f in IncidentEvent._meta.concrete_fields}
    event_columns = ", ".join(quote(str(by_name[name].column)) for name in _EVENT_FIELDS)
    rows = ", ".join(["(%s, %s, %s::jsonb)"] * len(kinds))
    events_sql = (
        f"INSERT INTO {quote(IncidentEvent._meta.db_table)} ({event_columns}) "  # noqa: S608
        f"SELECT inc.{quote('id')}, %s, e.kind, e.data || jsonb_build_object('report', rep.{quote('id')}), %s "
        f"FROM inc, rep, (VALUES {rows}) AS e(n, kind, data) ORDER BY e.n"
    )
    params += [actor_id, connection.ops.adapt_datetimefield_value(at)]
    for n, (kind, data) in enumerate(kinds):
        params += [n, kind, json.dumps(dict(data))]
    sql = (
        f"WITH inc AS ({incident_sql}), rep AS ({report_sql}), ev AS ({events_sql}) "  # noqa: S608
        f"SELECT inc.{quote('id')}, rep.{quote('id')} FROM inc, rep"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Incident.DoesNotExist(f"incident {incident.pk} is gone")  # the row is locked: cannot happen
    for obj, pk in ((incident, row[0]), (report, row[1])):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    report.incident = incident


_EVENT_FIELDS = ("incident", "actor", "kind", "data", "at")
