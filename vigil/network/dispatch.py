"""Writes of the dispatch side of the network: sending observers, their answers, shifts, escalation, check-ins.

Every function takes keyword-only arguments, runs in one transaction and writes one IncidentEvent per change to an
incident (`vigil.hotline.events.record`). Times default to now and can be passed in (`now=`) for tests and replays.
Event kinds written here (data in parentheses):
  dispatched (dispatch_ids, observer_ids, wave), dispatch_failed (reason, wanted, wave),
  state_changed (previous, state),
  dispatch_accepted / dispatch_declined / observer_arrived / checked_in / observer_left_safe (dispatch, observer),
  dispatch_expired (dispatch_ids, observer_ids), dispatch_cancelled (dispatch_ids, observer_ids, reason),
  observation_recorded (dispatch, observer, observation), verdict_proposed (dispatch, observer, verdict, note),
  check_in_missed (dispatch, observer, last_sign_at, alerted_user_ids).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.accounts.access import AnyUser
from vigil.accounts.models import Role, User
from vigil.hotline import events
from vigil.hotline.models import Incident, IncidentState, Verdict
from vigil.lib.errors import VigilError
from vigil.network import notify, selectors, shifts
from vigil.network.models import (
    ACTIVE_STATUSES,
    ATTENDED_STATUSES,
    ENGAGED_STATUSES,
    Dispatch,
    DispatchStatus,
    Observation,
    Observer,
    Shift,
)
from vigil.places import config

# Most observers a dispatcher can send in one action: a pair is the norm, a large action may want a few more.
MAX_DISPATCH_COUNT = 10


class NoObserverAvailable(VigilError):
    def __init__(self) -> None:
        super().__init__(
            gettext_lazy(
                "No observer is available: nobody of this group is on shift, trained, free and within reach. "
                "The attempt is recorded in the incident history."
            ),
            code="no_observer_available",
        )


# --- sending observers ------------------------------------------------------------------------------------------


class ObserverNotAvailable(VigilError):
    def __init__(self) -> None:
        super().__init__(
            gettext_lazy(
                "One of the observers you chose can no longer be sent (off shift, busy, untrained or of another "
                "group). Nobody was dispatched: choose again."
            ),
            code="observer_not_available",
            status=409,
        )


def dispatch_observers(
    *,
    incident: Incident,
    actor: AnyUser | None,
    count: int | None = None,
    observer_ids: Sequence[int] | None = None,
    now: dt.datetime | None = None,
) -> list[Dispatch]:
    """Send the `count` nearest available observers (default: the pair size) to `incident` and notify them; or, with
    `observer_ids`, exactly those the dispatcher chose, each checked by the same rule of availability.

    The incident moves new → verifying. Raises NoObserverAvailable (after recording a `dispatch_failed` event) when
    nobody can be sent, ObserverNotAvailable when a chosen observer cannot be (nobody is sent then), VigilError when
    the incident is not open or `count` is out of range.
    """
    now = now or timezone.now()
    cfg = config.current()
    if observer_ids is not None:
        chosen_ids = sorted(set(observer_ids))
        count = len(chosen_ids)
    wanted = cfg.dispatch_pair_size if count is None else count
    if not 1 <= wanted <= MAX_DISPATCH_COUNT:
        raise VigilError(
            gettext_lazy("Send between 1 and %(max)s observers.") % {"max": MAX_DISPATCH_COUNT}, code="bad_count"
        )
    with transaction.atomic():
        locked = _lock_incident(incident.pk)
        if not locked.is_open or locked.merged_into_id is not None:
            raise VigilError(gettext_lazy("This incident is no longer open."), code="incident_not_open")
        if observer_ids is not None:
            dispatches = _send_chosen(
                incident=locked, actor=actor, ids=chosen_ids, now=now, accept_seconds=cfg.dispatch_accept_seconds
            )
        else:
            dispatches = _send_wave(
                incident=locked, actor=actor, count=wanted, now=now, accept_seconds=cfg.dispatch_accept_seconds
            )
        if not dispatches:
            events.record(
                locked,
                "dispatch_failed",
                actor=actor,
                at=now,
                reason="no_observer_available",
                wanted=wanted,
                wave=_next_wave(locked),
            )
    if not dispatches:
        raise NoObserverAvailable()
    incident.state = locked.state
    return dispatches


def _lock_incident(pk: int) -> Incident:
    return Incident.objects.select_for_update().get(pk=pk)


def _next_wave(incident: Incident) -> int:
    return int(Dispatch.objects.filter(incident=incident).aggregate(m=Max("wave"))["m"] or 0) + 1


def _send_chosen(
    *, incident: Incident, actor: AnyUser | None, ids: Sequence[int], now: dt.datetime, accept_seconds: int
) -> list[Dispatch]:
    """Lock and send exactly the observers the dispatcher chose, all or none. In a transaction."""
    list(Observer.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    already = set(Dispatch.objects.filter(incident=incident, observer_id__in=ids).values_list("observer_id", flat=True))
    available = {o.pk: o for o in selectors.available_among(ids, incident=incident, now=now)}
    if already or set(ids) - set(available):
        raise ObserverNotAvailable()
    return _send_to(
        incident=incident, actor=actor, chosen=[available[i] for i in ids], now=now, accept_seconds=accept_seconds
    )


def _send_wave(
    *, incident: Incident, actor: AnyUser | None, count: int, now: dt.datetime, accept_seconds: int
) -> list[Dispatch]:
    """Pick, lock and send up to `count` observers; notify them; move the incident to verifying. In a transaction."""
    excluded = set(Dispatch.objects.filter(incident=incident).values_list("observer_id", flat=True))
    chosen: list[Observer] = []
    # Two dispatches at once could pick the same free observer: lock the chosen rows, re-check, pick again if needed.
    for _attempt in range(3):
        picked = selectors.nearest_available_observers(
            incident=incident, count=count - len(chosen), exclude_ids=excluded, now=now
        )
        if not picked:
            break
        ids = sorted(o.pk for o in picked)
        list(Observer.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        busy = set(
            Dispatch.objects.filter(observer_id__in=ids, status__in=ACTIVE_STATUSES).values_list(
                "observer_id", flat=True
            )
        )
        chosen.extend(o for o in picked if o.pk not in busy)
        excluded.update(ids)
        if len(chosen) >= count:
            break
    if not chosen:
        return []
    return _send_to(incident=incident, actor=actor, chosen=chosen, now=now, accept_seconds=accept_seconds)


def _send_to(
    *, incident: Incident, actor: AnyUser | None, chosen: Sequence[Observer], now: dt.datetime, accept_seconds: int
) -> list[Dispatch]:
    wave = _next_wave(incident)
    answer_by = now + dt.timedelta(seconds=accept_seconds)
    sender = actor if isinstance(actor, User) else None
    dispatches = [
        Dispatch.objects.create(
            incident=incident,
            observer=observer,
            sent_by=sender,
            wave=wave,
            status=DispatchStatus.SENT,
            sent_at=now,
            answer_by=answer_by,
        )
        for observer in chosen
    ]
    events.record(
        incident,
        "dispatched",
        actor=actor,
        at=now,
        wave=wave,
        dispatch_ids=[d.pk for d in dispatches],
        observer_ids=[d.observer_id for d in dispatches],
    )
    if incident.state == IncidentState.NEW:
        incident.state = IncidentState.VERIFYING
        incident.save(update_fields=["state"])
        events.record(incident, "state_changed", actor=actor, at=now, previous=IncidentState.NEW, state=incident.state)
    origin = selectors.incident_cell(incident)
    for dispatch in dispatches:
        _notify_offer(dispatch, origin=origin, accept_seconds=accept_seconds)
    return dispatches


def _notify_offer(dispatch: Dispatch, *, origin: str, accept_seconds: int) -> None:
    user = dispatch.observer.user
    shift = shifts.open_shift(dispatch.observer, now=dispatch.sent_at)
    km = selectors.distance_km(origin, shift.cell) if shift is not None else None
    # The message travels through mail and SMS providers: it says how far, never where. The place is on the page.
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Vigil dispatch: please answer within %(window)s") % {"window": answer_window(accept_seconds)}
        lines = [
            _("An incident about %(km).1f km from you needs observers.") % {"km": km}
            if km is not None and km >= 1
            else _("An incident less than 1 km from you needs observers."),
            _("Open the link, read the code of conduct and accept or decline."),
            str(notify.CODE_SUMMARY),
        ]
        notify.notify(
            user=user,
            kind="dispatch_offer",
            subject=subject,
            body="\n".join(lines),
            link=absolute_url("observer:dispatch", dispatch.pk),
            dispatch=dispatch,
        )


def answer_window(seconds: int) -> str:
    """How long an observer has to answer, in words: "3 min", "1 min 30 s", "45 s" (never "3 min 0 s")."""
    minutes, rest = divmod(max(int(seconds), 0), 60)
    if not minutes:
        return _("%(seconds)d s") % {"seconds": rest}
    if not rest:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": rest}


def absolute_url(name: str, *args: object) -> str:
    """SITE_URL + the path of a named URL, or "" if that URL does not exist (yet)."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return settings.SITE_URL.rstrip("/") + path


