"""The case team's pages that are not one case's: the list, opening a case, the rota, locator tasks, the week, the
rule table and the calendar feed (one case's pages are in vigil.legal.case_views). Each view is signed-in and behind
the second-factor guard; writes go through vigil.cases services; a refusal comes back beside the field (400)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts.access import first_or_404, has_role, require_coordinator, signed_in_user
from vigil.accounts.mfa import require_second_factor
from vigil.accounts.models import Group, Role, User
from vigil.cases import access, calendar, locator, oncall, services
from vigil.cases.models import CalendarToken, Case, CaseSource, DeadlineRule, OnCall, Unpaged
from vigil.legal.case_views import refused
from vigil.legal.forms import OnCallForm, PersonForm, RuleForm
from vigil.lib.errors import VigilError

LEGAL_ROLES = [Role.ATTORNEY, Role.COORDINATOR]


@login_required
@require_second_factor
def case_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    mine = access.team_cases(user).select_related("attorney").order_by("-created_at")
    unassigned = access.unassigned_cases(user).order_by("created_at")
    jurisdictions = set(OnCall.objects.filter(attorney_id=user.pk).values_list("jurisdiction", flat=True))
    if jurisdictions:
        # Their own jurisdictions, cases without one yet, and cases nobody was (still) paged for.
        unassigned = unassigned.filter(
            Q(jurisdiction__in=jurisdictions) | Q(jurisdiction="") | Q(unpaged__in=[Unpaged.NO_ROTA, Unpaged.ALL_PAGED])
        )
    if not has_role(user, LEGAL_ROLES) and not mine.exists():
        raise Http404
    ctx = {
        "pages": oncall.open_pages_for(user),
        "my_cases": mine.filter(attorney_id=user.pk)[:200],
        "team_cases": mine.exclude(attorney_id=user.pk)[:200],
        "unassigned": unassigned[:200],
        "needs_attorney": access.needing_attorney(user).order_by("created_at")[:200],
        "can_open": has_role(user, LEGAL_ROLES),
    }
    return render(request, "legal/list.html", ctx)


def _open_form(
    request: HttpRequest, *, template: str, roles: list[Role], source: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    group = access.group_for_opening(user, roles)
    form = PersonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case = services.open_case(
                    group=group,
                    opened_by=user,
                    source=source,
                    person=form.person(),
                    attorney=user if source == CaseSource.ATTORNEY and has_role(user, [Role.ATTORNEY]) else None,
                )
            except VigilError as e:
                refused(form, e)
            else:
                return _after_opening(request, user, case)
        status = 400
    return render(request, template, {"form": form, **(extra or {})}, status=status)


def _after_opening(request: HttpRequest, user: User, case: Case) -> HttpResponse:
    if access.team_cases(user).filter(pk=case.pk).exists():
        return redirect("legal:case", pk=case.pk, permanent=False)
    return render(request, "legal/recorded.html", {"case_number": case.pk})


@login_required
@require_second_factor
def new_case(request: HttpRequest) -> HttpResponse:
    return _open_form(request, template="legal/new.html", roles=LEGAL_ROLES, source=CaseSource.ATTORNEY)


@login_required
@require_second_factor
def family_call(request: HttpRequest) -> HttpResponse:
    """The operator's scripted intake when a caller says someone they know was detained."""
    return _open_form(
        request, template="legal/family_call.html", roles=[Role.OPERATOR, Role.COORDINATOR], source=CaseSource.HOTLINE
    )


@login_required
@require_second_factor
def from_incident(request: HttpRequest, incident_pk: int) -> HttpResponse:
    """ "Person detained" on a confirmed incident, by its dispatcher, coordinator or a dispatched observer."""
    user = signed_in_user(request)
    incident = access.incident_for_detention(user, incident_pk)
    form = PersonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case = services.open_from_incident(incident=incident, actor=user, person=form.person())
            except VigilError as e:
                refused(form, e)
                status = e.status
            else:
                return _after_opening(request, user, case)
        else:
            status = 400
    return render(request, "legal/from_incident.html", {"form": form, "incident": incident}, status=status)


