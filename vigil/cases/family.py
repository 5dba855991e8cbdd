"""Telling a case's family contacts that a legal team has the case.

When a case is accepted, each family contact with a phone gets one short SMS in their language (EN/ES, English for
anything else): a volunteer legal team has the case of their family member, the case number, and how to reach the
hotline (the first of settings.VIGIL_HOTLINE_NUMBERS). It names nobody — not the person detained, not the contact,
no attorney, no facility, nothing about any officer — because an SMS can be read by whoever holds the phone.

It goes through the notification backends as a message to someone without an account does
(vigil.network.notify.volunteer_channel): `sms` when it is configured, else one `console` log line with ids only;
with neither, nobody is texted and the case's history says so. The SMS is queued after the decision commits with
ids only; the worker unseals the number. Event kinds: family_told, family_not_told.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from vigil.accounts.access import AnyUser
from vigil.cases import services
from vigil.cases.models import Case, FamilyContact

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "es")


def accepted_message(case_id: int, language: str) -> str:
    """The SMS a family contact gets when their family member's case is accepted, in `language` (EN/ES)."""
    numbers = [n.strip() for n in settings.VIGIL_HOTLINE_NUMBERS if n.strip()]
    with translation.override(language if language in LANGUAGES else "en"):
        if numbers:
            return _(
                "Legal help team: a volunteer legal team has the case of your family member (case #%(n)s). To reach "
                "us, call the hotline at %(hotline)s and give the case number."
            ) % {"n": case_id, "hotline": numbers[0]}
        return _(
            "Legal help team: a volunteer legal team has the case of your family member (case #%(n)s). To reach "
            "us, call the hotline you called before and give the case number."
        ) % {"n": case_id}


def _channel() -> str | None:
    from vigil.network.notify import volunteer_channel

    channel = volunteer_channel(contact_is_phone=True)
    if channel == "sms" and not settings.TWILIO_ACCOUNT_SID:
        return "console" if "console" in settings.VIGIL_NOTIFY_BACKENDS else None
    return channel


def tell_family_accepted(*, case: Case, actor: AnyUser | None) -> int:
    """Queue the "a legal team has the case" SMS to each family contact with a phone; call inside the decision's
    transaction. Returns how many were queued."""
    contacts = list(FamilyContact.objects.filter(case=case).exclude(phone_sealed=b"").values_list("pk", flat=True))
    if not contacts:
        return 0
    channel = _channel()
    if channel is None:
        services.record_event(case, "family_not_told", actor, contacts=len(contacts))
        return 0
    for pk in contacts:
        transaction.on_commit(
            functools.partial(text_family_accepted.enqueue, contact_id=pk, case_id=case.pk, channel=channel)
        )
    services.record_event(case, "family_told", actor, contacts=len(contacts), channel=channel)
    return len(contacts)


def deliver_accepted(*, contact_id: int, case_id: int, channel: str) -> bool:
    """Send the acceptance SMS to one family contact (in the worker). False when there is nothing to send."""
    from vigil.network.notify import NotifyError, send_sms
    from vigil.vault import unseal

    contact = FamilyContact.objects.filter(pk=contact_id, case_id=case_id).first()
    if contact is None or not bytes(contact.phone_sealed):
        return False
    if channel == "console":
        logger.info("notification kind=case_accepted_family case=#%s family_contact=#%s", case_id, contact_id)
        return True
    phone = unseal(contact.phone_sealed, purpose=services.P_FAMILY_PHONE)
    try:
        send_sms(to=phone, body=accepted_message(case_id, contact.language))
    except NotifyError as e:
        logger.warning("acceptance SMS for family contact #%s failed: %s", contact_id, e)
        return False
    return True


@task()
def text_family_accepted(*, contact_id: int, case_id: int, channel: str) -> bool:
    """Tell one family contact that a legal team has the case (the number is unsealed here, never queued)."""
    return deliver_accepted(contact_id=contact_id, case_id=case_id, channel=channel)
