"""The Web Push wire, shared by the observers' push (vigil/network/push.py) and the public rumour alerts
(vigil/public/push.py): one VAPID key, one way to send.

- The VAPID key (RFC 8292) is an EC P-256 private key in a PEM file at settings.VIGIL_VAPID_KEY_FILE, kept with the
  other keys outside the data directory; `write_vapid_key` makes it (0600, never overwritten).
- `application_server_key()` is its public point as browsers want it (uncompressed, base64url without padding).
- `send(...)` encrypts the payload to the browser (RFC 8291, aes128gcm, by pywebpush), signs the request with the key
  (claims `sub` = settings.VIGIL_VAPID_SUBJECT) and posts it (RFC 8030). It returns `Sent.OK`, `Sent.GONE` (the push
  service answered 404 or 410: the caller deletes the subscription) or `Sent.FAILED`.
Which endpoints a caller may post to is the caller's policy; this module posts where it is told.
"""

from __future__ import annotations

import base64
import enum
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings


class Sent(enum.Enum):
    OK = "ok"
    GONE = "gone"
    FAILED = "failed"


class VapidKeyError(Exception):
    """The VAPID key file is missing or holds something other than an EC private key."""


def key_file() -> Path:
    return Path(settings.VIGIL_VAPID_KEY_FILE)


def write_vapid_key(path: Path) -> bool:
    """Create the VAPID private key file if missing (mode 0600); True when it was created. Never overwrites: a second
    process racing to make it keeps the first one's key."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return True


def configured() -> bool:
    return key_file().exists()


def _private_key() -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(key_file().read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise VapidKeyError(f"the VAPID key cannot be read: {type(error).__name__}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise VapidKeyError("the VAPID key is not an EC key")
    return key


def application_server_key() -> str:
    point = _private_key().public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).decode("ascii").rstrip("=")


def send(
    *, endpoint: str, p256dh: str, auth: str, data: bytes | str, ttl: int, urgency: str = "normal"
) -> tuple[Sent, int | None]:
    """Post one encrypted message; (outcome, the push service's HTTP status when it refused)."""
    from pywebpush import WebPushException, webpush

    _private_key()  # a missing or wrong key stops here with a clear error, not inside pywebpush
    try:
        webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=data,
            vapid_private_key=str(key_file()),
            vapid_claims={"sub": settings.VIGIL_VAPID_SUBJECT},
            content_encoding="aes128gcm",
            ttl=ttl,
            headers={"Urgency": urgency},
            timeout=10,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        return (Sent.GONE if status in (404, 410) else Sent.FAILED), status
    return Sent.OK, None
