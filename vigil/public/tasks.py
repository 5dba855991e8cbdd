"""Background work of the public side: thin wrappers over vigil.public.alerts."""

from __future__ import annotations

from django_tasks import task

from vigil.public import alerts


@task()
def send_debunk_alerts(debunk_id: int) -> int:
    return alerts.send_debunk(debunk_id)


@task()
def forget_unconfirmed_subscribers() -> int:
    return alerts.forget_unconfirmed()
