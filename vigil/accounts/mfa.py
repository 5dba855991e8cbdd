"""Whether a session was verified with a second factor, and the guard for pages that need one.

Case data and evidence originals need a session verified with a second factor. `mark_verified(request)` records it
on the session when the person passes their second factor; `require_second_factor` wraps a view: a signed-in person
whose session is not verified is sent to verify (or enrol) and comes back to the page afterwards.

Until VIGIL_REQUIRE_SECOND_FACTOR is on, an install without second factors lets every signed-in session through, so
the pages stay usable on an embedded demo; production settings turn it on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

SESSION_KEY = "vigil_second_factor_verified"

View = Callable[..., HttpResponse]


def mark_verified(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = True


def session_is_verified(request: HttpRequest) -> bool:
    if not getattr(settings, "VIGIL_REQUIRE_SECOND_FACTOR", False):
        return True
    return bool(request.session.get(SESSION_KEY))


def require_second_factor(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated and not session_is_verified(request):
            return redirect(f"{settings.VIGIL_SECOND_FACTOR_URL}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped
