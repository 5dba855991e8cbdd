"""The dispatcher console: live queue, map feed, one incident's file and the triage actions.

Every view needs a signed-in dispatcher or coordinator (others get the same 404 as for a missing page) and gets its
incident through `vigil.hotline.access.incident_for`. Actions are plain POST forms answered with a redirect (303) on
success and the incident page with the reason on refusal: 400 for bad input, 409 when the incident's state does not
allow the step. htmx only enhances: polling fragments, and in-place swaps of those same responses.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigil.accounts.access import audit, require_role, signed_in_user
from vigil.accounts.models import User
from vigil.console import selectors
from vigil.console.forms import DispatchForm, MergeForm, QueueFilterForm, ReopenForm, SplitForm, VerdictForm
from vigil.hotline import triage
from vigil.hotline.access import incident_for, report_contact_for
from vigil.hotline.models import Incident, Verdict
from vigil.lib.compression import never_compress
from vigil.lib.errors import VigilError
from vigil.network import dispatch as network_dispatch
from vigil.places import config

VERSION_HEADER = "X-Queue-Version"
INCIDENT_VERSION_HEADER = "X-Incident-Version"

# --- forms ------------------------------------------------------------------------------------------------------


# --- helpers ----------------------------------------------------------------------------------------------------


def _console_user(request: HttpRequest) -> User:
    """The signed-in user if they work the console somewhere; else 404 (as for a page that does not exist)."""
    user = signed_in_user(request)
    require_role(user, selectors.CONSOLE_ROLES)
    return user


def _incident(request: HttpRequest, pk: int) -> tuple[User, Incident]:
    user = _console_user(request)
    return user, incident_for(user, pk, selectors.CONSOLE_ROLES)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _incident_context(request: HttpRequest, user: User, incident: Incident, **overrides: object) -> dict[str, object]:
    candidates = selectors.merge_candidates(user, incident) if incident.is_open else []
    reports = selectors.incident_reports(incident)
    dispatches = selectors.incident_dispatches(incident)
    actions = triage.allowed_actions(incident, report_count=len(reports))
    choices = (
        selectors.observer_choices(incident, pair_size=config.current().dispatch_pair_size) if actions.dispatch else []
    )
    ctx: dict[str, object] = {
        "incident": incident,
        "reports": reports,
        "joins": selectors.report_joins(incident, reports),
        "observer_choices": choices,
        "incident_map": selectors.incident_map(incident, reports, choices),
        "public_copies": selectors.public_copies(incident),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        "dispatches": dispatches,
        "events": selectors.incident_events(incident),
        "measures": selectors.incident_measures(incident),
        "version": selectors.incident_version(incident, language=get_language()),
        "age": selectors.human_age(timezone.now() - incident.first_report_at),
        "can_read_contacts": selectors.can_read_contacts(user, incident),
        "revealed": {},
        "verdict_form": VerdictForm(
            initial={"verdict": incident.verdict or _proposed(dispatches), "note": incident.verdict_note}
        ),
        "merge_form": MergeForm(candidates=candidates),
        "dispatch_form": DispatchForm(),
        "reopen_form": ReopenForm(),
        "split_errors": [],
        "error": None,
        "can_dispatch": actions.dispatch,
        "can_split": actions.split,
        "can_merge": actions.merge,
        "can_verify": actions.verify,
        "can_judge": actions.judge,
        "can_close": actions.close,
        "can_reopen": actions.reopen,
    }
    ctx.update(overrides)
    return ctx


def _proposed(dispatches: list[selectors.DispatchView]) -> str:
    """The verdict observers proposed last, to preselect (the dispatcher still decides)."""
    proposals = [d.dispatch.proposed_verdict for d in dispatches if d.dispatch.proposed_verdict]
    return proposals[-1] if proposals else ""


def _refuse(
    request: HttpRequest, user: User, incident: Incident, message: str, *, status: int = 400, **overrides: object
) -> HttpResponse:
    """The incident page again, with why the action was refused (and what the user typed)."""
    incident.refresh_from_db()
    ctx = _incident_context(request, user, incident, error=message, **overrides)
    return render(request, "console/incident.html", ctx, status=status)


def _refuse_triage(
    request: HttpRequest, user: User, incident: Incident, refusal: VigilError, **overrides: object
) -> HttpResponse:
    """The incident page with triage's refusal: 409 when the state does not allow the step, else 400."""
    status = 409 if isinstance(refusal, triage.IllegalTransition) else 400
    return _refuse(request, user, incident, str(refusal), status=status, **overrides)


def _done(request: HttpRequest, incident: Incident, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("console:incident", args=[incident.pk]), permanent=False)


def _form_error(form: forms.Form) -> str:
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


# --- queue ------------------------------------------------------------------------------------------------------


def _queue_filters(request: HttpRequest, user: User) -> QueueFilterForm:
    """The queue's filters from the query string (unbound, i.e. no filter, when there is none)."""
    return QueueFilterForm(request.GET or None, user=user)


