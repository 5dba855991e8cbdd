"""Invitations by e-mail instead of passwords shown on screen.

A coordinator makes an account with no usable password; the person gets an e-mail with a one-time link to choose
their password (allauth's password-reset page). The link stops working once used (the token covers the password
hash) and after VIGIL_EMAIL_LINK_HOURS. Signing in afterwards asks them to enrol a second factor like everyone.
"""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vigil.accounts.models import User


def invitation_link(user: User) -> str:
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def send_invitation(*, user: User, group_name: str) -> None:
    """E-mail `user` the link to set their password, in their language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Your Vigil account for %(group)s") % {"group": group_name}
        body = _(
            "Hello %(name)s,\n\nA coordinator of %(group)s made a Vigil account for you (username: %(username)s).\n"
            "Choose your password with this link. It works once and expires in %(hours)d hours:\n\n%(link)s\n\n"
            "After that you will set up a second factor (a passkey or an authenticator app).\n"
            "If you did not expect this, ignore this message."
        ) % {
            "name": user.get_full_name() or user.get_username(),
            "group": group_name,
            "username": user.get_username(),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "link": invitation_link(user),
        }
    send_mail(subject, body, None, [user.email])
