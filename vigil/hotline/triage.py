"""Dispatcher triage of incidents: merge, split, verdicts, close and reopen.

Lifecycle (issue 2): new → verifying → verdict → closed. A verdict may also be given straight from `new` (an obvious
false alarm needs nobody on scene), changed while the incident is in `verdict`, and taken back by reopening
(verdict or closed → verifying). Incidents merged into another are closed for good: their reports live on in the
target. Every change writes one IncidentEvent with the actor, inside the same transaction as the change.

Each service takes keyword-only arguments, runs in one transaction, locks the incidents it changes (a no-op on
SQLite, which serialises writers anyway) and re-reads them under the lock, so two dispatchers acting on the same
incident at once cannot interleave half-changes. Illegal requests raise `VigilError` (bad input) or its subclass
`IllegalTransition` (the incident's state does not allow it), with a translated message; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import h3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Max, Min
from django.utils.translation import gettext as _

from vigil.accounts.access import AnyUser
from vigil.hotline import events, signals
from vigil.hotline.models import OPEN_STATES, Incident, IncidentState, Report, Verdict
from vigil.lib.errors import VigilError
from vigil.places.models import ZoneCell
from vigil.safety.validators import guard_text

# Every state an incident may move to by each triage step (merging is separate: it closes its sources).
TRANSITIONS: dict[str, frozenset[str]] = {
    IncidentState.NEW: frozenset({IncidentState.VERIFYING, IncidentState.VERDICT}),
    IncidentState.VERIFYING: frozenset({IncidentState.VERDICT}),
    IncidentState.VERDICT: frozenset({IncidentState.VERDICT, IncidentState.CLOSED, IncidentState.VERIFYING}),
    IncidentState.CLOSED: frozenset({IncidentState.VERIFYING}),
}

MAX_NOTE_CHARS = 2000


@dataclass(frozen=True)
class Actions:
    """What a dispatcher may do to an incident now: read from TRANSITIONS, so pages never re-derive the rules."""

    dispatch: bool
    merge: bool
    split: bool
    verify: bool
    judge: bool
    close: bool
    reopen: bool


def allowed_actions(incident: Incident, *, report_count: int) -> Actions:
    if incident.merged_into_id is not None:
        return Actions(False, False, False, False, False, False, False)
    can = TRANSITIONS.get(incident.state, frozenset())
    is_open = incident.state in OPEN_STATES
    return Actions(
        dispatch=is_open,
        merge=is_open,
        split=is_open and report_count > 1,
        verify=incident.state == IncidentState.NEW and IncidentState.VERIFYING in can,
        judge=IncidentState.VERDICT in can,
        close=IncidentState.CLOSED in can,
        reopen=not is_open and IncidentState.VERIFYING in can,
    )


class IllegalTransition(VigilError):
    """The incident's current state does not allow the requested change."""

    code = "illegal_transition"
    status = 409


def _lock(pk: int) -> Incident:
    return Incident.objects.select_for_update().get(pk=pk)


def _require_transition(incident: Incident, to: str) -> None:
    if incident.merged_into_id is not None:
        raise IllegalTransition(
            _("Incident %(id)s was merged into incident %(target)s; act on that one.")
            % {"id": incident.pk, "target": incident.merged_into_id}
        )
    if to not in TRANSITIONS.get(incident.state, frozenset()):
        raise IllegalTransition(
            _("Incident %(id)s is %(state)s: it cannot become %(to)s.")
            % {
                "id": incident.pk,
                "state": IncidentState(incident.state).label,
                "to": IncidentState(to).label,
            }
        )


def _place(incident: Incident, lat: float, lon: float) -> None:
    """Move the incident's position, cells and zone to (lat, lon)."""
    incident.lat = lat
    incident.lon = lon
    incident.cell = str(h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT))
    incident.zone_cell = str(h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_ZONE))
    incident.zone_id = ZoneCell.objects.filter(cell=incident.zone_cell).values_list("zone_id", flat=True).first()


def _recompute(incident: Incident) -> None:
    """Counts, first/last report times and centroid from the incident's reports (which must exist)."""
    summary = Report.objects.filter(incident=incident).aggregate(
        first=Min("received_at"), last=Max("received_at"), lat=Avg("lat"), lon=Avg("lon")
    )
    incident.report_count = Report.objects.filter(incident=incident).count()
    if summary["first"] is not None:
        incident.first_report_at = summary["first"]
        incident.last_report_at = summary["last"]
    if summary["lat"] is not None and summary["lon"] is not None:
        _place(incident, float(summary["lat"]), float(summary["lon"]))