def _filter_values(form: QueueFilterForm) -> tuple[str, str, selectors.Search]:
    if not form.is_bound:
        return "", "", selectors.Search()
    data = form.cleaned_data
    search = selectors.Search(words=str(data.get("q") or ""), since=data.get("since"), until=data.get("until"))
    return str(data.get("state") or ""), str(data.get("zone") or ""), search


def _show_all(form: QueueFilterForm) -> bool:
    return form.is_bound and bool(form.cleaned_data.get("all"))


def _queue_context(user: User, form: QueueFilterForm) -> dict[str, object]:
    """What the rows fragment renders (the page includes it): the queue, and the filters' query for its links."""
    state, zone, search = _filter_values(form)
    view = selectors.queue_view(
        user, state=state, zone=zone, search=search, show_all=_show_all(form), zone_ids=form.zone_ids
    )
    params = {k: v for k, v in (form.data.items() if form.is_bound else []) if k not in ("zone", "all") and v}
    return {"queue": view, "rows": view.rows, "tab_query": urlencode(params), "now": timezone.now()}


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = _console_user(request)
    form = _queue_filters(request, user)
    if form.is_bound and not form.is_valid():
        return render(request, "console/queue.html", {"filters": form, "rows": []}, status=400)
    state, zone, search = _filter_values(form)
    ctx = {
        "filters": form,
        "version": _version(form, state=state, zone=zone, search=search),
        "can_export": selectors.can_export(user),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_center": settings.MAP_CENTER,
        **_queue_context(user, form),
    }
    return render(request, "console/queue.html", ctx)


def _version(form: QueueFilterForm, *, state: str, zone: str, search: selectors.Search) -> str:
    language = f"{get_language()}|{int(_show_all(form))}"
    return selectors.queue_version(state=state, zone=zone, language=language, search=search)


