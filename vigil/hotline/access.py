"""The only way a hotline view gets an incident or a report.

A user sees an incident (and its reports) when the incident's zone belongs to a group where the user holds one of the
roles the view asks for. Incidents outside every zone, and reports not yet placed on the map, belong to nobody's zone:
they are visible to operators, dispatchers and coordinators of any group (someone has to pick them up), never to other
roles. Missing and forbidden objects get the same 404, so nobody can probe what exists.

A report's call-back contact is narrower still (`may_read_contact`, `report_contact_for`): the dispatchers of its
zone's group, or for a report in no zone the hotline operators and the network administrator; every reveal is audited.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.crypto import salted_hmac

from vigil.accounts.access import AnyUser, audit, group_ids
from vigil.accounts.models import Role
from vigil.hotline.models import Incident, Report
from vigil.lib import clients
from vigil.places.models import Zone

# Roles that also see what lies outside every zone (unzoned incidents, unplaced reports).
UNZONED_ROLES: frozenset[Role] = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.COORDINATOR})


def _scope(user: AnyUser, roles: Iterable[Role]) -> tuple[list[int], bool]:
    """(ids of the zones the user may see for `roles`, whether unzoned things are visible too)."""
    wanted = list(roles)
    groups = group_ids(user, wanted)
    if not groups:
        return [], False
    zones = list(Zone.objects.filter(group_id__in=groups).values_list("id", flat=True))
    unzoned_roles = [r for r in wanted if r in UNZONED_ROLES]
    sees_unzoned = bool(unzoned_roles) and bool(group_ids(user, unzoned_roles))
    return zones, sees_unzoned


def incidents_visible_to(user: AnyUser, roles: Iterable[Role]) -> QuerySet[Incident]:
    """All incidents `user` may see in any of `roles` (empty for strangers)."""
    zones, sees_unzoned = _scope(user, roles)
    condition = Q(zone_id__in=zones)
    if sees_unzoned:
        condition |= Q(zone__isnull=True)
    if not zones and not sees_unzoned:
        return Incident.objects.none()
    return Incident.objects.filter(condition)


def reports_visible_to(user: AnyUser, roles: Iterable[Role]) -> QuerySet[Report]:
    """All reports `user` may see in any of `roles`: those of visible incidents, plus unplaced ones where allowed."""
    zones, sees_unzoned = _scope(user, roles)
    if not zones and not sees_unzoned:
        return Report.objects.none()
    condition = Q(incident__zone_id__in=zones)
    if sees_unzoned:
        condition |= Q(incident__isnull=True) | Q(incident__zone__isnull=True)
    return Report.objects.filter(condition)


def incident_for(user: AnyUser, pk: object, roles: Iterable[Role]) -> Incident:
    """The incident `pk` if `user` may see it in one of `roles`; else 404 (also when it does not exist)."""
    try:
        key = int(str(pk))
    except ValueError:
        raise Http404 from None
    incident = incidents_visible_to(user, roles).filter(pk=key).first()
    if incident is None:
        raise Http404
    return incident


def report_for(user: AnyUser, pk: object, roles: Iterable[Role]) -> Report:
    """The report `pk` if `user` may see it in one of `roles`; else 404 (also when it does not exist)."""
    try:
        key = int(str(pk))
    except ValueError:
        raise Http404 from None
    report = reports_visible_to(user, roles).select_related("incident").filter(pk=key).first()
    if report is None:
        raise Http404
    return report


# Who reads call-back contacts. A contact is the most dangerous thing a report
# holds, so the rule is narrower than who may see the report:
# - a report in a zone: the dispatchers of that zone's group, nobody else (not another group's dispatcher, not a
#   coordinator standing in, not an operator);
# - a report in no zone (not placed yet, or its incident lies outside every zone): hotline operators, who call back
#   to ask where it was, and the network administrator; never a dispatcher of some group that happens to look.
ZONED_CONTACT_ROLES: tuple[Role, ...] = (Role.DISPATCHER,)
UNZONED_CONTACT_ROLES: tuple[Role, ...] = (Role.OPERATOR, Role.NETWORK_ADMIN)


def may_read_contact(user: AnyUser, report: Report) -> bool:
    """Whether `user` may unseal `report`'s call-back contact (the rule above); no database write, no audit."""
    return may_read_contacts_in(user, report.incident.zone_id if report.incident is not None else None)


