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


@task()
def text_family_about_release(*, plan_id: int) -> bool:
    """Tell a plan's family contact by SMS that the legal team opened their plan."""
    from vigil.cases import plans

    return plans.text_family(plan_id=plan_id)


@task()
def purge_expired_plans() -> int:
    """Delete family plans one year (PLAN_KEEP) after their last update."""
    from vigil.cases import plans

    return plans.purge_expired()
