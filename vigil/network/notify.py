"""Notifications to volunteers through pluggable backends, chosen by name in settings.VIGIL_NOTIFY_BACKENDS.

- `inbox`: a Notification row, in the caller's transaction; the observer page polls it.
- `console`: one log line saying that a message of some kind went to user #id — never names, addresses or the text.
- `email`: Django's `send_mail` to the user's address.
- `push`: Web Push (vigil.network.push) to every browser the user subscribed; when no subscription takes it, the
  observer's SMS goes instead (SMS is the fallback, not a second copy).
- `sms`: Twilio's REST API (`POST {TWILIO_API_BASE}/2010-04-01/Accounts/{SID}/Messages.json`, form fields To, From,
  Body, HTTP basic auth SID:token) to the observer's sealed phone number.

Email and SMS reach an observer only if they opted in (`Observer.notify_by`); people who are not observers
(coordinators) get email when it is configured and they have an address. Everything but the inbox leaves the
process, so it runs after the transaction commits, as a background task (`deliver_notification` below):
a failing mail server or SMS API never rolls back a dispatch.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from vigil.accounts.models import User
from vigil.network.models import Dispatch, Notification, Observer

logger = logging.getLogger(__name__)

BACKENDS = ("inbox", "console", "email", "push", "sms")
OPT_IN = frozenset({"email", "sms"})

# The observer code of conduct, in the words every dispatch repeats.
CODE_OF_CONDUCT: tuple[Promise, ...] = (
    _("Keep your distance: observe and film from a lawful distance, on public ground."),
    _("No physical contact with anyone: officers, people detained or bystanders."),
    _("Never obstruct, block or interfere with officers, vehicles or an arrest."),
    _("Never follow officers or try to identify them personally; record what happens, not who they are at home."),
    _("Stay calm, stay with your partner, and leave if it becomes unsafe."),
)
CODE_SUMMARY = _(
    "Code of conduct: keep your distance, no physical contact, no obstruction, film from a lawful "
    "distance, never follow or identify officers."
)


class NotifyError(Exception):
    """A backend could not deliver. The message never contains personal data (numbers, addresses, text)."""


class SmsError(NotifyError):
    def __init__(self, message: str, *, status: int | None = None, code: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Message:
    user_id: int
    kind: str
    subject: str
    body: str
    link: str = ""
    dispatch_id: int | None = None

    def text(self) -> str:
        return f"{self.body}\n\n{self.link}" if self.link else self.body


def configured_backends() -> list[str]:
    names = [name.strip() for name in settings.VIGIL_NOTIFY_BACKENDS if name.strip()]
    unknown = [name for name in names if name not in BACKENDS]
    if unknown:
        raise ImproperlyConfigured(f"VIGIL_NOTIFY_BACKENDS: unknown backend(s) {unknown}; known: {list(BACKENDS)}")
    return names


def channels_for(user: User) -> list[str]:
    """The configured backends that may reach `user`, honouring an observer's opt-in for email and SMS."""
    observer = Observer.objects.filter(user=user).first()
    chosen: list[str] = []
    for name in configured_backends():
        if name == "email":
            if not user.email or (observer is not None and name not in observer.notify_by):
                continue
        elif name == "push":
            from vigil.network.push import has_subscription

            if not has_subscription(user):
                continue
        elif name == "sms":
            if observer is None or name not in observer.notify_by or not observer.phone_sealed:
                continue
        chosen.append(name)
    if "push" in chosen and "sms" in chosen:
        chosen.remove("sms")  # the push deliverer sends the SMS itself if no subscription takes the message
    return chosen


