"""Public-safe copies of evidence: blur boxes, derivatives of photos and whole-video copies (made by a background task).

Originals stay with the legal team; a derivative is blurred and stripped of metadata, and its making is a custody event.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import os
import tempfile
import uuid

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from vigil.accounts.models import User
from vigil.evidence import custody, staging
from vigil.evidence.models import (
    BlurBox,
    CopyRequest,
    CopyState,
    CustodyKind,
    Derivative,
    EvidenceItem,
)
from vigil.evidence.uploads import delete_quietly, store_error
from vigil.lib.errors import VigilError

logger = logging.getLogger(__name__)

COPY_STALE = dt.timedelta(hours=6)  # a video copy "being made" longer than this was cut off (worker stopped)


def add_blur_box(*, item: EvidenceItem, user: User, x: int, y: int, width: int, height: int) -> BlurBox:
    if not item.is_image and not item.is_video:
        raise VigilError(_("Only photos and videos can have blur boxes."))
    if min(x, y) < 0 or width < 1 or height < 1:
        raise VigilError(_("A box needs a position and a size of at least one pixel."))
    if item.width and item.height and (x + width > item.width or y + height > item.height):
        raise VigilError(
            _("The box goes outside the picture (%(w)d by %(h)d pixels).") % {"w": item.width, "h": item.height}
        )
    with transaction.atomic():
        return BlurBox.objects.create(item=item, x=x, y=y, width=width, height=height, added_by=user)


def remove_blur_box(*, box: BlurBox) -> None:
    with transaction.atomic():
        box.delete()


def make_derivative(*, item: EvidenceItem, user: User) -> Derivative:
    """A public-safe copy: metadata stripped (re-encoded), faces, plates and marked boxes blurred; linked by a leaf."""
    from vigil.evidence import redaction

    if item.deleted_at is not None or not item.file_name:
        raise VigilError(_("The original has been deleted."), status=410)
    boxes = [(b.x, b.y, b.width, b.height) for b in item.blur_boxes.all()]
    try:
        if item.is_image:
            with staging.local_copy(item.file_name) as path, open(path, "rb") as source:
                result = redaction.redact_image(source, boxes=boxes)
        elif item.is_video:
            with staging.local_copy(item.file_name) as path:
                result = redaction.redact_video_frame(path, boxes=boxes)
        else:
            raise VigilError(_("Public-safe copies are made of photos and videos only."))
    except redaction.RedactionError as exc:
        raise VigilError(str(exc), status=422) from None
    except staging.StagingError as exc:
        raise store_error(exc) from None
    derivative_id = uuid.uuid4()
    try:
        with staging.guard("saving a public-safe copy"):
            stored = default_storage.save(f"evidence/derivatives/{derivative_id}.jpg", ContentFile(result.data))
    except staging.StagingError as exc:
        raise store_error(exc) from None
    digest = hashlib.sha256(result.data).hexdigest()
    now = timezone.now()
    try:
        with transaction.atomic():
            event = custody.log_event(
                item=item,
                kind=CustodyKind.DERIVATIVE_MADE,
                actor=user,
                at=now,
                detail={
                    "derivative": str(derivative_id),
                    "derivative_sha256": digest,
                    "media_type": "image/jpeg",
                    "faces": result.faces,
                    "plates": result.plates,
                    "boxes": result.boxes,
                },
            )
            return Derivative.objects.create(
                id=derivative_id, item=item, file_name=stored, sha256=digest, size=len(result.data),
                media_type="image/jpeg", faces=result.faces, plates=result.plates, boxes=result.boxes,
                made_by=user, made_at=now, custody=event,
            )  # fmt: skip
    except BaseException:
        delete_quietly(stored)
        raise


def request_video_copy(*, item: EvidenceItem, user: User) -> CopyRequest:
    """Ask for a public-safe copy of a whole video; a background task makes it (`make_video_copy_task`).

    Asking again while one is waiting or being made returns that one; one cut off (older than COPY_STALE) is marked
    failed and a new one is queued.
    """
    if item.deleted_at is not None or not item.file_name:
        raise VigilError(_("The original has been deleted."), status=410)
    if not item.is_video:
        raise VigilError(_("Only videos are made into public-safe videos."))
    now = timezone.now()
    with transaction.atomic():
        EvidenceItem.objects.select_for_update().filter(pk=item.pk).first()  # one request at a time per item
        open_requests = CopyRequest.objects.filter(item=item, state__in=(CopyState.PENDING, CopyState.RUNNING))
        open_requests.filter(requested_at__lt=now - COPY_STALE).update(
            state=CopyState.FAILED, finished_at=now, error=_("Interrupted: the worker stopped before it finished.")
        )
        current = open_requests.first()
        if current is not None:
            return current
        request = CopyRequest.objects.create(item=item, requested_by=user, requested_at=now)
        transaction.on_commit(functools.partial(_enqueue_video_copy, request.pk))
    return request


def _enqueue_video_copy(request_id: uuid.UUID) -> None:
    make_video_copy_task.enqueue(request_id=str(request_id))


def make_video_copy(*, request_id: str) -> CopyRequest:
    """Make the public-safe video a `CopyRequest` asked for; records it done (with the derivative) or failed."""
    with transaction.atomic():
        claimed = CopyRequest.objects.filter(pk=request_id, state=CopyState.PENDING).update(
            state=CopyState.RUNNING, started_at=timezone.now()
        )
    request = CopyRequest.objects.select_related("item", "requested_by").get(pk=request_id)
    if not claimed:
        return request  # already taken by another worker, or finished
    try:
        _make_video_derivative(request=request)
    except VigilError as exc:
        _copy_failed(request, str(exc))
    except Exception:
        logger.exception("public-safe video copy %s failed", request.pk)
        _copy_failed(request, _("The copy could not be made; ask an administrator to look at the worker's log."))
        raise
    request.refresh_from_db()
    return request


def _copy_failed(request: CopyRequest, message: str) -> None:
    with transaction.atomic():
        CopyRequest.objects.filter(pk=request.pk).update(
            state=CopyState.FAILED, finished_at=timezone.now(), error=message[:300]
        )


def _make_video_derivative(*, request: CopyRequest) -> Derivative:
    """Decode, blur and re-encode the whole video into a temporary file; store it; record the copy, its custody leaf
    and the request's end in one transaction. Nothing is stored unless the whole video was written."""
    from vigil.evidence import redaction

    item = EvidenceItem.objects.get(pk=request.item_id)
    if item.deleted_at is not None or not item.file_name:
        raise VigilError(_("The original has been deleted."), status=410)
    boxes = [(b.x, b.y, b.width, b.height) for b in item.blur_boxes.all()]
    derivative_id = uuid.uuid4()
    with tempfile.TemporaryDirectory(prefix="vigil-copy-") as work:
        dest = os.path.join(work, "copy.mp4")
        try:
            with staging.local_copy(item.file_name) as path:
                result = redaction.redact_video(path, dest, boxes=boxes)
        except redaction.RedactionError as exc:
            raise VigilError(str(exc), status=422) from None
        except staging.StagingError as exc:
            raise store_error(exc) from None
        size = os.path.getsize(dest)
        with open(dest, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
            fh.seek(0)
            try:
                with staging.guard("saving a public-safe copy"):
                    stored = default_storage.save(f"evidence/derivatives/{derivative_id}.mp4", File(fh))
            except staging.StagingError as exc:
                raise store_error(exc) from None
    now = timezone.now()
    detail: dict[str, object] = {
        "derivative": str(derivative_id),
        "derivative_sha256": digest,
        "media_type": "video/mp4",
        "faces": result.faces,
        "plates": result.plates,
        "boxes": result.boxes,
        "frames": result.frames,
        "width": result.width,
        "height": result.height,
        "codec": result.codec,
        "audio": False,
        "detect_every_frames": result.detect_every,
    }
    try:
        with transaction.atomic():
            event = custody.log_event(
                item=item, kind=CustodyKind.DERIVATIVE_MADE, actor=request.requested_by, at=now, detail=detail
            )
            derivative = Derivative.objects.create(
                id=derivative_id, item=item, file_name=stored, sha256=digest, size=size, media_type="video/mp4",
                faces=result.faces, plates=result.plates, boxes=result.boxes, made_by=request.requested_by,
                made_at=now, custody=event,
            )  # fmt: skip
            CopyRequest.objects.filter(pk=request.pk).update(
                state=CopyState.DONE, finished_at=now, derivative=derivative, error=""
            )
    except BaseException:
        delete_quietly(stored)
        raise
    return derivative


@task()
def make_video_copy_task(*, request_id: str) -> str:
    """The background task: decoding, blurring and re-encoding every frame of a whole video takes a while."""
    return str(make_video_copy(request_id=request_id).state)
