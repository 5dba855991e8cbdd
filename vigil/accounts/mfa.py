"""Whether a session was verified with a second factor, and the guards for pages that need one.

Every staff role signs in with a password and a second factor (TOTP, a passkey, or a recovery code), through
django-allauth's MFA app. `mark_verified(request)` records on the session that its person passed a second factor; it
is called from allauth's signals (vigil/accounts/signals.py) when a factor is used at sign-in or re-authentication,
or when one is enrolled, and nowhere else. A sign-in with a password only leaves the session unverified.

Two guards use it:
- `SecondFactorMiddleware`: a signed-in staff member whose session is not verified may only enrol or verify a
  factor, sign out, and fetch static files; every other page sends them to `VIGIL_SECOND_FACTOR_URL` first.
- `require_second_factor` wraps a view that holds case data or evidence originals: the same check again, so the
  page stays closed even where the middleware is not installed.

VIGIL_REQUIRE_SECOND_FACTOR=0 turns both off (a throwaway local copy only); it is on by default.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_KEY = "vigil_second_factor_verified"

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def mark_verified(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = True


def forget_verified(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def session_is_verified(request: HttpRequest) -> bool:
    if not getattr(settings, "VIGIL_REQUIRE_SECOND_FACTOR", True):
        return True
    return bool(request.session.get(SESSION_KEY))


def verify_first(request: HttpRequest) -> HttpResponse:
    """Where an unverified session goes: JSON 403 for the API, else the page to verify or enrol, then back here."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("This needs a session verified with a second factor.")}, status=403)
    return redirect(f"{settings.VIGIL_SECOND_FACTOR_URL}?{urlencode({'next': request.get_full_path()})}")


def require_second_factor(
    view: Callable[Concatenate[HttpRequest, P], R],
) -> Callable[Concatenate[HttpRequest, P], R | HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> R | HttpResponse:
        if request.user.is_authenticated and not session_is_verified(request):
            return verify_first(request)
        return view(request, *args, **kwargs)

    return wrapped
