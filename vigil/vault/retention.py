"""Deletes sealed values when their time is up. Fields are declared in settings.VIGIL_RETENTION as
(app_label.Model, sealed field, expiry datetime field); expired values are erased (set to NULL), not just hidden."""

from __future__ import annotations

import datetime as dt
import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vigil.accounts.access import audit

log = logging.getLogger("vigil.vault")


def purge_expired(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Erase every sealed value whose expiry has passed. Returns counts per model.field (also audited)."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for label, field, expires_field in settings.VIGIL_RETENTION:
        model = apps.get_model(label)
        with transaction.atomic():
            erased = model._default_manager.filter(**{f"{expires_field}__lte": now, f"{field}__isnull": False}).update(
                **{field: None, expires_field: None}
            )
            if erased:
                audit(None, "retention.erase", object_type=label, object_id=field, count=erased)
        counts[f"{label}.{field}"] = erased
        if erased:
            log.info("retention erased %d values of %s.%s", erased, label, field)
    return counts
