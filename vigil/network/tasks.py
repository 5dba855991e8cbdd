"""Background work of the network app: thin wrappers over services, enqueued by `manage.py clock`."""

from __future__ import annotations

from django_tasks import task

from vigil.network import dispatch as network_dispatch
from vigil.network import notify
from vigil.network import shifts as shifts


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
def deliver_notification(
    *, channel: str, user_id: int, kind: str, subject: str, body: str, link: str = "", dispatch_id: int | None = None
) -> None:
    notify.deliver(
        channel,
        notify.Message(user_id=user_id, kind=kind, subject=subject, body=body, link=link, dispatch_id=dispatch_id),
    )


@task()
def deliver_to_volunteer(
    *, channel: str, volunteer_id: int, kind: str, subject: str, body: str, link: str = ""
) -> None:
    notify.deliver_volunteer(
        channel=channel, volunteer_id=volunteer_id, kind=kind, subject=subject, body=body, link=link
    )


@task()
def remind_expiring_training() -> int:
    """Remind observers whose certification expires soon (once per expiry date)."""
    from vigil.network import trainings

    return trainings.remind_expiring_certifications()
