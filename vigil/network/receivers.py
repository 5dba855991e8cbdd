"""The network's answers to the hotline's signals (vigil.hotline.signals), connected when the app is ready."""

from __future__ import annotations

from django.dispatch import receiver

from vigil.accounts.access import AnyUser
from vigil.hotline import signals
from vigil.hotline.models import Incident
from vigil.network.dispatch import cancel_open_dispatches
from vigil.network.models import Dispatch


@receiver(signals.incident_merging, dispatch_uid="vigil.network.receivers.move_dispatches")
def move_dispatches(*, source: Incident, target: Incident, **_kwargs: object) -> dict[str, list[int]]:
    """Observers sent to `source` now serve `target`, unless they were already sent to it."""
    already_sent = Dispatch.objects.filter(incident=target).values_list("observer_id", flat=True)
    moved = list(
        Dispatch.objects.filter(incident=source)
        .exclude(observer_id__in=list(already_sent))
        .values_list("pk", flat=True)
    )
    Dispatch.objects.filter(pk__in=moved).update(incident=target)
    return {"dispatches": moved}


@receiver(signals.verdict_recorded, dispatch_uid="vigil.network.receivers.withdraw_offers")
def withdraw_offers(*, incident: Incident, actor: AnyUser, **_kwargs: object) -> None:
    """Offers nobody has answered yet are withdrawn: no one should set out for an incident that is judged."""
    cancel_open_dispatches(incident=incident, actor=actor, reason="verdict_recorded")
