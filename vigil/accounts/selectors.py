from __future__ import annotations

from dataclasses import dataclass, field

from vigil.accounts.models import Group, Membership, User
from vigil.accounts.staff import enrolled_ids


@dataclass
class Member:
    user: User
    memberships: list[Membership] = field(default_factory=list)
    has_second_factor: bool = False


def members(group: Group) -> list[Member]:
    """Everyone holding a role in `group`, with their roles and whether they enrolled a second factor, by username."""
    by_user: dict[int, Member] = {}
    rows = Membership.objects.filter(group=group).select_related("user").order_by("user__username", "role")
    for membership in rows:
        by_user.setdefault(membership.user_id, Member(user=membership.user)).memberships.append(membership)
    enrolled = enrolled_ids(by_user)
    for member in by_user.values():
        member.has_second_factor = member.user.pk in enrolled
    return list(by_user.values())
