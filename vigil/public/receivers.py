"""The public side's answers to the hotline's signals (vigil.hotline.signals), connected when the app is ready."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from vigil.hotline import signals
from vigil.public import freshness


@receiver(signals.verdict_recorded, dispatch_uid="vigil.public.receivers.refresh_public_pages")
def refresh_public_pages(**_kwargs: object) -> None:
    """A changed verdict may take a debunk off the feed (vigil.public.selectors.debunks): replace kept pages now."""
    freshness.bump()
    transaction.on_commit(freshness.bump)
