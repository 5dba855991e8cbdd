"""The attorney on call: a rota by jurisdiction and time, paging, acknowledgement and escalation.

An accepted case without an attorney pages the first attorney on call for its jurisdiction (lowest `order`, then
earliest start) in the case's group; a case without a jurisdiction pages whoever is on call in the group. The page
waits settings.VIGIL_CASE_PAGE_ACK_MINUTES; `escalate_unacknowledged` (a periodic job) expires it and pages the next
attorney not yet paged for the case. When nobody is left, the group's coordinators are told. Acknowledging a page
makes the attorney the case's attorney and withdraws the other open pages.

Event kinds: paged, page_expired, nobody_on_call, attorney_assigned (through services.assign_attorney).
Messages name the case number and the jurisdiction only — never the person.
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
from vigil.cases.models import Case, CasePage, OnCall
from vigil.lib.errors import VigilError
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
    rows = OnCall.objects.filter(group_id=group_id, starts_at__lte=at, ends_at__gt=at).select_related("attorney")
    if jurisdiction:
        rows = rows.filter(jurisdiction=jurisdiction)
    return rows.order_by("order", "starts_at", "pk")


def page_on_call(*, case: Case, actor: AnyUser | None = None) -> CasePage | None:
    """Page the next on-call attorney for `case` not yet paged for it; None (and coordinators told) when none left."""
    from vigil.network.notify import notify

    now = timezone.now()
    with transaction.atomic():
        paged = set(CasePage.objects.filter(case=case).values_list("attorney_id", flat=True))
        slot = next((s for s in on_call(case.group_id, case.jurisdiction, now) if s.attorney_id not in paged), None)
        if slot is None:
            services.record_event(case, "nobody_on_call", actor, jurisdiction=case.jurisdiction)
            coordinators = User.objects.filter(memberships__group_id=case.group_id, memberships__role=Role.COORDINATOR)
            for person in coordinators.distinct():
                notify(
                    user=person,
                    kind="case_unanswered",
                    subject=_("Case #%(n)s: no attorney on call answered") % {"n": case.pk},
                    body=_("Case #%(n)s (%(j)s) was accepted and needs an attorney; nobody on call acknowledged it.")
                    % {"n": case.pk, "j": case.jurisdiction or "—"},
                    link="/cases/",
                )
            return None
        page = CasePage.objects.create(
            case=case,
            attorney=slot.attorney,
            sent_at=now,
            answer_by=now + dt.timedelta(minutes=settings.VIGIL_CASE_PAGE_ACK_MINUTES),
        )
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
