"""Locator checks: a volunteer looked the person up by hand (the public detainee locator, the court's case status)
and records what they saw. Vigil never queries those sites itself.

After each check the next one is due in 12 hours while the person is not found, daily once found. A check that finds
the person in a different facility than the last one is a transfer: the case's attorney is notified and each family
contact with a phone gets an SMS (when SMS is configured), sent after commit by a task that unseals the number in the
worker — the queue holds only ids. The first facility found sets the case's jurisdiction; an accepted case still
without an attorney then pages the attorney on call for it (vigil.cases.oncall). Event kinds: locator_check,
transferred.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from vigil.accounts.models import User
from vigil.cases import oncall, services
from vigil.cases.models import Case, CaseState, Facility, FamilyContact, LocatorCheck, LocatorResult
from vigil.lib.errors import VigilError

logger = logging.getLogger(__name__)

NOT_FOUND_EVERY = dt.timedelta(hours=12)
FOUND_EVERY = dt.timedelta(days=1)


def record_check(*, case: Case, actor: User, result: str, checked_on: dt.date, facility_code: str = "") -> LocatorCheck:
    errors: dict[str, list[ValidationError]] = {}
    facility = None
    if result not in LocatorResult.values:
        errors["result"] = [ValidationError(gettext_lazy("Say whether the person was found."))]
    if checked_on > timezone.localdate():
        errors["checked_on"] = [ValidationError(gettext_lazy("A check cannot be in the future."))]
    if result == LocatorResult.FOUND:
        facility = Facility.objects.filter(code=facility_code.strip()).first() if facility_code.strip() else None
        if facility is None:
            errors["facility"] = [
                ValidationError(gettext_lazy("Choose the facility from the table (unknown facility)."))
            ]
    if errors:
        raise VigilError.invalid(errors)
    now = timezone.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == CaseState.CLOSED:
            raise VigilError(_("The case is closed."), code="closed", status=409)
        previous = locked.facility
        moved = facility is not None and previous is not None and previous.pk != facility.pk
        check = LocatorCheck.objects.create(
            case=locked,
            result=result,
            facility=facility,
            checked_on=checked_on,
            checked_by=actor,
            transfer_from=previous if moved else None,
        )
        fields = ["next_locator_check_at", "updated_at"]
        if facility is not None:
            locked.facility = facility
            fields.append("facility")
            if not locked.jurisdiction:
                locked.jurisdiction = facility.immigration_court or facility.federal_district
                fields.append("jurisdiction")
        locked.next_locator_check_at = now + (FOUND_EVERY if locked.facility_id else NOT_FOUND_EVERY)
        locked.save(update_fields=fields)
        services.record_event(
            locked, "locator_check", actor, result=result, facility=facility.code if facility else None
        )
        if moved and facility is not None and previous is not None:
            services.record_event(locked, "transferred", actor, source=previous.code, to=facility.code)
            _alert_transfer(locked, previous, facility)
        if "jurisdiction" in fields and oncall.needs_paging(locked):
            oncall.page_on_call(case=locked, actor=actor)  # it was accepted before anyone knew where to page
    return check


def _alert_transfer(case: Case, previous: Facility, facility: Facility) -> None:
    from vigil.network.notify import notify

    if case.attorney is not None:
        notify(
            user=case.attorney,
            kind="case_transfer",
            subject=_("Case #%(n)s: transferred") % {"n": case.pk},
            body=_("Case #%(n)s: moved from %(a)s to %(b)s.") % {"n": case.pk, "a": previous.name, "b": facility.name},
            link=f"/cases/{case.pk}/",
        )
    contacts = list(case.family.exclude(phone_sealed=b"").values_list("pk", flat=True))
    if contacts and settings.TWILIO_ACCOUNT_SID:
        for pk in contacts:
            transaction.on_commit(
                functools.partial(text_family_about_transfer.enqueue, contact_id=pk, facility_id=facility.pk)
            )


def text_family(*, contact_id: int, facility_id: int) -> bool:
    """Send the transfer SMS to one family contact (in the worker). False when there is nothing to send."""
    from vigil.network.notify import NotifyError, send_sms
    from vigil.vault import unseal

    contact = FamilyContact.objects.filter(pk=contact_id).first()
    facility = Facility.objects.filter(pk=facility_id).first()
    if contact is None or facility is None or not bytes(contact.phone_sealed):
        return False
    phone = unseal(contact.phone_sealed, purpose=services.P_FAMILY_PHONE)
    with translation.override(contact.language if contact.language in ("en", "es") else "en"):
        body = _(
            "Legal help team: the person you asked us about was moved to %(name)s, %(address)s, %(phone)s. "
            "We will keep following the case."
        ) % {"name": facility.name, "address": facility.address, "phone": facility.phone}
    try:
        send_sms(to=phone, body=body)
    except NotifyError as e:
        logger.warning("transfer SMS for family contact #%s failed: %s", contact_id, e)
        return False
    return True


def due_checks(cases: QuerySet[Case], now: dt.datetime | None = None) -> QuerySet[Case]:
    """Cases among `cases` whose next locator check is due (open cases only), oldest first."""
    now = now or timezone.now()
    return (
        cases.exclude(state=CaseState.CLOSED).filter(next_locator_check_at__lte=now).order_by("next_locator_check_at")
    )


@task()
def text_family_about_transfer(*, contact_id: int, facility_id: int) -> bool:
    """Tell one family contact by SMS that the person was moved (the number is unsealed here, never queued)."""
    return text_family(contact_id=contact_id, facility_id=facility_id)
