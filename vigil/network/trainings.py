"""Training sessions: scheduling, registration, attendance, certification, expiry reminders, the calendar feed.

Rules, in one place:
- Registration is refused, with a message saying why, when the session is cancelled, closed, already started,
  full (registrations ≥ capacity) or when the person is already registered.
- Attendance is taken on the day (from the coordinator's list, or by the attendee scanning the door's QR code, which
  carries the session's check-in token and works from an hour before the start to the end).
- Attending a legal-observer training or a refresher certifies for VIGIL_TRAINING_VALID_MONTHS (default 12): a
  CertificationRecord is kept, an applicant becomes *trained*, an observer's trained_on / training_expires_on are
  renewed (never shortened). A teach-in is recorded, but does not certify.
- Reminders go to observers whose certification expires within REMIND_DAYS, once per expiry date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.accounts.access import AnyUser, audit
from vigil.accounts.models import Group, User
from vigil.lib.errors import VigilError
from vigil.network import notify
from vigil.network.dispatch import absolute_url
from vigil.network.models import (
    CertificationRecord,
    Observer,
    Training,
    TrainingKind,
    TrainingRegistration,
    Volunteer,
    VolunteerStatus,
)
from vigil.safety.validators import guard_text

CERTIFYING = (TrainingKind.LEGAL_OBSERVER, TrainingKind.REFRESHER)
REMIND_DAYS = 30
DOOR_OPENS = dt.timedelta(hours=1)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(
    *,
    actor: User,
    group: Group,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    online: bool,
    place: str,
    language: str,
    capacity: int,
) -> Training:
    if ends_at <= starts_at:
        raise VigilError(_("A session must end after it starts."))
    if capacity < 1:
        raise VigilError(_("A session needs room for at least one person."))
    if kind not in TrainingKind.values:
        raise VigilError(_("Unknown kind of session."))
    for value in (title, place):
        guard_text(value)
    with transaction.atomic():
        training = Training.objects.create(
            group=group,
            kind=kind,
            title=title.strip()[:120] or str(TrainingKind(kind).label),
            starts_at=starts_at,
            ends_at=ends_at,
            online=online,
            place=place.strip()[:200],
            language=language,
            capacity=capacity,
            check_in_token=secrets.token_urlsafe(24),
            created_at=timezone.now(),
        )
        audit(actor, "training.schedule", object_type="training", object_id=training.pk, group_id=group.pk)
    return training


def set_open(*, actor: User, training: Training, open_for_registration: bool) -> Training:
    with transaction.atomic():
        training.open_for_registration = open_for_registration
        training.save(update_fields=["open_for_registration"])
        audit(
            actor,
            "training.open" if open_for_registration else "training.close",
            object_type="training",
            object_id=training.pk,
        )
    return training


def cancel(*, actor: User, training: Training) -> Training:
    with transaction.atomic():
        training.cancelled = True
        training.open_for_registration = False
        training.save(update_fields=["cancelled", "open_for_registration"])
        audit(actor, "training.cancel", object_type="training", object_id=training.pk)
    return training


def open_sessions(*, now: dt.datetime | None = None) -> QuerySet[Training]:
    """Sessions anyone may register for now, soonest first, with their registration count."""
    now = now or timezone.now()
    return (
        Training.objects.filter(open_for_registration=True, cancelled=False, starts_at__gt=now)
        .annotate(registered=Count("registrations"))
        .select_related("group")
        .order_by("starts_at")
    )


def register(
    *,
    training: Training,
    volunteer: Volunteer | None = None,
    observer: Observer | None = None,
    now: dt.datetime | None = None,
) -> TrainingRegistration:
    """Register one person (an applicant by their personal link, or a signed-in observer)."""
    now = now or timezone.now()
    if (volunteer is None) == (observer is None):
        raise ValueError("register exactly one of volunteer, observer")
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        if training.cancelled:
            raise VigilError(_("This session was cancelled."), code="cancelled", status=409)
        if not training.open_for_registration or training.starts_at <= now:
            raise VigilError(_("Registration for this session is closed."), code="closed", status=409)
        mine = Q(volunteer=volunteer) if volunteer is not None else Q(observer=observer)
        if observer is not None and observer.user_id:
            mine |= Q(volunteer__user_id=observer.user_id)
        if training.registrations.filter(mine).exists():
            raise VigilError(_("You are already registered for this session."), code="duplicate", status=409)
        if training.registrations.count() >= training.capacity:
            raise VigilError(_("This session is full. Please choose another one."), code="full", status=409)
        try:
            with transaction.atomic():
                registration = TrainingRegistration.objects.create(
                    training=training, volunteer=volunteer, observer=observer, registered_at=now
                )
        except IntegrityError:  # pragma: no cover - a concurrent request registered the same person
            raise VigilError(_("You are already registered for this session."), code="duplicate", status=409) from None
        audit(None, "training.register", object_type="training", object_id=training.pk, registration_id=registration.pk)
    return registration


def unregister(*, registration: TrainingRegistration) -> None:
    with transaction.atomic():
        audit(None, "training.unregister", object_type="training", object_id=registration.training_id)
        registration.delete()


def _certify(registration: TrainingRegistration, *, on: dt.date) -> CertificationRecord | None:
    training = registration.training
    if training.kind not in CERTIFYING:
        return None
    expires = add_months(on, settings.VIGIL_TRAINING_VALID_MONTHS)
    record = CertificationRecord.objects.create(
        training=training,
        volunteer=registration.volunteer,
        observer=registration.observer,
        kind=training.kind,
        granted_on=on,
        expires_on=expires,
    )
    if registration.observer is not None:
        observer = Observer.objects.select_for_update().get(pk=registration.observer.pk)
        observer.trained_on = on
        if observer.training_expires_on is None or observer.training_expires_on < expires:
            observer.training_expires_on = expires
        observer.save(update_fields=["trained_on", "training_expires_on"])
    if registration.volunteer is not None:
        volunteer = Volunteer.objects.select_for_update().get(pk=registration.volunteer.pk)
        if volunteer.status in (VolunteerStatus.APPLIED, VolunteerStatus.INVITED):
            volunteer.status = VolunteerStatus.TRAINED
            volunteer.status_changed_at = timezone.now()
            volunteer.save(update_fields=["status", "status_changed_at"])
    return record


def mark_attended(
    *, actor: AnyUser | None, registration: TrainingRegistration, attended: bool = True, now: dt.datetime | None = None
) -> TrainingRegistration:
    """Take attendance for one registration; attending certifies (once per registration)."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            TrainingRegistration.objects.select_for_update().select_related("training").get(pk=registration.pk)
        )
        if attended and registration.attended_at is None:
            registration.attended_at = now
            registration.save(update_fields=["attended_at"])
            _certify(registration, on=timezone.localdate(now))
            audit(
                actor,
                "training.attended",
                object_type="training",
                object_id=registration.training_id,
                registration_id=registration.pk,
            )
        elif not attended and registration.attended_at is not None:
            registration.attended_at = None
            registration.save(update_fields=["attended_at"])
            CertificationRecord.objects.filter(
                training=registration.training,
                volunteer=registration.volunteer,
                observer=registration.observer,
            ).delete()
            audit(
                actor,
                "training.attendance_undone",
                object_type="training",
                object_id=registration.training_id,
                registration_id=registration.pk,
            )
    return registration


