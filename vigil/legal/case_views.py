"""The pages of one case. Every view is signed-in, behind the second-factor guard, and gets its case through
`_team_case` (vigil.cases.access: the same 404 for a missing case and one that is not the user's; the open audited).

The case page itself only reads: what the case is, its conflicts, hearings, deadlines, the last locator checks and
the newest events, with links. Each write has its own small page (`_form_page`): GET renders the form alone, POST
writes through vigil.cases services and goes back to the case, a refusal comes back on the same small page with the
reason beside the field (400) or as a notice (409). Nothing sealed is unsealed unless the page shows it: the
identifying details, the person's edit form, the family contacts' page and form and the PDF are reveals, audited.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vigil.accounts.access import first_or_404, group_ids, signed_in_user
from vigil.accounts.mfa import require_second_factor
from vigil.accounts.models import Role, User
from vigil.cases import access, calendar, locator, plans, screening, selectors, services
from vigil.cases.models import Case, CaseEvent, CaseState, Hearing, PlanApproval, PlanDocument
from vigil.evidence.views import bundle_download
from vigil.legal.forms import (
    AssignForm,
    CloseForm,
    DecisionForm,
    EditPersonForm,
    FamilyContactForm,
    HearingForm,
    LocatorForm,
    MemberForm,
    NoteForm,
    PlanLinkForm,
    ResultForm,
    TriggerForm,
)
from vigil.lib.errors import VigilError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HISTORY_ON_PAGE = 20  # newest events on the case page; the rest on the full history
HISTORY_PAGE_SIZE = 100
CHECKS_ON_PAGE = 5


def refused(form: forms.Form, error: VigilError) -> None:
    """Put a service's refusal on `form`: each field's reasons beside it, the rest above the form."""
    if error.fields:
        for name, items in error.fields.items():
            for item in items:
                form.add_error(name if name in form.fields else None, item)
    else:
        form.add_error(None, error.message)


def _team_case(request: HttpRequest, pk: object) -> tuple[User, Case]:
    """The signed-in user and case `pk` of their team: the same 404 for missing and forbidden, the open audited."""
    user = signed_in_user(request)
    return user, access.case_for(user, pk)


def _rows(events: Iterable[CaseEvent]) -> list[tuple[str, str, str, str]]:
    """Events as (when, kind, who, reason) strings, so a page of them renders in one cheap loop."""
    return [
        (
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"),
            e.kind,
            e.actor.get_username() if e.actor else "",
            str(e.data.get("reason", "")) if isinstance(e.data, dict) else "",
        )
        for e in events
    ]


@dataclass(frozen=True)
class Step:
    """One write of a case with its own small page: the form, the words around it, and the service it calls."""

    form: type[forms.Form]
    title: StrOrPromise
    submit: StrOrPromise
    write: Callable[[Case, User, dict[str, Any]], object]
    intro: StrOrPromise = ""
    done: str = "legal:case"  # where a write that went through goes back to (a URL name taking the case's pk)


def _form_page(
    request: HttpRequest,
    user: User,
    found: Case,
    step: Step,
    *,
    initial: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """GET: the step's form alone. POST: valid → write → back to the case; refused → this page with the reason."""
    status = 200
    if request.method == "POST":
        form = step.form(request.POST)
        if form.is_valid():
            try:
                step.write(found, user, form.cleaned_data)
            except VigilError as e:
                refused(form, e)
                status = e.status
            else:
                return redirect(step.done, pk=found.pk)
        else:
            status = 400
    else:
        form = step.form(initial=dict(initial or {}))
    ctx = {"case": found, "form": form, "step": step, "action": request.path, **(extra or {})}
    return render(request, "legal/case_form.html", ctx, status=status)


