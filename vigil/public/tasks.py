"""Background work of the public side: thin wrappers over vigil.public.alerts."""

from __future__ import annotations

from django_tasks import task

from vigil.public import alerts, push


@task()
def send_debunk_alerts(debunk_id: int) -> int:
    """SMS and Web Push of a debunk that just committed."""
    return alerts.send_debunk(debunk_id) + push.send_debunk(debunk_id)


@task()
def forget_unconfirmed_subscribers() -> int:
    return alerts.forget_unconfirmed()
