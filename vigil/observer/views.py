"""The observer's phone view: shift, incoming dispatches, the code of conduct, and each step on scene.

Plain POST forms (they work without JavaScript); htmx polls the inbox fragment for incoming dispatches. Every object
comes through vigil.network.access (same 404 for missing and forbidden). A form with bad input answers 400, a step
that is not possible in the dispatch's current status answers 409; both show the page again with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigil.accounts.access import signed_in_user
from vigil.hotline.models import Report, Verdict
from vigil.lib.errors import VigilError
from vigil.network import access, notify, selectors, shifts
from vigil.network import dispatch as network_dispatch
from vigil.network import observers as network_observers
from vigil.network.models import ATTENDED_STATUSES, ENGAGED_STATUSES, Dispatch, DispatchStatus, Observer
from vigil.observer.forms import AcceptForm, CodeOfConductForm, ObservationForm, ShiftForm, VerdictForm
from vigil.places import config
from vigil.public import selectors as public_selectors


def _observer(request: HttpRequest) -> Observer:
    return access.observer_for(signed_in_user(request))


def _inbox_context(observer: Observer) -> dict[str, Any]:
    shift = shifts.open_shift(observer)
    checkin_minutes = config.current().checkin_minutes
    incoming = []
    for dispatch in selectors.incoming_dispatches(observer):
        km = selectors.distance_km(selectors.incident_cell(dispatch.incident), shift.cell) if shift else None
        incoming.append({"dispatch": dispatch, "km": km})
    current = [
        {"dispatch": d, "due_at": selectors.check_in_due_at(d, checkin_minutes=checkin_minutes)}
        for d in selectors.current_dispatches(observer)
    ]
    return {
        "incoming": incoming,
        "current": current,
        "notifications": list(selectors.unread_notifications(observer.user_id, limit=5)),
        "now": timezone.now(),
    }


def _home_context(observer: Observer, *, shift_form: ShiftForm | None = None) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "observer": observer,
        "shift": shifts.open_shift(observer),
        "scheduled": shifts.scheduled_shift(observer),
        "code_accepted": observer.code_accepted_at is not None,
        "training_current": observer.training_expires_on is not None and observer.training_expires_on >= today,
        "shift_form": shift_form or ShiftForm(observer=observer),
        "recent": list(selectors.recent_dispatches(observer, limit=5)),
        **_inbox_context(observer),
    }


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    observer = _observer(request)
    return render(request, "observer/home.html", _home_context(observer))


@login_required
@require_GET
def rights(request: HttpRequest) -> HttpResponse:
    """Know-your-rights, all topics on one page inside the app's scope, so the service worker keeps it for offline use
    (an observer may need to tell a neighbour their rights where there is no signal)."""
    _observer(request)
    language = translation.get_language() or "en"
    pages = [page for _slug, page in public_selectors.rights_index(language) if page is not None]
    return render(request, "observer/rights.html", {"pages": pages})


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The polled fragment: incoming dispatches, the current one, unread notices (pre-rendered HTML)."""
    observer = _observer(request)
    response = render(request, "observer/_inbox.html", _inbox_context(observer))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    _observer(request)
    notification = access.notification_for(signed_in_user(request), pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect("observer:home")


@login_required
def code_of_conduct(request: HttpRequest) -> HttpResponse:
    observer = _observer(request)
    form = CodeOfConductForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            network_observers.accept_code_of_conduct(observer=observer, actor=signed_in_user(request))
            messages.success(request, _("Thank you. You can now be dispatched."))
            return redirect("observer:home")
        status = 400
    elif request.method == "GET":
        status = 200
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    ctx = {"observer": observer, "form": form, "code": notify.code_of_conduct()}
    return render(request, "observer/code.html", ctx, status=status)


@login_required
@require_POST
def shift_on(request: HttpRequest) -> HttpResponse:
    observer = _observer(request)
    if observer.code_accepted_at is None:
        messages.error(request, _("Accept the code of conduct before going on shift."))
        return redirect("observer:code")
    form = ShiftForm(request.POST, observer=observer)
    if form.is_valid():
        try:
            shifts.go_on_shift(observer=observer, cell=form.cleaned_data["cell"], hours=form.cleaned_data["hours"])
        except VigilError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("You are on shift. Keep this page open to see dispatches."))
            return redirect("observer:home")
    return render(request, "observer/home.html", _home_context(observer, shift_form=form), status=400)


@login_required
@require_POST
def shift_off(request: HttpRequest) -> HttpResponse:
    observer = _observer(request)
    try:
        network_dispatch.go_off_shift(observer=observer)
    except VigilError as error:
        messages.error(request, error.message)
        return render(request, "observer/home.html", _home_context(observer), status=409)
    messages.success(request, _("You are off shift. Your location is no longer kept."))
    return redirect("observer:home")


# --- one dispatch -----------------------------------------------------------------------------------------------


def _evidence_upload_url(dispatch: Dispatch) -> str:
    try:
        return reverse("evidence:upload", args=[dispatch.pk])
    except NoReverseMatch:
        return ""


