"""Reads for the dispatcher console: the live queue, its map, one incident's file, and the measures read from events.

Queue order (docs/console.md): open incidents (new, verifying) first, then the others. Within each part, by rank
(vigil/network/attention.py: signals a flood cannot fake cheaply — an observer who went, an operator's report, a known
SMS sender, several channels — computed in the query), then by the time of their last report, newest first, in
five-minute steps; within the same five minutes the largest (most reports) comes first, then the newest.

The default view lists the incidents in the dispatcher's zones, 50 at a time with a count of the rest; incidents
outside every zone have their own tab (zone=none) with a count; when a zone is flooded (vigil/hotline/floods.py) a
banner names it and the burst's uncorroborated incidents are grouped under it instead of filling the list.

The rows cost a handful of queries however long the queue: the ranked incidents (with their zone), one grouped read of
reports and one of dispatches for the rows shown, the unzoned count, the flood check.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import h3
from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.accounts.access import AnyUser, group_ids
from vigil.accounts.models import Role, User
from vigil.hotline.access import incidents_visible_to, may_read_contacts_in
from vigil.hotline.floods import Flood, floods
from vigil.hotline.models import OPEN_STATES, Channel, Incident, IncidentEvent, IncidentState, Report, Verdict
from vigil.hotline.services import normalise_receipt
from vigil.network import attention
from vigil.network.models import Dispatch, DispatchStatus, Observation, Observer
from vigil.places.models import Zone, ZoneCell

# Who works the console. Coordinators stand in for dispatchers; only dispatchers may read call-back contacts.
CONSOLE_ROLES: tuple[Role, ...] = (Role.DISPATCHER, Role.COORDINATOR)

QUEUE_LIMIT = 300
# Rows of the default view; the rest are counted and shown on request ("show all").
QUEUE_PAGE = 50
# Incidents that are not open stay in the default queue this long after their last report.
RECENT = dt.timedelta(hours=24)
ORDER_STEP_SECONDS = 300

# Queue filter by state: "" = open first, then recent others; "open" = new and verifying; or one state.
STATE_FILTERS: tuple[str, ...] = ("", "open", *IncidentState.values)
UNZONED = "none"

# Dispatch statuses in the order a dispatcher reads them in the summary.
DISPATCH_ORDER: tuple[str, ...] = (
    DispatchStatus.SENT,
    DispatchStatus.ACCEPTED,
    DispatchStatus.ON_SCENE,
    DispatchStatus.LEFT_SAFE,
    DispatchStatus.DECLINED,
    DispatchStatus.EXPIRED,
    DispatchStatus.CANCELLED,
)


def human_age(delta: dt.timedelta) -> str:
    """A short, translated age for a busy screen: "less than 1 min", "12 min", "1 h 05 min", "3 days"."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 1:
        return _("less than 1 min")
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": rest}
    days = hours // 24
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def console_incidents(user: AnyUser) -> QuerySet[Incident]:
    """Incidents the user may work on the console: their groups' zones (and unzoned ones), never merged-away ones."""
    return incidents_visible_to(user, CONSOLE_ROLES).filter(merged_into__isnull=True)


def filter_zones(user: AnyUser) -> list[Zone]:
    """Zones offered in the queue's zone filter."""
    return list(Zone.objects.filter(group_id__in=group_ids(user, CONSOLE_ROLES)).order_by("name", "pk"))


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue, with its labels already translated (the fragment is rendered every 2 s)."""

    incident: Incident
    url: str
    state_label: str
    verdict_label: str
    zone_name: str
    age: str
    channels: list[tuple[str, str, int]]  # (channel, label, count), only channels with reports
    dispatches: list[tuple[str, str, int]]  # (status, label, count), in DISPATCH_ORDER
    place: str = ""  # the place in words: the gazetteer's match a report was placed by, or a reporter's words
    summary: str = ""  # one line of what is happening, from the first report that says
    corroboration: str = ""
    why: str = ""  # why it ranks where it does (vigil.network.attention.reasons), in words

    @property
    def is_open(self) -> bool:
        return self.incident.state in OPEN_STATES

    @property
    def signature(self) -> str:
        """Changes when what the row shows changes (the page highlights such rows)."""
        i = self.incident
        raw = f"{i.state}|{i.verdict}|{i.report_count}|{i.last_report_at.timestamp()}|{self.dispatches}|{self.why}"
        return hashlib.sha256(raw.encode()).hexdigest()[:12]


SUMMARY_CHARS = 110
ON_SCENE_STATUSES = (DispatchStatus.ON_SCENE, DispatchStatus.LEFT_SAFE)


@dataclass
class _Words:
    """What an incident's reports say, read in one pass over them (oldest first)."""

    channels: dict[str, int] = field(default_factory=dict)
    place: str = ""
    summary: str = ""


