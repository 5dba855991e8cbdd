from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vigil.accounts import mfa, sessions
from vigil.accounts.access import signed_in_user
from vigil.accounts.models import SignedInSession
from vigil.accounts.staff import has_second_factor


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@never_cache
@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Verify the session with an enrolled factor, or enrol one first; then go on to where the person was going."""
    user = signed_in_user(request)
    target = _safe_next(request)
    if mfa.session_is_verified(request):
        return redirect(target)
    if has_second_factor(user):
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': target})}")
    ctx = {"next": target}
    return render(request, "accounts/second_factor.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def my_sessions(request: HttpRequest) -> HttpResponse:
    """The person's own signed-in sessions; "sign out everywhere" ends all of them, this one too."""
    user = signed_in_user(request)
    if request.method == "POST":
        sessions.sign_out_everywhere(user)
        logout(request)
        return redirect(settings.LOGIN_URL)
    current = request.session.session_key
    rows = SignedInSession.objects.filter(user=user).order_by("-last_seen_at")
    ctx = {"rows": rows, "current": current}
    return render(request, "accounts/sessions.html", ctx)
