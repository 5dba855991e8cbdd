"""Steps an observer's phone queued offline (IndexedDB) and sends in order when signal returns, each exactly once.

Each step carries a client-generated id and the phone's time. `apply_queued` stores the id with the answer in the
same transaction as the step, so a second, third... delivery of the same id answers what the first answered and
changes nothing (the unique (observer, client_id) constraint settles two deliveries racing). A step that is no longer
possible (the dispatch ended, was cancelled...) is refused with a clear message, and that refusal is the answer to
every replay. Kinds: check_in, observation, verdict, left_safe.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.access import AnyUser
from vigil.lib.errors import VigilError
from vigil.network import dispatch as network_dispatch
from vigil.network.models import Dispatch, Observer, QueuedAction
from vigil.safety.validators import guard_text

KINDS = ("check_in", "observation", "verdict", "left_safe")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class Answer:
    applied: bool
    message: str
    replay: bool = False


def _text(data: Mapping[str, object], name: str, limit: int = 2000) -> str:
    value = str(data.get(name) or "")[:limit]
    try:
        guard_text(value)
    except ValidationError as refused:
        raise VigilError(" ".join(str(m) for m in refused.messages), code="guarded") from None
    return value


def _run(
    kind: str, *, dispatch: Dispatch, actor: AnyUser, device_time: dt.datetime | None, data: Mapping[str, object]
) -> str:
    if kind == "check_in":
        network_dispatch.check_in(dispatch=dispatch, actor=actor, device_time=device_time)
        return _("Checked in. Thank you.")
    if kind == "observation":
        network_dispatch.record_observation(
            dispatch=dispatch,
            actor=actor,
            device_time=device_time,
            size=_text(data, "size", 200),
            activity=_text(data, "activity"),
            location=_text(data, "location", 300),
            uniform=_text(data, "uniform", 300),
            equipment=_text(data, "equipment", 300),
            note=_text(data, "note"),
        )
        return _("Observation recorded.")
    if kind == "verdict":
        network_dispatch.propose_verdict(
            dispatch=dispatch, actor=actor, verdict=str(data.get("verdict") or ""), note=_text(data, "note")
        )
        return _("Verdict proposed. The dispatcher will record it.")
    network_dispatch.check_out_safe(dispatch=dispatch, actor=actor)
    return _("Checked out safe. Thank you for observing.")


def apply_queued(
    *,
    observer: Observer,
    actor: AnyUser,
    dispatch: Dispatch,
    client_id: str,
    kind: str,
    device_time: dt.datetime | None,
    data: Mapping[str, object],
    now: dt.datetime | None = None,
) -> Answer:
    """Apply one queued step once; a replay of `client_id` gets the first answer back and changes nothing."""
    now = now or timezone.now()
    if not _CLIENT_ID.match(client_id):
        raise VigilError(_("A queued step needs a client id (8 to 64 letters, digits, - or _)."), code="bad_client_id")
    if kind not in KINDS:
        raise VigilError(_("Unknown kind of step."), code="bad_kind")
    if dispatch.observer_id != observer.pk:
        raise VigilError(_("Not your dispatch."), code="not_yours", status=404)
    earlier = QueuedAction.objects.filter(observer=observer, client_id=client_id).first()
    if earlier is not None:
        return Answer(applied=earlier.applied, message=earlier.answer, replay=True)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    message = _run(kind, dispatch=dispatch, actor=actor, device_time=device_time, data=data)
                applied = True
            except VigilError as refused:
                message, applied = refused.message, False
            QueuedAction.objects.create(
                observer=observer,
                client_id=client_id,
                kind=kind,
                dispatch=dispatch,
                device_time=device_time,
                received_at=now,
                applied=applied,
                answer=message[:300],
            )
    except IntegrityError:
        # The same id arrived twice at once: the other delivery won and its step stands; this one changed nothing.
        earlier = QueuedAction.objects.get(observer=observer, client_id=client_id)
        return Answer(applied=earlier.applied, message=earlier.answer, replay=True)
    return Answer(applied=applied, message=message)
