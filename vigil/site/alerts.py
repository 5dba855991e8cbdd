"""/rumours/alerts/: ask for rumour-control alerts by SMS (or stop them) with a code sent to the number.

Not kept in the cache (it holds a CSRF token); rate-limited per number and per client like the report form."""

from __future__ import annotations

import json
from pathlib import Path

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from vigil.hotline.access import client_address, within_rate
from vigil.lib.errors import VigilError
from vigil.public import alerts, push

PER_MINUTE_CLIENT = 10
PER_MINUTE_NUMBER = 5


class NumberForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Mobile number"), max_length=24)
    language = forms.ChoiceField(label=gettext_lazy("Language of the messages"), choices=())
    purpose = forms.ChoiceField(
        choices=[("subscribe", gettext_lazy("Send me alerts")), ("unsubscribe", gettext_lazy("Stop my alerts"))],
        widget=forms.RadioSelect,
        initial="subscribe",
        label=gettext_lazy("What do you want?"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = list(settings.LANGUAGES)


class CodeForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Mobile number"), max_length=24)
    code = forms.CharField(label=gettext_lazy("Code from the SMS"), max_length=6, min_length=6)


@require_http_methods(["GET", "POST"])
def alerts_page(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or settings.LANGUAGE_CODE
    ctx: dict[str, object] = {
        "available": alerts.sms_available(),
        "error": None,
        "done": None,
        "push_key": push.application_server_key(),
        "language": language,
    }
    number_form = NumberForm(initial={"language": language})
    code_form = CodeForm()
    status = 200
    if request.method == "POST" and ctx["available"]:
        step = request.POST.get("step")
        try:
            if step == "code":
                code_form = CodeForm(request.POST)
                if code_form.is_valid():
                    _rate(request, code_form.cleaned_data["number"])
                    ctx["done"] = alerts.confirm(
                        number=code_form.cleaned_data["number"], code=code_form.cleaned_data["code"]
                    )
            else:
                number_form = NumberForm(request.POST)
                if number_form.is_valid():
                    data = number_form.cleaned_data
                    _rate(request, data["number"])
                    alerts.request_code(number=data["number"], language=data["language"], purpose=data["purpose"])
                    ctx["sent"] = True
                    code_form = CodeForm(initial={"number": data["number"]})
        except VigilError as refused:
            ctx["error"], status = refused.message, refused.status
        if number_form.errors or code_form.errors:
            status = 400
    ctx |= {"number_form": number_form, "code_form": code_form}
    return render(request, "site/alerts.html", ctx, status=status)


def _rate(request: HttpRequest, number: str) -> None:
    if not (
        within_rate(client_address(request), scope="public-sms", per_minute=PER_MINUTE_CLIENT)
        and within_rate(number, scope="public-sms-number", per_minute=PER_MINUTE_NUMBER)
    ):
        raise VigilError(_("Too many tries in a minute. Please wait a minute."), status=429)


@require_http_methods(["POST"])
def push_subscription(request: HttpRequest) -> HttpResponse:
    """POST {"subscription": PushSubscription.toJSON(), "language": "es"} to subscribe, or {"unsubscribe": endpoint}."""
    if not within_rate(client_address(request), scope="public-push", per_minute=PER_MINUTE_CLIENT):
        return JsonResponse({"error": _("Too many tries in a minute. Please wait a minute.")}, status=429)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        return JsonResponse({"error": _("Unknown request.")}, status=400)
    try:
        if isinstance(body.get("unsubscribe"), str):
            push.unsubscribe(endpoint=body["unsubscribe"])
            return JsonResponse({"ok": True, "subscribed": False})
        subscription = body.get("subscription")
        if not isinstance(subscription, dict):
            raise VigilError(_("Unknown request."))
        push.subscribe(subscription=subscription, language=str(body.get("language", "")))
    except VigilError as refused:
        return JsonResponse({"error": refused.message}, status=400)
    return JsonResponse({"ok": True, "subscribed": True})


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The push service worker, served from the root so it may show notifications for the whole site."""
    script = (Path(settings.BASE_DIR) / "static" / "site" / "sw.js").read_bytes()
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
