"""Background work of the network app: thin wrappers over services, enqueued by `manage.py clock`."""

from __future__ import annotations

from django_tasks import task

from vigil.network import dispatch as network_dispatch
from vigil.network import shifts, trainings


@task()
def escalate_unanswered() -> dict[str, int]:
    """Expire dispatches nobody answered in time and send the next nearest observers."""
    return network_dispatch.escalate_unanswered()


@task()
def alert_missed_check_ins() -> int:
    """Tell coordinators (and the dispatcher who sent them) about observers who stopped checking in."""
    return network_dispatch.alert_missed_check_ins()


@task()
def close_ended_shifts() -> int:
    """Close shifts whose scheduled end passed and forget their coarse cell."""
    return shifts.close_ended_shifts()


@task()
def remind_expiring_training() -> int:
    """Remind observers whose certification expires soon (once per expiry date)."""
    return trainings.remind_expiring_certifications()
