"""Periodic jobs of the evidence app (see settings.VIGIL_CLOCK_JOBS). The video-copy task lives beside its service
in derivatives.py, so that the service can enqueue it without importing this module."""

from __future__ import annotations

from django_tasks import task

from vigil.evidence import retention, uploads


@task()
def expire_stale_uploads() -> dict[str, int]:
    """Abandon uploads nobody touched for two days: their staged bytes go; no item, no leaf was ever made.
    Then clean what a storage outage may have left: orphaned S3 multipart uploads, originals whose retention
    deletion failed."""
    return {
        "abandoned": uploads.expire_stale_uploads(),
        "orphans_aborted": uploads.sweep_orphan_uploads(),
        "originals_deleted": retention.finish_retention_deletes(),
    }
