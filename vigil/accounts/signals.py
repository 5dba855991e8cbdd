"""Record on the session when its person passed a second factor (allauth tells us through its signals)."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from vigil.accounts import mfa, sessions


def _on_logged_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: object) -> None:
    # A session is verified only if this sign-in itself passed a second factor; a password alone never carries an
    # earlier verification over (Django keeps session data when an anonymous session signs in).
    if request is None or not hasattr(request, "session"):
        return
    sessions.record_sign_in(request, user)
    records = get_authentication_records(request, user)
    if any(record.get("method") == "mfa" for record in records):
        mfa.mark_verified(request)
    else:
        mfa.forget_verified(request)


def _on_logged_out(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None:
        sessions.forget_sign_in(request)


def _on_factor_used(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None:
        mfa.mark_verified(request)


def _on_factor_added(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    # Enrolling proves possession of the new factor (a TOTP code or a passkey assertion was checked).
    if request is not None and request.user.is_authenticated:
        mfa.mark_verified(request)


def connect() -> None:
    auth_signals.user_logged_in.connect(_on_logged_in, dispatch_uid="vigil.accounts.logged_in")
    auth_signals.user_logged_out.connect(_on_logged_out, dispatch_uid="vigil.accounts.logged_out")
    mfa_signals.authenticator_used.connect(_on_factor_used, dispatch_uid="vigil.accounts.factor_used")
    mfa_signals.authenticator_added.connect(_on_factor_added, dispatch_uid="vigil.accounts.factor_added")
