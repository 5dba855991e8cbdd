"""The public family preparedness plan (/plan/): no account, a plan code and a passphrase.

Opening a plan is rate-limited per client and per code (counted on keyed hashes in the cache, nothing stored) and
answers the same for an unknown code and a wrong passphrase. An opened plan is held in the session for
OPEN_SECONDS; closing the page forgets it.
"""

from __future__ import annotations

import time

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.cases import plans
from vigil.cases.models import FamilyPlan, PlanDocument
from vigil.hotline.access import client_address, within_rate
from vigil.legal.forms import PlanDocumentForm, PlanForm, PlanOpenForm
from vigil.lib.errors import VigilError

SESSION_KEY = "vigil_family_plan"
OPEN_SECONDS = 30 * 60
TRIES_PER_MINUTE = 5


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


def _opened(request: HttpRequest) -> FamilyPlan:
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict) or time.time() - float(held.get("at", 0)) > OPEN_SECONDS:
        request.session.pop(SESSION_KEY, None)
        raise Http404
    pk = held.get("id")
    plan = FamilyPlan.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if plan is None:
        request.session.pop(SESSION_KEY, None)
        raise Http404
    return plan


def _hold(request: HttpRequest, plan: FamilyPlan) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"id": plan.pk, "at": time.time()}


def start(request: HttpRequest) -> HttpResponse:
    """Create a plan, or open one with its code and passphrase."""
    form = PlanForm(request.POST if request.POST.get("action") == "create" else None)
    open_form = PlanOpenForm(request.POST if request.POST.get("action") == "open" else None)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "create":
        if form.is_valid():
            try:
                plan, code, passphrase = plans.create_plan(content=form.content(), language=get_language() or "en")
            except VigilError as e:
                for name, items in e.fields.items():
                    for item in items:
                        form.add_error(name if name in form.fields else None, item)
            else:
                _hold(request, plan)
                return _private(render(request, "legal/plan/created.html", {"code": code, "passphrase": passphrase}))
        status = 400
    elif request.method == "POST" and request.POST.get("action") == "open":
        status = 400
        if open_form.is_valid():
            code = plans.normal_code(open_form.cleaned_data["code"])
            if not (
                within_rate(client_address(request), scope="plan-open", per_minute=TRIES_PER_MINUTE)
                and within_rate(code, scope="plan-code", per_minute=TRIES_PER_MINUTE)
            ):
                open_form.add_error(None, _("Too many tries. Wait a minute and try again."))
                status = 429
            else:
                opened = plans.open_plan(code=code, passphrase=open_form.cleaned_data["passphrase"])
                if opened is not None:
                    _hold(request, opened)
                    return redirect("plan:mine")
                open_form.add_error(None, _("The plan code or the passphrase is not right."))
    ctx = {"form": form, "open_form": open_form}
    return _private(render(request, "legal/plan/start.html", ctx, status=status))


def mine(request: HttpRequest) -> HttpResponse:
    plan = _opened(request)
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                plans.update_plan(plan=plan, content=form.content())
            except VigilError as e:
                for name, items in e.fields.items():
                    for item in items:
                        form.add_error(name if name in form.fields else None, item)
            else:
                return redirect("plan:mine")
        status = 400
    else:
        form = PlanForm(initial=PlanForm.initial_from(plans.content_of(plan)))
    ctx = {
        "plan": plan,
        "form": form,
        "document_form": PlanDocumentForm(),
        "documents": plan.documents.order_by("pk"),
    }
    return _private(render(request, "legal/plan/mine.html", ctx, status=status))


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    plan = _opened(request)
    form = PlanDocumentForm(request.POST, request.FILES)
    error = ""
    status = 400
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        from django.conf import settings

        if upload_file.size > settings.VIGIL_PLAN_DOCUMENT_MAX_BYTES:
            error = _("The file is too large: at most %(mb)s MB.") % {
                "mb": settings.VIGIL_PLAN_DOCUMENT_MAX_BYTES // (1024 * 1024) or 1
            }
            status = 413
        else:
            try:
                plans.add_document(
                    plan=plan,
                    name=upload_file.name or "",
                    media_type=upload_file.content_type or "",
                    data=upload_file.read(),
                )
            except VigilError as e:
                error, status = e.message, e.status
            else:
                return redirect("plan:mine")
    else:
        error = _("Choose a file.")
    return _private(render(request, "legal/plan/refused.html", {"error": error}, status=status))


def document(request: HttpRequest, doc_pk: int) -> HttpResponse:
    plan = _opened(request)
    doc = PlanDocument.objects.filter(plan=plan, pk=doc_pk).first()
    if doc is None:
        raise Http404
    _name, data = plans.document_data(doc)
    response = HttpResponse(data, content_type=doc.media_type)
    response["Content-Disposition"] = f'attachment; filename="plan-document-{doc.pk}"'
    return _private(response)


@require_POST
def delete_document(request: HttpRequest, doc_pk: int) -> HttpResponse:
    plan = _opened(request)
    PlanDocument.objects.filter(plan=plan, pk=doc_pk).delete()
    return redirect("plan:mine")


@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    plan = _opened(request)
    plans.delete_plan(plan=plan)
    request.session.pop(SESSION_KEY, None)
    return _private(render(request, "legal/plan/deleted.html"))


@require_POST
def close(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("plan:start")
