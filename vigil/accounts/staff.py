"""Who counts as staff (must enrol a second factor) and who has enrolled one."""

from __future__ import annotations

from collections.abc import Iterable

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser

from vigil.accounts.models import Membership, User

# Factors one signs in with; recovery codes only stand in for a lost one.
PRIMARY_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def is_staff(user: User | AnonymousUser) -> bool:
    """Anyone holding a role in a group, and the Django admin's staff: all of them need a second factor."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user_id=user.pk).exists()


def has_second_factor(user: User) -> bool:
    return bool(Authenticator.objects.filter(user_id=user.pk, type__in=PRIMARY_FACTORS).exists())


def enrolled_ids(user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` have enrolled a second factor (TOTP or a passkey)."""
    return set(
        Authenticator.objects.filter(user_id__in=list(user_ids), type__in=PRIMARY_FACTORS).values_list(
            "user_id", flat=True
        )
    )
