"""Case pages. Each view is signed-in, behind the second-factor guard, and gets its case through vigil.cases.access
(the same 404 for a missing case and one that is not the user's). Writes go through vigil.cases.services; a refusal
comes back as the page with the reason beside the field (400) or as a notice (409)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts.access import first_or_404, has_role, require_coordinator, signed_in_user
from vigil.accounts.mfa import require_second_factor
from vigil.accounts.models import Group, Role, User
from vigil.cases import access, calendar, locator, oncall, plans, screening, selectors, services
from vigil.cases.models import (
    CalendarToken,
    Case,
    CaseSource,
    CaseState,
    DeadlineRule,
    OnCall,
    PlanApproval,
    PlanDocument,
)
from vigil.evidence.views import bundle_download
from vigil.legal.forms import (
    DecisionForm,
    HearingForm,
    LocatorForm,
    MemberForm,
    NoteForm,
    OnCallForm,
    PersonForm,
    PlanLinkForm,
    ResultForm,
    RuleForm,
    TriggerForm,
)
from vigil.lib.errors import VigilError

LEGAL_ROLES = [Role.ATTORNEY, Role.COORDINATOR]


def _refused(form: forms.Form, error: VigilError) -> None:
    if error.fields:
        for name, items in error.fields.items():
            for item in items:
                form.add_error(name if name in form.fields else None, item)
    else:
        form.add_error(None, error.message)


@login_required
@require_second_factor
def case_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    mine = access.team_cases(user).select_related("attorney").order_by("-created_at")
    unassigned = access.unassigned_cases(user).order_by("created_at")
    jurisdictions = set(OnCall.objects.filter(attorney_id=user.pk).values_list("jurisdiction", flat=True))
    if jurisdictions:
        unassigned = unassigned.filter(Q(jurisdiction__in=jurisdictions) | Q(jurisdiction=""))
    if not has_role(user, LEGAL_ROLES) and not mine.exists():
        raise Http404
    ctx = {
        "pages": oncall.open_pages_for(user),
        "my_cases": mine.filter(attorney_id=user.pk)[:200],
        "team_cases": mine.exclude(attorney_id=user.pk)[:200],
        "unassigned": unassigned[:200],
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
                _refused(form, e)
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
                _refused(form, e)
                status = e.status
            else:
                return _after_opening(request, user, case)
        else:
            status = 400
    return render(request, "legal/from_incident.html", {"form": form, "incident": incident}, status=status)


def _history(case: Case) -> list[tuple[str, str, str, str]]:
    """The case's events as (when, kind, who, reason) strings: a page of 200 events renders them in one loop."""
    rows = case.events.select_related("actor").order_by("at", "pk")
    return [
        (
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"),
            e.kind,
            e.actor.get_username() if e.actor else "",
            str(e.data.get("reason", "")) if isinstance(e.data, dict) else "",
        )
        for e in rows
    ]


def _case_page(request: HttpRequest, case: Case, *, status: int = 200, **forms_: forms.Form) -> HttpResponse:
    user = signed_in_user(request)
    ctx: dict[str, Any] = {
        "case": case,
        "conflicts": selectors.conflicts_of_case(case),
        "history": _history(case),
        "members": case.members.select_related("user"),
        "can_screen": case.state == CaseState.INTAKE,
        "can_decide": case.state == CaseState.SCREENING,
        "can_close": case.state != CaseState.CLOSED and case.state != CaseState.SCREENING,
        "is_attorney": case.attorney_id == user.pk,
        "decision_form": forms_.get("decision_form") or DecisionForm(),
        "note_form": forms_.get("note_form") or NoteForm(),
        "member_form": forms_.get("member_form") or MemberForm(),
        "locator_form": forms_.get("locator_form") or LocatorForm(),
        "hearing_form": forms_.get("hearing_form") or HearingForm(),
        "plan_link_form": forms_.get("plan_link_form") or PlanLinkForm(),
        "plan": case.plans.first(),
        "plan_approvals": list(PlanApproval.objects.filter(case=case).select_related("user")),
        "detention_confirmed": plans.detention_confirmed(case),
        "trigger_form": forms_.get("trigger_form") or TriggerForm(),
        "result_form": ResultForm(),
        "hearings": case.hearings.all(),
        "deadlines": case.deadlines.all(),
        "checks": case.locator_checks.select_related("facility", "transfer_from", "checked_by")[:50],
    }
    return render(request, "legal/case.html", ctx, status=status)


