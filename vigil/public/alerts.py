"""Rumour-control alerts by SMS: a number subscribes (or leaves) by proving it is theirs with a code sent to it,
and each published debunk goes to every confirmed number in its language, through the network's SMS backend.

- `request_code(number=, language=, purpose=)`: "subscribe" or "unsubscribe"; sends a 6-digit code valid
  CODE_MINUTES. The answer never says whether the number was subscribed (nobody can probe a number).
- `confirm(number=, code=)`: applies the purpose; MAX_ATTEMPTS wrong codes void it.
- `send_debunk(debunk_id)`: one SMS per confirmed subscriber (run as a task after the debunk commits).
Only sealed numbers are stored; no SMS text holds more than the public feed does.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from vigil.lib.errors import VigilError
from vigil.network import notify
from vigil.public import selectors
from vigil.public.models import SmsSubscriber
from vigil.vault import seal, unseal

log = logging.getLogger(__name__)

CODE_MINUTES = 15
MAX_ATTEMPTS = 5
PURPOSES = ("subscribe", "unsubscribe")
_PURPOSE = "public-sms-subscriber"
_NUMBER = re.compile(r"^\+?[0-9]{7,15}$")


def sms_available() -> bool:
    return bool(settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.TWILIO_FROM_NUMBER)


def normalise(number: str) -> str:
    """Digits with a leading + (US numbers without a country code get +1); raises VigilError when not a number."""
    compact = re.sub(r"[\s().-]", "", number)
    if not _NUMBER.match(compact):
        raise VigilError(_("Enter a mobile phone number, for example +1 612 555 0100."), code="invalid")
    if not compact.startswith("+"):
        compact = ("+1" + compact) if len(compact) == 10 else "+" + compact
    return compact


def _index(number: str) -> str:
    return salted_hmac("vigil.public.sms-number", number, algorithm="sha256").hexdigest()


def _code_hash(row_index: str, code: str) -> str:
    return salted_hmac("vigil.public.sms-code", f"{row_index}:{code}", algorithm="sha256").hexdigest()


def request_code(*, number: str, language: str, purpose: str) -> None:
    if purpose not in PURPOSES:
        raise VigilError(_("Unknown request."), code="invalid")
    if not sms_available():
        raise VigilError(_("SMS alerts are not available here."), code="sms_unavailable", status=503)
    normalised = normalise(number)
    index = _index(normalised)
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        row = SmsSubscriber.objects.select_for_update().filter(number_index=index).first()
        if row is None:
            if purpose == "unsubscribe":
                return  # nothing to do, and the same answer as for a subscribed number
            row = SmsSubscriber(number_index=index, number_sealed=seal(normalised, purpose=_PURPOSE))
        row.language = language
        row.code_hash, row.code_purpose = _code_hash(index, code), purpose
        row.code_expires_at = timezone.now() + dt.timedelta(minutes=CODE_MINUTES)
        row.code_attempts = 0
        row.save()
    with translation.override(language):
        body = _("Vigil rumour alerts: your code is %(code)s. It works for %(minutes)d minutes.") % {
            "code": code,
            "minutes": CODE_MINUTES,
        }
    try:
        notify.send_sms(to=normalised, body=body)
    except notify.SmsError as error:
        log.warning("public SMS code not sent: %s", error)
        raise VigilError(_("The code could not be sent. Try again in a few minutes."), status=502) from None


def confirm(*, number: str, code: str) -> str:
    """Apply the pending request of `number` if `code` is right; return what was done ("subscribed"/"unsubscribed")."""
    index = _index(normalise(number))
    refused = VigilError(_("That code is not right or has expired. Ask for a new one."), code="bad_code")
    with transaction.atomic():
        row = SmsSubscriber.objects.select_for_update().filter(number_index=index).first()
        usable = (
            row is not None
            and bool(row.code_hash)
            and row.code_expires_at is not None
            and row.code_expires_at >= timezone.now()
            and row.code_attempts < MAX_ATTEMPTS
        )
        if row is None or not usable:
            raise refused
        if not constant_time_compare(row.code_hash, _code_hash(index, code.strip())):
            # Counted in this committed transaction, then refused: MAX_ATTEMPTS wrong codes void it.
            row.code_attempts += 1
            row.save(update_fields=["code_attempts"])
            wrong = True
        elif row.code_purpose == "unsubscribe":
            row.delete()
            return "unsubscribed"
        else:
            wrong = False
            row.confirmed_at = row.confirmed_at or timezone.now()
            row.code_hash, row.code_purpose, row.code_expires_at = "", "", None
            row.save(update_fields=["confirmed_at", "code_hash", "code_purpose", "code_expires_at"])
    if wrong:
        raise refused
    return "subscribed"


def forget_unconfirmed(now: dt.datetime | None = None) -> int:
    """Delete numbers that never confirmed once their code expired."""
    moment = now or timezone.now()
    deleted, _rows = SmsSubscriber.objects.filter(confirmed_at__isnull=True, code_expires_at__lt=moment).delete()
    return deleted


def send_debunk(debunk_id: int) -> int:
    """Send the debunk to every confirmed subscriber in their language; returns how many were sent."""
    if not sms_available():
        return 0
    sent = 0
    for row in SmsSubscriber.objects.filter(confirmed_at__isnull=False).iterator():
        with translation.override(row.language):
            found = next((d for d in selectors.debunks(language=row.language) if d.pk == debunk_id), None)
            if found is None:
                return sent  # withdrawn meanwhile
            body = _("Vigil rumour control — %(verdict)s: %(area)s, around %(hour)s. %(statement)s") % {
                "verdict": found.verdict_label,
                "area": found.area,
                "hour": timezone.localtime(found.hour).strftime("%H:00"),
                "statement": found.statement,
            }
        try:
            notify.send_sms(to=unseal(row.number_sealed, purpose=_PURPOSE), body=body)
            sent += 1
        except notify.SmsError as error:
            log.warning("debunk SMS to subscriber %s not sent: %s", row.pk, error)
    return sent
