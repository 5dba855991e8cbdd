"""The attorney on call: a rota by jurisdiction and time, paging, acknowledgement and escalation.

An accepted case without an attorney pages the first attorney on call for its jurisdiction (lowest `order`, then
earliest start) in the case's group. A case without a jurisdiction (its facility is not known yet) pages nobody: it
keeps the reason (Case.unpaged), the coordinators are told, and the on-call attorney is paged as soon as a locator check
sets the jurisdiction. A jurisdiction nobody is on the rota for now is treated the same way. The page waits
settings.VIGIL_CASE_PAGE_ACK_MINUTES; `escalate_unacknowledged` (a periodic job) expires it and pages the next attorney
not yet paged for the case. When nobody is left, the group's coordinators are told, with the reason. Acknowledging a
page makes the attorney the case's attorney and withdraws the other open pages.

Event kinds: paged, page_expired, nobody_on_call, attorney_assigned (through services.assign_attorney). Messages name
the case number and the jurisdiction only — never the person.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.accounts.access import AnyUser
from vigil.accounts.models import Group, Membership, Role, User
from vigil.cases import services
from vigil.cases.models import Case, CasePage, CaseState, OnCall, Unpaged
from vigil.lib.errors import VigilError
from vigil.network.notify import notify
from vigil.safety.validators import guard_text


def add_on_call(
    *,
    actor: AnyUser,
    group: Group,
    attorney: User,
    jurisdiction: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    order: int = 0,
) -> OnCall:
    errors: dict[str, list[ValidationError]] = {}
    jurisdiction = jurisdiction.strip()
    if not jurisdiction:
        errors["jurisdiction"] = [ValidationError(gettext_lazy("Name the immigration court or federal district."))]
    else:
        try:
            guard_text(jurisdiction)
        except ValidationError as e:
            errors["jurisdiction"] = [e]
    if ends_at <= starts_at:
        errors["ends_at"] = [ValidationError(gettext_lazy("The end comes after the start."))]
    if not Membership.objects.filter(user=attorney, group=group, role=Role.ATTORNEY).exists():
        errors["attorney"] = [ValidationError(gettext_lazy("Only an attorney of the group can be on call."))]
    if errors:
        raise VigilError.invalid(errors)
    return OnCall.objects.create(
        group=group,
        attorney=attorney,
        jurisdiction=jurisdiction[:120],
        starts_at=starts_at,
        ends_at=ends_at,
        order=order,
    )


def on_call(group_id: int, jurisdiction: str, at: dt.datetime) -> QuerySet[OnCall]:
    """Who is on call for `jurisdiction` in the group at `at`, in paging order (nobody for an empty jurisdiction)."""
    return (
        OnCall.objects.filter(group_id=group_id, jurisdiction=jurisdiction, starts_at__lte=at, ends_at__gt=at)
        .exclude(jurisdiction="")
        .select_related("attorney")
        .order_by("order", "starts_at", "pk")
    )


def page_on_call(*, case: Case, actor: AnyUser | None = None) -> CasePage | None:
    """Page the next on-call attorney for `case`'s jurisdiction not yet paged for it.

    When there is nobody to page, nobody is paged: the case keeps the reason (Case.unpaged: no jurisdiction yet, no
    rota entry for it now, everybody paged without an answer), shows under "needs an attorney" on the coordinators'
    list, and the group's coordinators are told why. Returns the page, or None.
    """
    now = timezone.now()
    with transaction.atomic():
        paged = set(CasePage.objects.filter(case=case).values_list("attorney_id", flat=True))
        slots = list(on_call(case.group_id, case.jurisdiction, now)) if case.jurisdiction else []
        slot = next((s for s in slots if s.attorney_id not in paged), None)
        if slot is None:
            if not case.jurisdiction:
                why = Unpaged.NO_JURISDICTION
            elif not slots:
                why = Unpaged.NO_ROTA
            else:
                why = Unpaged.ALL_PAGED
            _nobody_to_page(case, why, actor)
            return None
        page = CasePage.objects.create(
            case=case,
            attorney=slot.attorney,
            sent_at=now,
            answer_by=now + dt.timedelta(minutes=settings.VIGIL_CASE_PAGE_ACK_MINUTES),
        )
        Case.objects.filter(pk=case.pk).update(unpaged="")
        case.unpaged = ""
        services.record_event(case, "paged", actor, attorney=slot.attorney_id, page=page.pk)
        notify(
            user=slot.attorney,
            kind="case_page",
            subject=_("On call: case #%(n)s needs an attorney") % {"n": case.pk},
            body=_("Case #%(n)s (%(j)s) was accepted. Acknowledge within %(m)s minutes on your cases page.")
            % {"n": case.pk, "j": case.jurisdiction or "—", "m": settings.VIGIL_CASE_PAGE_ACK_MINUTES},
            link="/cases/",
        )
    return page


def _nobody_to_page(case: Case, why: Unpaged, actor: AnyUser | None) -> None:
    """Keep the reason on the case, write it in the history, and tell the group's coordinators (they assign)."""
    Case.objects.filter(pk=case.pk).update(unpaged=why)
    case.unpaged = why
    services.record_event(case, "nobody_on_call", actor, jurisdiction=case.jurisdiction, unpaged=str(why))
    if why == Unpaged.ALL_PAGED:
        kind = "case_unanswered"
        subject = _("Case #%(n)s: no attorney on call answered") % {"n": case.pk}
        body = _("Case #%(n)s (%(j)s) was accepted and needs an attorney; nobody on call acknowledged it.") % {
            "n": case.pk,
            "j": case.jurisdiction,
        }
    elif why == Unpaged.NO_ROTA:
        kind = "case_unassigned"
        subject = _("Case #%(n)s needs an attorney: nobody on the rota") % {"n": case.pk}
        body = _(
            "Case #%(n)s was accepted, but nobody is on the rota for %(j)s now, so no attorney was paged. Assign an "
            "attorney on the cases page or add one to the rota."
        ) % {"n": case.pk, "j": case.jurisdiction}
    else:
        kind = "case_unassigned"
        subject = _("Case #%(n)s needs an attorney: no jurisdiction yet") % {"n": case.pk}
        body = _(
            "Case #%(n)s was accepted, but the facility is not known yet, so no jurisdiction's attorney on call was "
            "paged. The attorney on call is paged when a locator check finds the facility; or assign one on the "
            "cases page."
        ) % {"n": case.pk}
    coordinators = User.objects.filter(memberships__group_id=case.group_id, memberships__role=Role.COORDINATOR)
    for person in coordinators.distinct():
        notify(user=person, kind=kind, subject=subject, body=body, link=f"/cases/{case.pk}/")


