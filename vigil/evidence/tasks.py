"""Background work of the evidence app: periodic jobs (see settings.VIGIL_CLOCK_JOBS) and public-safe videos."""

from __future__ import annotations

from django_tasks import task

from vigil.evidence import services


@task()
def expire_stale_uploads() -> dict[str, int]:
    """Abandon uploads nobody touched for two days: their staged bytes go; no item, no leaf was ever made.
    Then clean what a storage outage may have left: orphaned S3 multipart uploads, originals whose retention
    deletion failed."""
    return {
        "abandoned": services.expire_stale_uploads(),
        "orphans_aborted": services.sweep_orphan_uploads(),
        "originals_deleted": services.finish_retention_deletes(),
    }


@task()
def make_video_copy(*, request_id: str) -> str:
    """Make a public-safe copy of a whole video (decoding, blurring and re-encoding every frame takes a while)."""
    return str(services.make_video_copy(request_id=request_id).state)