def may_read_contacts_in(user: AnyUser, zone_id: int | None) -> bool:
    """Whether `user` may unseal call-back contacts of reports whose incident lies in `zone_id` (None: no zone)."""
    if zone_id is None:
        return bool(group_ids(user, UNZONED_CONTACT_ROLES))
    groups = group_ids(user, ZONED_CONTACT_ROLES)
    return bool(groups) and Zone.objects.filter(pk=zone_id, group_id__in=groups).exists()


def report_contact_for(user: AnyUser, pk: object) -> tuple[Report, str]:
    """A report's call-back contact for someone `may_read_contact` allows; every reveal is written to the audit trail.

    Returns (report, contact); the same 404 when the report does not exist, is not theirs to read, or has no contact
    (anymore), so nobody learns from the answer whether a report or a contact exists.
    """
    from vigil.vault import unseal

    try:
        key = int(str(pk))
    except ValueError:
        raise Http404 from None
    report = Report.objects.select_related("incident").filter(pk=key).first()
    if report is None or not report.contact_sealed or not may_read_contact(user, report):
        raise Http404
    contact = unseal(report.contact_sealed, purpose=CONTACT_PURPOSE)
    zoned = report.incident is not None and report.incident.zone_id is not None
    audit(user, "report.contact.read", object_type="hotline.Report", object_id=report.pk, zoned=zoned)
    return report, contact


CONTACT_PURPOSE = "report-contact"


# --- Public intake rate limit ------------------------------------------------------------------------------------
# Anonymous channels are limited per sender without storing who they are: the client address (or SMS number) is
# turned into a keyed hash, and only counters under that hash live in the shared cache (the database by default, so
# every worker and node counts against one limit), for about a minute. Nothing is written to the logs; the hash can't
# be reversed without SECRET_KEY.
#
# The window slides: attempts are counted in slices of RATE_SLICE_SECONDS, and an attempt is accepted while the
# current slice and the RATE_WINDOW_SECONDS // RATE_SLICE_SECONDS slices before it hold fewer than the limit. Those
# slices cover every 60-second window that ends now, so no 60 seconds ever see more than the limit accepted, across a
# clock minute's boundary included (a counter per clock minute let a client have twice the limit around one). The
# price is at most one slice of extra waiting. A refused attempt is not counted (hammering does not prolong the wait)
# and an invalid submission is given back (refund_rate).

RATE_WINDOW_SECONDS = 60
RATE_SLICE_SECONDS = 10
_SLICES_BEFORE = RATE_WINDOW_SECONDS // RATE_SLICE_SECONDS
_KEPT_SECONDS = RATE_WINDOW_SECONDS + 2 * RATE_SLICE_SECONDS


# One definition of the client's address, in vigil/lib/clients.py (sign-in throttles use it too).
client_address = clients.client_address


def _now() -> float:
    return time.time()


def _slice_key(sender: str, scope: str, slice_no: int) -> str:
    digest = salted_hmac("vigil.hotline.rate", f"{scope}\x00{slice_no}\x00{sender}", algorithm="sha256").hexdigest()
    return f"vigil:rate:{digest[:32]}"


def _count(key: str) -> None:
    """Add one to the counter under `key` (made if missing)."""
    cache.add(key, 0, timeout=_KEPT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=_KEPT_SECONDS)


def within_rate(sender: str, *, scope: str, per_minute: int | None = None) -> bool:
    """Count one attempt by `sender` (an address or a number, never stored); False (and not counted) once `sender`
    had the limit accepted within the last RATE_WINDOW_SECONDS."""
    limit = per_minute or settings.VIGIL_REPORT_RATE_PER_MINUTE
    current = int(_now() // RATE_SLICE_SECONDS)
    keys = [_slice_key(sender, scope, n) for n in range(current - _SLICES_BEFORE, current + 1)]
    # One read decides a refusal, so a flood of refused attempts costs one query each and writes nothing. (Two
    # attempts of one sender at the same instant may both pass: a cache's add-then-incr is not a lock either.)
    if sum(int(v) for v in cache.get_many(keys).values()) >= limit:
        return False
    _count(keys[-1])
    return True


def refund_rate(sender: str, *, scope: str) -> None:
    """Give back the attempt `within_rate` just counted: a refused (invalid) submission uses up nobody's quota."""
    current = int(_now() // RATE_SLICE_SECONDS)
    for slice_no in (current, current - 1):  # the slice may have turned over since the attempt was counted
        key = _slice_key(sender, scope, slice_no)
        value = cache.get(key)
        if isinstance(value, int) and value > 0:
            cache.decr(key)
            return