def _words_per_incident(ids: list[int]) -> dict[int, _Words]:
    words: dict[int, _Words] = defaultdict(_Words)
    rows = (
        Report.objects.filter(incident_id__in=ids)
        .order_by("received_at", "pk")
        .values_list("incident_id", "channel", "place_match", "location_text", "activity", "text")
    )
    for incident_id, channel, match, location, activity, text in rows:
        found = words[incident_id]
        found.channels[channel] = found.channels.get(channel, 0) + 1
        if not found.place and (match or location):
            found.place = match or location
        if not found.summary and (activity or text):
            found.summary = " ".join((activity or text).split())
    return words


def _one_line(text: str, limit: int = SUMMARY_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def corroboration(reports: int, channels: int, on_scene: bool) -> str:
    """How an incident is corroborated, in a few words."""
    if on_scene:
        seen = _("an observer went to the scene")
    else:
        seen = ""
    if reports <= 1:
        told = _("a single report")
    else:
        told = ngettext(
            "%(reports)d reports through %(channels)d channel",
            "%(reports)d reports through %(channels)d channels",
            channels,
        ) % {"reports": reports, "channels": channels}
    return f"{told}; {seen}" if seen else told


def _order_key(incident: Incident | _Ranked) -> tuple[int, int, int, int, float, int]:
    stamp = incident.last_report_at.timestamp()
    return (
        0 if incident.state in OPEN_STATES else 1,
        -int(getattr(incident, "attention", 0)),
        -int(stamp // ORDER_STEP_SECONDS),
        -incident.report_count,
        -stamp,
        -incident.pk,
    )


@dataclass(frozen=True)
class Search:
    """A search across incidents: words in their reports or a receipt code, and a time range of their reports."""

    words: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def __bool__(self) -> bool:
        return bool(self.words or self.since or self.until)

    @property
    def key(self) -> str:
        since = self.since.isoformat() if self.since else ""
        until = self.until.isoformat() if self.until else ""
        return f"{self.words}|{since}|{until}"


SEARCH_FIELDS = ("activity", "location_text", "place_match", "text", "size", "uniform", "equipment")


def _searched(incidents: QuerySet[Incident], search: Search) -> QuerySet[Incident]:
    receipt = normalise_receipt(search.words) if search.words else None
    if receipt is not None:
        incidents = incidents.filter(pk__in=Report.objects.filter(receipt=receipt).values("incident_id"))
    else:
        for word in search.words.split()[:8]:
            matches = Q()
            for name in SEARCH_FIELDS:
                matches |= Q(**{f"{name}__icontains": word})
            incidents = incidents.filter(pk__in=Report.objects.filter(matches).values("incident_id"))
    if search.since is not None:
        incidents = incidents.filter(last_report_at__gte=search.since)
    if search.until is not None:
        incidents = incidents.filter(first_report_at__lte=search.until)
    return incidents


def _ranked_scope(
    user: AnyUser,
    *,
    state: str,
    zone: str,
    search: Search | None,
    now: dt.datetime,
    zoned: bool | None,
    near_cells: list[str],
    base: QuerySet[Incident] | None = None,
) -> QuerySet[Incident]:
    """The queue's incidents with their rank, in the database's coarse queue order (see queue_incidents). `base` is
    `_in_scope(...)` of the same arguments when the caller already has it (its access checks ran once)."""
    incidents = _in_scope(user, state=state, search=search, now=now) if base is None else base
    if zone == UNZONED:
        incidents = incidents.filter(zone__isnull=True)
    elif zone:
        incidents = incidents.filter(zone_id=int(zone))
    elif not search and (has_zones(user) if zoned is None else zoned):
        incidents = incidents.filter(zone__isnull=False)
    incidents = attention.annotate_attention(incidents, now=now, near_cells=near_cells)
    # The database applies the coarse order and the limit; the five-minute steps are applied to what it returns.
    is_open = Case(When(state__in=OPEN_STATES, then=Value(1)), default=Value(0), output_field=IntegerField())
    return incidents.order_by(is_open.desc(), F("attention").desc(), "-last_report_at", "-report_count", "-pk")


def queue_incidents(
    user: AnyUser,
    *,
    state: str = "",
    zone: str = "",
    search: Search | None = None,
    now: dt.datetime | None = None,
    limit: int = QUEUE_LIMIT,
    zoned: bool | None = None,
) -> list[Incident]:
    """The incidents of the queue in queue order (see the module docstring), ranked (attention annotations).

    `zone` is a zone id, UNZONED, or "" for all the user's zones: then incidents outside every zone are left to their
    own tab, unless the user's groups have no zones at all. A search looks at every incident the user may see, of
    any age and place, unless a state or zone is chosen too."""
    now = now or timezone.now()
    near = attention.cells_near_observers(now)
    ranked = _ranked_scope(user, state=state, zone=zone, search=search, now=now, zoned=zoned, near_cells=near)
    rows = list(ranked.select_related("zone")[:limit])
    rows.sort(key=_order_key)
    return rows


class _Ranked(NamedTuple):
    """What the queue page needs of an incident to place it (order, flood group) before it is shown."""

    pk: int
    state: str
    zone_id: int | None
    first_report_at: dt.datetime
    last_report_at: dt.datetime
    report_count: int
    attention: int
    att_channels: int
    att_operator: bool
    att_known_sender: bool
    att_observer_went: bool
    att_observer_nearby: bool
    att_not_api_only: bool


def _in_scope(user: AnyUser, *, state: str, search: Search | None, now: dt.datetime) -> QuerySet[Incident]:
    incidents = console_incidents(user)
    if search:
        incidents = _searched(incidents, search)
    if state == "" and not search:
        incidents = incidents.filter(Q(state__in=OPEN_STATES) | Q(last_report_at__gte=now - RECENT))
    elif state == "open":
        incidents = incidents.filter(state__in=OPEN_STATES)
    elif state:
        incidents = incidents.filter(state=state)
    return incidents


def has_zones(user: AnyUser) -> bool:
    """Whether the user's console groups have zones (a network without zones lists everything in one list)."""
    return Zone.objects.filter(group_id__in=group_ids(user, CONSOLE_ROLES)).exists()


def queue_version(
    *, state: str, zone: str, language: str, search: Search | None = None, now: dt.datetime | None = None
) -> str:
    """A token that changes whenever the queue's fragment could: any incident event, the minute, the filters.

    Every change to an incident writes an event (a report joining, a dispatch step, a verdict...), so the highest event
    id is a cheap, index-only witness of "something changed"; the minute covers the ages shown ("12 min").
    """
    now = now or timezone.now()
    last = IncidentEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    minute = int(now.timestamp() // 60)
    raw = f"{last}|{minute}|{state}|{zone}|{language}|{search.key if search else ''}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def incident_version(incident: Incident, *, language: str, now: dt.datetime | None = None) -> str:
    """Like queue_version, for one incident's live parts: its last event, the minute, the language."""
    now = now or timezone.now()
    last = IncidentEvent.objects.filter(incident=incident).aggregate(last=Max("pk"))["last"] or 0
    raw = f"{incident.pk}|{last}|{int(now.timestamp() // 60)}|{language}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def _counts_per_incident(rows: QuerySet[Report] | QuerySet[Dispatch], by: str) -> dict[int, dict[str, int]]:
    """How many of `rows` each incident has for each value of the field `by` (values it has none of are absent)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for incident_id, value, n in rows.values_list("incident_id", by).annotate(n=Count("pk")).order_by():
        counts[incident_id][value] = n
    return counts


def queue_rows(
    user: AnyUser,
    *,
    state: str = "",
    zone: str = "",
    search: Search | None = None,
    now: dt.datetime | None = None,
    limit: int = QUEUE_LIMIT,
) -> list[QueueRow]:
    """Every row of the queue as filtered, in queue order (the CSV export; the page uses `queue_view`)."""
    now = now or timezone.now()
    return rows_for(queue_incidents(user, state=state, zone=zone, search=search, now=now, limit=limit), now=now)


@dataclass(frozen=True)
class FloodGroup:
    """A flood warning and the uncorroborated incidents of its burst, grouped under it (at most QUEUE_PAGE rows)."""

    flood: Flood
    count: int
    rows: list[QueueRow]

    @property
    def usual(self) -> str:
        return f"{self.flood.usual_per_hour:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Queue:
    """What the queue page shows: a page of rows, how many more there are, the unzoned tab's count, the floods."""

    rows: list[QueueRow]
    more: int
    unzoned: int
    floods: list[FloodGroup]
    zone: str


_RANK_ANNOTATIONS = [name for name in _Ranked._fields if name == "attention" or name.startswith("att_")]


def _grouped_by(floods_now: list[Flood], incident: _Ranked) -> Flood | None:
    if incident.state not in OPEN_STATES or attention.is_corroborated(incident):
        return None
    for flood in floods_now:
        if incident.zone_id == flood.zone_id and incident.first_report_at > flood.since:
            return flood
    return None


def queue_view(
    user: AnyUser,
    *,
    state: str = "",
    zone: str = "",
    search: Search | None = None,
    show_all: bool = False,
    now: dt.datetime | None = None,
    zone_ids: list[int] | None = None,
) -> Queue:
    """The queue page's content (see the module docstring): ranked rows, floods and their groups, the tab counts.

    `zone_ids` are the user's console zones when the caller has read them already (filter_zones)."""
    now = now or timezone.now()
    if zone_ids is None:
        zone_ids = [z.pk for z in filter_zones(user)]
    zoned = bool(zone_ids)
    near = attention.cells_near_observers(now)
    # First only what places each incident (a light read of up to QUEUE_LIMIT rows), then the rows shown in full.
    scope = _in_scope(user, state=state, search=search, now=now)
    ranked_scope = _ranked_scope(
        user, state=state, zone=zone, search=search, now=now, zoned=zoned, near_cells=near, base=scope
    )
    ranked = [_Ranked(*values) for values in ranked_scope.values_list(*_Ranked._fields)[:QUEUE_LIMIT]]
    ranked.sort(key=_order_key)
    floods_now: list[Flood] = []
    if not search and zone != UNZONED:
        floods_now = floods(zone_ids if not zone else [int(zone)], now=now)
    listed: list[_Ranked] = []
    grouped: dict[int, list[_Ranked]] = defaultdict(list)
    for incident in ranked:
        flood = _grouped_by(floods_now, incident) if floods_now else None
        if flood is None:
            listed.append(incident)
        else:
            grouped[flood.zone_id].append(incident)
    shown = listed if show_all else listed[:QUEUE_PAGE]
    group_shown = {zone_id: found[:QUEUE_PAGE] for zone_id, found in grouped.items()}
    wanted = [i for i in shown] + [i for found in group_shown.values() for i in found]
    by_id = {i.pk: i for i in Incident.objects.filter(pk__in=[w.pk for w in wanted]).select_related("zone")}
    for light in wanted:  # the rank read in the first pass goes with the incident (attention.reasons reads it)
        if light.pk in by_id:
            for name in _RANK_ANNOTATIONS:
                setattr(by_id[light.pk], name, getattr(light, name))
    rows = rows_for([by_id[w.pk] for w in wanted if w.pk in by_id], now=now)
    by_pk = {row.incident.pk: row for row in rows}
    unzoned = 0
    if zoned and zone != UNZONED and not search:
        unzoned = scope.filter(zone__isnull=True).count()
    return Queue(
        rows=[by_pk[i.pk] for i in shown if i.pk in by_pk],
        more=len(listed) - len(shown),
        unzoned=unzoned,
        floods=[
            FloodGroup(
                flood=f, count=len(grouped[f.zone_id]), rows=[by_pk[i.pk] for i in group_shown.get(f.zone_id, [])]
            )
            for f in floods_now
        ],
        zone=zone,
    )


def rows_for(incidents: list[Incident], *, now: dt.datetime) -> list[QueueRow]:
    """Queue rows of these (ranked) incidents, in their order: two grouped reads whatever their number."""
    ids = [i.pk for i in incidents]
    said = _words_per_incident(ids)  # also counts the reports per channel
    per_channel = {pk: said[pk].channels for pk in ids}
    per_status = _counts_per_incident(Dispatch.objects.filter(incident_id__in=ids), "status")
    channel_labels = {code: str(label) for code, label in Channel.choices}
    channel_order = list(channel_labels)
    status_labels = {code: str(label) for code, label in DispatchStatus.choices}
    state_labels = {code: str(label) for code, label in IncidentState.choices}
    verdict_labels = {code: str(label) for code, label in Verdict.choices}
    prefix = reverse("console:incident", args=[0]).removesuffix("0/")
    return [
        QueueRow(
            incident=incident,
            url=f"{prefix}{incident.pk}/",
            state_label=state_labels.get(incident.state, incident.state),
            verdict_label=verdict_labels.get(incident.verdict, incident.verdict),
            zone_name=incident.zone.name if incident.zone is not None else "",
            age=human_age(now - incident.first_report_at),
            channels=[
                (c, channel_labels[c], per_channel[incident.pk][c])
                for c in channel_order
                if per_channel[incident.pk].get(c)
            ],
            dispatches=[
                (s, status_labels[s], per_status[incident.pk][s])
                for s in DISPATCH_ORDER
                if per_status[incident.pk].get(s)
            ],
            place=said[incident.pk].place,
            summary=_one_line(said[incident.pk].summary),
            corroboration=corroboration(
                incident.report_count,
                len(per_channel[incident.pk]),
                any(per_status[incident.pk].get(s) for s in ON_SCENE_STATUSES),
            ),
            why="; ".join(attention.reasons(incident)),
        )
        for incident in incidents
    ]


def can_export(user: AnyUser) -> bool:
    """Coordinators export the queue (statistics, reports to funders and lawyers); dispatchers work it."""
    return bool(group_ids(user, (Role.COORDINATOR,)))


CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (reporters' words are untrusted)."""
    text = str(value)
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text


def queue_csv(rows: Iterable[QueueRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("incident"), _("state"), _("verdict"), _("zone"), _("first report"), _("last report"), _("reports"),
         _("channels"), _("place in words"), _("what"), _("corroboration"), _("observers")]
    )  # fmt: skip
    for row in rows:
        i = row.incident
        writer.writerow(
            [_cell(v) for v in (
                i.pk, row.state_label, row.verdict_label, row.zone_name, i.first_report_at.isoformat(),
                i.last_report_at.isoformat(), i.report_count, " ".join(f"{label} {n}" for _c, label, n in row.channels),
                row.place, row.summary, row.corroboration, " ".join(f"{label} {n}" for _s, label, n in row.dispatches),
            )]
        )  # fmt: skip
    return out.getvalue()


def map_points(incidents: Iterable[Incident]) -> list[dict[str, object]]:
    """Markers for the console map. Dispatchers are trusted staff: positions are the incidents' own centroids."""
    return [
        {
            "id": i.pk,
            "lat": round(i.lat, 6),
            "lon": round(i.lon, 6),
            "state": i.state,
            "verdict": i.verdict,
            "reports": i.report_count,
            "label": ngettext(
                "Incident %(id)s: %(state)s, %(count)s report",
                "Incident %(id)s: %(state)s, %(count)s reports",
                i.report_count,
            )
            % {"id": i.pk, "state": i.get_state_display(), "count": i.report_count},
        }
        for i in incidents
    ]


# --- one incident ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measures:
    """Durations read from the incident's events, from its first report."""

    first_report_at: dt.datetime
    dispatched_at: dt.datetime | None
    verdict_at: dt.datetime | None

    @property
    def time_to_dispatch(self) -> dt.timedelta | None:
        return None if self.dispatched_at is None else max(self.dispatched_at - self.first_report_at, dt.timedelta())

    @property
    def time_to_verdict(self) -> dt.timedelta | None:
        return None if self.verdict_at is None else max(self.verdict_at - self.first_report_at, dt.timedelta())

    @property
    def time_to_dispatch_text(self) -> str:
        return "—" if self.time_to_dispatch is None else format_duration(self.time_to_dispatch)

    @property
    def time_to_verdict_text(self) -> str:
        return "—" if self.time_to_verdict is None else format_duration(self.time_to_verdict)


def format_duration(delta: dt.timedelta) -> str:
    """A measured duration to the second: "45 s", "4 min 05 s", "2 h 03 min"."""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": seconds}
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}
    hours, minutes = divmod(minutes, 60)
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}


def incident_measures(incident: Incident) -> Measures:
    """Time to dispatch (first `dispatched` event) and time to verdict (first `verdict_recorded` event).

    Both count from the incident's first report; a verdict withdrawn by reopening still counts as the first verdict
    (the stats ask how fast the network answered, not whether it answered right).
    """
    firsts = dict(
        IncidentEvent.objects.filter(incident=incident, kind__in=["dispatched", "verdict_recorded"])
        .values_list("kind")
        .annotate(first=Min("at"))
        .values_list("kind", "first")
    )
    return Measures(
        first_report_at=incident.first_report_at,
        dispatched_at=firsts.get("dispatched"),
        verdict_at=firsts.get("verdict_recorded"),
    )


@dataclass
class DispatchView:
    dispatch: Dispatch
    observer_name: str
    observations: list[Observation] = field(default_factory=list)

    @property
    def proposed_label(self) -> str:
        code = self.dispatch.proposed_verdict
        return str(dict(Verdict.choices).get(code, code))


@dataclass(frozen=True)
class EventView:
    event: IncidentEvent
    actor_name: str
    label: str
    details: str


def _person(user: User | None) -> str:
    if user is None:
        return _("system")
    return user.get_full_name() or user.get_username()


def incident_dispatches(incident: Incident) -> list[DispatchView]:
    dispatches = list(
        Dispatch.objects.filter(incident=incident).select_related("observer__user").order_by("sent_at", "pk")
    )
    views = {d.pk: DispatchView(dispatch=d, observer_name=_person(d.observer.user)) for d in dispatches}
    for observation in Observation.objects.filter(dispatch_id__in=list(views)).order_by("recorded_at", "pk"):
        views[observation.dispatch_id].observations.append(observation)
    return list(views.values())


def incident_reports(incident: Incident) -> list[Report]:
    return list(Report.objects.filter(incident=incident).order_by("received_at", "pk"))


def _event_labels() -> dict[str, str]:
    return {
        "incident_opened": _("Incident opened"),
        "report_added": _("Report added"),
        "report_placed": _("Report placed on the map"),
        "report_updated": _("Report completed"),
        "evidence_added": _("Evidence added"),
        "dispatched": _("Observers dispatched"),
        "dispatch_failed": _("Nobody could be dispatched"),
        "state_changed": _("State changed"),
        "dispatch_accepted": _("Observer accepted"),
        "dispatch_declined": _("Observer declined"),
        "dispatch_expired": _("Offer expired without answer"),
        "dispatch_cancelled": _("Offer withdrawn"),
        "observer_arrived": _("Observer on scene"),
        "checked_in": _("Observer checked in"),
        "check_in_missed": _("Check-in missed"),
        "observation_recorded": _("Observation recorded"),
        "verdict_proposed": _("Verdict proposed by observer"),
        "observer_left_safe": _("Observer left safe"),
        "merged": _("Incidents merged into this one"),
        "merged_into": _("Merged into another incident"),
        "split": _("Reports split off"),
        "split_from": _("Split off another incident"),
        "verdict_recorded": _("Verdict recorded"),
        "verdict_changed": _("Verdict changed"),
        "closed": _("Closed"),
        "reopened": _("Reopened"),
        "report_reviewed": _("Held report reviewed"),
    }


def _ids(value: object) -> list[int]:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, int)]
    return [value] if isinstance(value, int) else []


