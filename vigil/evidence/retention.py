"""Retention of evidence originals: deleting an original on schedule or on request, and finishing deletes a storage
outage interrupted. The item, its leaf and its custody history stay: only the bytes go, and the deletion is logged.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.evidence import custody
from vigil.evidence.models import (
    CustodyEvent,
    CustodyKind,
    EvidenceItem,
)
from vigil.evidence.uploads import delete_quietly, original_name_for
from vigil.lib.errors import VigilError

logger = logging.getLogger(__name__)

RETENTION_RETRY = dt.timedelta(days=7)  # how far back the hourly job re-checks that deleted originals are gone


def finish_retention_deletes(*, now: dt.datetime | None = None, within: dt.timedelta = RETENTION_RETRY) -> int:
    """Make sure originals deleted under retention are really gone: the file is deleted after the commit, and if
    the store failed then, this (hourly) retries for the items deleted in the last `within`."""
    since = (now or timezone.now()) - within
    deleted = 0
    for item_id in EvidenceItem.objects.filter(deleted_at__gte=since).values_list("pk", flat=True):
        name = original_name_for(item_id)
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
                deleted += 1
        except Exception:
            logger.warning("could not delete the original of %s under retention now; next run retries", item_id)
    return deleted


def delete_original(*, item: EvidenceItem, reason: str, actor: User | None = None) -> CustodyEvent:
    """Retention: delete the original file; the item row, its hash and its leaves stay, and a `deleted` leaf says so."""
    if item.deleted_at is not None:
        raise VigilError(_("The original has already been deleted."), status=409)
    name = item.file_name
    now = timezone.now()
    with transaction.atomic():
        event = custody.log_event(
            item=item, kind=CustodyKind.DELETED, actor=actor, at=now, detail={"reason": reason[:200]}
        )
        EvidenceItem.objects.filter(pk=item.pk).update(deleted_at=now, file_name="")
        # If the store fails now, the hourly `finish_retention_deletes` deletes it; the retention itself stands.
        transaction.on_commit(lambda: delete_quietly(name))
    item.refresh_from_db()
    return event
