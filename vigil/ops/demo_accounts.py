"""Demo second factors and the demo admin: every demo login gets one authenticator-app secret (made fresh each
run, printed), so the demo can be tried without enrolling; the admin login reaches the Django admin, through the
same second factor. Demo only: the secret is printed, so these factors protect nothing."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from vigil.accounts.models import User

ADMIN_USERNAME = "demo-admin"


def seed_demo_accounts(write: Callable[[str], None], *, prefix: str) -> None:
    secret = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    password = secrets.token_urlsafe(12)
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None:
        admin = User.objects.create_superuser(ADMIN_USERNAME, "demo-admin@example.org", password)
    else:
        admin.set_password(password)
        admin.save(update_fields=["password"])
    users = list(User.objects.filter(username__startswith=prefix))
    Authenticator.objects.filter(user__in=users, type=Authenticator.Type.TOTP).delete()
    for user in users:
        TOTP.activate(user, secret)
    write("")
    write(f"Second factor for every demo login: add this secret to an authenticator app: {secret}")
    write(f"  (otpauth://totp/Vigil%20demo?secret={secret}&issuer=Vigil%20demo)")
    write("  To enrol it: add the secret (or open the link) in an authenticator app; after a demo password, type the")
    write("  app's six-digit code when asked. Staff cannot open anything else until a second factor is checked.")
    write(f"Django admin: /admin/ as {ADMIN_USERNAME} / {password} (then the same authenticator code).")
