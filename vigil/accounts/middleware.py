"""Staff without a verified second factor may only enrol or verify one (see vigil/accounts/mfa.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from vigil.accounts import mfa
from vigil.accounts.staff import is_staff

# What an unverified staff session may reach: enrolling and verifying factors, re-authenticating, signing out.
_OPEN_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/second-factor/",
    "/accounts/reauthenticate/",
    "/accounts/login/",
    "/accounts/logout/",
    "/i18n/",
    "/healthz",
    "/favicon.ico",
)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.open_prefixes = (*_OPEN_PREFIXES, settings.STATIC_URL)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.open_prefixes)
            and not mfa.session_is_verified(request)
            and is_staff(user)
        ):
            return mfa.verify_first(request)
        return self.get_response(request)
