"""Hearings, deadlines from the rule table, reminders, and each attorney's private iCalendar feed.

Deadlines: recording a trigger event on a case (a decision, an arrival date) creates one Deadline per active rule of
that trigger, due `days` calendar days later; so does recording a hearing's result whose outcome is a trigger
(OUTCOME_TRIGGER), once per rule and hearing (a unique constraint holds it even under two recordings at once); the
rule's title and source are copied, so editing a rule later never rewrites deadlines already computed. Reminders go to
the case's attorney REMIND_DAYS before a deadline or hearing (each threshold once). The feed (RFC 5545, `icalendar`)
names cases by number and never names the person: calendar apps copy feeds to third-party servers. Event kinds:
hearing_added, hearing_result, trigger_recorded, deadline_done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event

from vigil.accounts.access import AnyUser
from vigil.accounts.models import User
from vigil.cases import services
from vigil.cases.models import (
    OUTCOME_TRIGGER,
    CalendarToken,
    Case,
    Deadline,
    DeadlineRule,
    Hearing,
    HearingKind,
    HearingOutcome,
    Trigger,
)
from vigil.lib.errors import VigilError
from vigil.safety.validators import guard_text

REMIND_DAYS = (7, 1)

# The shipped rule table is loaded by migration 0002_default_deadline_rules (docs/legal-help.md explains each).


def _guard(errors: dict[str, list[ValidationError]], name: str, text: str) -> None:
    if text.strip():
        try:
            guard_text(text)
        except ValidationError as e:
            errors.setdefault(name, []).append(e)


def add_hearing(*, case: Case, actor: User, kind: str, court: str, judge: str, starts_at: dt.datetime) -> Hearing:
    errors: dict[str, list[ValidationError]] = {}
    if kind not in HearingKind.values:
        errors["kind"] = [ValidationError(gettext_lazy("Choose the kind of hearing."))]
    if not court.strip():
        errors["court"] = [ValidationError(gettext_lazy("Name the court."))]
    _guard(errors, "court", court)
    _guard(errors, "judge", judge)
    if errors:
        raise VigilError.invalid(errors)
    with transaction.atomic():
        hearing = Hearing.objects.create(
            case=case,
            kind=kind,
            court=court.strip()[:120],
            judge=judge.strip()[:120],
            starts_at=starts_at,
            created_by=actor,
        )
        services.record_event(case, "hearing_added", actor, hearing=hearing.pk, hearing_kind=kind)
    return hearing


def record_result(*, hearing: Hearing, actor: User, result: str, outcome: str = "") -> Hearing:
    """Write down a hearing's result. An outcome that is a trigger of the rule table (OUTCOME_TRIGGER: the judge's
    decision, a bond granted or denied) creates that trigger's deadlines, dated from the hearing's day, each rule once
    per hearing however often the result is recorded or corrected."""
    errors: dict[str, list[ValidationError]] = {}
    if not result.strip():
        errors["result"] = [ValidationError(gettext_lazy("Write the result."))]
    if outcome and outcome not in HearingOutcome.values:
        errors["outcome"] = [ValidationError(gettext_lazy("Choose what the hearing decided."))]
    _guard(errors, "result", result)
    if errors:
        raise VigilError.invalid(errors)
    with transaction.atomic():
        locked = Hearing.objects.select_for_update().select_related("case").get(pk=hearing.pk)
        locked.result = result.strip()[: services.MAX_TEXT]
        locked.outcome = outcome
        locked.save(update_fields=["result", "outcome"])
        services.record_event(locked.case, "hearing_result", actor, hearing=locked.pk, outcome=outcome)
        trigger = OUTCOME_TRIGGER.get(outcome)
        if trigger is not None:
            on = min(timezone.localdate(locked.starts_at), timezone.localdate())
            fired = Deadline.objects.filter(Q(hearing=locked) | Q(case=locked.case, triggered_on=on))
            rules = _unfired(trigger, fired)
            if rules:
                _deadlines(locked.case, trigger, on, rules, hearing=locked)
                services.record_event(
                    locked.case, "trigger_recorded", actor, trigger=trigger, on=on.isoformat(), hearing=locked.pk
                )
    hearing.result, hearing.outcome = locked.result, locked.outcome
    return locked


def _deadlines(
    case: Case, trigger: str, on: dt.date, rules: Iterable[DeadlineRule], hearing: Hearing | None = None
) -> list[Deadline]:
    return Deadline.objects.bulk_create(
        Deadline(
            case=case,
            rule=rule,
            hearing=hearing,
            trigger=trigger,
            triggered_on=on,
            title=rule.title,
            source=rule.source,
            due_on=on + dt.timedelta(days=rule.days),
        )
        for rule in rules
    )


def record_trigger(*, case: Case, actor: User, trigger: str, occurred_on: dt.date) -> list[Deadline]:
    """A trigger event happened on `occurred_on`: create the deadlines of every active rule for it that did not make
    one for this case and day already (a form sent twice, or the hearing's result that recorded the same decision)."""
    if trigger not in Trigger.values:
        raise VigilError.invalid({"trigger": [ValidationError(gettext_lazy("Choose what happened."))]})
    if occurred_on > timezone.localdate():
        raise VigilError.invalid({"occurred_on": [ValidationError(gettext_lazy("It cannot be in the future."))]})
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()  # one recording at a time per case
        rules = _unfired(trigger, Deadline.objects.filter(case=case, triggered_on=occurred_on))
        rows = _deadlines(case, trigger, occurred_on, rules)
        services.record_event(case, "trigger_recorded", actor, trigger=trigger, on=occurred_on.isoformat())
    return rows


def _unfired(trigger: str, fired: QuerySet[Deadline]) -> list[DeadlineRule]:
    """The active rules of `trigger` that made none of the `fired` deadlines (the same event recorded twice)."""
    done = set(fired.filter(rule__isnull=False).values_list("rule_id", flat=True))
    return [r for r in DeadlineRule.objects.filter(trigger=trigger, active=True) if r.pk not in done]


def mark_done(*, deadline: Deadline, actor: User) -> Deadline:
    with transaction.atomic():
        deadline.done_at = timezone.now()
        deadline.save(update_fields=["done_at"])
        services.record_event(deadline.case, "deadline_done", actor, deadline=deadline.pk)
    return deadline


def save_rule(
    *, rule: DeadlineRule | None, trigger: str, title: str, days: int, source: str, active: bool
) -> DeadlineRule:
    errors: dict[str, list[ValidationError]] = {}
    if trigger not in Trigger.values:
        errors["trigger"] = [ValidationError(gettext_lazy("Choose what happened."))]
    if not title.strip():
        errors["title"] = [ValidationError(gettext_lazy("Name the deadline."))]
    if not source.strip():
        errors["source"] = [ValidationError(gettext_lazy("Cite the rule's source (statute, regulation, order)."))]
    if not 1 <= days <= 3650:
        errors["days"] = [ValidationError(gettext_lazy("Between 1 and 3650 days."))]
    if errors:
        raise VigilError.invalid(errors)
    rule = rule or DeadlineRule()
    rule.trigger, rule.title, rule.days, rule.source, rule.active = trigger, title.strip(), days, source.strip(), active
    rule.save()
    return rule


# --- reminders ---------------------------------------------------------------------------------------------------


def _threshold(days_left: int, already: int | None) -> int | None:
    """The reminder threshold due now, if any: the smallest REMIND_DAYS value ≥ days_left not yet sent."""
    due = [d for d in REMIND_DAYS if days_left <= d and (already is None or d < already)]
    return min(due) if due else None


def send_reminders(today: dt.date | None = None) -> int:
    """Remind each case's attorney of deadlines and hearings coming up; each threshold once. Returns how many."""
    from vigil.network.notify import notify

    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(REMIND_DAYS))
    sent = 0
    deadlines = Deadline.objects.filter(done_at__isnull=True, due_on__gte=today, due_on__lte=horizon).select_related(
        "case__attorney"
    )
    for deadline in deadlines.filter(case__attorney__isnull=False):
        days_left = (deadline.due_on - today).days
        threshold = _threshold(days_left, deadline.reminded_days)
        if threshold is None or deadline.case.attorney is None:
            continue
        with transaction.atomic():
            notify(
                user=deadline.case.attorney,
                kind="case_deadline",
                subject=_("Case #%(n)s: deadline in %(d)s day(s)") % {"n": deadline.case_id, "d": days_left},
                body=_("%(title)s — due %(due)s (%(source)s).")
                % {"title": deadline.title, "due": deadline.due_on.isoformat(), "source": deadline.source},
                link=f"/cases/{deadline.case_id}/",
            )
            Deadline.objects.filter(pk=deadline.pk).update(reminded_days=threshold)
        sent += 1
    start = timezone.now()
    hearings = Hearing.objects.filter(
        starts_at__gte=start, starts_at__lte=start + dt.timedelta(days=max(REMIND_DAYS))
    ).select_related("case__attorney")
    for hearing in hearings.filter(case__attorney__isnull=False):
        days_left = (timezone.localdate(hearing.starts_at) - today).days
        threshold = _threshold(days_left, hearing.reminded_days)
        if threshold is None or hearing.case.attorney is None:
            continue
        with transaction.atomic():
            notify(
                user=hearing.case.attorney,
                kind="case_hearing",
                subject=_("Case #%(n)s: %(kind)s in %(d)s day(s)")
                % {"n": hearing.case_id, "kind": hearing.get_kind_display(), "d": days_left},
                body=_("%(court)s, %(when)s.")
                % {"court": hearing.court, "when": timezone.localtime(hearing.starts_at).strftime("%Y-%m-%d %H:%M")},
                link=f"/cases/{hearing.case_id}/",
            )
            Hearing.objects.filter(pk=hearing.pk).update(reminded_days=threshold)
        sent += 1
    return sent


