"""Answer a request once: a retried or replayed request gets the stored answer and stores nothing again.

`once(kind=..., key=..., request=..., produce=...)` runs `produce()` and keeps its answer under a keyed hash of
(`kind`, `key`) in one transaction with whatever `produce` stored; the same key again returns that answer without
calling `produce`. Two copies arriving together serialise on the unique hash: the second waits for the first to
commit (PostgreSQL) or for the database's write lock (SQLite), then gets its answer. If `produce` fails, nothing is
kept and a retry runs again; only a success (below 400) is kept, so a refusal (invalid, "try later") can be
corrected and sent again. The same key with a different request (another `request` digest) is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from vigil.hotline.models import AnsweredRequest
from vigil.lib.errors import VigilError
from vigil.vault import keyed_hash

KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: str


def once(*, kind: str, key: str, request: str, produce: Callable[[], Answer]) -> Answer:
    key_hash = keyed_hash(f"{kind}\x00{key}", purpose="answered-request")
    digest = hashlib.sha256(request.encode("utf-8")).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = AnsweredRequest.objects.create(key_hash=key_hash, request_digest=digest)
        except IntegrityError:
            seen = AnsweredRequest.objects.select_for_update().get(key_hash=key_hash)
            if seen.request_digest != digest:
                raise VigilError(
                    "This key was already used for a different request.", code="key_reused", status=422
                ) from None
            return Answer(seen.status, seen.content_type, seen.body)
        answer = produce()
        if answer.status >= 400:
            transaction.set_rollback(True)  # a refusal is not the answer forever; nothing was stored
            return answer
        row.status, row.content_type, row.body = answer.status, answer.content_type, answer.body
        row.save(update_fields=["status", "content_type", "body"])
    return answer


def forget_old() -> int:
    deleted, _ = AnsweredRequest.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted
