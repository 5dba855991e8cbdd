"""Periodic work of cases (see settings.VIGIL_CLOCK_JOBS): thin wrappers over the services."""

from __future__ import annotations

from django_tasks import task

from vigil.cases import oncall


@task()
def escalate_unacknowledged_pages() -> int:
    """Page the next on-call attorney where nobody acknowledged an accepted case in time."""
    return oncall.escalate_unacknowledged()


@task()
def text_family_about_transfer(*, contact_id: int, facility_id: int) -> bool:
    """Tell one family contact by SMS that the person was moved (the number is unsealed here, never queued)."""
    from vigil.cases import locator

    return locator.text_family(contact_id=contact_id, facility_id=facility_id)


@task()
def send_case_reminders() -> int:
    """Remind attorneys of deadlines and hearings coming up (7 days and 1 day before)."""
    from vigil.cases import calendar

    return calendar.send_reminders()