def _clean_note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE_CHARS:
        raise VigilError(_("The note is too long (at most %(max)d characters).") % {"max": MAX_NOTE_CHARS})
    if note:
        _guard(note)
    return note


def _guard(text: str) -> None:
    """Free text goes through the text guard (vigil.safety): its refusal becomes a VigilError with its reason."""
    try:
        guard_text(text)
    except ValidationError as refusal:
        raise VigilError(" ".join(str(m) for m in refusal.messages)) from None


@transaction.atomic
def merge_incidents(*, target: Incident, sources: Sequence[Incident], actor: AnyUser) -> Incident:
    """Fold `sources` into `target`: their reports (and dispatches) move to it, they close with merged_into set."""
    source_ids = sorted({s.pk for s in sources})
    if not source_ids:
        raise VigilError(_("Choose at least one incident to merge."))
    if target.pk in source_ids:
        raise VigilError(_("An incident cannot be merged with itself."))
    locked = {i.pk: i for i in Incident.objects.select_for_update().filter(pk__in=[target.pk, *source_ids])}
    if len(locked) != len(source_ids) + 1:
        raise VigilError(_("One of the incidents no longer exists."))
    target = locked[target.pk]
    if not target.is_open or target.merged_into_id is not None:
        raise IllegalTransition(
            _("Incident %(id)s is no longer open: reopen it before merging into it.") % {"id": target.pk}
        )
    moved_reports: dict[int, list[int]] = {}
    moved_dispatches: list[int] = []
    was_verifying = [pk for pk in source_ids if locked[pk].state == IncidentState.VERIFYING]
    for pk in source_ids:
        source = locked[pk]
        if not source.is_open or source.merged_into_id is not None:
            raise IllegalTransition(_("Incident %(id)s is no longer open and cannot be merged.") % {"id": source.pk})
        reports = list(Report.objects.filter(incident=source).values_list("pk", flat=True))
        Report.objects.filter(pk__in=reports).update(incident=target)
        moved_reports[pk] = reports
        # Work under way on a source (observers sent) moves with it: the apps above answer what they moved.
        carried = signals.carry_over(source=source, target=target, actor=actor)
        moved_dispatches.extend(carried.get("dispatches", []))
        previous = source.state
        source.state = IncidentState.CLOSED
        source.merged_into = target
        source.report_count = 0
        source.save(update_fields=["state", "merged_into", "report_count"])
        events.record(
            source,
            "merged_into",
            actor=actor,
            target=target.pk,
            reports=reports,
            dispatches=carried.get("dispatches", []),
            previous_state=previous,
        )
    # Work already under way on a source (observers sent, a call-back) carries over to the merged incident.
    became_verifying = target.state == IncidentState.NEW and (bool(moved_dispatches) or bool(was_verifying))
    if became_verifying:
        target.state = IncidentState.VERIFYING
    _recompute(target)
    target.save()
    events.record(
        target,
        "merged",
        actor=actor,
        sources=source_ids,
        reports=sorted(r for rs in moved_reports.values() for r in rs),
        dispatches=moved_dispatches,
        report_count=target.report_count,
    )
    if became_verifying:
        events.record(target, "state_changed", actor=actor, previous=IncidentState.NEW, state=target.state)
    return target


@transaction.atomic
def split_reports(*, incident: Incident, report_ids: Sequence[int], actor: AnyUser) -> Incident:
    """Move the chosen reports of `incident` into a new incident (state new) and return it."""
    incident = _lock(incident.pk)
    if incident.merged_into_id is not None or not incident.is_open:
        raise IllegalTransition(_("Only an open incident can be split; reopen it first."))
    chosen = sorted(set(report_ids))
    if not chosen:
        raise VigilError(_("Choose the reports that belong to another incident."))
    own = set(Report.objects.filter(incident=incident).values_list("pk", flat=True))
    strangers = [r for r in chosen if r not in own]
    if strangers:
        raise VigilError(
            _("Report(s) %(ids)s are not part of this incident.") % {"ids": ", ".join(map(str, strangers))}
        )
    if len(chosen) == len(own):
        raise VigilError(_("Keep at least one report in this incident: splitting all of them changes nothing."))
    reports = list(Report.objects.filter(pk__in=chosen).order_by("received_at", "pk"))
    placed = [r for r in reports if r.lat is not None and r.lon is not None]
    first = reports[0]
    split_off = Incident(
        state=IncidentState.NEW,
        language=first.language,
        report_count=len(reports),
        first_report_at=first.received_at,
        last_report_at=reports[-1].received_at,
    )
    if placed:
        _place(
            split_off,
            sum(r.lat for r in placed if r.lat is not None) / len(placed),
            sum(r.lon for r in placed if r.lon is not None) / len(placed),
        )
    else:  # the chosen reports were placed by their incident only: start from where it is
        _place(split_off, incident.lat, incident.lon)
    split_off.save()
    Report.objects.filter(pk__in=chosen).update(incident=split_off)
    _recompute(incident)
    incident.save()
    events.record(incident, "split", actor=actor, new_incident=split_off.pk, reports=chosen)
    events.record(split_off, "split_from", actor=actor, source=incident.pk, reports=chosen)
    return split_off


