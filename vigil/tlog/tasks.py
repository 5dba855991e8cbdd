"""Periodic work of the log: `issue_checkpoint` runs every VIGIL_CHECKPOINT_SECONDS (see settings.VIGIL_CLOCK_JOBS)."""

from __future__ import annotations

from django_tasks import task

from vigil.tlog import services


@task()
def issue_checkpoint() -> dict[str, int]:
    """Sign a checkpoint of the current tree head if the tree grew since the last one."""
    checkpoint = services.issue_checkpoint()
    return {"size": checkpoint.size}
