"""Rumour alerts by Web Push, over the wire of vigil/lib/webpush.py (RFC 8030 delivery, RFC 8291 encryption, VAPID
RFC 8292 with the one key in settings.VIGIL_VAPID_KEY_FILE, made on first use).

- `subscribe(subscription=, language=)`: keep a browser's PushSubscription (sealed). Its endpoint must be https on
  one of settings.VIGIL_PUSH_SERVICE_HOSTS (a leading dot allows subdomains); a loopback host listed there may use
  http (tests). Anything else is refused: nobody can make the server post to an address of their choosing.
- `unsubscribe(endpoint=)`; `send_debunk(debunk_id)`: one push per subscriber in its language; a subscription the
  push service says is gone (404, 410) is deleted.
The payload holds what the public feed shows (headline, statement, link), nothing more.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from vigil.lib import webpush
from vigil.lib.errors import VigilError
from vigil.public import selectors
from vigil.public.models import PushSubscriber
from vigil.vault import seal, unseal

log = logging.getLogger(__name__)
_PURPOSE = "public-push-subscription"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def ensure_vapid_key() -> bool:
    """Create the one VAPID key file if missing (the same key the observers' push uses); True if created."""
    return webpush.write_vapid_key(webpush.key_file())


def application_server_key() -> str:
    """The VAPID public key as browsers want it (base64url of the uncompressed point)."""
    ensure_vapid_key()
    return webpush.application_server_key()


def _allowed(endpoint: str) -> bool:
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    listed = any(host == h or (h.startswith(".") and host.endswith(h)) for h in settings.VIGIL_PUSH_SERVICE_HOSTS)
    if not listed:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK)


def _b64(value: object) -> bytes:
    if not isinstance(value, str) or len(value) > 200:
        raise ValueError
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _index(endpoint: str) -> str:
    return salted_hmac("vigil.public.push-endpoint", endpoint, algorithm="sha256").hexdigest()


def subscribe(*, subscription: Mapping[str, object], language: str) -> PushSubscriber:
    refused = VigilError(_("This browser's push subscription cannot be used."), code="invalid")
    endpoint = subscription.get("endpoint")
    keys = subscription.get("keys")
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or not isinstance(keys, Mapping):
        raise refused
    if not _allowed(endpoint):
        raise refused
    try:
        p256dh, auth = _b64(keys.get("p256dh")), _b64(keys.get("auth"))
    except (ValueError, binascii.Error):
        raise refused from None
    if len(p256dh) != 65 or len(auth) != 16:
        raise refused
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    kept = json.dumps({"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}})
    row, _created = PushSubscriber.objects.update_or_create(
        endpoint_index=_index(endpoint),
        defaults={"subscription_sealed": seal(kept, purpose=_PURPOSE), "language": language},
    )
    return row


def unsubscribe(*, endpoint: str) -> None:
    PushSubscriber.objects.filter(endpoint_index=_index(endpoint)).delete()


def send_debunk(debunk_id: int) -> int:
    sent = 0
    if PushSubscriber.objects.exists():
        ensure_vapid_key()
    for row in PushSubscriber.objects.all().iterator():
        with translation.override(row.language):
            found = next((d for d in selectors.debunks(language=row.language) if d.pk == debunk_id), None)
            if found is None:
                return sent
            payload = json.dumps(
                {
                    "title": _("Rumour control: %(verdict)s") % {"verdict": found.verdict_label},
                    "body": f"{found.area}. {found.statement}".strip(),
                    "url": f"/rumours/#debunk-{found.pk}",
                },
                ensure_ascii=False,
            )
        subscription = json.loads(unseal(row.subscription_sealed, purpose=_PURPOSE))
        if not _allowed(subscription["endpoint"]):  # the allow-list may have shrunk since
            continue
        outcome, status = webpush.send(
            endpoint=subscription["endpoint"],
            p256dh=subscription["keys"]["p256dh"],
            auth=subscription["keys"]["auth"],
            data=payload,
            ttl=6 * 3600,
        )
        if outcome is webpush.Sent.OK:
            sent += 1
        elif outcome is webpush.Sent.GONE:
            row.delete()
        else:
            log.warning("debunk push to subscriber %s not sent: HTTP %s", row.pk, status)
    return sent
