from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from vigil.accounts.access import signed_in_user
from vigil.accounts.models import Membership, Role

# Where each role's daily work starts, most operational first.
_ROLE_HOME = [
    (Role.DISPATCHER, "console:queue"),
    (Role.OPERATOR, "hotline:operator"),
    (Role.OBSERVER, "observer:home"),
    (Role.COORDINATOR, "manage:home"),
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = set(Membership.objects.filter(user=signed_in_user(request)).values_list("role", flat=True))
    choices = [url for role, url in _ROLE_HOME if role in roles]
    if len(choices) == 1:
        return redirect(choices[0])
    return render(request, "accounts/home.html", {"choices": choices, "roles": sorted(roles)})


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and benchmarks: answers without touching the database."""
    return HttpResponse("ok\n", content_type="text/plain")
