"""A local Web Push service for tests: the push service *and* the receiving browser, so nothing is mocked.

- RFC 8030: a push message is `POST /push/<subscription>` with a TTL header; a 201 Created answer with a Location
  (the message's receipt URL) means it was accepted. An unknown or expired subscription answers 410 Gone.
- RFC 8292 (VAPID): `Authorization: vapid t=<JWT>, k=<public key>`; the JWT (ES256) must verify with k, its `aud`
  must be this service's origin, `exp` within 24 h, `sub` a mailto: or https: contact. Otherwise 401/403.
- RFC 8291 (aes128gcm): each subscription holds a P-256 key pair and an auth secret, like a browser; the body is
  decrypted with `http_ece` and kept, with the headers, for the test to read.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Receiver:
    """What a browser keeps for one subscription."""

    sid: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    gone: bool = False


@dataclass
class Received:
    sid: str
    payload: bytes
    headers: dict[str, str]
    vapid_claims: dict[str, object]
    at: float

    def json(self) -> dict[str, object]:
        value = json.loads(self.payload.decode("utf-8"))
        assert isinstance(value, dict)
        return value


@dataclass
class LocalPushService:
    server: ThreadingHTTPServer
    receivers: dict[str, Receiver] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def subscribe(self, *, gone: bool = False) -> dict[str, object]:
        """A new subscription, as PushSubscription.toJSON() gives it: {"endpoint", "keys": {"p256dh", "auth"}}."""
        sid = secrets.token_urlsafe(12)
        receiver = Receiver(sid=sid, private_key=ec.generate_private_key(ec.SECP256R1()), auth=secrets.token_bytes(16))
        receiver.gone = gone
        self.receivers[sid] = receiver
        public = receiver.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{self.origin}/push/{sid}",
            "keys": {"p256dh": b64url(public), "auth": b64url(receiver.auth)},
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def verify_vapid(authorization: str, *, audience: str) -> dict[str, object]:
    """RFC 8292 §3: check the JWT's ES256 signature with the key in k=, and its claims; return the claims."""
    if not authorization.lower().startswith("vapid "):
        raise PermissionError("not a vapid authorization")
    params = dict(part.strip().split("=", 1) for part in authorization[6:].split(","))
    token, key = params["t"], params["k"]
    head_b64, claims_b64, signature_b64 = token.split(".")
    header = json.loads(unb64url(head_b64))
    if header.get("alg") != "ES256":
        raise PermissionError("the JWT must be ES256")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    raw = unb64url(signature_b64)
    if len(raw) != 64:
        raise PermissionError("an ES256 signature is 64 bytes (r||s)")
    signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(signature, f"{head_b64}.{claims_b64}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise PermissionError("bad VAPID signature") from None
    claims: dict[str, object] = json.loads(unb64url(claims_b64))
    now = time.time()
    if claims.get("aud") != audience:
        raise PermissionError(f"aud {claims.get('aud')!r} is not {audience!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or not (now < exp <= now + 24 * 3600):
        raise PermissionError("exp must be in the next 24 hours")
    sub = str(claims.get("sub", ""))
    if not (sub.startswith("mailto:") or sub.startswith("https:")):
        raise PermissionError("sub must be a mailto: or https: contact")
    return claims


def start() -> LocalPushService:
    service: LocalPushService

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def _answer(self, status: int, reason: str = "", location: str = "") -> None:
            if status >= 400:
                with service.lock:
                    service.refused.append((status, reason))
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if not self.path.startswith("/push/"):
                self._answer(404, "unknown path")
                return
            receiver = service.receivers.get(self.path.removeprefix("/push/"))
            if receiver is None or receiver.gone:
                self._answer(410, "subscription gone")
                return
            if not (self.headers.get("TTL") or "").isdigit():
                self._answer(400, "TTL header missing")  # RFC 8030 §5.2
                return
            try:
                claims = verify_vapid(self.headers.get("Authorization", ""), audience=service.origin)
            except (PermissionError, KeyError, ValueError) as error:
                self._answer(401 if "signature" in str(error) else 403, str(error))
                return
            if self.headers.get("Content-Encoding") != "aes128gcm":
                self._answer(415, "content encoding must be aes128gcm")  # RFC 8291 §4
                return
            try:
                payload = http_ece.decrypt(
                    body, private_key=receiver.private_key, auth_secret=receiver.auth, version="aes128gcm"
                )
            except Exception as error:
                self._answer(400, f"cannot decrypt: {type(error).__name__}")
                return
            with service.lock:
                service.received.append(
                    Received(
                        sid=receiver.sid,
                        payload=payload,
                        headers={k.lower(): v for k, v in self.headers.items()},
                        vapid_claims=claims,
                        at=time.monotonic(),
                    )
                )
                number = len(service.received)
            self._answer(201, location=f"/message/{number}")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service = LocalPushService(server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service
