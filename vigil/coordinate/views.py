"""The coordinators' pages under /network/: groups and members, zones, observers, shifts, network settings.

Thin views: objects come from manage_selectors' access functions (one 404 for missing and not yours), writes go
through manage_services.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import h3
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vigil.accounts import access as account_access
from vigil.accounts import selectors as account_selectors
from vigil.accounts.access import signed_in_user
from vigil.accounts.models import Group, Role
from vigil.coordinate.forms import (
    AddMemberForm,
    CellListForm,
    CircleForm,
    ContactVolunteerForm,
    GeoJSONForm,
    MapCellForm,
    NetworkSettingsForm,
    ObserverForm,
    ShiftForm,
    TrainingForm,
    VolunteerForm,
    ZoneNameForm,
)
from vigil.lib.errors import VigilError, problem_response
from vigil.network import access as network_access
from vigil.network import members as network_members
from vigil.network import observers as network_observers
from vigil.network import selectors as network_selectors
from vigil.network import shifts as network_shifts
from vigil.network import trainings as network_trainings
from vigil.network import volunteers as network_volunteers
from vigil.network.dispatch import absolute_url
from vigil.network.models import Training, VolunteerStatus
from vigil.places import access as place_access
from vigil.places import geometry as zone_geometry
from vigil.places import selectors as place_selectors
from vigil.places import services as place_services
from vigil.places.config import current as current_config
from vigil.places.models import Zone
from vigil.places.settings_table import SETTINGS


def _group_ctx(group: Group, section: str) -> dict[str, object]:
    return {"group": group, "section": section}


# --- home -------------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    account_access.require_coordinator(user)
    ctx = {"summaries": network_selectors.group_summaries(user), "settings_row": current_config()}
    return render(request, "coordinate/home.html", ctx)


# --- members ----------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, group_id: int) -> HttpResponse:
    user = signed_in_user(request)
    group = account_access.group_for_coordinator(user, group_id)
    add_form = AddMemberForm(prefix="add")
    volunteer_form = VolunteerForm(prefix="new")
    created: dict[str, str] | None = None
    if request.method == "POST" and request.POST.get("action") == "add":
        add_form = AddMemberForm(request.POST, prefix="add")
        if add_form.is_valid():
            try:
                network_members.add_member(
                    actor=user,
                    group=group,
                    user=add_form.cleaned_data["username"],
                    role=Role(add_form.cleaned_data["role"]),
                )
            except VigilError as exc:
                add_form.add_error(None, str(exc))
            else:
                messages.success(request, _("Role added."))
                return redirect("coordinate:members", group_id=group.pk)
    elif request.method == "POST" and request.POST.get("action") == "create":
        volunteer_form = VolunteerForm(request.POST, prefix="new")
        if volunteer_form.is_valid():
            data = volunteer_form.cleaned_data
            try:
                new_user = network_members.create_volunteer(
                    actor=user,
                    group=group,
                    username=data["username"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    language=data["language"],
                    role=Role(data["role"]),
                )
            except VigilError as exc:
                volunteer_form.add_error(None, str(exc))
            else:
                created = {"username": new_user.get_username(), "email": new_user.email}
                volunteer_form = VolunteerForm(prefix="new")
    elif request.method == "POST":
        return HttpResponse(_("Unknown action."), status=400)
    people = account_selectors.members(group)
    ctx = {
        **_group_ctx(group, "members"),
        "members": people,
        "not_enrolled": sum(1 for m in people if not m.has_second_factor),
        "add_form": add_form,
        "volunteer_form": volunteer_form,
        "created": created,
    }
    status = 400 if request.method == "POST" and created is None else 200
    response = render(request, "coordinate/members.html", ctx, status=status)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def remove_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    user = signed_in_user(request)
    membership = account_access.membership_for_coordinator(user, membership_id)
    group_id = membership.group_id
    try:
        network_members.remove_role(actor=user, membership=membership)
    except VigilError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Role removed."))
    return redirect("coordinate:members", group_id=group_id)


# --- zones ------------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def zones(request: HttpRequest, group_id: int) -> HttpResponse:
    user = signed_in_user(request)
    group = account_access.group_for_coordinator(user, group_id)
    form = ZoneNameForm()
    if request.method == "POST":
        form = ZoneNameForm(request.POST)
        if form.is_valid():
            try:
                zone = place_services.create_zone(actor=user, group=group, name=form.cleaned_data["name"])
            except VigilError as exc:
                form.add_error("name", str(exc))
            else:
                messages.success(request, _("Zone created. Now give it its cells."))
                return redirect("coordinate:zone", zone_id=zone.pk)
    ctx = {**_group_ctx(group, "zones"), "zones": place_selectors.zones(group), "form": form}
    return render(request, "coordinate/zones.html", ctx, status=400 if form.errors else 200)


_CELL_FORMS = {"geojson": GeoJSONForm, "cells": CellListForm, "circle": CircleForm}
_CELL_SOURCES = {"geojson": "geojson", "cells": "cell list", "circle": "centre and radius"}


@login_required
@require_http_methods(["GET", "POST"])
def zone(request: HttpRequest, zone_id: int) -> HttpResponse:
    user = signed_in_user(request)
    z = place_access.zone_for_coordinator(user, zone_id)
    forms = {
        "rename": ZoneNameForm(initial={"name": z.name}, prefix="rename"),
        "geojson": GeoJSONForm(prefix="geojson"),
        "cells": CellListForm(prefix="cells"),
        "circle": CircleForm(prefix="circle", initial=_circle_initial(z)),
    }
    action = request.POST.get("action", "")
    if request.method == "POST":
        if action == "rename":
            form = ZoneNameForm(request.POST, prefix="rename")
            forms["rename"] = form
            if form.is_valid():
                try:
                    place_services.rename_zone(actor=user, zone=z, name=form.cleaned_data["name"])
                except VigilError as exc:
                    form.add_error("name", str(exc))
                else:
                    messages.success(request, _("Zone renamed."))
                    return redirect("coordinate:zone", zone_id=z.pk)
        elif action in _CELL_FORMS:
            cell_form = _CELL_FORMS[action](request.POST, request.FILES, prefix=action)
            forms[action] = cell_form
            if cell_form.is_valid():
                try:
                    total = place_services.set_zone_cells(
                        actor=user,
                        zone=z,
                        cells=cell_form.cleaned_data["cells"],
                        replace=bool(cell_form.cleaned_data.get("replace")),
                        source=_CELL_SOURCES[action],
                    )
                except VigilError as exc:
                    cell_form.add_error(None, str(exc))
                else:
                    messages.success(request, _("The zone now has %(count)s cells.") % {"count": total})
                    return redirect("coordinate:zone", zone_id=z.pk)
        else:
            return HttpResponse(_("Unknown action."), status=400)
    cells = place_selectors.zone_cells(z)
    box = zone_geometry.bounds(cells)
    ctx = {
        **_group_ctx(z.group, "zones"),
        "zone": z,
        "cell_count": len(cells),
        "forms": forms,
        "map_bounds": json.dumps(box) if box else "",
        "map_center": json.dumps(settings.MAP_CENTER),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "max_cells": zone_geometry.MAX_ZONE_CELLS,
    }
    return render(request, "coordinate/zone.html", ctx, status=400 if request.method == "POST" else 200)


def _circle_initial(z: Zone) -> dict[str, object]:
    cells = place_selectors.zone_cells(z)
    if cells:
        lat, lon = h3.cell_to_latlng(cells[len(cells) // 2])
    else:
        lat, lon = settings.MAP_CENTER
    return {"lat": round(lat, 5), "lon": round(lon, 5), "radius_m": 1000}


@login_required
@require_POST
def zone_delete(request: HttpRequest, zone_id: int) -> HttpResponse:
    user = signed_in_user(request)
    z = place_access.zone_for_coordinator(user, zone_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the zone should be deleted."))
        return redirect("coordinate:zone", zone_id=z.pk)
    group_id = z.group_id
    place_services.delete_zone(actor=user, zone=z)
    messages.success(request, _("Zone deleted."))
    return redirect("coordinate:zones", group_id=group_id)


@login_required
@require_GET
def zone_map(request: HttpRequest, zone_id: int) -> JsonResponse:
    """The zone's cells and its group's other zones, as GeoJSON for the page's map."""
    user = signed_in_user(request)
    z = place_access.zone_for_coordinator(user, zone_id)
    features: list[dict[str, object]] = []
    for other in place_selectors.zones(z.group):
        collection = zone_geometry.cells_to_feature_collection(
            place_selectors.zone_cells(other), properties={"zone": other.name, "current": other.pk == z.pk}
        )
        features.extend(collection["features"])
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
@require_GET
def zone_export(request: HttpRequest, zone_id: int) -> HttpResponse:
    """The zone as a GeoJSON FeatureCollection of its hexagons (imports back into the same cells)."""
    user = signed_in_user(request)
    z = place_access.zone_for_coordinator(user, zone_id)
    data = zone_geometry.cells_to_feature_collection(
        place_selectors.zone_cells(z),
        properties={"zone": z.name, "group": z.group.name, "h3_resolution": zone_geometry.resolution()},
    )
    response = HttpResponse(json.dumps(data), content_type="application/geo+json")
    filename = f"zone-{slugify(z.group.slug)}-{slugify(z.name) or z.pk}.geojson"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def zone_toggle_cell(request: HttpRequest, zone_id: int) -> JsonResponse:
    """Add or remove the cell under a tapped point (the map's edit mode)."""
    user = signed_in_user(request)
    z = place_access.zone_for_coordinator(user, zone_id)
    form = MapCellForm(request.POST)
    if not form.is_valid():
        return problem_response(VigilError(_("Give a latitude and longitude."), code="no_point"))
    cell = str(h3.latlng_to_cell(form.cleaned_data["lat"], form.cleaned_data["lon"], zone_geometry.resolution()))
    try:
        added = place_services.toggle_zone_cell(actor=user, zone=z, cell=cell)
    except VigilError as exc:
        exc.status = 409
        return problem_response(exc)
    return JsonResponse({"cell": cell, "in_zone": added, "cell_count": len(place_selectors.zone_cells(z))})