def check_in_at_door(
    *, training: Training, token: str, registration: TrainingRegistration | None, now: dt.datetime | None = None
) -> TrainingRegistration:
    """An attendee scanned the door's QR code: the token must match and the session must be under way."""
    now = now or timezone.now()
    if not secrets.compare_digest(token.encode(), training.check_in_token.encode()):
        raise VigilError(_("This check-in code is not valid."), code="bad_token", status=403)
    if not (training.starts_at - DOOR_OPENS <= now <= training.ends_at) or training.cancelled:
        raise VigilError(_("Check-in is open only during the session."), code="closed", status=409)
    if registration is None or registration.training_id != training.pk:
        raise VigilError(
            _("We did not find your registration for this session. Please see the trainer."), code="unknown", status=404
        )
    return mark_attended(actor=None, registration=registration, now=now)


def remind_expiring_certifications(*, now: dt.datetime | None = None) -> int:
    """Tell active observers their certification expires within REMIND_DAYS (once per expiry date)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        Observer.objects.filter(
            active=True, training_expires_on__gte=today, training_expires_on__lte=today + dt.timedelta(days=REMIND_DAYS)
        )
        .exclude(reminded_for_expiry=F("training_expires_on"))
        .select_related("user")
    )
    sent = 0
    for observer in due:
        with transaction.atomic():
            assert observer.training_expires_on is not None  # noqa: S101 - filtered above
            with translation.override(observer.user.language or settings.LANGUAGE_CODE):
                notify.notify(
                    user=observer.user,
                    kind="training_expiring",
                    subject=_("Vigil: your observer training expires on %(date)s")
                    % {"date": observer.training_expires_on.isoformat()},
                    body=_("Register for a refresher to stay on the dispatch list."),
                    link=absolute_url("volunteer:trainings"),
                )
            observer.reminded_for_expiry = observer.training_expires_on
            observer.save(update_fields=["reminded_for_expiry"])
        sent += 1
    return sent