def _engaged_count(incident: Incident) -> int:
    kept = ATTENDED_STATUSES
    return Dispatch.objects.filter(incident=incident, status__in=kept).count()


def _top_up(*, incident: Incident, now: dt.datetime, cfg: config.Config) -> list[Dispatch]:
    """Send the next wave when the incident has fewer than the pair accepted or still waiting for an answer."""
    if not incident.is_open or incident.merged_into_id is not None:
        return []
    pending = Dispatch.objects.filter(incident=incident, status=DispatchStatus.SENT).count()
    needed = cfg.dispatch_pair_size - _engaged_count(incident) - pending
    if needed <= 0:
        return []
    sent = _send_wave(incident=incident, actor=None, count=needed, now=now, accept_seconds=cfg.dispatch_accept_seconds)
    if not sent:
        events.record(
            incident,
            "dispatch_failed",
            at=now,
            reason="no_observer_available",
            wanted=needed,
            wave=_next_wave(incident),
        )
    return sent


def escalate_unanswered(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Expire sent dispatches past their answer time and send the next nearest observers where still needed."""
    now = now or timezone.now()
    cfg = config.current()
    totals = {"incidents": 0, "expired": 0, "dispatched": 0}
    incident_ids = sorted(set(selectors.unanswered_dispatches(now=now).values_list("incident_id", flat=True)))
    for incident_id in incident_ids:
        with transaction.atomic():
            incident = _lock_incident(incident_id)
            overdue = list(
                Dispatch.objects.select_for_update().filter(
                    incident=incident, status=DispatchStatus.SENT, answer_by__lt=now
                )
            )
            if not overdue:
                continue
            Dispatch.objects.filter(pk__in=[d.pk for d in overdue]).update(status=DispatchStatus.EXPIRED)
            events.record(
                incident,
                "dispatch_expired",
                at=now,
                dispatch_ids=[d.pk for d in overdue],
                observer_ids=[d.observer_id for d in overdue],
            )
            sent = _top_up(incident=incident, now=now, cfg=cfg)
        totals["incidents"] += 1
        totals["expired"] += len(overdue)
        totals["dispatched"] += len(sent)
    return totals


def cancel_open_dispatches(
    *, incident: Incident, actor: AnyUser | None, reason: str = "incident_closed", now: dt.datetime | None = None
) -> int:
    """Withdraw the offers nobody answered yet (e.g. when a verdict is recorded). Accepted ones are left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        pending = list(Dispatch.objects.select_for_update().filter(incident=incident, status=DispatchStatus.SENT))
        if not pending:
            return 0
        Dispatch.objects.filter(pk__in=[d.pk for d in pending]).update(
            status=DispatchStatus.CANCELLED, responded_at=now
        )
        events.record(
            incident,
            "dispatch_cancelled",
            actor=actor,
            at=now,
            reason=reason,
            dispatch_ids=[d.pk for d in pending],
            observer_ids=[d.observer_id for d in pending],
        )
    return len(pending)


# --- the observer's answers and steps ---------------------------------------------------------------------------


def _lock_dispatch(dispatch: Dispatch, allowed: Sequence[str]) -> Dispatch:
    locked = Dispatch.objects.select_for_update().select_related("incident", "observer__user").get(pk=dispatch.pk)
    if locked.status not in allowed:
        raise VigilError(
            gettext_lazy("This dispatch is %(status)s: that step is not possible now.")
            % {"status": locked.get_status_display()},
            code="wrong_status",
        )
    return locked


def _step_event(dispatch: Dispatch, kind: str, actor: AnyUser, now: dt.datetime, **data: object) -> None:
    events.record(
        dispatch.incident, kind, actor=actor, at=now, dispatch=dispatch.pk, observer=dispatch.observer_id, **data
    )


def accept_dispatch(
    *, dispatch: Dispatch, actor: AnyUser, code_acknowledged: bool, now: dt.datetime | None = None
) -> Dispatch:
    """The observer accepts, having acknowledged the code of conduct for this dispatch."""
    now = now or timezone.now()
    if not code_acknowledged:
        raise VigilError(
            gettext_lazy("Confirm that you will follow the code of conduct to accept."), code="code_not_acknowledged"
        )
    with transaction.atomic():
        locked = _lock_dispatch(dispatch, [DispatchStatus.SENT])
        if not locked.incident.is_open:
            raise VigilError(gettext_lazy("This incident is no longer open."), code="incident_not_open")
        locked.status = DispatchStatus.ACCEPTED
        locked.responded_at = now
        locked.save(update_fields=["status", "responded_at"])
        _step_event(locked, "dispatch_accepted", actor, now, code_acknowledged=True)
    return locked


def decline_dispatch(*, dispatch: Dispatch, actor: AnyUser, now: dt.datetime | None = None) -> Dispatch:
    """The observer declines; the next nearest observer is asked at once."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_dispatch(dispatch, [DispatchStatus.SENT])
        locked.status = DispatchStatus.DECLINED
        locked.responded_at = now
        locked.save(update_fields=["status", "responded_at"])
        _step_event(locked, "dispatch_declined", actor, now)
        incident = _lock_incident(locked.incident_id)
        _top_up(incident=incident, now=now, cfg=config.current())
    return locked


def mark_arrived(*, dispatch: Dispatch, actor: AnyUser, now: dt.datetime | None = None) -> Dispatch:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_dispatch(dispatch, [DispatchStatus.ACCEPTED])
        locked.status = DispatchStatus.ON_SCENE
        locked.arrived_at = now
        locked.save(update_fields=["status", "arrived_at"])
        _step_event(locked, "observer_arrived", actor, now)
    return locked


def check_in(
    *, dispatch: Dispatch, actor: AnyUser, device_time: dt.datetime | None = None, now: dt.datetime | None = None
) -> Dispatch:
    """The observer says they are fine; the missed check-in clock restarts from the moment it arrives.

    A check-in made offline arrives with the phone's time: that is kept and shown (it arrived late), but the sign of
    life is its arrival (selectors.SIGN_OF_LIFE), so a late check-in never raises a missed check-in alert itself.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_dispatch(dispatch, ENGAGED_STATUSES)
        device = min(device_time, now) if device_time is not None else None
        late_minutes = int((now - device).total_seconds() // 60) if device is not None else 0
        locked.last_check_in_at = now
        locked.last_check_in_device_at = device
        locked.save(update_fields=["last_check_in_at", "last_check_in_device_at"])
        extra: dict[str, object] = {"device_time": device.isoformat(), "late_minutes": late_minutes} if device else {}
        _step_event(locked, "checked_in", actor, now, **extra)
    return locked


def record_observation(
    *,
    dispatch: Dispatch,
    actor: AnyUser,
    size: str = "",
    activity: str = "",
    location: str = "",
    uniform: str = "",
    time_seen: dt.datetime | None = None,
    equipment: str = "",
    note: str = "",
    device_time: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Observation:
    """A timestamped SALUTE observation: the server's receipt time and, when sent, the device's clock."""
    now = now or timezone.now()
    if not any(v.strip() for v in (size, activity, location, uniform, equipment, note)):
        raise VigilError(gettext_lazy("Write at least one thing you observed."), code="empty_observation")
    with transaction.atomic():
        locked = _lock_dispatch(dispatch, ENGAGED_STATUSES)
        observation = Observation.objects.create(
            dispatch=locked,
            recorded_at=now,
            device_time=device_time,
            size=size,
            activity=activity,
            location=location,
            uniform=uniform,
            time_seen=time_seen,
            equipment=equipment,
            note=note,
        )
        _step_event(locked, "observation_recorded", actor, now, observation=observation.pk)
    return observation


def propose_verdict(
    *, dispatch: Dispatch, actor: AnyUser, verdict: str, note: str, now: dt.datetime | None = None
) -> Dispatch:
    """The observer proposes a verdict with what they saw; the dispatcher records the incident's verdict."""
    now = now or timezone.now()
    if verdict not in Verdict.values:
        raise VigilError(gettext_lazy("Choose one of the verdicts."), code="bad_verdict")
    with transaction.atomic():
        locked = _lock_dispatch(dispatch, ATTENDED_STATUSES)
        locked.proposed_verdict = verdict
        locked.proposed_note = note
        locked.save(update_fields=["proposed_verdict", "proposed_note"])
        _step_event(locked, "verdict_proposed", actor, now, verdict=verdict, note=note)
    return locked


def check_out_safe(*, dispatch: Dispatch, actor: AnyUser, now: dt.datetime | None = None) -> Dispatch:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_dispatch(dispatch, ENGAGED_STATUSES)
        locked.status = DispatchStatus.LEFT_SAFE
        locked.left_at = now
        locked.save(update_fields=["status", "left_at"])
        _step_event(locked, "observer_left_safe", actor, now)
    return locked


def alert_missed_check_ins(*, now: dt.datetime | None = None) -> int:
    """Alert the observer's group coordinators (and the dispatcher who sent them) once per missed check-in."""
    now = now or timezone.now()
    cfg = config.current()
    grace = settings.VIGIL_CHECKIN_GRACE_MINUTES
    alerted = 0
    for candidate in selectors.missed_check_ins(now=now, checkin_minutes=cfg.checkin_minutes, grace_minutes=grace):
        with transaction.atomic():
            dispatch = (
                Dispatch.objects.select_for_update().select_related("incident", "observer__user").get(pk=candidate.pk)
            )
            if (
                not selectors.missed_check_ins(now=now, checkin_minutes=cfg.checkin_minutes, grace_minutes=grace)
                .filter(pk=dispatch.pk)
                .exists()
            ):
                continue
            last = dispatch.last_check_in_at or dispatch.arrived_at or dispatch.responded_at or dispatch.sent_at
            dispatch.check_in_alerted_at = now
            dispatch.save(update_fields=["check_in_alerted_at"])
            recipients = list(
                User.objects.filter(
                    memberships__group_id=dispatch.observer.group_id, memberships__role=Role.COORDINATOR
                ).distinct()
            )
            if dispatch.sent_by_id is not None and all(u.pk != dispatch.sent_by_id for u in recipients):
                sender = User.objects.filter(pk=dispatch.sent_by_id).first()
                if sender is not None:
                    recipients.append(sender)
            events.record(
                dispatch.incident,
                "check_in_missed",
                at=now,
                dispatch=dispatch.pk,
                observer=dispatch.observer_id,
                last_sign_at=last.isoformat(),
                alerted_user_ids=[u.pk for u in recipients],
            )
            minutes = int((now - last).total_seconds() // 60)
            for user in recipients:
                with translation.override(user.language or settings.LANGUAGE_CODE):
                    notify.notify(
                        user=user,
                        kind="check_in_missed",
                        subject=_("Missed check-in: observer %(name)s")
                        % {"name": dispatch.observer.user.get_username()},
                        body=_(
                            "Observer %(name)s on incident %(incident)s has not checked in for %(minutes)s minutes. "
                            "Call them, and send someone if you cannot reach them."
                        )
                        % {
                            "name": dispatch.observer.user.get_username(),
                            "incident": dispatch.incident_id,
                            "minutes": minutes,
                        },
                        link=absolute_url("console:incident", dispatch.incident_id),
                        dispatch=dispatch,
                    )
        alerted += 1
    return alerted


# --- code of conduct and shifts ---------------------------------------------------------------------------------


def go_off_shift(*, observer: Observer, now: dt.datetime | None = None) -> int:
    """End the observer's open shifts and forget their coarse cell. Refused while on a dispatch (check out first)."""
    now = now or timezone.now()
    with transaction.atomic():
        if Dispatch.objects.filter(observer=observer, status__in=ENGAGED_STATUSES).exists():
            raise VigilError(
                gettext_lazy("You are still on a dispatch: check out safe first."), code="still_dispatched"
            )
        pending = list(Dispatch.objects.select_for_update().filter(observer=observer, status=DispatchStatus.SENT))
        for dispatch in pending:
            # An offer to someone going off shift is a decline: the next observer is asked at once.
            decline_dispatch(dispatch=dispatch, actor=observer.user, now=now)
        return Shift.objects.filter(observer=observer, started_at__isnull=False, ended_at__isnull=True).update(
            ended_at=now, cell=""
        )