@login_required
@require_second_factor
@require_POST
def acknowledge_page(request: HttpRequest, page_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    page = first_or_404(oncall.open_pages_for(user).filter(pk=page_pk))
    try:
        found = oncall.acknowledge(page=page, attorney=user)
    except VigilError as e:
        messages.error(request, e.message)
        return redirect("legal:list")
    return redirect("legal:case", pk=found.pk)


@login_required
@require_second_factor
def rota(request: HttpRequest) -> HttpResponse:
    """The coordinators' rota of attorneys on call."""
    user = signed_in_user(request)
    groups = Group.objects.filter(pk__in=require_coordinator(user)).order_by("pk")
    form = OnCallForm(request.POST or None, groups=list(groups))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                oncall.add_on_call(
                    actor=user,
                    group=data["group"],
                    attorney=data["attorney"],
                    jurisdiction=data["jurisdiction"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    order=data["order"] or 0,
                )
            except VigilError as e:
                refused(form, e)
            else:
                return redirect("legal:rota")
        status = 400
    rows = OnCall.objects.filter(group__in=groups).select_related("attorney", "group").order_by("starts_at")[:500]
    return render(request, "legal/rota.html", {"form": form, "rows": rows}, status=status)


@login_required
@require_second_factor
def locator_tasks(request: HttpRequest) -> HttpResponse:
    """The locator checks due now on the cases of the user's team."""
    user = signed_in_user(request)
    team = access.team_cases(user)
    if not has_role(user, LEGAL_ROLES) and not team.exists():
        raise Http404
    due = locator.due_checks(team).select_related("facility")[:200]
    return render(request, "legal/locator.html", {"due": due})


@login_required
@require_second_factor
def week(request: HttpRequest) -> HttpResponse:
    """The attorney's week: hearings and open deadlines of their cases, seven days from ?start= (today)."""
    user = signed_in_user(request)
    if not has_role(user, [Role.ATTORNEY]):
        raise Http404
    try:
        start = dt.date.fromisoformat(request.GET.get("start", "")) if request.GET.get("start") else None
    except ValueError:
        start = None
    start = start or timezone.localdate()
    hearings, deadlines = calendar.week(user, start)
    days = []
    for offset in range(7):
        day = start + dt.timedelta(days=offset)
        days.append(
            {
                "day": day,
                "hearings": [h for h in hearings if timezone.localdate(h.starts_at) == day],
                "deadlines": [d for d in deadlines if d.due_on == day],
            }
        )
    ctx = {
        "days": days,
        "previous": start - dt.timedelta(days=7),
        "next": start + dt.timedelta(days=7),
    }
    return render(request, "legal/week.html", ctx)


@login_required
@require_second_factor
def rules(request: HttpRequest) -> HttpResponse:
    """The deadline rule table, kept by coordinators with the legal team."""
    user = signed_in_user(request)
    require_coordinator(user)
    form = RuleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            rule = DeadlineRule.objects.filter(pk=data["rule"]).first() if data["rule"] else None
            if data["rule"] and rule is None:
                raise Http404
            try:
                calendar.save_rule(
                    rule=rule,
                    trigger=data["trigger"],
                    title=data["title"],
                    days=data["days"],
                    source=data["source"],
                    active=data["active"],
                )
            except VigilError as e:
                refused(form, e)
            else:
                return redirect("legal:rules")
        status = 400
    rows = [
        (
            r,
            RuleForm(
                initial={
                    "rule": r.pk,
                    "trigger": r.trigger,
                    "title": r.title,
                    "days": r.days,
                    "source": r.source,
                    "active": r.active,
                },
                auto_id=f"r{r.pk}_%s",
            ),
        )
        for r in DeadlineRule.objects.all()
    ]
    return render(request, "legal/rules.html", {"form": form, "rows": rows}, status=status)


@login_required
@require_second_factor
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """Make (or remake) and revoke the attorney's private calendar feed."""
    user = signed_in_user(request)
    if not has_role(user, [Role.ATTORNEY]):
        raise Http404
    url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar.revoke_feed(user=user)
            messages.info(request, _("The calendar feed was revoked."))
            return redirect("legal:calendar")
        token = calendar.new_feed_token(user=user)
        url = request.build_absolute_uri(reverse("legal:feed", args=[token]))
    active = CalendarToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    return render(request, "legal/calendar.html", {"url": url, "active": active})


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private iCalendar feed: no session (calendar apps have none), the unguessable token is the key."""
    owner = calendar.feed_owner(token)
    if owner is None:
        raise Http404
    response = HttpResponse(calendar.feed(owner), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