# --- observers --------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def observers(request: HttpRequest, group_id: int) -> HttpResponse:
    user = signed_in_user(request)
    group = account_access.group_for_coordinator(user, group_id)
    ctx = {
        **_group_ctx(group, "observers"),
        "rows": network_selectors.observer_rows(group),
        "today": timezone.localdate(),
    }
    return render(request, "coordinate/observers.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def observer(request: HttpRequest, observer_id: int) -> HttpResponse:
    user = signed_in_user(request)
    obs = network_access.observer_for_coordinator(user, observer_id)
    form = ObserverForm.for_observer(obs)
    if request.method == "POST":
        form = ObserverForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                network_observers.update_observer(
                    actor=user,
                    observer=obs,
                    trained_on=data["trained_on"],
                    training_expires_on=data["training_expires_on"],
                    languages=data["languages"],
                    code_accepted=data["code_accepted"],
                    active=data["active"],
                    notify_by=data["notify_by"],
                    new_phone=data["new_phone"],
                    clear_phone=data["clear_phone"],
                )
            except VigilError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Observer saved."))
                return redirect("coordinate:observers", group_id=obs.group_id)
    ctx = {
        **_group_ctx(obs.group, "observers"),
        "observer": obs,
        "form": form,
        "masked_phone": network_observers.masked_phone(obs, actor=user),
        "training": network_selectors.training_status(obs, today=timezone.localdate()),
    }
    response = render(request, "coordinate/observer.html", ctx, status=400 if request.method == "POST" else 200)
    add_never_cache_headers(response)
    return response


# --- shifts -----------------------------------------------------------------------------------------------------------


def _week(request: HttpRequest) -> dt.date:
    raw = request.GET.get("week", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        raise Http404 from None
    if not 1900 <= day.year <= 2999:  # the page links the weeks before and after: stay far from date's limits
        raise BadRequest(_("That week is out of range."))
    return network_shifts.week_start(day)


@login_required
@require_http_methods(["GET", "POST"])
def shifts(request: HttpRequest, group_id: int) -> HttpResponse:
    user = signed_in_user(request)
    group = account_access.group_for_coordinator(user, group_id)
    monday = _week(request)
    form = ShiftForm(group=group)
    if request.method == "POST":
        form = ShiftForm(request.POST, group=group)
        if form.is_valid():
            data = form.cleaned_data
            try:
                shift = network_shifts.create_shift(
                    actor=user, observer=data["observer"], starts_at=data["starts_at"], ends_at=data["ends_at"]
                )
            except VigilError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Shift added."))
                return redirect(_roster_url(group.pk, shift.starts_at))
    ctx = {
        **_group_ctx(group, "shifts"),
        "roster": network_shifts.week_roster(group, monday=monday),
        "on_shift": network_shifts.on_shift_now(group),
        "form": form,
        "now": timezone.localtime(),
    }
    return render(request, "coordinate/shifts.html", ctx, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def shift(request: HttpRequest, shift_id: int) -> HttpResponse:
    user = signed_in_user(request)
    s = network_access.shift_for_coordinator(user, shift_id)
    group = s.observer.group
    form = ShiftForm.for_shift(s, group=group)
    if request.method == "POST":
        form = ShiftForm(request.POST, group=group)
        if form.is_valid():
            data = form.cleaned_data
            try:
                network_shifts.update_shift(
                    actor=user, shift=s, observer=data["observer"], starts_at=data["starts_at"], ends_at=data["ends_at"]
                )
            except VigilError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Shift saved."))
                return redirect(_roster_url(group.pk, s.starts_at))
    ctx = {**_group_ctx(group, "shifts"), "shift": s, "form": form}
    return render(request, "coordinate/shift.html", ctx, status=400 if request.method == "POST" else 200)


def _roster_url(group_id: int, when: dt.datetime) -> str:
    week = network_shifts.week_start(timezone.localtime(when).date())
    return f"{reverse('coordinate:shifts', args=[group_id])}?week={week.isoformat()}"


@login_required
@require_POST
def shift_delete(request: HttpRequest, shift_id: int) -> HttpResponse:
    user = signed_in_user(request)
    s = network_access.shift_for_coordinator(user, shift_id)
    url = _roster_url(s.observer.group_id, s.starts_at)
    network_shifts.delete_shift(actor=user, shift=s)
    messages.success(request, _("Shift deleted."))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(url)


# --- network settings -------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def network_settings(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    account_access.require_network_admin(user)
    config = current_config()
    form = NetworkSettingsForm(initial={s.name: getattr(config, s.name) for s in SETTINGS})
    if request.method == "POST":
        form = NetworkSettingsForm(request.POST)
        if form.is_valid():
            try:
                place_services.update_network_settings(actor=user, values=form.cleaned_data)
            except VigilError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Settings saved. They apply from now on."))
                return redirect("coordinate:settings")
    ctx = {"form": form, "row": place_selectors.network_settings_row(), "section": "settings"}
    return render(request, "coordinate/settings.html", ctx, status=400 if request.method == "POST" else 200)


# --- volunteers: the pipeline from sign-up to observer ----------------------------------------------------------------


@login_required
@require_GET
def volunteers(request: HttpRequest, group_id: int) -> HttpResponse:
    user = signed_in_user(request)
    group = account_access.group_for_coordinator(user, group_id)
    columns = network_volunteers.pipeline(group)
    ctx = {
        **_group_ctx(group, "volunteers"),
        "columns": [(VolunteerStatus(status).label, status, rows) for status, rows in columns.items()],
        "sign_up_url": reverse("volunteer:sign_up"),
    }
    return render(request, "coordinate/volunteers.html", ctx)


VOLUNTEER_ACTIONS: dict[str, tuple[Callable[..., object], Promise]] = {
    "invite": (network_volunteers.invite_to_training, gettext_lazy("Invitation to a training sent.")),
    "decline": (network_volunteers.decline, gettext_lazy("Applicant declined.")),
    "reopen": (network_volunteers.reopen, gettext_lazy("Applicant back in the pipeline.")),
    "make_observer": (network_volunteers.make_observer, gettext_lazy("Observer account made; the invitation is sent.")),
    "resend": (network_volunteers.resend_invitation, gettext_lazy("A new invitation link is sent.")),
}


@login_required
@require_http_methods(["GET", "POST"])
def volunteer(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    user = signed_in_user(request)
    person = network_access.volunteer_for_coordinator(user, volunteer_id, audited=True)
    form = ContactVolunteerForm()
    status = 200
    if request.method == "POST":
        action = str(request.POST.get("action", ""))
        try:
            if action in VOLUNTEER_ACTIONS:
                step, done = VOLUNTEER_ACTIONS[action]
                step(actor=user, volunteer=person)
                messages.success(request, str(done))
                return redirect("coordinate:volunteer", volunteer_id=person.pk)
            if action == "delete":
                group_id = person.group_id
                network_volunteers.delete_volunteer(actor=user, volunteer=person)
                messages.success(request, _("Applicant and their training history deleted."))
                return redirect("coordinate:volunteers", group_id=group_id)
            if action == "contact":
                form = ContactVolunteerForm(request.POST)
                if form.is_valid():
                    network_volunteers.contact(
                        actor=user,
                        volunteer=person,
                        subject=form.cleaned_data["subject"],
                        body=form.cleaned_data["body"],
                    )
                    messages.success(request, _("Message sent."))
                    return redirect("coordinate:volunteer", volunteer_id=person.pk)
                status = 400
            else:
                raise Http404
        except VigilError as refused:
            messages.error(request, refused.message)
            status = refused.status
    ctx = {
        **_group_ctx(person.group, "volunteers"),
        "person": person,
        "form": form,
        "next_steps": network_volunteers.NEXT[person.status],
        "contact": network_volunteers.revealed_contact(actor=user, volunteer=person)
        if request.GET.get("show") == "contact"
        else "",
        "registrations": person.registrations.select_related("training").order_by("training__starts_at"),
        "certifications": person.certifications.all(),
        "invitation_pending": person.user is not None and not person.user.has_usable_password(),
    }
    response = render(request, "coordinate/volunteer.html", ctx, status=status)
    add_never_cache_headers(response)
    return response


# --- trainings --------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def trainings(request: HttpRequest, group_id: int) -> HttpResponse:
    user = signed_in_user(request)
    group = account_access.group_for_coordinator(user, group_id)
    form = TrainingForm()
    status = 200
    if request.method == "POST":
        form = TrainingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                training = network_trainings.schedule(actor=user, group=group, **data)
            except (VigilError, ValidationError) as refused:
                form.add_error(None, refused.message if isinstance(refused, VigilError) else refused)
            else:
                messages.success(request, _("Session scheduled."))
                return redirect("coordinate:training", training_id=training.pk)
        status = 400
    ctx = {
        **_group_ctx(group, "trainings"),
        "form": form,
        "sessions": Training.objects.filter(group=group)
        .annotate(registered=Count("registrations"))
        .order_by("-starts_at"),
    }
    return render(request, "coordinate/trainings.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def training(request: HttpRequest, training_id: int) -> HttpResponse:
    user = signed_in_user(request)
    session = network_access.training_for_coordinator(user, training_id)
    if request.method == "POST":
        action = str(request.POST.get("action", ""))
        if action == "close":
            network_trainings.set_open(actor=user, training=session, open_for_registration=False)
        elif action == "open":
            network_trainings.set_open(actor=user, training=session, open_for_registration=True)
        elif action == "cancel":
            network_trainings.cancel(actor=user, training=session)
        else:
            raise Http404
        return redirect("coordinate:training", training_id=session.pk)
    door = absolute_url("volunteer:door", session.pk, session.check_in_token)
    ctx = {
        **_group_ctx(session.group, "trainings"),
        "session": session,
        "registrations": session.registrations.select_related("volunteer", "observer__user").order_by("registered_at"),
        "door_url": door,
        "qr_svg": segno.make(door, error="m").svg_inline(scale=4),
    }
    response = render(request, "coordinate/training.html", ctx)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def attendance(request: HttpRequest, registration_id: int) -> HttpResponse:
    user = signed_in_user(request)
    registration = network_access.registration_for_coordinator(user, registration_id)
    network_trainings.mark_attended(actor=user, registration=registration, attended=request.POST.get("attended") == "1")
    return redirect("coordinate:training", training_id=registration.training_id)