def _event_details(event: IncidentEvent, observers: Mapping[int, str]) -> str:
    data = event.data if isinstance(event.data, dict) else {}
    verdicts = dict(Verdict.choices)
    states = dict(IncidentState.choices)

    def names(key: str) -> str:
        return ", ".join(observers.get(i, f"#{i}") for i in _ids(data.get(key)))

    def incidents(key: str) -> str:
        return ", ".join(f"#{i}" for i in _ids(data.get(key)))

    kind = event.kind
    if kind in ("report_added", "incident_opened"):
        return _("report #%(report)s by %(channel)s") % {
            "report": data.get("report", "?"),
            "channel": dict(Channel.choices).get(str(data.get("channel", "")), data.get("channel", "")),
        }
    if kind in ("dispatched", "dispatch_expired", "dispatch_cancelled"):
        return names("observer_ids")
    if kind == "checked_in" and isinstance(data.get("late_minutes"), int) and int(str(data["late_minutes"])) >= 1:
        # Made offline and sent when signal came back: the phone's time, and how late it arrived.
        return _("%(observer)s — made offline, arrived %(minutes)s min late") % {
            "observer": names("observer"),
            "minutes": data["late_minutes"],
        }
    if kind in ("dispatch_accepted", "dispatch_declined", "observer_arrived", "checked_in", "observer_left_safe"):
        return names("observer")
    if kind in ("observation_recorded", "check_in_missed"):
        return names("observer")
    if kind == "state_changed":
        return f"{states.get(str(data.get('previous')), '?')} → {states.get(str(data.get('state')), '?')}"
    if kind in ("verdict_proposed", "verdict_recorded", "verdict_changed"):
        text = str(verdicts.get(str(data.get("verdict")), data.get("verdict", "")))
        if kind == "verdict_proposed":
            text = f"{names('observer')}: {text}"
        note = str(data.get("note") or "")
        return f"{text} — {note}" if note else text
    if kind == "merged":
        moved = len(_ids(data.get("reports")))
        return ngettext(
            "from %(incidents)s (%(count)s report moved)", "from %(incidents)s (%(count)s reports moved)", moved
        ) % {"incidents": incidents("sources"), "count": moved}
    if kind == "merged_into":
        return _("into %(incident)s") % {"incident": incidents("target")}
    if kind == "split":
        split = len(_ids(data.get("reports")))
        return ngettext(
            "%(count)s report to new incident %(incident)s", "%(count)s reports to new incident %(incident)s", split
        ) % {"count": split, "incident": incidents("new_incident")}
    if kind == "split_from":
        return _("from incident %(incident)s") % {"incident": incidents("source")}
    if kind == "reopened":
        previous = str(verdicts.get(str(data.get("previous_verdict")), ""))
        reason = str(data.get("reason") or "")
        return " — ".join(part for part in (previous, reason) if part)
    if kind == "dispatch_failed":
        return _("no observer available")
    if kind == "report_placed":
        placed = {"report": data.get("report", "?"), "match": str(data.get("match") or "")}
        if data.get("by") == "words":
            return _("report #%(report)s placed from words: %(match)s") % placed
        if placed["match"]:
            return _("report #%(report)s placed at %(match)s") % placed
        return _("report #%(report)s") % placed
    if kind == "report_updated":
        return _("report #%(report)s") % {"report": data.get("report", "?")}
    return ""