def notify(
    *, user: User, kind: str, subject: str, body: str, link: str = "", dispatch: Dispatch | None = None
) -> Notification | None:
    """Send one message to `user` through every backend that may reach them.

    Call inside the transaction that makes the change: the inbox row commits with it, the rest go out after commit.
    Returns the inbox row when the inbox backend is on.
    """
    message = Message(
        user_id=user.pk,
        kind=kind,
        subject=subject[:200],
        body=body,
        link=link,
        dispatch_id=dispatch.pk if dispatch is not None else None,
    )
    channels = channels_for(user)
    row = None
    if "inbox" in channels:
        row = Notification.objects.create(
            user=user, dispatch=dispatch, kind=kind, subject=message.subject, body=message.text(), channels=channels
        )
    for channel in channels:
        if channel != "inbox":
            transaction.on_commit(functools.partial(_enqueue, channel, message))
    return row


def _enqueue(channel: str, message: Message) -> None:
    deliver_notification.enqueue(
        channel=channel,
        user_id=message.user_id,
        kind=message.kind,
        subject=message.subject,
        body=message.body,
        link=message.link,
        dispatch_id=message.dispatch_id,
    )


def deliver(channel: str, message: Message) -> None:
    """Deliver one message through one non-inbox backend (runs in the task worker)."""
    try:
        _DELIVERERS[channel](message)
    except NotifyError as error:
        # The task records the failure; the log says which channel and why, with ids only.
        logger.warning(
            "notification kind=%s user=#%s channel=%s failed: %s", message.kind, message.user_id, channel, error
        )
        raise


def _console(message: Message) -> None:
    # Kind and ids only: the text may name a place, and usernames or addresses are personal data.
    logger.info("notification kind=%s user=#%s dispatch=%s", message.kind, message.user_id, message.dispatch_id or "-")


def _email(message: Message) -> None:
    user = User.objects.filter(pk=message.user_id).first()
    if user is None or not user.email:
        logger.warning("notification kind=%s user=#%s: no email address", message.kind, message.user_id)
        return
    send_mail(message.subject, message.text(), settings.DEFAULT_FROM_EMAIL, [user.email])


def _push(message: Message) -> None:
    from vigil.network.push import send_to_user

    delivered = send_to_user(
        user_id=message.user_id,
        kind=message.kind,
        subject=message.subject,
        body=message.body,
        link=message.link,
        dispatch_id=message.dispatch_id,
    )
    if delivered:
        return
    observer = Observer.objects.filter(user_id=message.user_id).first()
    if "sms" in configured_backends() and observer is not None and "sms" in observer.notify_by:
        logger.info(
            "notification kind=%s user=#%s: no push subscription took it, SMS instead", message.kind, message.user_id
        )
        _sms(message)
        return
    raise NotifyError("no push subscription took the message")


def _sms(message: Message) -> None:
    from vigil.vault import unseal

    observer = Observer.objects.filter(user_id=message.user_id).first()
    if observer is None or not observer.phone_sealed:
        logger.warning("notification kind=%s user=#%s: no phone number", message.kind, message.user_id)
        return
    phone = unseal(observer.phone_sealed, purpose="observer-phone")
    body = f"{message.subject}\n{message.text()}" if message.subject else message.text()
    send_sms(to=phone, body=body)