# --- the attorney's week and calendar feed ------------------------------------------------------------------------


def attorney_cases(user: AnyUser) -> QuerySet[Case]:
    return Case.objects.filter(attorney_id=user.pk) if user.is_authenticated else Case.objects.none()


def week(user: AnyUser, start: dt.date) -> tuple[list[Hearing], list[Deadline]]:
    end = start + dt.timedelta(days=7)
    cases = attorney_cases(user)
    tz = timezone.get_current_timezone()
    hearings = Hearing.objects.filter(
        case__in=cases,
        starts_at__gte=dt.datetime.combine(start, dt.time.min, tz),
        starts_at__lt=dt.datetime.combine(end, dt.time.min, tz),
    )
    deadlines = Deadline.objects.filter(case__in=cases, due_on__gte=start, due_on__lt=end, done_at__isnull=True)
    return list(hearings), list(deadlines)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(*, user: User) -> str:
    """Revoke the user's current feed and make a new one; the token is returned once and stored only hashed."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        CalendarToken.objects.create(user=user, token_sha256=_digest(token))
    return token


def revoke_feed(*, user: User) -> int:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def feed_owner(token: str) -> User | None:
    row = CalendarToken.objects.filter(token_sha256=_digest(token), revoked_at__isnull=True).select_related("user")
    found = row.first()
    return found.user if found is not None and found.user.is_active else None


def feed(user: User) -> bytes:
    """The iCalendar of `user`'s hearings and open deadlines (cases where they are the attorney)."""
    cal = Calendar()
    cal.add("prodid", "-//Vigil//legal help//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Vigil cases")
    stamp = timezone.now()
    cases = attorney_cases(user)
    for hearing in Hearing.objects.filter(case__in=cases).filter(Q(starts_at__gte=stamp - dt.timedelta(days=30))):
        event = Event()
        event.add("uid", f"hearing-{hearing.pk}@vigil")
        event.add("dtstamp", stamp)
        event.add("dtstart", hearing.starts_at)
        event.add("dtend", hearing.starts_at + dt.timedelta(hours=1))
        event.add("summary", f"Case #{hearing.case_id}: {HearingKind(hearing.kind).label} — {hearing.court}")
        cal.add_component(event)
    for deadline in Deadline.objects.filter(case__in=cases, done_at__isnull=True):
        event = Event()
        event.add("uid", f"deadline-{deadline.pk}@vigil")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due_on)
        event.add("dtend", deadline.due_on + dt.timedelta(days=1))
        event.add("summary", f"Case #{deadline.case_id}: DEADLINE {deadline.title}")
        event.add("description", deadline.source)
        cal.add_component(event)
    ical: bytes = cal.to_ical()
    return ical