def incident_events(incident: Incident) -> list[EventView]:
    events = list(IncidentEvent.objects.filter(incident=incident).select_related("actor").order_by("at", "pk"))
    observer_ids: set[int] = set()
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        observer_ids.update(_ids(data.get("observer_ids")) + _ids(data.get("observer")))
    observers = {o.pk: _person(o.user) for o in Observer.objects.filter(pk__in=observer_ids).select_related("user")}
    labels = _event_labels()
    return [
        EventView(
            event=event,
            actor_name=_person(event.actor),
            label=labels.get(event.kind, _("Other change")),
            details=_without_actor(_event_details(event, observers), _person(event.actor) if event.actor else ""),
        )
        for event in events
    ]


def _without_actor(details: str, actor_name: str) -> str:
    """The details of an event line, without the actor's name when the line already shows it (an observer who
    accepted is named once)."""
    return "" if actor_name and details == actor_name else details


def merge_candidates(
    user: AnyUser, incident: Incident, *, rings: int = 2, limit: int = 20
) -> list[tuple[Incident, int]]:
    """Open incidents near `incident` that the user may merge into it, nearest first, with their distance in metres.

    Near = the incident's res-8 cell and `rings` rings around it (about 1.5 km each way at the default).
    """
    if not incident.zone_cell or not h3.is_valid_cell(incident.zone_cell):
        return []
    nearby = list(h3.grid_disk(incident.zone_cell, rings))
    candidates = (
        console_incidents(user)
        .filter(zone_cell__in=nearby, state__in=OPEN_STATES)
        .exclude(pk=incident.pk)
        .select_related("zone")
    )
    found = [(other, round(distance_m(incident, other))) for other in candidates]
    found.sort(key=lambda pair: (pair[1], pair[0].pk))
    return found[:limit]


