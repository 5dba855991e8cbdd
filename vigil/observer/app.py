"""The installable observer app: its web manifest, its service worker, and the endpoint queued steps are sent to.

The service worker is served from /observer/sw.js (not /static/) so that its scope is /observer/; it is a static
file rendered with the current static URLs (no inline script anywhere, so the CSP stays `script-src 'self'`).
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from vigil.accounts.access import signed_in_user
from vigil.lib.errors import VigilError
from vigil.network import access, offline, push

# Bump when the service worker's caching changes: the old caches are dropped on activation.
APP_VERSION = "1"


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    body = {
        "name": _("Vigil observer"),
        "short_name": "Vigil",
        "description": _("Dispatches, check-ins and observations for legal observers."),
        "id": reverse("observer:home"),
        "start_url": reverse("observer:home"),
        "scope": reverse("observer:home"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1d3557",
        "icons": [
            {"src": static("observer/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("observer/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("observer/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(json.dumps(body), content_type="application/manifest+json")


def precache_urls() -> list[str]:
    """What the service worker keeps for offline use: the app's shell, the code of conduct, know-your-rights, scripts
    and styles."""
    return [
        reverse("observer:home"),
        reverse("observer:code"),
        reverse("observer:rights"),
        reverse("observer:offline"),
        static("vigil/vigil.css"),
        static("observer/observer.css"),
        static("observer/observer.js"),
        static("observer/queue.js"),
        static("vendor/htmx-2.0.11.min.js"),
        static("observer/icons/icon-192.png"),
    ]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    with open(_sw_source(), encoding="utf-8") as source:
        script = source.read()
    config = json.dumps({"version": APP_VERSION, "precache": precache_urls(), "offline": reverse("observer:offline")})
    body = f"self.VIGIL = {config};\n{script}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("observer:home")
    # Browsers check for a new worker at most daily anyway; no-cache lets a deploy reach phones at the next visit.
    response["Cache-Control"] = "no-cache"
    return response


def _sw_source() -> str:
    from django.contrib.staticfiles import finders

    found = finders.find("observer/sw.src.js")
    if not isinstance(found, str):  # pragma: no cover - shipped with the app
        raise FileNotFoundError("observer/sw.src.js")
    return found


@login_required
@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import render

    access.observer_for(signed_in_user(request))
    return render(request, "observer/offline.html")


@login_required
@require_POST
def sync(request: HttpRequest) -> JsonResponse:
    """One queued step: {"id", "kind", "dispatch", "device_time", "data"} → {"applied", "message", "replay"}."""
    user = signed_in_user(request)
    observer = access.observer_for(user)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"applied": False, "message": _("The step could not be read.")}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"applied": False, "message": _("The step could not be read.")}, status=400)
    raw_id = body.get("dispatch")
    try:
        dispatch_id = int(raw_id) if isinstance(raw_id, (int, str)) else -1
    except ValueError:
        return JsonResponse({"applied": False, "message": _("The step could not be read.")}, status=400)
    dispatch = access.dispatch_for_observer(user, dispatch_id)
    raw_time = body.get("device_time")
    device_time = parse_datetime(raw_time) if isinstance(raw_time, str) else None
    raw_data = body.get("data")
    data: dict[str, object] = raw_data if isinstance(raw_data, dict) else {}
    try:
        answer = offline.apply_queued(
            observer=observer,
            actor=user,
            dispatch=dispatch,
            client_id=str(body.get("id") or ""),
            kind=str(body.get("kind") or ""),
            device_time=device_time,
            data=data,
        )
    except VigilError as refused:
        return JsonResponse({"applied": False, "message": refused.message, "code": refused.code}, status=400)
    status = 200 if answer.applied else 409
    return JsonResponse({"applied": answer.applied, "message": answer.message, "replay": answer.replay}, status=status)


@login_required
@require_GET
def push_key(request: HttpRequest) -> JsonResponse:
    """The VAPID public key the browser subscribes with (empty while push is not set up)."""
    signed_in_user(request)
    if not push.configured():
        return JsonResponse({"key": ""})
    return JsonResponse({"key": push.application_server_key()})


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """Store the browser's PushSubscription ({"endpoint", "keys": {"p256dh", "auth"}}) for the signed-in user."""
    user = signed_in_user(request)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        body = None
    keys = body.get("keys") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(keys, dict):
        return JsonResponse({"message": _("The push subscription is incomplete.")}, status=400)
    try:
        push.subscribe(
            user=user,
            endpoint=str(body.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
        )
    except VigilError as refused:
        return JsonResponse({"message": refused.message}, status=400)
    return JsonResponse({"message": _("Notifications are on for this phone.")}, status=201)


@login_required
@require_POST
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    user = signed_in_user(request)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        body = {}
    endpoint = str(body.get("endpoint") or "") if isinstance(body, dict) else ""
    push.unsubscribe(user=user, endpoint=endpoint)
    return JsonResponse({"message": _("Notifications are off for this phone.")})
