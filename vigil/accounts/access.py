"""The access chokepoint for people and roles. Apps build their own `access.py` on these helpers.

Rule: a user sees only what belongs to the groups where they hold a role that grants it. Anything else is answered
with the same 404 as a missing object, so nobody can probe what exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from vigil.accounts.models import AuditEvent, Group, Membership, Role, User

AnyUser = User | AnonymousUser


def group_ids(user: AnyUser, roles: Iterable[Role]) -> set[int]:
    """Ids of the groups where `user` holds any of `roles`."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user_id=user.pk, role__in=[str(r) for r in roles]).values_list("group_id", flat=True)
    )


def has_role(user: AnyUser, roles: Iterable[Role]) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user_id=user.pk, role__in=[str(r) for r in roles]).exists()


def require_role(user: AnyUser, roles: Iterable[Role]) -> set[int]:
    """Raise 404 unless `user` holds one of `roles` somewhere; return those group ids."""
    ids = group_ids(user, roles)
    if not ids:
        raise Http404
    return ids


def audit(actor: AnyUser | None, action: str, *, object_type: str, object_id: object, **detail: object) -> None:
    """Write one row of the audit trail. Never put the sensitive value itself in `detail`."""
    AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=dict(detail),
    )


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind @login_required (404 if somehow anonymous)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise Http404
    return user


COORDINATOR = (Role.COORDINATOR,)


M = TypeVar("M", bound=models.Model)


def coordinated_group_ids(user: AnyUser) -> set[int]:
    return group_ids(user, COORDINATOR)


def require_coordinator(user: AnyUser) -> set[int]:
    """The ids of the groups `user` coordinates; 404 when none."""
    ids = coordinated_group_ids(user)
    if not ids:
        raise Http404
    return ids


def require_network_admin(user: AnyUser) -> None:
    """404 unless `user` is a network administrator (the network-wide settings are theirs, not a group's)."""
    if not has_role(user, (Role.NETWORK_ADMIN,)):
        raise Http404


def first_or_404(found: QuerySet[M]) -> M:
    """The one object the query finds; 404 when it finds none (missing and not yours look the same)."""
    first = found.first()
    if first is None:
        raise Http404
    return first


def group_for_coordinator(user: AnyUser, group_id: int) -> Group:
    return first_or_404(Group.objects.filter(pk=group_id, pk__in=coordinated_group_ids(user)))


def membership_for_coordinator(user: AnyUser, membership_id: int) -> Membership:
    return first_or_404(
        Membership.objects.select_related("user", "group").filter(
            pk=membership_id, group_id__in=coordinated_group_ids(user)
        )
    )