def distance_m(a: Incident, b: Incident) -> float:
    return float(h3.great_circle_distance((a.lat, a.lon), (b.lat, b.lon), unit="m"))


def can_read_contacts(user: AnyUser, incident: Incident) -> bool:
    """Whether the console offers to reveal call-back contacts: only for a zoned incident, to its group's dispatchers
    (hotline.access decides and audits each reveal; unzoned reports' contacts go through the operators' page)."""
    return incident.zone_id is not None and may_read_contacts_in(user, incident.zone_id)


def zone_outlines(user: AnyUser) -> list[dict[str, object]]:
    """The outlines of the user's console zones as GeoJSON geometries, so the map means something without tiles."""
    cells: dict[int, list[str]] = defaultdict(list)
    zones = filter_zones(user)
    for zone_id, cell in ZoneCell.objects.filter(zone__in=zones).values_list("zone_id", "cell"):
        cells[zone_id].append(cell)
    return [{"id": z.pk, "name": z.name, "geometry": h3.cells_to_geo(cells[z.pk])} for z in zones if cells.get(z.pk)]


# --- deciding from the incident page ----------------------------------------------------------------------------

# Reports whose places in words lie farther apart than this are flagged: the join may be wrong.
WORDS_DISAGREE_METRES = 250.0
WORDS_MIN_CONFIDENCE = 0.7