@transaction.atomic
def start_verifying(*, incident: Incident, actor: AnyUser) -> Incident:
    """new → verifying, when the dispatcher checks an incident without sending observers (e.g. calls back)."""
    incident = _lock(incident.pk)
    if incident.state == IncidentState.VERIFYING:
        raise IllegalTransition(_("Incident %(id)s is already being verified.") % {"id": incident.pk})
    _require_transition(incident, IncidentState.VERIFYING)
    previous = incident.state
    incident.state = IncidentState.VERIFYING
    incident.save(update_fields=["state"])
    events.record(incident, "state_changed", actor=actor, previous=previous, state=incident.state)
    return incident


@transaction.atomic
def record_verdict(*, incident: Incident, verdict: str, note: str, actor: AnyUser) -> Incident:
    """Give (or change) the incident's verdict; state → verdict."""
    if verdict not in Verdict.values:
        raise VigilError(_("Unknown verdict: choose one of the four verdicts."))
    note = _clean_note(note)
    incident = _lock(incident.pk)
    _require_transition(incident, IncidentState.VERDICT)
    previous_state, previous_verdict, previous_note = incident.state, incident.verdict, incident.verdict_note
    if previous_state == IncidentState.VERDICT and previous_verdict == verdict and previous_note == note:
        raise VigilError(_("That verdict is already recorded."))
    incident.state = IncidentState.VERDICT
    incident.verdict = verdict
    incident.verdict_note = note
    incident.save(update_fields=["state", "verdict", "verdict_note"])
    # Offers nobody has answered yet are withdrawn: no one should set out for an incident that is judged.
    signals.verdict_recorded.send(sender=Incident, incident=incident, actor=actor)
    if previous_state == IncidentState.VERDICT:
        events.record(
            incident, "verdict_changed", actor=actor, verdict=verdict, note=note, previous_verdict=previous_verdict
        )
    else:
        events.record(incident, "verdict_recorded", actor=actor, verdict=verdict, note=note, previous=previous_state)
    return incident


@transaction.atomic
def close_incident(*, incident: Incident, actor: AnyUser) -> Incident:
    """verdict → closed: nothing more to do. An incident needs a verdict before it can close."""
    incident = _lock(incident.pk)
    if incident.state in OPEN_STATES and incident.merged_into_id is None:
        raise IllegalTransition(
            _("Record a verdict before closing incident %(id)s (use “unable to verify” if nobody could tell).")
            % {"id": incident.pk}
        )
    if incident.state == IncidentState.CLOSED and incident.merged_into_id is None:
        raise IllegalTransition(_("Incident %(id)s is already closed.") % {"id": incident.pk})
    _require_transition(incident, IncidentState.CLOSED)
    incident.state = IncidentState.CLOSED
    incident.save(update_fields=["state"])
    events.record(incident, "closed", actor=actor, verdict=incident.verdict)
    return incident


@transaction.atomic
def reopen_incident(*, incident: Incident, actor: AnyUser, reason: str = "") -> Incident:
    """verdict or closed → verifying: the verdict is withdrawn (kept in the event) and work resumes."""
    reason = _clean_note(reason)
    incident = _lock(incident.pk)
    if incident.state in OPEN_STATES and incident.merged_into_id is None:
        raise IllegalTransition(_("Incident %(id)s is already open.") % {"id": incident.pk})
    _require_transition(incident, IncidentState.VERIFYING)
    previous_state, previous_verdict = incident.state, incident.verdict
    incident.state = IncidentState.VERIFYING
    incident.verdict = ""
    incident.verdict_note = ""
    incident.save(update_fields=["state", "verdict", "verdict_note"])
    events.record(
        incident,
        "reopened",
        actor=actor,
        previous=previous_state,
        previous_verdict=previous_verdict,
        reason=reason,
    )
    return incident
