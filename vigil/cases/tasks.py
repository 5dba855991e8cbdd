"""Periodic work of cases (see settings.VIGIL_CLOCK_JOBS): thin wrappers over the services."""

from __future__ import annotations

from django_tasks import task

from vigil.cases import calendar, oncall, plans


@task()
def escalate_unacknowledged_pages() -> int:
    """Page the next on-call attorney where nobody acknowledged an accepted case in time."""
    return oncall.escalate_unacknowledged()


@task()
def send_case_reminders() -> int:
    """Remind attorneys of deadlines and hearings coming up (7 days and 1 day before)."""
    return calendar.send_reminders()


@task()
def purge_expired_plans() -> int:
    """Delete family plans one year (PLAN_KEEP) after their last update."""
    return plans.purge_expired()