def needs_paging(case: Case) -> bool:
    """An accepted case without an attorney and without an open page (e.g. its jurisdiction just became known)."""
    return (
        case.state == CaseState.ACCEPTED
        and case.attorney_id is None
        and not CasePage.objects.filter(case=case, acknowledged_at__isnull=True, expired_at__isnull=True).exists()
    )


def acknowledge(*, page: CasePage, attorney: User) -> Case:
    """The paged attorney takes the case."""
    with transaction.atomic():
        locked = CasePage.objects.select_for_update().select_related("case").get(pk=page.pk)
        if locked.attorney_id != attorney.pk:
            raise VigilError(_("This page was sent to someone else."), code="forbidden", status=403)
        if locked.acknowledged_at is not None or locked.expired_at is not None or locked.case.attorney_id:
            raise VigilError(
                _("This page is no longer open: the case went to the next attorney or was taken."),
                code="page_closed",
                status=409,
            )
        now = timezone.now()
        locked.acknowledged_at = now
        locked.save(update_fields=["acknowledged_at"])
        CasePage.objects.filter(case=locked.case, acknowledged_at__isnull=True, expired_at__isnull=True).update(
            expired_at=now
        )
        return services.assign_attorney(case=locked.case, attorney=attorney, actor=attorney)


def open_pages_for(user: AnyUser) -> QuerySet[CasePage]:
    if not user.is_authenticated:
        return CasePage.objects.none()
    return CasePage.objects.filter(
        attorney_id=user.pk, acknowledged_at__isnull=True, expired_at__isnull=True, case__attorney__isnull=True
    ).select_related("case")


def escalate_unacknowledged(now: dt.datetime | None = None) -> int:
    """Expire pages past their time and page the next attorney on call. Returns how many pages expired."""
    now = now or timezone.now()
    count = 0
    due = CasePage.objects.filter(acknowledged_at__isnull=True, expired_at__isnull=True, answer_by__lte=now)
    for page_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            page = CasePage.objects.select_for_update().select_related("case").filter(pk=page_id).first()
            if page is None or page.acknowledged_at is not None or page.expired_at is not None:
                continue
            page.expired_at = now
            page.save(update_fields=["expired_at"])
            services.record_event(page.case, "page_expired", None, attorney=page.attorney_id)
            count += 1
            if page.case.attorney_id is None:
                page_on_call(case=page.case)
    return count
