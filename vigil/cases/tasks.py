"""Periodic work of cases (see settings.VIGIL_CLOCK_JOBS): thin wrappers over the services."""

from __future__ import annotations

from django_tasks import task

from vigil.cases import oncall


@task()
def escalate_unacknowledged_pages() -> int:
    """Page the next on-call attorney where nobody acknowledged an accepted case in time."""
    return oncall.escalate_unacknowledged()