@login_required
@require_second_factor
def case(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, access.case_for(signed_in_user(request), pk))


@login_required
@require_second_factor
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = access.case_for(user, pk)
    return render(request, "legal/reveal.html", {"case": found, "identity": access.reveal(user, found)})


@login_required
@require_second_factor
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = access.case_to_take(user, pk)
    services.assign_attorney(case=found, attorney=user, actor=user)
    return redirect("legal:case", pk=found.pk)


@login_required
@require_second_factor
@require_POST
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_step(request, pk, lambda case, user: services.start_screening(case=case, actor=user))


def _case_step(request: HttpRequest, pk: int, step: Callable[[Case, User], object]) -> HttpResponse:
    """A one-button action on a case of the user's team: do it, say why if refused, back to the case page."""
    user = signed_in_user(request)
    found = access.case_for(user, pk)
    try:
        step(found, user)
    except VigilError as e:
        messages.error(request, e.message)
    return redirect("legal:case", pk=found.pk)


@login_required
@require_second_factor
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = access.case_for(user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            screening.decide(
                case=found, actor=user, decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"]
            )
        except VigilError as e:
            _refused(form, e)
            return _case_page(request, found, status=e.status, decision_form=form)
        return redirect("legal:case", pk=found.pk)
    return _case_page(request, found, status=400, decision_form=form)


@login_required
@require_second_factor
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = access.case_for(user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(case=found, author=user, text=form.cleaned_data["text"])
        except VigilError as e:
            _refused(form, e)
            return _case_page(request, found, status=e.status, note_form=form)
        return redirect(reverse("legal:case", args=[found.pk]))
    return _case_page(request, found, status=400, note_form=form)


@login_required
@require_second_factor
@require_POST
def member(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = access.case_for(user, pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        colleague = User.objects.filter(username=form.cleaned_data["username"]).first()
        try:
            if colleague is None:
                raise VigilError(_("Only members of the case's group can join its team."), code="not_member")
            services.add_member(case=found, user=colleague, actor=user)
        except VigilError as e:
            _refused(form, e)
            return _case_page(request, found, status=e.status, member_form=form)
        return redirect("legal:case", pk=found.pk)
    return _case_page(request, found, status=400, member_form=form)


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
                _refused(form, e)
            else:
                return redirect("legal:rota")
        status = 400
    rows = OnCall.objects.filter(group__in=groups).select_related("attorney", "group").order_by("starts_at")[:500]
    return render(request, "legal/rota.html", {"form": form, "rows": rows}, status=status)


@login_required
@require_second_factor
@require_POST
def locator_check(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = access.case_for(user, pk)
    form = LocatorForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            locator.record_check(
                case=found,
                actor=user,
                result=data["result"],
                checked_on=data["checked_on"],
                facility_code=data["facility"],
            )
        except VigilError as e:
            _refused(form, e)
            return _case_page(request, found, status=e.status, locator_form=form)
        return redirect("legal:case", pk=found.pk)
    return _case_page(request, found, status=400, locator_form=form)


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


def _case_form(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    name: str,
    write: Callable[[Case, User, dict[str, Any]], object],
) -> HttpResponse:
    """A POST form of the case page: valid → write → back to the case; refused → the page with the reason."""
    user = signed_in_user(request)
    found = access.case_for(user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            write(found, user, form.cleaned_data)
        except VigilError as e:
            _refused(form, e)
            return _case_page(request, found, status=e.status, **{name: form})
        return redirect("legal:case", pk=found.pk)
    return _case_page(request, found, status=400, **{name: form})


@login_required
@require_second_factor
@require_POST
def hearing(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_form(
        request,
        pk,
        HearingForm,
        "hearing_form",
        lambda case, user, d: calendar.add_hearing(
            case=case, actor=user, kind=d["kind"], court=d["court"], judge=d["judge"], starts_at=d["starts_at"]
        ),
    )


@login_required
@require_second_factor
@require_POST
def trigger(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_form(
        request,
        pk,
        TriggerForm,
        "trigger_form",
        lambda case, user, d: calendar.record_trigger(
            case=case, actor=user, trigger=d["trigger"], occurred_on=d["occurred_on"]
        ),
    )


@login_required
@require_second_factor
@require_POST
def hearing_result(request: HttpRequest, hearing_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = access.hearing_for(user, hearing_pk)
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            calendar.record_result(hearing=found, actor=user, result=form.cleaned_data["result"])
        except VigilError as e:
            messages.error(request, "; ".join(str(m) for items in e.fields.values() for m in items) or e.message)
    return redirect("legal:case", pk=found.case_id)


@login_required
@require_second_factor
@require_POST
def deadline_done(request: HttpRequest, deadline_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = access.deadline_for(user, deadline_pk)
    calendar.mark_done(deadline=found, actor=user)
    return redirect("legal:case", pk=found.case_id)


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
                _refused(form, e)
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


@login_required
@require_second_factor
@require_POST
def plan_link(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_form(
        request,
        pk,
        PlanLinkForm,
        "plan_link_form",
        lambda case, user, d: plans.link_plan(case=case, actor=user, code=d["code"]),
    )


@login_required
@require_second_factor
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_step(request, pk, lambda case, user: plans.approve_release(case=case, actor=user))


@login_required
@require_second_factor
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = access.case_for(user, pk)
    plan, content = plans.released_plan(user, found)
    ctx = {"case": found, "plan": plan, "content": content, "documents": plan.documents.order_by("pk")}
    return render(request, "legal/plan_released.html", ctx)


@login_required
@require_second_factor
def plan_document(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = access.case_for(user, pk)
    plan, _content = plans.released_plan(user, found)
    doc = first_or_404(PlanDocument.objects.filter(plan=plan, pk=doc_pk))
    _name, data = plans.document_data(doc)
    response = HttpResponse(data, content_type=doc.media_type)
    response["Content-Disposition"] = f'attachment; filename="case-{found.pk}-plan-document-{doc.pk}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_second_factor
@require_POST
def bundle(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The linked incident's evidence as the court bundle (custody events included), for the case team."""
    from vigil.evidence import bundles

    user = signed_in_user(request)
    found = access.case_for(user, pk)
    if found.incident is None:
        messages.error(request, _("This case has no incident, so no evidence to export."))
        return redirect("legal:case", pk=found.pk)
    tmp = tempfile.NamedTemporaryFile(prefix="vigil-case-bundle-", suffix=".zip")
    try:
        export = bundles.export_incident(incident=found.incident, user=user, dest=tmp)
    except VigilError as exc:
        tmp.close()
        messages.error(request, exc.message)
        return redirect("legal:case", pk=found.pk)
    services.record_event(found, "bundle_exported", user, export=str(export.id), incident=found.incident.pk)
    return bundle_download(tmp, f"vigil-case-{found.pk}-incident-{found.incident.pk}-{export.id}.zip")


@login_required
@require_second_factor
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable case summary for the attorney (it shows the sealed details: the reading is audited)."""
    from vigil.evidence.bundles import custody_report_pdf

    user = signed_in_user(request)
    found = access.case_for(user, pk)
    ctx = {
        "case": found,
        "identity": access.reveal(user, found),
        "hearings": found.hearings.all(),
        "deadlines": found.deadlines.filter(done_at__isnull=True),
        "checks": found.locator_checks.select_related("facility", "transfer_from")[:20],
        "events": found.events.select_related("actor").order_by("at", "pk"),
        "printed_by": user,
        "printed_at": timezone.now(),
    }
    html = render_to_string("legal/summary_pdf.html", ctx, request=request)
    response = HttpResponse(custody_report_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="vigil-case-{found.pk}-summary.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


class CloseForm(forms.Form):
    reason = forms.CharField(max_length=4000)


@login_required
@require_second_factor
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the case with a reason (the team's attorney or a coordinator)."""
    return _case_form(
        request,
        pk,
        CloseForm,
        "close_form",
        lambda case, user, d: services.close_case(case=case, actor=user, reason=d["reason"]),
    )
