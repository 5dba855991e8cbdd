"""Intake pages: the public report form, the reporter's status lookup, the operator console, the SMS webhook."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vigil.accounts.access import require_role, signed_in_user
from vigil.accounts.mfa import require_second_factor
from vigil.accounts.models import Role, User
from vigil.hotline import replay, selectors, services, sms
from vigil.hotline.access import (
    client_address,
    may_read_contact,
    refund_rate,
    report_contact_for,
    report_for,
    within_rate,
)
from vigil.hotline.models import Channel, Report, ReviewOutcome
from vigil.intake.forms import OperatorReportForm, PlaceForm, PlaceSearchForm, ReceiptForm, ReportForm, ReviewForm
from vigil.lib.compression import never_compress
from vigil.lib.errors import VigilError
from vigil.places import config, geocoder, service_area
from vigil.safety.textguard import REVIEW_REASON, check

PLACERS = [Role.OPERATOR, Role.DISPATCHER]


def _map_settings() -> dict[str, object]:
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "center_lat": settings.MAP_CENTER[0],
        "center_lon": settings.MAP_CENTER[1],
    }


def _language_of(data: QueryDict) -> str:
    wanted = str(data.get("language", "")).lower()
    return wanted if wanted in services.language_codes() else translation.get_language() or settings.LANGUAGE_CODE


def _submit(form: ReportForm, *, channel: str, entered_by: User | None = None) -> Report | None:
    """Run the intake service with the form's data; on refusal put its errors on the form and return None."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.submit_report(
            channel=channel,
            language=data["language"],
            size=data["size"],
            activity=data["activity"],
            location_text=data["location_text"],
            lat=data["lat"],
            lon=data["lon"],
            uniform=data["uniform"],
            seen_at=data["seen_at"],
            equipment=data["equipment"],
            text=data["text"],
            contact=data["contact"],
            entered_by=entered_by,
        )
    except VigilError as refused:
        form.add_service_errors(refused.as_validation_error())
        return None


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The public report form. No account, no cookie needed beyond CSRF, nothing about the sender stored."""
    days = config.current().contact_retention_days
    ctx: dict[str, object] = {"map": _map_settings(), "retention_days": days}
    if request.method != "POST":
        ctx["form"] = ReportForm(initial={"language": translation.get_language()}, retention_days=days)
        ctx["submission_token"] = secrets.token_urlsafe(18)
        status = 200
        if "receipt" in request.GET:
            lookup, status = _status_lookup(request)
            ctx |= lookup
        else:
            ctx["receipt_form"] = ReceiptForm()
        return render(request, "intake/report.html", ctx, status=status)
    # Answer in the language the reporter chose on the form.
    translation.activate(_language_of(request.POST))
    form = ReportForm(request.POST, retention_days=days)
    ctx["form"] = form
    ctx["receipt_form"] = ReceiptForm()
    ctx["submission_token"] = secrets.token_urlsafe(18)  # a refused form is sent again with a new one
    token = request.POST.get("submission_token", "")
    if not 16 <= len(token) <= 64:
        return _take_report(request, form, ctx, days)
    # The form's one-time token: a double tap, a browser's resend or a retry after a node died mid-request shows the
    # same receipt and stores one report.
    fields = "\x00".join(f"{name}={request.POST.get(name, '')}" for name in sorted(form.fields))
    answer = replay.once(
        kind="web-report",
        key=token,
        request=fields,
        produce=lambda: _kept(_take_report(request, form, ctx, days)),
    )
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)


def _kept(response: HttpResponse) -> replay.Answer:
    return replay.Answer(response.status_code, response["Content-Type"], response.content.decode())


def _take_report(request: HttpRequest, form: ReportForm, ctx: dict[str, object], days: int) -> HttpResponse:
    if not within_rate(client_address(request), scope="report"):
        ctx["rate_limited"] = True
        return render(request, "intake/report.html", ctx, status=429)
    created = _submit(form, channel=Channel.WEB)
    if created is None:
        refund_rate(client_address(request), scope="report")
        return render(request, "intake/report.html", ctx, status=400)
    return render(
        request,
        "intake/report_received.html",
        {
            "receipt": services.format_receipt(created.receipt),
            "report": created,
            "retention_days": days,
            "outside_help": service_area.help_text() if created.outside_area else "",
        },
        status=201,
    )


def _status_lookup(request: HttpRequest) -> tuple[dict[str, object], int]:
    """A reporter looks up their report by receipt code (GET /report?receipt=...): its state only, nothing else."""
    form = ReceiptForm(request.GET)
    ctx: dict[str, object] = {"receipt_form": form}
    if not within_rate(client_address(request), scope="status", per_minute=30):
        ctx["rate_limited"] = True
        return ctx, 429
    state = selectors.report_status(str(request.GET.get("receipt", ""))[:20]) if form.is_valid() else None
    if state is None:
        ctx["status_unknown"] = True
        return ctx, 404
    ctx["status"] = state
    ctx["status_label"] = selectors.status_label(state)
    return ctx, 200


def _operator_script() -> dict[str, dict[str, str]]:
    """What the operator says to the caller for each field, in every language: {field: {language: prompt}}."""
    prompts: dict[str, dict[str, str]] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lines = {
                "language": _("Hello, this is the rapid response hotline. You can stay anonymous. Are you safe?"),
                "location_text": _("Where is it happening? An address, cross-streets or a place everyone knows."),
                "size": _("How many officers or agents do you see? How many vehicles?"),
                "activity": _("What are they doing right now?"),
                "uniform": _("What are they wearing? Any words on their vests or jackets?"),
                "seen_at": _("When did you see this? Is it still going on?"),
                "equipment": _("What vehicles or equipment do they have?"),
                "text": _("Is there anything else we should know? Please don't tell me anyone's name."),
                "contact": _("Do you want us to call you back? If so, what number? It is deleted after two weeks."),
            }
        for field, line in lines.items():
            prompts.setdefault(field, {})[code] = line
    return prompts


@login_required
@require_http_methods(["GET", "POST"])
def operator(request: HttpRequest) -> HttpResponse:
    """The operator console: a scripted SALUTE form for a caller, beside the queue of recent reports."""
    user = signed_in_user(request)
    require_role(user, [Role.OPERATOR])
    days = config.current().contact_retention_days
    caller = _language_of(request.POST if request.method == "POST" else request.GET)
    ctx: dict[str, object] = {
        "map": _map_settings(),
        "caller_language": caller,
        "languages": settings.LANGUAGES,
    }
    status = 200
    if request.method == "POST":
        form = OperatorReportForm(request.POST, retention_days=days)
        created = _submit(form, channel=Channel.OPERATOR, entered_by=user)
        if created is None:
            status = 400
        else:
            ctx["created"] = created
            ctx["created_receipt"] = services.format_receipt(created.receipt)
            form = OperatorReportForm(initial={"language": caller}, retention_days=days)
            status = 201
    else:
        form = OperatorReportForm(initial={"language": caller}, retention_days=days)
    script = _operator_script()
    order = ["language", "location_text", "activity", "size", "uniform", "seen_at", "equipment", "text", "contact"]
    ctx["form"] = form
    ctx["rows"] = [(form[name], list(script[name].items())) for name in order]
    ctx["queue"] = selectors.operator_queue(user)
    return render(request, "intake/operator.html", ctx, status=status)


@login_required
@require_http_methods(["GET"])
def operator_queue(request: HttpRequest) -> HttpResponse:
    """The queue alone, for the console page to refresh itself."""
    user = signed_in_user(request)
    require_role(user, [Role.OPERATOR])
    return render(request, "intake/operator_queue.html", {"queue": selectors.operator_queue(user)})


@login_required
@require_http_methods(["GET", "POST"])
def place(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a report that came with a location only in words on the map."""
    user = signed_in_user(request)
    report = report_for(user, pk, PLACERS)
    status = 200
    form = PlaceForm(request.POST if request.method == "POST" else None)
    if report.lat is not None:
        if request.method == "POST":
            form.is_valid()
            form.add_error(None, _("This report is already on the map."))
            status = 409
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.place_report(
                    report=report,
                    lat=form.cleaned_data["lat"],
                    lon=form.cleaned_data["lon"],
                    actor=user,
                    match=form.cleaned_data.get("match") or "",
                )
            except VigilError as refused:
                for name, errors in refused.as_validation_error().message_dict.items():
                    for message in errors:
                        form.add_error(name if name in form.fields else None, message)
            else:
                report.refresh_from_db()
                status = 200
    search = PlaceSearchForm(request.GET or {"q": report.location_text})
    words = search.cleaned_data["q"] if search.is_valid() else ""
    suggestions = geocoder.geocode(words, lang=report.language).matches if words and report.lat is None else ()
    ctx = {
        "report": report,
        "form": form,
        "search": search,
        "suggestions": suggestions,
        "searched": words,
        "map": _map_settings(),
        "receipt": services.format_receipt(report.receipt),
        "can_read_contact": bool(report.contact_sealed) and may_read_contact(user, report),
    }
    return render(request, "intake/place.html", ctx, status=status)


