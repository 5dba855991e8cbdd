"""Web Push to observers' and coordinators' phones: VAPID keys, subscriptions, and the `push` notify backend.

- The VAPID key (RFC 8292) is an EC P-256 private key in a PEM file at VIGIL_VAPID_KEY_FILE, made by
  `manage.py init_keys`, kept with the other keys outside the data directory.
- A browser subscribes with the public key (`application_server_key`); its PushSubscription (endpoint and the
  p256dh/auth keys) is stored per user. Payloads are encrypted to the device (RFC 8291, aes128gcm) by pywebpush, so
  the push service relays ciphertext only; they carry what an SMS carries (how far, never where).
- A push service answering 404 or 410 means the subscription is gone: it is deleted. When no subscription takes the
  message, the observer's SMS (if they opted in) goes instead: SMS stays the fallback.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.lib.errors import VigilError
from vigil.network.models import PushSubscription

logger = logging.getLogger(__name__)

URGENT_KINDS = frozenset({"dispatch_offer", "dispatch_escalated", "check_in_missed"})


class PushError(Exception):
    """Push could not deliver to any subscription (the message never contains personal data)."""


def write_vapid_key(path: Path) -> bool:
    """Create the VAPID private key file if missing (mode 0600); True when it was created. Never overwrites."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return True


def _private_key() -> ec.EllipticCurvePrivateKey:
    path = Path(settings.VIGIL_VAPID_KEY_FILE)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise PushError("the VAPID key is not an EC key")
    return key


def configured() -> bool:
    return Path(settings.VIGIL_VAPID_KEY_FILE).exists()


def application_server_key() -> str:
    """The VAPID public key as browsers want it: the uncompressed P-256 point, base64url without padding."""
    raw = (
        _private_key()
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def subscribe(*, user: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    # The server will POST to this URL: only https (no plain-http hop to an internal address), one a browser made.
    scheme = endpoint.split("://", 1)[0].lower()
    if scheme != "https" and not (scheme == "http" and settings.VIGIL_PUSH_ALLOW_HTTP):
        raise VigilError(_("A push subscription needs an https endpoint."), code="bad_endpoint")
    if not (p256dh and auth) or len(endpoint) > 1000:
        raise VigilError(_("The push subscription is incomplete."), code="bad_subscription")
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint[:1000],
            defaults={"user": user, "p256dh": p256dh[:200], "auth": auth[:100], "created_at": timezone.now()},
        )
    return subscription


def unsubscribe(*, user: User, endpoint: str) -> int:
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def has_subscription(user: User) -> bool:
    return PushSubscription.objects.filter(user=user).exists()


def payload(*, kind: str, subject: str, body: str, link: str, dispatch_id: int | None) -> bytes:
    data: dict[str, object] = {"kind": kind, "title": subject, "body": body, "url": link, "tag": kind}
    if kind == "dispatch_offer" and link:
        # Where the platform shows actions (Android Chrome), accept/decline open the dispatch page at that step.
        data["actions"] = [{"action": "accept", "title": "✓"}, {"action": "decline", "title": "✗"}]
        data["action_urls"] = {"accept": f"{link}?step=accept", "decline": f"{link}?step=decline"}
        data["tag"] = f"dispatch-{dispatch_id}"
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def send_to_user(*, user_id: int, kind: str, subject: str, body: str, link: str, dispatch_id: int | None) -> int:
    """Push one message to every subscription of the user; returns how many took it. Gone ones are deleted."""
    from pywebpush import WebPushException, webpush

    subscriptions = list(PushSubscription.objects.filter(user_id=user_id))
    if not subscriptions:
        return 0
    data = payload(kind=kind, subject=subject, body=body, link=link, dispatch_id=dispatch_id)
    key_path = str(settings.VIGIL_VAPID_KEY_FILE)
    delivered = 0
    for subscription in subscriptions:
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=data,
                vapid_private_key=key_path,
                vapid_claims={"sub": settings.VIGIL_VAPID_SUBJECT},
                content_encoding="aes128gcm",
                ttl=settings.VIGIL_PUSH_TTL_SECONDS,
                headers={"Urgency": "high" if kind in URGENT_KINDS else "normal"},
                timeout=10,
            )
        except WebPushException as error:
            status = error.response.status_code if error.response is not None else None
            if status in (404, 410):
                subscription.delete()
                logger.info("push subscription #%s gone (HTTP %s): deleted", subscription.pk, status)
            else:
                logger.warning("push to subscription #%s failed (HTTP %s)", subscription.pk, status)
            continue
        delivered += 1
        PushSubscription.objects.filter(pk=subscription.pk).update(last_used_at=timezone.now())
    return delivered
