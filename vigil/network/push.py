"""Web Push to observers' and coordinators' phones: subscriptions, and the `push` notify backend.

- The VAPID key and the wire (RFC 8030/8291/8292) are vigil/lib/webpush.py's, shared with the public rumour alerts.
- A browser subscribes with the public key (`application_server_key`); its PushSubscription (endpoint and the
  p256dh/auth keys) is stored per user. Payloads are encrypted to the device, so the push service relays ciphertext
  only; they carry what an SMS carries (how far, never where).
- A push service answering 404 or 410 means the subscription is gone: it is deleted. When no subscription takes the
  message, the observer's SMS (if they opted in) goes instead: SMS stays the fallback.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.lib import webpush
from vigil.lib.errors import VigilError
from vigil.lib.webpush import application_server_key, configured, write_vapid_key
from vigil.network.models import PushSubscription

__all__ = ["application_server_key", "configured", "write_vapid_key"]

logger = logging.getLogger(__name__)

URGENT_KINDS = frozenset({"dispatch_offer", "dispatch_escalated", "check_in_missed"})


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
    subscriptions = list(PushSubscription.objects.filter(user_id=user_id))
    if not subscriptions:
        return 0
    data = payload(kind=kind, subject=subject, body=body, link=link, dispatch_id=dispatch_id)
    try:
        application_server_key()
    except webpush.VapidKeyError as error:  # the caller falls back to SMS; the coordinators see it in the log
        logger.error("push not sent: %s", error)
        return 0
    delivered = 0
    for subscription in subscriptions:
        sent, status = webpush.send(
            endpoint=subscription.endpoint,
            p256dh=subscription.p256dh,
            auth=subscription.auth,
            data=data,
            ttl=settings.VIGIL_PUSH_TTL_SECONDS,
            urgency="high" if kind in URGENT_KINDS else "normal",
        )
        if sent is webpush.Sent.GONE:
            subscription.delete()
            logger.info("push subscription #%s gone (HTTP %s): deleted", subscription.pk, status)
        elif sent is webpush.Sent.FAILED:
            logger.warning("push to subscription #%s failed (HTTP %s)", subscription.pk, status)
        else:
            delivered += 1
            PushSubscription.objects.filter(pk=subscription.pk).update(last_used_at=timezone.now())
    return delivered
