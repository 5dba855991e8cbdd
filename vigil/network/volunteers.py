"""Volunteers from sign-up to observer: the pipeline applied → invited to training → trained → active (or declined).

- `sign_up` (public, no account): the contact is sealed, free text goes through the text guard, consent to the code
  of conduct is required and its time kept.
- `invite_to_training` writes to the applicant with a personal registration link (signed, expiring).
- Attending a certifying session moves an applicant to *trained* (vigil.network.trainings).
- `make_observer` turns a trained applicant into an observer account in one action: the account has no usable
  password; the applicant receives a one-time, expiring link to choose one (Django's password-reset tokens, which stop
  working once the password is set). A password is never shown to the coordinator.
- `delete_volunteer` deletes the person with their registrations and certification history.
Every change is audited with ids only (never the name or the contact).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.accounts.access import AnyUser, audit
from vigil.accounts.models import Group, Membership, Role, User
from vigil.lib.errors import VigilError
from vigil.network import notify
from vigil.network.dispatch import absolute_url
from vigil.network.models import CertificationRecord, Observer, Volunteer, VolunteerStatus
from vigil.network.observers import PHONE_PURPOSE, normalise_languages, normalise_phone
from vigil.safety.validators import guard_text
from vigil.vault import seal, unseal

AVAILABILITY = (
    ("weekday_mornings", gettext_lazy("Weekday mornings")),
    ("weekday_daytime", gettext_lazy("Weekday daytime")),
    ("weekday_evenings", gettext_lazy("Weekday evenings")),
    ("weekends", gettext_lazy("Weekends")),
    ("on_call", gettext_lazy("On call at short notice")),
)
# Which steps a coordinator may take from each state (attendance, not a coordinator, makes someone trained).
NEXT: dict[str, tuple[str, ...]] = {
    VolunteerStatus.APPLIED: (VolunteerStatus.INVITED, VolunteerStatus.DECLINED),
    VolunteerStatus.INVITED: (VolunteerStatus.INVITED, VolunteerStatus.DECLINED),
    VolunteerStatus.TRAINED: (VolunteerStatus.ACTIVE, VolunteerStatus.DECLINED),
    VolunteerStatus.ACTIVE: (),
    VolunteerStatus.DECLINED: (VolunteerStatus.APPLIED,),
}
REGISTRATION_SALT = "vigil.network.volunteer-registration"
REGISTRATION_MAX_AGE = dt.timedelta(days=90)
NAME_MAX, NEIGHBOURHOOD_MAX, NOTE_MAX = 120, 80, 1000


def normalise_contact(raw: str) -> tuple[str, bool]:
    """(contact, is_phone): an e-mail address as typed, or an E.164 phone number; VigilError otherwise."""
    value = raw.strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise VigilError(_("Give an e-mail address or a phone number with its country code.")) from None
        return value, False
    try:
        return normalise_phone(value), True
    except VigilError:
        raise VigilError(_("Give an e-mail address or a phone number with its country code.")) from None


def _guarded(field: str, value: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise VigilError.invalid({field: [ValidationError(_("At most %(n)s characters.") % {"n": limit})]})
    try:
        guard_text(value)
    except ValidationError as refused:
        raise VigilError.invalid({field: [refused]}) from None
    return value


def sign_up(
    *,
    group: Group,
    name: str,
    contact: str,
    language: str,
    languages: list[str],
    neighbourhood: str,
    availability: list[str],
    note: str,
    consent: bool,
    now: dt.datetime | None = None,
) -> Volunteer:
    """Record a public sign-up. Nothing about the sender (address, device) is stored."""
    now = now or timezone.now()
    if not consent:
        raise VigilError.invalid(
            {"consent": [ValidationError(_("Please read and accept the observer code of conduct."))]}
        )
    name = _guarded("name", name, NAME_MAX)
    if not name:
        raise VigilError.invalid({"name": [ValidationError(_("Tell us what to call you."))]})
    neighbourhood = _guarded("neighbourhood", neighbourhood, NEIGHBOURHOOD_MAX)
    note = _guarded("note", note, NOTE_MAX)
    try:
        contact_value, is_phone = normalise_contact(contact)
    except VigilError as refused:
        raise VigilError.invalid({"contact": [ValidationError(refused.message)]}) from None
    known = {code for code, _label in AVAILABILITY}
    slots = [slot for slot in dict.fromkeys(availability) if slot in known]
    with transaction.atomic():
        volunteer = Volunteer.objects.create(
            group=group,
            name=name,
            contact_sealed=seal(contact_value, purpose=notify.VOLUNTEER_CONTACT_PURPOSE),
            contact_is_phone=is_phone,
            language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
            languages=normalise_languages(languages),
            neighbourhood=neighbourhood,
            availability=slots,
            note=note,
            consented_at=now,
            status=VolunteerStatus.APPLIED,
            status_changed_at=now,
            created_at=now,
        )
        audit(None, "volunteer.sign_up", object_type="volunteer", object_id=volunteer.pk, group_id=group.pk)
    return volunteer


def _step(volunteer: Volunteer, status: str, *, actor: AnyUser, now: dt.datetime) -> None:
    if status not in NEXT[volunteer.status]:
        raise VigilError(
            _("This applicant is “%(status)s”: that step is not possible now.")
            % {"status": VolunteerStatus(volunteer.status).label}
        )
    previous = volunteer.status
    volunteer.status = status
    volunteer.status_changed_at = now
    volunteer.save(update_fields=["status", "status_changed_at"])
    audit(actor, "volunteer.status", object_type="volunteer", object_id=volunteer.pk, previous=previous, status=status)


def _lock(volunteer: Volunteer) -> Volunteer:
    return Volunteer.objects.select_for_update().get(pk=volunteer.pk)


def registration_token(volunteer: Volunteer) -> str:
    return signing.dumps({"v": volunteer.pk}, salt=REGISTRATION_SALT, compress=True)


def volunteer_from_token(token: str) -> Volunteer | None:
    """The volunteer a personal registration link belongs to; None when forged, expired or deleted."""
    try:
        data = signing.loads(token, salt=REGISTRATION_SALT, max_age=REGISTRATION_MAX_AGE)
    except signing.BadSignature:
        return None
    pk = data.get("v") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return Volunteer.objects.filter(pk=pk).exclude(status=VolunteerStatus.DECLINED).first()


def _send(volunteer: Volunteer, *, kind: str, subject: str, body: str, link: str = "") -> str:
    try:
        return notify.notify_volunteer(
            volunteer_id=volunteer.pk,
            contact_is_phone=volunteer.contact_is_phone,
            kind=kind,
            subject=subject,
            body=body,
            link=link,
        )
    except notify.NotifyError:
        raise VigilError(
            _("No notification channel can reach this contact (e-mail or SMS is not configured).")
        ) from None


def invite_to_training(*, actor: User, volunteer: Volunteer, now: dt.datetime | None = None) -> Volunteer:
    """Write to the applicant with their personal link to the sessions open for registration."""
    now = now or timezone.now()
    with transaction.atomic():
        volunteer = _lock(volunteer)
        _step(volunteer, VolunteerStatus.INVITED, actor=actor, now=now)
        link = absolute_url("volunteer:trainings") + f"?v={registration_token(volunteer)}"
        with translation.override(volunteer.language):
            _send(
                volunteer,
                kind="training_invitation",
                subject=_("Vigil: register for a legal-observer training"),
                body=_("Thank you for signing up. Choose a training session with the link below."),
                link=link,
            )
    return volunteer


def contact(*, actor: User, volunteer: Volunteer, subject: str, body: str) -> str:
    """A coordinator's own message to an applicant, through the backend that reaches their contact."""
    subject = _guarded("subject", subject, 200)
    body = _guarded("body", body, NOTE_MAX)
    if not body:
        raise VigilError.invalid({"body": [ValidationError(_("Write a message."))]})
    with transaction.atomic():
        channel = _send(volunteer, kind="coordinator_message", subject=subject or _("Vigil"), body=body)
        audit(actor, "volunteer.contact", object_type="volunteer", object_id=volunteer.pk, channel=channel)
    return channel


