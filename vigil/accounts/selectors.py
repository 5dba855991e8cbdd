from __future__ import annotations

from dataclasses import dataclass, field

from vigil.accounts.models import Group, Membership, User


@dataclass
class Member:
    user: User
    memberships: list[Membership] = field(default_factory=list)


def members(group: Group) -> list[Member]:
    """Everyone holding a role in `group`, with their roles, by username."""
    by_user: dict[int, Member] = {}
    rows = Membership.objects.filter(group=group).select_related("user").order_by("user__username", "role")
    for membership in rows:
        by_user.setdefault(membership.user_id, Member(user=membership.user)).memberships.append(membership)
    return list(by_user.values())
