"""The dispatcher's one action of rumour control: publish (or withdraw) the debunk of a judged incident.

The console's incident page shows the form (templates/site/_debunk_box.html, included there); these views take its
POST and answer with a redirect back to the incident, or the form again with the reason when refused."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts.access import signed_in_user
from vigil.lib.errors import VigilError
from vigil.public import access, services
from vigil.site.forms import DebunkForm


def _back(pk: int) -> HttpResponse:
    return redirect(f"/console/incident/{pk}/")


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    incident = access.incident_to_debunk(user, pk)
    form = DebunkForm(request.POST)
    if form.is_valid():
        try:
            services.publish_debunk(
                incident=incident, actor=user, area=form.cleaned_data["area"], statements=form.statements()
            )
        except VigilError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Debunk published: it is on the public rumour feed now."))
            return _back(incident.pk)
    return render(request, "site/debunk_refused.html", {"incident": incident, "form": form}, status=400)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = access.debunk_for(user, pk)
    try:
        services.withdraw_debunk(debunk=found, actor=user)
    except VigilError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Debunk withdrawn from the public feed."))
    assert found.incident_id is not None  # noqa: S101 - debunk_for only returns debunks with an incident
    return _back(found.incident_id)