@login_required
@require_second_factor
def case(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _team_case(request, pk)
    newest = list(found.events.select_related("actor").order_by("-at", "-pk")[: HISTORY_ON_PAGE + 1])
    plan = found.plans.only("pk", "case_id", "released_at").first()  # not the sealed content: the page never shows it
    ctx: dict[str, Any] = {
        "case": found,
        "conflicts": selectors.conflicts_of_case(found),
        "history": _rows(newest[:HISTORY_ON_PAGE]),
        "history_more": len(newest) > HISTORY_ON_PAGE,
        "members": found.members.select_related("user"),
        "can_screen": found.state == CaseState.INTAKE,
        "can_decide": found.state == CaseState.SCREENING,
        "can_close": found.state not in (CaseState.CLOSED, CaseState.SCREENING),
        "is_attorney": found.attorney_id == user.pk,
        "can_assign": found.attorney_id is None and found.group_id in group_ids(user, [Role.COORDINATOR]),
        "plan": plan,
        "plan_approvals": (
            list(PlanApproval.objects.filter(case=found).select_related("user"))
            if plan is not None and plan.released_at is None
            else []
        ),
        "detention_confirmed": plan is not None and plan.released_at is None and plans.detention_confirmed(found),
        "hearings": found.hearings.all(),
        "deadlines": found.deadlines.all(),
        "checks": found.locator_checks.select_related("facility", "transfer_from", "checked_by")[:CHECKS_ON_PAGE],
        "unassigned_reason": found.get_unpaged_display() if found.unpaged and found.attorney_id is None else "",
    }
    return render(request, "legal/case.html", ctx)


@login_required
@require_second_factor
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's whole history, oldest first, HISTORY_PAGE_SIZE events a page (?page=N)."""
    _user, found = _team_case(request, pk)
    pages = Paginator(found.events.select_related("actor").order_by("at", "pk"), HISTORY_PAGE_SIZE)
    page = pages.get_page(request.GET.get("page"))
    return render(request, "legal/history.html", {"case": found, "page": page, "rows": _rows(page.object_list)})


@login_required
@require_second_factor
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _team_case(request, pk)
    return render(request, "legal/reveal.html", {"case": found, "identity": access.reveal(user, found)})


@login_required
@require_second_factor
def edit_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct what is known of the person detained. The form shows the sealed values, so opening it is a reveal."""
    user, found = _team_case(request, pk)
    initial = None
    if request.method != "POST":
        person = access.person_details(user, found)
        initial = {
            "name": person.name,
            "aliases": "\n".join(person.aliases),
            "a_number": person.a_number,
            "birth_date": person.birth_date,
            "country_of_birth": person.country_of_birth,
            "language": person.language,
            "needs": person.needs,
        }
    return _form_page(request, user, found, EDIT_PERSON, initial=initial)


EDIT_PERSON = Step(
    EditPersonForm,
    gettext_lazy("Correct the person's details"),
    gettext_lazy("Save the corrections"),
    lambda case, user, d: services.update_person(case=case, actor=user, person=EditPersonForm.person_of(d)),
    gettext_lazy("This form shows the identifying details: opening it is recorded in the audit trail."),
)


@login_required
@require_second_factor
def family(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's family contacts with links to correct or remove each. It shows the sealed values: a reveal."""
    user, found = _team_case(request, pk)
    ctx = {
        "case": found,
        "contacts": access.family_details(user, found),
        "can_edit": found.state != CaseState.CLOSED,
    }
    return render(request, "legal/family.html", ctx)


FAMILY_ADD = Step(
    FamilyContactForm,
    gettext_lazy("Add a family contact"),
    gettext_lazy("Add the contact"),
    lambda case, user, d: services.add_family_contact(
        case=case, actor=user, contact=FamilyContactForm.contact_of(d)
    ),
    gettext_lazy("The conflict check will also look for this name. A contact with a phone is told by SMS when the "
                 "case is accepted and when the person is transferred."),
    done="legal:family",
)  # fmt: skip


@login_required
@require_second_factor
def family_edit(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Correct one family contact. The form shows its sealed values, so opening it is a reveal."""
    user, found = _team_case(request, pk)
    contact = access.family_contact_for(user, found, contact_pk)
    initial = None
    if request.method != "POST":
        shown = access.family_contact_details(user, contact)
        initial = {"name": shown.name, "phone": shown.phone, "relationship": shown.relationship,
                   "language": shown.language}  # fmt: skip
    step = Step(
        FamilyContactForm,
        gettext_lazy("Correct the family contact"),
        gettext_lazy("Save the corrections"),
        lambda case, actor, d: services.update_family_contact(
            case=case, actor=actor, contact_id=contact.pk, contact=FamilyContactForm.contact_of(d)
        ),
        gettext_lazy("This form shows the contact's name and phone: opening it is recorded in the audit trail."),
        done="legal:family",
    )
    return _form_page(request, user, found, step, initial=initial)


@login_required
@require_second_factor
@require_POST
def family_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    user, found = _team_case(request, pk)
    contact = access.family_contact_for(user, found, contact_pk)
    try:
        services.remove_family_contact(case=found, actor=user, contact_id=contact.pk)
    except VigilError as e:
        messages.error(request, e.message)
    return redirect("legal:family", pk=found.pk)


DECIDE = Step(
    DecisionForm,
    gettext_lazy("Decision"),
    gettext_lazy("Record the decision"),
    lambda case, user, d: screening.decide(case=case, actor=user, decision=d["decision"], reason=d["reason"]),
)
CLOSE = Step(
    CloseForm,
    gettext_lazy("Close the case"),
    gettext_lazy("Close the case"),
    lambda case, user, d: services.close_case(case=case, actor=user, reason=d["reason"]),
)
NOTE = Step(
    NoteForm,
    gettext_lazy("Add a note"),
    gettext_lazy("Add the note"),
    lambda case, user, d: services.add_note(case=case, author=user, text=d["text"]),
)


def _add_member(case: Case, user: User, data: dict[str, Any]) -> object:
    colleague = User.objects.filter(username=data["username"]).first()
    if colleague is None:
        raise VigilError(_("Only members of the case's group can join its team."), code="not_member")
    return services.add_member(case=case, user=colleague, actor=user)


MEMBER = Step(MemberForm, gettext_lazy("Case team"), gettext_lazy("Add to the team"), _add_member)


def _assign(case: Case, user: User, data: dict[str, Any]) -> object:
    if case.group_id not in group_ids(user, [Role.COORDINATOR]):
        raise VigilError(_("A coordinator of the case's group assigns its attorney."), code="forbidden", status=403)
    attorney = User.objects.filter(username=data["username"]).first()
    if attorney is None:
        raise VigilError(_("Only an attorney of the case's group can take the case."), code="not_attorney")
    return services.assign_attorney(case=case, attorney=attorney, actor=user)


ASSIGN = Step(
    AssignForm,
    gettext_lazy("Assign an attorney"),
    gettext_lazy("Assign"),
    _assign,
    gettext_lazy("For a case nobody on call took: name an attorney of the group. They are told on their cases page."),
)
LOCATOR = Step(
    LocatorForm,
    gettext_lazy("Record a locator check"),
    gettext_lazy("Record the check"),
    lambda case, user, d: locator.record_check(
        case=case, actor=user, result=d["result"], checked_on=d["checked_on"], facility_code=d["facility"]
    ),
    gettext_lazy("Look the person up by hand in ICE's Online Detainee Locator and EOIR's case status, then write down "
                 "what you saw."),
)  # fmt: skip
HEARING = Step(
    HearingForm,
    gettext_lazy("Add a hearing"),
    gettext_lazy("Add the hearing"),
    lambda case, user, d: calendar.add_hearing(
        case=case, actor=user, kind=d["kind"], court=d["court"], judge=d["judge"], starts_at=d["starts_at"]
    ),
)
TRIGGER = Step(
    TriggerForm,
    gettext_lazy("Record what happened"),
    gettext_lazy("Record it and compute the deadlines"),
    lambda case, user, d: calendar.record_trigger(
        case=case, actor=user, trigger=d["trigger"], occurred_on=d["occurred_on"]
    ),
    gettext_lazy("Computed in calendar days from the rule table; check each against its source (holidays, service "
                 "by mail, tolling)."),
)  # fmt: skip
PLAN_LINK = Step(
    PlanLinkForm,
    gettext_lazy("Link the family's plan"),
    gettext_lazy("Link the plan"),
    lambda case, user, d: plans.link_plan(case=case, actor=user, code=d["code"]),
)


def _step_view(step: Step) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_second_factor
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user, found = _team_case(request, pk)
        return _form_page(request, user, found, step)

    return view


decide = _step_view(DECIDE)
close = _step_view(CLOSE)
note = _step_view(NOTE)
member = _step_view(MEMBER)
assign = _step_view(ASSIGN)
locator_check = _step_view(LOCATOR)
hearing = _step_view(HEARING)
trigger = _step_view(TRIGGER)
plan_link = _step_view(PLAN_LINK)
family_add = _step_view(FAMILY_ADD)


@login_required
@require_second_factor
def hearing_result(request: HttpRequest, hearing_pk: int) -> HttpResponse:
    """Record a hearing's result; an outcome that is a trigger (a decision, a bond decision) computes its deadlines."""
    user = signed_in_user(request)
    found: Hearing = access.hearing_for(user, hearing_pk)
    step = Step(
        ResultForm,
        gettext_lazy("Record the result"),
        gettext_lazy("Record the result"),
        lambda _case, actor, d: calendar.record_result(
            hearing=found, actor=actor, result=d["result"], outcome=d["outcome"]
        ),
    )
    return _form_page(request, user, found.case, step, extra={"hearing": found})


def _one_button(request: HttpRequest, pk: int, action: Callable[[Case, User], object]) -> HttpResponse:
    """A one-button action on a case of the user's team: do it, say why if refused, back to the case page."""
    user, found = _team_case(request, pk)
    try:
        action(found, user)
    except VigilError as e:
        messages.error(request, e.message)
    return redirect("legal:case", pk=found.pk)


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
    return _one_button(request, pk, lambda case, user: services.start_screening(case=case, actor=user))


@login_required
@require_second_factor
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _one_button(request, pk, lambda case, user: plans.approve_release(case=case, actor=user))


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
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _team_case(request, pk)
    plan, content = plans.released_plan(user, found)
    ctx = {"case": found, "plan": plan, "content": content, "documents": plan.documents.order_by("pk")}
    return render(request, "legal/plan_released.html", ctx)


@login_required
@require_second_factor
def plan_document(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    user, found = _team_case(request, pk)
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

    user, found = _team_case(request, pk)
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

    user, found = _team_case(request, pk)
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