@login_required
@require_second_factor
@require_POST
def reveal_contact(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Unseal the call-back contact of a report outside every zone, for an operator (or the network administrator)
    who calls the reporter back; the rule and the audit are hotline.access.report_contact_for's."""
    user = signed_in_user(request)
    report, contact = report_contact_for(user, pk)
    template = "intake/_contact.html" if request.headers.get("HX-Request") else "intake/contact.html"
    ctx = {"report": report, "contact": contact, "receipt": services.format_receipt(report.receipt)}
    response = render(request, template, ctx)
    add_never_cache_headers(response)
    return never_compress(response)  # a secret beside text others wrote: see vigil/lib/compression.py


PUBLIC_SUGGESTIONS = 5


@require_GET
def report_places(request: HttpRequest) -> JsonResponse:
    """Suggestions for the public form's place in words, from the local gazetteer (open data: streets, landmarks).

    Anonymous like the form; rate-limited per client; nothing is stored. Only the gazetteer's own labels and points
    come back, never anything about reports."""
    words = (request.GET.get("q") or "").strip()[:200]
    if not within_rate(client_address(request), scope="places", per_minute=60):
        return JsonResponse({"matches": [], "detail": "Too many searches; wait a minute."}, status=429)
    language = _language_of(request.GET)
    matches = geocoder.geocode(words, lang=language).matches[:PUBLIC_SUGGESTIONS] if words else ()
    return JsonResponse(
        {"matches": [{"label": m.label, "lat": round(m.lat, 6), "lon": round(m.lon, 6)} for m in matches]}
    )


@login_required
@require_http_methods(["GET"])
def review_queue(request: HttpRequest) -> HttpResponse:
    """Reports the text guard held: the operator approves, redacts or refuses each before anyone else sees its text."""
    user = signed_in_user(request)
    require_role(user, [Role.OPERATOR])
    held = list(selectors.held_reports(user))
    return render(request, "intake/review_queue.html", {"held": held, "reason": REVIEW_REASON})


def _why_held(texts: Iterable[str]) -> str:
    """Why the guard holds these texts today, each distinct reason once (the general one if none is held now)."""
    reasons = dict.fromkeys(str(result.review_reason) for result in map(check, texts) if result.held)
    return " ".join(reasons) or str(REVIEW_REASON)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """One held report: its text, why it was held, and the decision."""
    user = signed_in_user(request)
    report = report_for(user, pk, [Role.OPERATOR])
    if not report.held:
        return redirect("intake:review_queue")
    fields = services.held_fields(report) or list(services.TEXT_FIELDS)
    held = {name: getattr(report, name) for name in fields if getattr(report, name)}
    form = ReviewForm(request.POST if request.method == "POST" else None, held=held)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            outcome = form.cleaned_data["outcome"]
            edited = {name: form.cleaned_data[name] for name in held} if outcome == ReviewOutcome.REDACTED else None
            try:
                services.review_report(report=report, actor=user, outcome=outcome, fields=edited)
            except VigilError as refused:
                if not refused.fields:
                    form.add_error(None, refused.message)
                    status = refused.status
                for name, errors in refused.fields.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                return redirect("intake:review_queue")
    ctx = {
        "report": report,
        "form": form,
        "reason": _why_held(held.values()),
        "held_names": [form[name].label for name in held],
        "receipt": services.format_receipt(report.receipt),
    }
    return render(request, "intake/review.html", ctx, status=status)


@csrf_exempt
@require_POST
def sms_hook(request: HttpRequest) -> HttpResponse:
    """Twilio's incoming-message webhook. Signed by Twilio (checked); answers TwiML in the sender's language."""
    outcome = sms.handle(request)
    return HttpResponse(outcome.body, status=outcome.status, content_type=outcome.content_type)
