from __future__ import annotations

from django.http import HttpRequest

from vigil.accounts.models import Membership


def roles(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's roles, for navigation only; access is decided in each app's access.py."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": frozenset()}
    return {"my_roles": frozenset(Membership.objects.filter(user=user).values_list("role", flat=True))}
