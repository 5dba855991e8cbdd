from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.access import AnyUser, audit
from vigil.accounts.models import Group, User
from vigil.lib.errors import VigilError
from vigil.network.models import Observer
from vigil.vault import seal, unseal


def accept_code_of_conduct(*, observer: Observer, actor: AnyUser, now: dt.datetime | None = None) -> Observer:
    now = now or timezone.now()
    with transaction.atomic():
        observer.code_accepted_at = now
        observer.save(update_fields=["code_accepted_at"])
        audit(actor, "code_of_conduct_accepted", object_type="observer", object_id=observer.pk)
    return observer


PHONE_PURPOSE = "observer-phone"


NOTIFY_CHANNELS = ("inbox", "email", "sms")


_PHONE_STRIP = re.compile(r"[\s().-]")


_PHONE = re.compile(r"^\+[1-9]\d{6,14}$")


_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


def normalise_phone(raw: str) -> str:
    """An E.164 number (+ country code and digits), or VigilError."""
    phone = _PHONE_STRIP.sub("", raw.strip())
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if not _PHONE.match(phone):
        raise VigilError(_("Give the phone number with its country code, like +1 612 555 0100."))
    return phone


def normalise_languages(raw: Collection[str]) -> list[str]:
    languages: list[str] = []
    for item in raw:
        code = item.strip().lower().replace("_", "-")
        if not code:
            continue
        if not _LANGUAGE.match(code):
            raise VigilError(_("“%(code)s” is not a language code such as en, es, so or hmn.") % {"code": code[:20]})
        if code not in languages:
            languages.append(code)
    if len(languages) > 12:
        raise VigilError(_("List at most 12 languages."))
    return languages


def masked_phone(observer: Observer, *, actor: User) -> str:
    """The observer's phone with all but the last two digits hidden (an audited read); empty without one."""
    if not observer.phone_sealed:
        return ""
    phone = unseal(observer.phone_sealed, purpose=PHONE_PURPOSE)
    audit(actor, "observer.phone.masked_read", object_type="observer", object_id=observer.pk)
    return "•" * max(len(phone) - 3, 0) + phone[-2:]


def update_observer(
    *,
    actor: User,
    observer: Observer,
    trained_on: dt.date | None,
    training_expires_on: dt.date | None,
    languages: Collection[str],
    code_accepted: bool,
    active: bool,
    notify_by: Collection[str],
    new_phone: str = "",
    clear_phone: bool = False,
) -> Observer:
    """Change an observer's record. The phone is only ever replaced or cleared, never read back here."""
    if trained_on and training_expires_on and training_expires_on < trained_on:
        raise VigilError(_("Training cannot expire before it took place."))
    channels = [c for c in NOTIFY_CHANNELS if c in set(notify_by)]
    unknown = set(notify_by) - set(NOTIFY_CHANNELS)
    if unknown:
        raise VigilError(_("Unknown notification channel."))
    phone = normalise_phone(new_phone) if new_phone.strip() else ""
    will_have_phone = bool(phone) or (bool(observer.phone_sealed) and not clear_phone)
    if "sms" in channels and not will_have_phone:
        raise VigilError(_("SMS notifications need a phone number."))
    with transaction.atomic():
        changed: list[str] = []
        values: dict[str, object] = {
            "trained_on": trained_on,
            "training_expires_on": training_expires_on,
            "languages": normalise_languages(languages),
            "active": active,
            "notify_by": channels,
        }
        for name, value in values.items():
            if getattr(observer, name) != value:
                setattr(observer, name, value)
                changed.append(name)
        if code_accepted and observer.code_accepted_at is None:
            observer.code_accepted_at = timezone.now()
            changed.append("code_accepted_at")
        elif not code_accepted and observer.code_accepted_at is not None:
            observer.code_accepted_at = None
            changed.append("code_accepted_at")
        if phone:
            observer.phone_sealed = seal(phone, purpose=PHONE_PURPOSE)
            changed.append("phone")
        elif clear_phone and observer.phone_sealed:
            observer.phone_sealed = None
            changed.append("phone")
        if changed:
            observer.save()
            # Field names only: the values (the phone above all) stay out of the trail.
            audit(actor, "observer.update", object_type="observer", object_id=observer.pk, fields=sorted(changed))
    return observer


def group_observers(group: Group) -> QuerySet[Observer]:
    return Observer.objects.filter(group=group).select_related("user").order_by("user__username")
