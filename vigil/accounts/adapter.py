"""How Vigil bends django-allauth: nobody signs up (coordinators invite), and staff keep a second factor."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from vigil.accounts.models import User
from vigil.accounts.staff import PRIMARY_FACTORS, is_staff
from vigil.lib.clients import client_pseudonym


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth keys its throttles (and its security e-mails) on this: a keyed hash, never the address."""
        return client_pseudonym(request)


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff may replace a factor but never remove their last one (they would be locked out of their work)."""
        if authenticator.type not in PRIMARY_FACTORS:
            return True
        user = User.objects.get(pk=authenticator.user_id)
        if not is_staff(user):
            return True
        others = Authenticator.objects.filter(user_id=user.pk, type__in=PRIMARY_FACTORS).exclude(pk=authenticator.pk)
        return bool(others.exists())
