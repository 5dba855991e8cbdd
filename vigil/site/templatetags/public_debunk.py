"""`{% debunk_box %}`: on the console's incident page, the debunk form (or the published debunk) when the verdict
clears a rumour and the user may publish."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.context import Context

from vigil.hotline.models import Incident
from vigil.public import access, selectors
from vigil.safety.publication import DEBUNK_VERDICTS
from vigil.site.forms import DebunkForm

register = template.Library()


@register.inclusion_tag("site/_debunk_form.html", takes_context=True)
def debunk_box(context: Context) -> dict[str, Any]:
    incident = context.get("incident")
    request = context.get("request")
    if not isinstance(incident, Incident) or request is None or incident.verdict not in DEBUNK_VERDICTS:
        return {"show": False}
    if incident.merged_into_id is not None or not access.may_debunk(request.user, incident):
        return {"show": False}
    zone = incident.zone.name if incident.zone is not None else ""
    return {
        "show": True,
        "incident": incident,
        "published": selectors.debunk_of(incident),
        "form": DebunkForm(initial={"area": zone}),
        "csrf_token": context.get("csrf_token"),
    }
