"""A lease in the database: exactly one copy of a singleton process (the `clock`) works at a time.

`take(name, holder, seconds)` takes or renews the lease when it is free, expired, or already ours, in one
conditional UPDATE (or the INSERT that creates it), so it works the same on SQLite and PostgreSQL and across nodes.
A second `clock` waits until the first stops renewing (it died or was stopped) and then takes over.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from vigil.ops.models import Lease


def take(name: str, holder: str, seconds: int) -> bool:
    now = timezone.now()
    until = now + dt.timedelta(seconds=seconds)
    with transaction.atomic():
        updated = (
            Lease.objects.filter(name=name)
            .filter(Q(holder=holder) | Q(expires_at__lt=now))
            .update(holder=holder, expires_at=until)
        )
        if updated:
            return True
        if Lease.objects.filter(name=name).exists():
            return False
        try:
            with transaction.atomic():
                Lease.objects.create(name=name, holder=holder, expires_at=until)
        except IntegrityError:
            return False  # another copy created it at the same moment
    return True


def release(name: str, holder: str) -> None:
    Lease.objects.filter(name=name, holder=holder).delete()