def _dispatch_context(observer: Observer, dispatch: Dispatch, **forms: Form) -> dict[str, Any]:
    incident = dispatch.incident
    shift = shifts.open_shift(observer)
    engaged = dispatch.status in ATTENDED_STATUSES
    checkin_minutes = config.current().checkin_minutes
    ctx: dict[str, Any] = {
        "observer": observer,
        "dispatch": dispatch,
        "incident": incident,
        "km": selectors.distance_km(selectors.incident_cell(incident), shift.cell) if shift else None,
        "code": notify.code_of_conduct(),
        "engaged": engaged,
        "can_answer": dispatch.status == DispatchStatus.SENT,
        "can_arrive": dispatch.status == DispatchStatus.ACCEPTED,
        "can_act": dispatch.status in ENGAGED_STATUSES,
        "can_propose": engaged,
        "due_at": selectors.check_in_due_at(dispatch, checkin_minutes=checkin_minutes),
        "checkin_minutes": checkin_minutes,
        "observations": list(dispatch.observations.all()),
        "accept_form": forms.get("accept_form") or AcceptForm(),
        "observation_form": forms.get("observation_form") or ObservationForm(),
        "verdict_form": forms.get("verdict_form")
        or VerdictForm(
            initial={"verdict": dispatch.proposed_verdict or None, "note": dispatch.proposed_note}, auto_id="verdict_%s"
        ),
        "upload_url": _evidence_upload_url(dispatch) if engaged else "",
        "proposed_label": Verdict(dispatch.proposed_verdict).label if dispatch.proposed_verdict else "",
        "now": timezone.now(),
    }
    if engaged:
        # Where to go, and what was reported, only for an observer who accepted: an offer shows the distance alone.
        reports = Report.objects.filter(incident=incident).order_by("received_at")
        ctx["reports"] = list(reports.only(
            "size", "activity", "location_text", "uniform", "equipment", "seen_at", "held", "review_reason"
        ))
    return ctx


def _render_dispatch(
    request: HttpRequest, observer: Observer, dispatch: Dispatch, *, status: int = 200, **forms: Form
) -> HttpResponse:
    return render(request, "observer/dispatch.html", _dispatch_context(observer, dispatch, **forms), status=status)


@login_required
@require_GET
def dispatch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    observer = _observer(request)
    dispatch = access.dispatch_for_observer(signed_in_user(request), pk, audited=True)
    return _render_dispatch(request, observer, dispatch)


def _step(
    request: HttpRequest,
    pk: int,
    do: Callable[[Dispatch], object],
    done: str,
    *,
    form: Form | None = None,
    form_name: str = "",
    then: str = "observer:dispatch",
) -> HttpResponse:
    """Run one observer step on one of the user's dispatches: 400 on a bad form, 409 when the step is not possible."""
    observer = _observer(request)
    dispatch = access.dispatch_for_observer(signed_in_user(request), pk)
    forms = {form_name: form} if form is not None and form_name else {}
    if form is not None and not form.is_valid():
        return _render_dispatch(request, observer, dispatch, status=400, **forms)
    try:
        do(dispatch)
    except VigilError as error:
        messages.error(request, error.message)
        dispatch.refresh_from_db()
        return _render_dispatch(request, observer, dispatch, status=409, **forms)
    messages.success(request, done)
    return redirect(then, pk) if then == "observer:dispatch" else redirect(then)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    form = AcceptForm(request.POST)
    return _step(
        request, pk,
        lambda d: network_dispatch.accept_dispatch(dispatch=d, actor=user, code_acknowledged=True),
        _("Accepted. Go safely, with your partner, and check in on the way."),
        form=form, form_name="accept_form",
    )  # fmt: skip


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return _step(
        request, pk, lambda d: network_dispatch.decline_dispatch(dispatch=d, actor=user),
        _("Declined. The next observer is being asked."), then="observer:home",
    )  # fmt: skip


@login_required
@require_POST
def arrive(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return _step(request, pk, lambda d: network_dispatch.mark_arrived(dispatch=d, actor=user), _("Marked on scene."))


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return _step(request, pk, lambda d: network_dispatch.check_in(dispatch=d, actor=user), _("Checked in. Thank you."))


@login_required
@require_POST
def observe(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    form = ObservationForm(request.POST)

    def record(d: Dispatch) -> object:
        data = form.cleaned_data
        return network_dispatch.record_observation(
            dispatch=d, actor=user, size=data["size"], activity=data["activity"], location=data["location"],
            uniform=data["uniform"], time_seen=data["time_seen"], equipment=data["equipment"], note=data["note"],
            device_time=data["device_time"],
        )  # fmt: skip

    return _step(request, pk, record, _("Observation recorded."), form=form, form_name="observation_form")


@login_required
@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    form = VerdictForm(request.POST, auto_id="verdict_%s")

    def record(d: Dispatch) -> object:
        return network_dispatch.propose_verdict(
            dispatch=d, actor=user, verdict=form.cleaned_data["verdict"], note=form.cleaned_data["note"]
        )

    return _step(
        request, pk, record, _("Verdict proposed. The dispatcher will record it."), form=form, form_name="verdict_form"
    )


@login_required
@require_POST
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return _step(
        request, pk, lambda d: network_dispatch.check_out_safe(dispatch=d, actor=user),
        _("Checked out safe. Thank you for observing."),
    )  # fmt: skip
