"""Public volunteer pages: the sign-up form, the sessions open for registration, the door check-in, the welcome link.

An applicant has no account: their personal link (?v=…, signed and expiring) identifies them, and this browser's
session remembers it so that scanning the door's code on the same phone checks them in. A signed-in observer is
identified by their account.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vigil.hotline.access import client_address, within_rate
from vigil.lib.errors import VigilError
from vigil.network import access as network_access
from vigil.network import calendar as network_calendar
from vigil.network import notify
from vigil.network import trainings as network_trainings
from vigil.network import volunteers as network_volunteers
from vigil.network.models import Observer, TrainingRegistration, Volunteer
from vigil.volunteer.forms import SignUpForm

SESSION_KEY = "vigil_volunteer"


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    ctx: dict[str, object] = {"code": notify.code_of_conduct()}
    if request.method != "POST":
        ctx["form"] = SignUpForm(initial={"language": translation.get_language()})
        return render(request, "volunteer/sign_up.html", ctx)
    form = SignUpForm(request.POST)
    ctx["form"] = form
    if not within_rate(client_address(request), scope="volunteer", per_minute=3):
        ctx["rate_limited"] = True
        return render(request, "volunteer/sign_up.html", ctx, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            network_volunteers.sign_up(
                group=data["group"],
                name=data["name"],
                contact=data["contact"],
                language=data["language"],
                languages=form.language_list(),
                neighbourhood=data["neighbourhood"],
                availability=list(data["availability"]),
                note=data["note"],
                consent=data["consent"],
            )
        except VigilError as refused:
            form.add_error(None, refused.as_validation_error())
        else:
            return render(request, "volunteer/signed_up.html", {"group": data["group"]}, status=201)
    return render(request, "volunteer/sign_up.html", ctx, status=400)


def _visitor(request: HttpRequest) -> tuple[Volunteer | None, Observer | None]:
    """Who is registering: the applicant of the personal link (remembered in the session), or the signed-in observer."""
    token = str(request.GET.get("v", "") or request.POST.get("v", ""))
    if token:
        volunteer = network_volunteers.volunteer_from_token(token)
        if volunteer is not None:
            request.session[SESSION_KEY] = token
            return volunteer, None
    remembered = request.session.get(SESSION_KEY)
    if isinstance(remembered, str):
        volunteer = network_volunteers.volunteer_from_token(remembered)
        if volunteer is not None:
            return volunteer, None
    if request.user.is_authenticated:
        observer = Observer.objects.filter(user_id=request.user.pk).first()
        if observer is not None:
            return None, observer
    return None, None


def _registration(
    training_id: int, volunteer: Volunteer | None, observer: Observer | None
) -> TrainingRegistration | None:
    if volunteer is not None:
        return TrainingRegistration.objects.filter(training_id=training_id, volunteer=volunteer).first()
    if observer is not None:
        return TrainingRegistration.objects.filter(training_id=training_id, observer=observer).first()
    return None


@require_GET
def trainings(request: HttpRequest) -> HttpResponse:
    volunteer, observer = _visitor(request)
    sessions = list(network_trainings.open_sessions())
    mine = set()
    if volunteer is not None or observer is not None:
        person = {"volunteer": volunteer} if volunteer is not None else {"observer": observer}
        mine = set(TrainingRegistration.objects.filter(**person).values_list("training_id", flat=True))
    ctx = {"sessions": sessions, "can_register": volunteer is not None or observer is not None, "mine": mine}
    return render(request, "volunteer/trainings.html", ctx)


@require_POST
def register(request: HttpRequest, training_id: int) -> HttpResponse:
    training = network_access.public_training(training_id)
    volunteer, observer = _visitor(request)
    if volunteer is None and observer is None:
        messages_ctx = {"training": training, "error": _("Open the personal link from your invitation, or sign in.")}
        return render(request, "volunteer/registered.html", messages_ctx, status=403)
    try:
        network_trainings.register(training=training, volunteer=volunteer, observer=observer)
    except VigilError as refused:
        return render(
            request,
            "volunteer/registered.html",
            {"training": training, "error": refused.message},
            status=refused.status,
        )
    return render(request, "volunteer/registered.html", {"training": training}, status=201)


@require_http_methods(["GET", "POST"])
def door(request: HttpRequest, training_id: int, token: str) -> HttpResponse:
    """The page the door's QR code opens: one button checks the visitor in."""
    training = network_access.public_training(training_id)
    ctx: dict[str, object] = {"training": training, "token": token}
    if request.method != "POST":
        return render(request, "volunteer/door.html", ctx)
    volunteer, observer = _visitor(request)
    try:
        network_trainings.check_in_at_door(
            training=training, token=token, registration=_registration(training.pk, volunteer, observer)
        )
    except VigilError as refused:
        ctx["error"] = refused.message
        return render(request, "volunteer/door.html", ctx, status=refused.status)
    ctx["checked_in"] = True
    return render(request, "volunteer/door.html", ctx)


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """The iCalendar feed of sessions open for registration (public: times, kinds, languages and public venues)."""
    body = network_calendar.sessions_ics(network_trainings.open_sessions())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="vigil-trainings.ics"'
    return response


class Welcome(auth_views.PasswordResetConfirmView):
    """The invitation link: a new observer chooses their password (once; the link then stops working)."""

    template_name = "volunteer/welcome.html"
    success_url = reverse_lazy("volunteer:welcome_done")
    post_reset_login = False


def welcome_done(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteer/welcome_done.html")
