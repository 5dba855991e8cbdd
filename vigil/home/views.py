from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from vigil.accounts.access import signed_in_user
from vigil.accounts.models import Membership, Role
from vigil.network.models import Notification


@dataclass(frozen=True)
class RoleCard:
    role: Role
    title: Promise
    text: Promise
    link_text: Promise
    url: str  # empty while the role's pages do not exist yet
    groups: list[str]


# Each role's card on "My work", most operational first: (role, URL name or path, title, what it is for, link text).
_ROLE_CARDS: list[tuple[Role, str, Promise, Promise, Promise]] = [
    (
        Role.DISPATCHER,
        "console:queue",
        _("Dispatcher console"),
        _("Watch the live queue of incidents in your zones, merge duplicates, send observers, record verdicts."),
        _("Open the console"),
    ),
    (
        Role.OPERATOR,
        "intake:operator",
        _("Hotline operator"),
        _("Type in a caller's report while you are on the phone, following the SALUTE script."),
        _("Take a call"),
    ),
    (
        Role.OBSERVER,
        "observer:home",
        _("Legal observer"),
        _("Go on shift, answer dispatches, check in on scene, record what you see and check out safe."),
        _("Open my observer page"),
    ),
    (
        Role.COORDINATOR,
        "coordinate:home",
        _("Coordinator"),
        _("Manage your groups: members, zones, observers and their training, and shifts."),
        _("Manage the network"),
    ),
    (
        Role.ATTORNEY,
        "evidence:index",
        _("Attorney"),
        _("See the evidence of your cases: notes, photos and video with their chain of custody."),
        _("Open evidence"),
    ),
    (
        Role.AUDITOR,
        "evidence:index",
        _("Auditor"),
        _("Verify evidence bundles and the signed checkpoints of the evidence log, offline, with vigil-verify."),
        _("Open evidence"),
    ),
    (
        Role.NETWORK_ADMIN,
        "coordinate:settings",
        _("Network administrator"),
        _("Set how the whole network works: clustering, dispatch timing, check-ins and how long contacts are kept."),
        _("Open network settings"),
    ),
]


def _url(target: str) -> str:
    """The role's page, or "" while it does not exist yet (so a card never links to a 404)."""
    if target.startswith("/"):
        try:
            resolve(target)
        except Resolver404:
            return ""
        return target
    try:
        return reverse(target)
    except NoReverseMatch:
        return ""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My work: one card per role the user holds, naming the groups and linking to where that work is done."""
    user = signed_in_user(request)
    memberships = Membership.objects.filter(user=user).select_related("group").order_by("group__name")
    groups_by_role: dict[str, list[str]] = {}
    for membership in memberships:
        groups_by_role.setdefault(membership.role, []).append(membership.group.name)
    cards = [
        RoleCard(role=role, title=title, text=text, link_text=link, url=_url(target), groups=groups_by_role[role])
        for role, target, title, text, link in _ROLE_CARDS
        if role in groups_by_role
    ]
    notifications = list(Notification.objects.filter(user_id=user.pk).order_by("-created_at")[:15])
    return render(request, "home/home.html", {"cards": cards, "notifications": notifications})


@login_required
@require_POST
def mark_notifications_read(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("home")


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and benchmarks: answers without touching the database."""
    return HttpResponse("ok\n", content_type="text/plain")
