"""Reads for the dispatcher console: the live queue, its map, one incident's file, and the measures read from events.

Queue order (docs/console.md): open incidents (new, verifying) first, then the others. Within each part, incidents are
ordered by the time of their last report, newest first, in five-minute steps; within the same five minutes the
largest (most reports) comes first, then the newest. So a fresh cluster of eight calls sits above a single call that
came a minute later, but never above something that happened a quarter of an hour after it.

The queue costs three queries however long it is: the incidents (with their zone), then one grouped count of reports
per channel and one of dispatches per status for the incidents shown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import h3
from django.db.models import Case, Count, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.accounts.access import AnyUser, group_ids
from vigil.accounts.models import Role, User
from vigil.hotline.access import incidents_visible_to
from vigil.hotline.models import OPEN_STATES, Channel, Incident, IncidentEvent, IncidentState, Report, Verdict
from vigil.network.models import Dispatch, DispatchStatus, Observation, Observer
from vigil.places.models import Zone, ZoneCell

# Who works the console. Coordinators stand in for dispatchers; only dispatchers may read call-back contacts.
CONSOLE_ROLES: tuple[Role, ...] = (Role.DISPATCHER, Role.COORDINATOR)
CONTACT_ROLES: tuple[Role, ...] = (Role.DISPATCHER,)

QUEUE_LIMIT = 300
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

    @property
    def is_open(self) -> bool:
        return self.incident.state in OPEN_STATES


def _order_key(incident: Incident) -> tuple[int, int, int, float, int]:
    stamp = incident.last_report_at.timestamp()
    return (
        0 if incident.state in OPEN_STATES else 1,
        -int(stamp // ORDER_STEP_SECONDS),
        -incident.report_count,
        -stamp,
        -incident.pk,
    )


def queue_incidents(
    user: AnyUser, *, state: str = "", zone: str = "", now: dt.datetime | None = None, limit: int = QUEUE_LIMIT
) -> list[Incident]:
    """The incidents of the queue in queue order (see the module docstring). `zone` is a zone id or UNZONED."""
    now = now or timezone.now()
    incidents = console_incidents(user).select_related("zone")
    if state == "":
        incidents = incidents.filter(Q(state__in=OPEN_STATES) | Q(last_report_at__gte=now - RECENT))
    elif state == "open":
        incidents = incidents.filter(state__in=OPEN_STATES)
    else:
        incidents = incidents.filter(state=state)
    if zone == UNZONED:
        incidents = incidents.filter(zone__isnull=True)
    elif zone:
        incidents = incidents.filter(zone_id=int(zone))
    # The database applies the coarse order and the limit; the five-minute steps are applied to what it returns.
    is_open = Case(When(state__in=OPEN_STATES, then=Value(1)), default=Value(0), output_field=IntegerField())
    rows = list(incidents.order_by(is_open.desc(), "-last_report_at", "-report_count", "-pk")[:limit])
    rows.sort(key=_order_key)
    return rows


def queue_version(*, state: str, zone: str, language: str, now: dt.datetime | None = None) -> str:
    """A token that changes whenever the queue's fragment could: any incident event, the minute, the filters.

    Every change to an incident writes an event (a report joining, a dispatch step, a verdict...), so the highest event
    id is a cheap, index-only witness of "something changed"; the minute covers the ages shown ("12 min").
    """
    now = now or timezone.now()
    last = IncidentEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    minute = int(now.timestamp() // 60)
    raw = f"{last}|{minute}|{state}|{zone}|{language}"
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
    user: AnyUser, *, state: str = "", zone: str = "", now: dt.datetime | None = None, limit: int = QUEUE_LIMIT
) -> list[QueueRow]:
    now = now or timezone.now()
    incidents = queue_incidents(user, state=state, zone=zone, now=now, limit=limit)
    ids = [i.pk for i in incidents]
    per_channel = _counts_per_incident(Report.objects.filter(incident_id__in=ids), "channel")
    per_status = _counts_per_incident(Dispatch.objects.filter(incident_id__in=ids), "status")
    channel_labels = {code: str(label) for code, label in Channel.choices}
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
                for c in Channel.values
                if per_channel[incident.pk].get(c)
            ],
            dispatches=[
                (s, status_labels[s], per_status[incident.pk][s])
                for s in DISPATCH_ORDER
                if per_status[incident.pk].get(s)
            ],
        )
        for incident in incidents
    ]


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
            "label": _("Incident %(id)s: %(state)s, %(count)s report(s)")
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
        return _("from %(incidents)s (%(count)s reports moved)") % {
            "incidents": incidents("sources"),
            "count": len(_ids(data.get("reports"))),
        }
    if kind == "merged_into":
        return _("into %(incident)s") % {"incident": incidents("target")}
    if kind == "split":
        return _("%(count)s report(s) to new incident %(incident)s") % {
            "count": len(_ids(data.get("reports"))),
            "incident": incidents("new_incident"),
        }
    if kind == "split_from":
        return _("from incident %(incident)s") % {"incident": incidents("source")}
    if kind == "reopened":
        previous = str(verdicts.get(str(data.get("previous_verdict")), ""))
        reason = str(data.get("reason") or "")
        return " — ".join(part for part in (previous, reason) if part)
    if kind == "dispatch_failed":
        return _("no observer available")
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
            label=labels.get(event.kind, event.kind),
            details=_event_details(event, observers),
        )
        for event in events
    ]


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
    """Whether the user may unseal call-back contacts of this incident's reports (dispatchers of its zone's group)."""
    groups = group_ids(user, CONTACT_ROLES)
    if not groups:
        return False
    if incident.zone_id is None:
        return True
    return Zone.objects.filter(pk=incident.zone_id, group_id__in=groups).exists()


def zone_outlines(user: AnyUser) -> list[dict[str, object]]:
    """The outlines of the user's console zones as GeoJSON geometries, so the map means something without tiles."""
    cells: dict[int, list[str]] = defaultdict(list)
    zones = filter_zones(user)
    for zone_id, cell in ZoneCell.objects.filter(zone__in=zones).values_list("zone_id", "cell"):
        cells[zone_id].append(cell)
    return [{"id": z.pk, "name": z.name, "geometry": h3.cells_to_geo(cells[z.pk])} for z in zones if cells.get(z.pk)]