def send_sms(*, to: str, body: str, timeout: float = 10.0) -> str:
    """Send one SMS through Twilio's Messages API; return the message SID Twilio assigns.

    Raises SmsError with the HTTP status and Twilio's error code (never Twilio's error text: it quotes the number).
    """
    sid, token, sender = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER
    if not (sid and token and sender):
        raise SmsError("SMS is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER)")
    base = settings.TWILIO_API_BASE.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in ("https", "http"):
        raise SmsError("TWILIO_API_BASE must be an http(s) URL")
    url = f"{base}/2010-04-01/Accounts/{urllib.parse.quote(sid, safe='')}/Messages.json"
    data = urllib.parse.urlencode({"To": to, "From": sender, "Body": body[:1600]}).encode()
    auth = base64.b64encode(f"{sid}:{token}".encode()).decode("ascii")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=data,
        method="POST",
        headers={
            "Authorization": f"Basic {auth}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            payload = _json(response.read())
    except urllib.error.HTTPError as error:
        code = _json(error.read()).get("code")
        code = code if isinstance(code, int) else None
        raise SmsError(f"Twilio answered HTTP {error.code} (error code {code})", status=error.code, code=code) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise SmsError(f"Twilio unreachable: {type(error).__name__}") from None
    message_sid = payload.get("sid")
    if not isinstance(message_sid, str):
        raise SmsError("Twilio answered without a message sid")
    return message_sid


def _json(raw: bytes) -> dict[str, object]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


_DELIVERERS: dict[str, Callable[[Message], None]] = {
    "console": _console,
    "email": _email,
    "push": _push,
    "sms": _sms,
}


# --- people without an account: volunteers -------------------------------------------------------------------------

VOLUNTEER_CONTACT_PURPOSE = "volunteer-contact"


def volunteer_channel(*, contact_is_phone: bool) -> str | None:
    """The configured backend that reaches a volunteer's contact (SMS for a phone, e-mail for an address)."""
    names = configured_backends()
    wanted = "sms" if contact_is_phone else "email"
    if wanted in names:
        return wanted
    return "console" if "console" in names else None


def notify_volunteer(
    *, volunteer_id: int, contact_is_phone: bool, kind: str, subject: str, body: str, link: str = ""
) -> str:
    """Write to a volunteer (no account, no inbox) after the caller's transaction commits; returns the channel.

    Raises NotifyError when no configured backend reaches them. The text is not stored: it may carry a one-time link.
    """
    channel = volunteer_channel(contact_is_phone=contact_is_phone)
    if channel is None:
        raise NotifyError("no notification backend reaches this volunteer")
    transaction.on_commit(functools.partial(_enqueue_volunteer, channel, volunteer_id, kind, subject[:200], body, link))
    return channel


def _enqueue_volunteer(channel: str, volunteer_id: int, kind: str, subject: str, body: str, link: str) -> None:
    deliver_to_volunteer.enqueue(
        channel=channel, volunteer_id=volunteer_id, kind=kind, subject=subject, body=body, link=link
    )


def deliver_volunteer(*, channel: str, volunteer_id: int, kind: str, subject: str, body: str, link: str = "") -> None:
    """Deliver one message to a volunteer's sealed contact (runs in the task worker)."""
    from vigil.network.models import Volunteer
    from vigil.vault import unseal

    text = f"{body}\n\n{link}" if link else body
    volunteer = Volunteer.objects.filter(pk=volunteer_id).first()
    if volunteer is None:
        return
    if channel == "console":
        logger.info("notification kind=%s volunteer=#%s", kind, volunteer_id)
        return
    contact = unseal(volunteer.contact_sealed, purpose=VOLUNTEER_CONTACT_PURPOSE)
    try:
        if channel == "sms":
            send_sms(to=contact, body=f"{subject}\n{text}")
        else:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [contact])
    except NotifyError as error:
        logger.warning("notification kind=%s volunteer=#%s channel=%s failed: %s", kind, volunteer_id, channel, error)
        raise


def code_of_conduct() -> Sequence[str]:
    return [str(point) for point in CODE_OF_CONDUCT]


@task()
def deliver_notification(
    *, channel: str, user_id: int, kind: str, subject: str, body: str, link: str = "", dispatch_id: int | None = None
) -> None:
    """The background task that delivers one message through one backend (defined here, beside `deliver`)."""
    deliver(
        channel,
        Message(user_id=user_id, kind=kind, subject=subject, body=body, link=link, dispatch_id=dispatch_id),
    )


@task()
def deliver_to_volunteer(
    *, channel: str, volunteer_id: int, kind: str, subject: str, body: str, link: str = ""
) -> None:
    """The background task that writes to a volunteer (defined here, beside `deliver_volunteer`)."""
    deliver_volunteer(channel=channel, volunteer_id=volunteer_id, kind=kind, subject=subject, body=body, link=link)
