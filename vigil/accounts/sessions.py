"""Signed-in sessions: idle and absolute timeouts, no caching of signed-in pages, a person's list of their sessions.

- A session unused for VIGIL_IDLE_MINUTES (30) is signed out; so is any session older than VIGIL_SESSION_SECONDS
  (12 h), however busy: both are checked on the server from times kept in the session, not trusted to the cookie.
- Every page answered to a signed-in person carries `Cache-Control: no-store` (with never_cache's other headers), so
  no browser, proxy or shared computer keeps a copy of case data.
- Each sign-in is listed (SignedInSession: when it began and was last used, nothing about the device or address);
  `sign_out_everywhere` ends them all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from vigil.accounts.models import SignedInSession, User

STARTED = "vigil_signed_in_at"
SEEN = "vigil_last_seen_at"
_TOUCH_SECONDS = 60  # write "last seen" at most once a minute


def record_sign_in(request: HttpRequest, user: User) -> None:
    now = time.time()
    request.session[STARTED] = now
    request.session[SEEN] = now
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    if key:
        SignedInSession.objects.update_or_create(
            session_key=key, defaults={"user": user, "signed_in_at": timezone.now(), "last_seen_at": timezone.now()}
        )


def forget_sign_in(request: HttpRequest) -> None:
    key = getattr(request, "session", None) and request.session.session_key
    if key:
        SignedInSession.objects.filter(session_key=key).delete()


def sign_out_everywhere(user: User) -> int:
    """End every session of `user` (this one too): their sessions are deleted, so no cookie opens them again."""
    with transaction.atomic():
        keys = list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        deleted, _ = SignedInSession.objects.filter(user=user).delete()
    return deleted


def _expired(request: HttpRequest, now: float) -> bool:
    started = request.session.get(STARTED)
    seen = request.session.get(SEEN)
    if not isinstance(started, (int, float)) or not isinstance(seen, (int, float)):
        return False  # a session from before these were kept: start counting now
    idle = settings.VIGIL_IDLE_MINUTES * 60
    return now - seen > idle or now - started > settings.SESSION_COOKIE_AGE


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        if signed_in:
            now = time.time()
            if _expired(request, now):
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "Signed out after a time without use."}, status=401)
                return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")
            request.session.setdefault(STARTED, now)
            seen = request.session.get(SEEN)
            if not isinstance(seen, (int, float)) or now - seen > _TOUCH_SECONDS:
                request.session[SEEN] = now
                key = request.session.session_key
                if key:
                    SignedInSession.objects.filter(session_key=key).update(last_seen_at=timezone.now())
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