@dataclass(frozen=True)
class ReportJoin:
    """Why a report is part of its incident: how far from the incident it was, how long after the first report;
    and, when the places in words of its reports disagree, with which it disagrees."""

    report: Report
    distance_m: float | None
    minutes_after: int
    words_label: str = ""
    disagrees_with: str = ""
    disagree_m: int = 0


def report_joins(incident: Incident, reports: list[Report]) -> dict[int, ReportJoin]:
    """For each report of the incident (by pk), why it joined, read from its `report_added` event."""
    from vigil.places.geocoder import geocode

    distances: dict[int, float] = {}
    for data in IncidentEvent.objects.filter(incident=incident, kind="report_added").values_list("data", flat=True):
        if isinstance(data, dict) and isinstance(data.get("report"), int):
            distance = data.get("distance_m")
            if isinstance(distance, int | float):
                distances[data["report"]] = float(distance)
    spots: dict[int, tuple[str, float, float]] = {}
    for report in reports[:20]:  # the geocoder reads each report's words: a few ms each
        words = report.place_match or report.location_text
        if not words:
            continue
        matches = geocode(words, lang=report.language).matches
        if matches and matches[0].confidence >= WORDS_MIN_CONFIDENCE:
            spots[report.pk] = (matches[0].label, matches[0].lat, matches[0].lon)
    first_spot = next((spots[r.pk] for r in reports if r.pk in spots), None)
    joins: dict[int, ReportJoin] = {}
    for report in reports:
        label, disagrees, metres = "", "", 0
        spot = spots.get(report.pk)
        if spot is not None:
            label = spot[0]
            if first_spot is not None and spot is not first_spot:
                apart = h3.great_circle_distance(spot[1:], first_spot[1:], unit="m")
                if apart > WORDS_DISAGREE_METRES:
                    disagrees, metres = first_spot[0], round(apart)
        joins[report.pk] = ReportJoin(
            report=report,
            distance_m=distances.get(report.pk),
            minutes_after=max(int((report.received_at - incident.first_report_at).total_seconds() // 60), 0),
            words_label=label,
            disagrees_with=disagrees,
            disagree_m=metres,
        )
    return joins


@dataclass(frozen=True)
class ObserverChoice:
    """An observer the dispatcher may send, with why they are suggested (or not)."""

    observer_id: int
    name: str
    km: float | None
    speaks: bool
    suggested: bool
    why: str
    cell: str


def observer_choices(incident: Incident, *, pair_size: int, now: dt.datetime | None = None) -> list[ObserverChoice]:
    """Available observers nearest first (the dispatch rule); the first `pair_size` are the suggested pair."""
    from vigil.network.selectors import observers_nearby

    already = Dispatch.objects.filter(incident=incident).values_list("observer_id", flat=True)
    nearby = observers_nearby(incident=incident, exclude_ids=set(already), now=now)
    choices = []
    for index, near in enumerate(nearby):
        far = _("about %(km)s km away") % {"km": f"{near.km:.1f}"} if near.km is not None else _("distance unknown")
        speaks = _("speaks the reporter's language") if near.speaks else _("does not speak the reporter's language")
        choices.append(
            ObserverChoice(
                observer_id=near.observer.pk,
                name=_person(near.observer.user),
                km=near.km,
                speaks=near.speaks,
                suggested=index < pair_size,
                why=f"{far}, {speaks}",
                cell=near.cell,
            )
        )
    return choices


def incident_map(incident: Incident, reports: list[Report], choices: list[ObserverChoice]) -> dict[str, object]:
    """What the incident page's map draws: the incident, its reports, and observers as coarse cells (never points)."""
    return {
        "incident": {"lat": round(incident.lat, 6), "lon": round(incident.lon, 6), "id": incident.pk},
        "reports": [
            {"lat": round(r.lat, 6), "lon": round(r.lon, 6), "receipt": f"{r.receipt[:4]}-{r.receipt[4:]}"}
            for r in reports
            if r.lat is not None and r.lon is not None
        ],
        "observers": [
            {
                "name": c.name,
                "km": None if c.km is None else round(c.km, 1),
                "suggested": c.suggested,
                "cell": h3.cells_to_geo([c.cell]) if c.cell and h3.is_valid_cell(c.cell) else None,
            }
            for c in choices
        ],
    }


def public_copies(incident: Incident, *, limit: int = 12) -> list[dict[str, str]]:
    """Public-safe image copies (blurred, stripped) of the incident's evidence, newest first, for thumbnails."""
    from vigil.evidence.models import Derivative

    found = Derivative.objects.filter(item__incident=incident, media_type__startswith="image/").order_by("-made_at")
    return [
        {"url": reverse("evidence:derivative", args=[str(d.pk)]), "made_at": d.made_at.isoformat()}
        for d in found[:limit]
    ]