def decline(*, actor: User, volunteer: Volunteer, now: dt.datetime | None = None) -> Volunteer:
    now = now or timezone.now()
    with transaction.atomic():
        volunteer = _lock(volunteer)
        _step(volunteer, VolunteerStatus.DECLINED, actor=actor, now=now)
    return volunteer


def reopen(*, actor: User, volunteer: Volunteer, now: dt.datetime | None = None) -> Volunteer:
    now = now or timezone.now()
    with transaction.atomic():
        volunteer = _lock(volunteer)
        _step(volunteer, VolunteerStatus.APPLIED, actor=actor, now=now)
    return volunteer


def _username_for(name: str) -> str:
    base = slugify(name)[:20].strip("-") or "observer"
    while True:
        username = f"{base}-{secrets.token_hex(2)}"
        if not User.objects.filter(username__iexact=username).exists():
            return username


def invitation_link(user: User) -> str:
    """A one-time link to choose a password: expires after PASSWORD_RESET_TIMEOUT, dies once a password is set."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_url("volunteer:welcome", uid, default_token_generator.make_token(user))


def make_observer(*, actor: User, volunteer: Volunteer, now: dt.datetime | None = None) -> Observer:
    """Turn a trained applicant into an observer of their group and send them the invitation link."""
    now = now or timezone.now()
    with transaction.atomic():
        volunteer = _lock(volunteer)
        _step(volunteer, VolunteerStatus.ACTIVE, actor=actor, now=now)
        contact_value = unseal(volunteer.contact_sealed, purpose=notify.VOLUNTEER_CONTACT_PURPOSE)
        first, _space, last = volunteer.name.partition(" ")
        user = User(
            username=_username_for(volunteer.name),
            first_name=first[:150],
            last_name=last[:150],
            email="" if volunteer.contact_is_phone else contact_value,
            language=volunteer.language,
        )
        user.set_unusable_password()
        user.save()
        latest = CertificationRecord.objects.filter(volunteer=volunteer).order_by("-expires_on").first()
        observer = Observer.objects.create(
            user=user,
            group=volunteer.group,
            languages=volunteer.languages or [volunteer.language],
            trained_on=latest.granted_on if latest else None,
            training_expires_on=latest.expires_on if latest else None,
            code_accepted_at=volunteer.consented_at,
            phone_sealed=seal(contact_value, purpose=PHONE_PURPOSE) if volunteer.contact_is_phone else None,
            notify_by=["inbox", "sms" if volunteer.contact_is_phone else "email"],
        )
        Membership.objects.create(user=user, group=volunteer.group, role=Role.OBSERVER)
        # The history moves to the observer: it is theirs now, and deleted with them.
        CertificationRecord.objects.filter(volunteer=volunteer).update(observer=observer, volunteer=None)
        volunteer.registrations.update(observer=observer, volunteer=None)
        volunteer.user = user
        volunteer.save(update_fields=["user"])
        audit(actor, "volunteer.make_observer", object_type="volunteer", object_id=volunteer.pk, user_id=user.pk)
        with translation.override(volunteer.language):
            _send(
                volunteer,
                kind="observer_invitation",
                subject=_("Vigil: your observer account"),
                body=_(
                    "Your observer account is ready. Your username is %(username)s. Choose your password with this "
                    "link; it works once and expires in %(days)s days."
                )
                % {"username": user.get_username(), "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)},
                link=invitation_link(user),
            )
    return observer


def delete_volunteer(*, actor: User, volunteer: Volunteer) -> None:
    """Delete an applicant with their registrations and training history (an observer account stays its own)."""
    with transaction.atomic():
        pk = volunteer.pk
        volunteer.delete()  # registrations and certifications cascade
        audit(actor, "volunteer.delete", object_type="volunteer", object_id=pk)


def resend_invitation(*, actor: User, volunteer: Volunteer) -> str:
    """A fresh one-time link for an applicant who became an observer and has not chosen a password yet."""
    user = volunteer.user
    if user is None or user.has_usable_password():
        raise VigilError(_("This person has no pending invitation."))
    with transaction.atomic():
        audit(actor, "volunteer.resend_invitation", object_type="volunteer", object_id=volunteer.pk)
        with translation.override(volunteer.language):
            return _send(
                volunteer,
                kind="observer_invitation",
                subject=_("Vigil: your observer account"),
                body=_("Choose your password with this link; it works once.")
                + " "
                + _("Your username is %(username)s.") % {"username": user.get_username()},
                link=invitation_link(user),
            )


def pipeline(group: Group) -> dict[str, list[Volunteer]]:
    """The group's applicants by state, oldest first in each."""
    columns: dict[str, list[Volunteer]] = {status: [] for status in VolunteerStatus.values}
    for volunteer in Volunteer.objects.filter(group=group).order_by("status_changed_at", "pk"):
        columns[volunteer.status].append(volunteer)
    return columns


def revealed_contact(*, actor: User, volunteer: Volunteer) -> str:
    """The applicant's contact, for a coordinator who asked to see it (an audited read)."""
    audit(actor, "volunteer.contact_read", object_type="volunteer", object_id=volunteer.pk)
    return unseal(volunteer.contact_sealed, purpose=notify.VOLUNTEER_CONTACT_PURPOSE)
