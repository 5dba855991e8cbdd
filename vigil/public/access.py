"""Who may act on the public side: the same 404 for a missing object and a forbidden one."""

from __future__ import annotations

from django.http import Http404

from vigil.accounts.access import AnyUser, has_role, require_role
from vigil.accounts.models import Role
from vigil.hotline.access import incident_for
from vigil.hotline.models import Incident
from vigil.public.models import Debunk

# Who publishes a debunk of an incident they can see in the console.
DEBUNK_ROLES = (Role.DISPATCHER, Role.COORDINATOR)
# Who edits the know-your-rights pages and reads the coordinators' dashboard: any coordinator.
EDITOR_ROLES = (Role.COORDINATOR,)


def incident_to_debunk(user: AnyUser, pk: object) -> Incident:
    return incident_for(user, pk, DEBUNK_ROLES)


def may_debunk(user: AnyUser, incident: Incident) -> bool:
    try:
        incident_for(user, incident.pk, DEBUNK_ROLES)
    except Http404:
        return False
    return True


def debunk_for(user: AnyUser, pk: object) -> Debunk:
    """A debunk whose incident the user may see as a dispatcher; else 404."""
    try:
        key = int(str(pk))
    except ValueError:
        raise Http404 from None
    found = Debunk.objects.filter(pk=key).first()
    if found is None or found.incident_id is None:
        raise Http404
    incident_for(user, found.incident_id, DEBUNK_ROLES)
    return found


def require_editor(user: AnyUser) -> None:
    require_role(user, EDITOR_ROLES)


def is_editor(user: AnyUser) -> bool:
    return has_role(user, EDITOR_ROLES)