@login_required
@require_GET
def queue_rows(request: HttpRequest) -> HttpResponse:
    """The queue's rows as pre-rendered HTML, polled by the queue page every 2 s.

    The page sends back the version it shows (header X-Queue-Version); when nothing changed the answer is an empty
    204 and the rows are neither queried nor rendered.
    """
    user = _console_user(request)
    form = _queue_filters(request, user)
    if form.is_bound and not form.is_valid():
        return HttpResponse(_form_error(form), status=400, content_type="text/plain; charset=utf-8")
    state, zone, search = _filter_values(form)
    version = _version(form, state=state, zone=zone, search=search)
    if request.headers.get(VERSION_HEADER) == version:
        # Nothing changed since the caller's copy: htmx leaves the rows as they are on 204.
        response = HttpResponse(status=204)
    else:
        response = render(request, "console/_queue_rows.html", _queue_context(user, form))
    response[VERSION_HEADER] = version
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def queue_map(request: HttpRequest) -> HttpResponse:
    """Map markers of the queue as JSON, polled by static/console/console.js; `zones=1` adds the zones' outlines."""
    user = _console_user(request)
    form = _queue_filters(request, user)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"detail": _form_error(form)}, status=400)
    state, zone, search = _filter_values(form)
    incidents = selectors.queue_incidents(user, state=state, zone=zone, search=search)
    payload: dict[str, object] = {
        "incidents": selectors.map_points(incidents),
        "url": reverse("console:incident", args=[0]),
    }
    if request.GET.get("zones") == "1":
        payload["zones"] = selectors.zone_outlines(user)
    response = JsonResponse(payload)
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def queue_export(request: HttpRequest) -> HttpResponse:
    """The queue as it is filtered, as CSV, for coordinators (words and counts; no contacts, no coordinates)."""
    user = _console_user(request)
    if not selectors.can_export(user):
        raise Http404
    form = _queue_filters(request, user)
    if form.is_bound and not form.is_valid():
        return HttpResponse(_form_error(form), status=400, content_type="text/plain; charset=utf-8")
    state, zone, search = _filter_values(form)
    rows = selectors.queue_rows(user, state=state, zone=zone, search=search)
    audit(user, "console.export", object_type="queue", object_id="csv", rows=len(rows), state=state, zone=zone)
    response = HttpResponse(selectors.queue_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vigil-incidents-{timezone.now():%Y%m%d-%H%M}.csv"'
    add_never_cache_headers(response)
    return response


# --- one incident -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _incident(request, pk)
    return render(request, "console/incident.html", _incident_context(request, user, found))


@login_required
@require_GET
def incident_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The parts of the incident page that change while it is open (state, dispatches, history), for polling.

    Like the queue's rows: 204 while the caller's X-Incident-Version is still current.
    """
    _user, found = _incident(request, pk)
    version = selectors.incident_version(found, language=get_language())
    if request.headers.get(INCIDENT_VERSION_HEADER) == version:
        response = HttpResponse(status=204)
    else:
        ctx = {
            "incident": found,
            "dispatches": selectors.incident_dispatches(found),
            "events": selectors.incident_events(found),
            "measures": selectors.incident_measures(found),
            "age": selectors.human_age(timezone.now() - found.first_report_at),
        }
        response = render(request, "console/_incident_live.html", ctx)
    response[INCIDENT_VERSION_HEADER] = version
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def reveal_contact(request: HttpRequest, pk: int, report_pk: int) -> HttpResponseBase:
    """Unseal one report's call-back contact for a dispatcher of the incident's zone; the read is audited."""
    user, found = _incident(request, pk)
    # Check the report belongs to this incident before anything is unsealed (and audited).
    if not selectors.can_read_contacts(user, found) or not found.reports.filter(pk=report_pk).exists():
        raise Http404
    report, contact = report_contact_for(user, report_pk)
    if _is_htmx(request):
        response = render(request, "console/_contact.html", {"report": report, "contact": contact})
    else:
        response = render(
            request,
            "console/incident.html",
            _incident_context(request, user, found, revealed={report.pk: contact}),
        )
    add_never_cache_headers(response)
    return never_compress(response)  # a secret beside text others wrote: see vigil/lib/compression.py


# --- actions ----------------------------------------------------------------------------------------------------


@login_required
@require_POST
def dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _incident(request, pk)
    form = DispatchForm(request.POST)
    if not form.is_valid():
        return _refuse(request, user, found, _form_error(form), dispatch_form=form)
    chosen = form.cleaned_data.get("observers") or None
    try:
        sent = network_dispatch.dispatch_observers(
            incident=found, actor=user, count=None if chosen else form.cleaned_data["count"], observer_ids=chosen
        )
    except VigilError as refusal:
        return _refuse(request, user, found, refusal.message, status=409, dispatch_form=form)
    names = ", ".join(d.observer.user.get_full_name() or d.observer.user.get_username() for d in sent)
    return _done(request, found, _("Dispatched: %(names)s. Waiting for them to accept.") % {"names": names})


@login_required
@require_POST
def start_verifying(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _incident(request, pk)
    try:
        triage.start_verifying(incident=found, actor=user)
    except VigilError as refusal:
        return _refuse_triage(request, user, found, refusal)
    return _done(request, found, _("Marked as being verified."))


@login_required
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _incident(request, pk)
    form = MergeForm(request.POST, candidates=selectors.merge_candidates(user, found) if found.is_open else [])
    if not form.is_valid():
        return _refuse(request, user, found, _form_error(form), merge_form=form)
    sources = []
    for source_pk in form.cleaned_data["ids"]:
        try:
            sources.append(incident_for(user, source_pk, selectors.CONSOLE_ROLES))
        except Http404:
            return _refuse(
                request,
                user,
                found,
                _("There is no incident %(id)s you can merge.") % {"id": source_pk},
                merge_form=form,
            )
    try:
        triage.merge_incidents(target=found, sources=sources, actor=user)
    except VigilError as refusal:
        return _refuse_triage(request, user, found, refusal, merge_form=form)
    return _done(
        request,
        found,
        _("Merged %(ids)s into this incident.") % {"ids": ", ".join(f"#{s.pk}" for s in sources)},
    )


@login_required
@require_POST
def split(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _incident(request, pk)
    form = SplitForm(request.POST, report_ids=list(found.reports.values_list("pk", flat=True)))
    if not form.is_valid():
        return _refuse(request, user, found, _form_error(form))
    try:
        new = triage.split_reports(incident=found, report_ids=form.cleaned_data["reports"], actor=user)
    except VigilError as refusal:
        return _refuse_triage(request, user, found, refusal)
    moved = ngettext(
        "%(count)s report moved to new incident #%(id)s.",
        "%(count)s reports moved to new incident #%(id)s.",
        new.report_count,
    ) % {"count": new.report_count, "id": new.pk}
    return _done(request, found, moved)


@login_required
@require_POST
def verdict(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _incident(request, pk)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return _refuse(request, user, found, _form_error(form), verdict_form=form)
    try:
        judged = triage.record_verdict(
            incident=found, verdict=form.cleaned_data["verdict"], note=form.cleaned_data["note"], actor=user
        )
    except VigilError as refusal:
        return _refuse_triage(request, user, found, refusal, verdict_form=form)
    return _done(request, judged, _("Verdict recorded: %(verdict)s.") % {"verdict": Verdict(judged.verdict).label})


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _incident(request, pk)
    try:
        triage.close_incident(incident=found, actor=user)
    except VigilError as refusal:
        return _refuse_triage(request, user, found, refusal)
    return _done(request, found, _("Incident closed."))


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _incident(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _refuse(request, user, found, _form_error(form), reopen_form=form)
    try:
        triage.reopen_incident(incident=found, actor=user, reason=form.cleaned_data["reason"])
    except VigilError as refusal:
        return _refuse_triage(request, user, found, refusal, reopen_form=form)
    return _done(request, found, _("Incident reopened: it is being verified again."))
