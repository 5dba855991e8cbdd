"""Evidence uploads: chunked and resumable, hashed while received; notes; the originals' first custody events.

Every function takes keyword-only arguments and does its database work in one transaction. A failure leaves
nothing half-done: an upload cut off mid-way leaves no item, no leaf and nothing under `evidence/originals/`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.evidence import custody, hashing, media, staging
from vigil.evidence.models import (
    CustodyEvent,
    CustodyKind,
    EvidenceItem,
    ItemKind,
    UploadSession,
    UploadState,
)
from vigil.hotline import events
from vigil.lib.errors import VigilError
from vigil.network.models import Dispatch
from vigil.safety.textguard import check

NOTE_MAX_CHARS = 20_000
LOCK_SECONDS = 300  # a chunk writer that died holding the lock is presumed gone after this long
STALE_UPLOAD = dt.timedelta(hours=48)

logger = logging.getLogger(__name__)


class OffsetMismatch(VigilError):
    """The chunk does not start where the server's copy ends; the client should resume from `received`."""

    code = "offset_mismatch"
    status = 409

    def __init__(self, message: str, *, received: int, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.received = received


def original_name_for(item_id: uuid.UUID) -> str:
    return f"{staging.ORIGINALS}{item_id}"


def store_error(exc: staging.StagingError) -> VigilError:
    """The storage's refusal as the uploader sees it: 503 (try again) when the store is down, else 400."""
    if isinstance(exc, staging.StoreUnavailable):
        return VigilError(_("The evidence storage is not answering; try again in a moment."), status=503)
    if isinstance(exc, staging.UploadGone):
        return VigilError(_("This upload can no longer be continued; send the file again."), status=409)
    return VigilError(str(exc), status=400)


def _check_size(size: int) -> None:
    if size <= 0:
        raise VigilError(_("The file is empty."))
    if size > settings.VIGIL_UPLOAD_MAX_BYTES:
        raise VigilError(
            _("The file is larger than the %(limit)s MB we accept.")
            % {"limit": settings.VIGIL_UPLOAD_MAX_BYTES // (1024 * 1024)},
            status=413,
        )


def start_upload(
    *, dispatch: Dispatch, user: User, size: int, name: str, device_time: dt.datetime | None
) -> UploadSession:
    """Open a resumable upload of `size` bytes for `dispatch` (the caller checked the observer owns it).

    One person may hold at most VIGIL_UPLOAD_MAX_OPEN open uploads reserving VIGIL_UPLOAD_MAX_RESERVED_BYTES in all,
    so nobody can reserve the store's disk with sessions they never finish."""
    _check_size(size)
    _check_reservations(user, size)  # early, before any staging is begun; again below under the person's lock
    session = UploadSession(
        dispatch=dispatch,
        uploaded_by=user,
        original_name=custody.display_name(name, ""),
        size=size,
        device_time=device_time,
        hash_engine=hashing.preferred_engine(),
    )
    place = staging.staging_for()
    if isinstance(place, staging.S3Staging):
        try:
            session.staging = place.begin(name=original_name_for(session.id))
        except staging.StagingError as exc:
            raise store_error(exc) from None
    try:
        with transaction.atomic():
            # Two starts at once by one person must not both pass the caps: they queue on the person's row.
            User.objects.select_for_update().filter(pk=user.pk).first()
            _check_reservations(user, size)
            session.save()
    except BaseException:
        _discard_quietly(session)
        raise
    return session


def _check_reservations(user: User, size: int) -> None:
    open_ones = UploadSession.objects.filter(uploaded_by=user, state=UploadState.OPEN)
    if open_ones.count() >= settings.VIGIL_UPLOAD_MAX_OPEN:
        raise VigilError(
            _("You have %(n)d uploads in progress. Finish or cancel one first.")
            % {"n": settings.VIGIL_UPLOAD_MAX_OPEN},
            code="too_many_uploads",
            status=429,
        )
    reserved = open_ones.aggregate(total=Sum("size"))["total"] or 0
    if reserved + size > settings.VIGIL_UPLOAD_MAX_RESERVED_BYTES:
        raise VigilError(
            _("Your uploads in progress would hold more than %(gb)d GB. Finish or cancel one first.")
            % {"gb": settings.VIGIL_UPLOAD_MAX_RESERVED_BYTES // 1024**3},
            code="too_many_upload_bytes",
            status=429,
        )


def _discard_quietly(session: UploadSession) -> None:
    """Drop staged bytes on a path that is already failing; if the store is down, the hourly sweep finishes it."""
    try:
        staging.staging_for().discard(key=str(session.pk), state=session.staging)
    except staging.StagingError:
        logger.warning("could not drop the staging of upload %s now; the expiry job will", session.pk)


def _claim(session: UploadSession, offset: int) -> str:
    """Take the session's chunk lock (a compare-and-set that works the same on SQLite and PostgreSQL)."""
    token = secrets.token_hex(16)
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            UploadSession.objects.filter(pk=session.pk, state=UploadState.OPEN, received=offset)
            .filter(Q(lock_token="") | Q(locked_at__lt=now - dt.timedelta(seconds=LOCK_SECONDS)))
            .update(lock_token=token, locked_at=now)
        )
    if not claimed:
        current = UploadSession.objects.get(pk=session.pk)
        if current.state != UploadState.OPEN:
            raise VigilError(_("This upload is no longer open."), status=409)
        raise OffsetMismatch(
            _("The server has %(received)d bytes of this file; send the rest from there.")
            % {"received": current.received},
            received=current.received,
        )
    return token


def _release(session: UploadSession, token: str) -> None:
    UploadSession.objects.filter(pk=session.pk, lock_token=token).update(lock_token="", locked_at=None)


def _fail(session: UploadSession, message: str) -> None:
    """Refuse the whole upload: forget the staged bytes, keep the row (state failed) so the client learns why."""
    _discard_quietly(session)
    with transaction.atomic():
        UploadSession.objects.filter(pk=session.pk).update(
            state=UploadState.FAILED, error=message[:300], lock_token="", locked_at=None, hash_state=b""
        )
    session.state = UploadState.FAILED
    session.error = message[:300]


def receive_chunk(*, session: UploadSession, offset: int, length: int, body: staging.ByteSource) -> UploadSession:
    """Store and hash the next chunk of an upload; on the last one, finish it into an evidence item.

    Chunks are strictly sequential: `offset` must equal what the server already holds (else OffsetMismatch with
    that number, which is how a client resumes). The body is hashed as it is written — the running SHA-256 state is
    restored from the session and saved back with the new byte count, so any web process can take the next chunk.
    """
    if session.state != UploadState.OPEN:
        raise VigilError(_("This upload is no longer open."), status=409)
    if length <= 0:
        raise VigilError(_("The chunk is empty."))
    if length > settings.VIGIL_UPLOAD_CHUNK_BYTES:
        raise VigilError(
            _("Chunks may be at most %(limit)d bytes.") % {"limit": settings.VIGIL_UPLOAD_CHUNK_BYTES}, status=413
        )
    if offset + length > session.size:
        raise VigilError(_("The chunk goes past the end of the file that was announced."), status=413)
    token = _claim(session, offset)
    session.refresh_from_db()
    place = staging.staging_for()
    key = str(session.pk)
    head = bytearray()
    try:
        hasher = hashing.resume(
            engine=session.hash_engine,
            state=bytes(session.hash_state),
            key=key,
            offset=offset,
            reread=lambda: place.reread(key=key, state=session.staging, upto=offset),
        )
        new_staging = place.write_chunk(
            key=key, state=session.staging, offset=offset, length=length,
            final=offset + length == session.size, body=body, hasher=hasher, head=head,
        )  # fmt: skip
    except staging.ShortChunk:
        _release(session, token)
        raise VigilError(_("The chunk arrived incomplete; send it again."), status=400) from None
    except staging.UploadGone as exc:
        # E.g. completion went through but its answer was lost: whatever sits at the key belongs to no item.
        _release(session, token)
        _fail(session, str(store_error(exc)))
        delete_quietly(original_name_for(session.id))
        raise store_error(exc) from None
    except staging.StagingError as exc:
        _release(session, token)
        raise store_error(exc) from None
    except BaseException:
        _release(session, token)
        raise
    media_type = session.media_type
    if offset == 0:
        media_type = media.sniff(bytes(head[: media.SNIFF_BYTES])) or ""
        problem = ""
        if not media_type or media_type == "text/plain":
            problem = _(
                "This kind of file is not accepted. Send photos (JPEG, PNG, HEIC), video (MP4, MOV, WebM) "
                "or audio (M4A, MP3, WAV, OGG)."
            )
        elif media_type in media.IMAGE_TYPES:
            try:
                media.image_dimensions(bytes(head))
            except media.MediaError as exc:
                problem = str(exc)
        if problem:
            _fail(session, problem)
            raise VigilError(problem, status=415 if not media_type else 422)
    with transaction.atomic():
        updated = UploadSession.objects.filter(pk=session.pk, lock_token=token, received=offset).update(
            received=offset + length,
            hash_state=hasher.state(),
            staging=new_staging,
            media_type=media_type,
            lock_token="",
            locked_at=None,
            updated_at=timezone.now(),
        )
    if not updated:
        raise VigilError(_("Another request took over this upload; ask how far it got and resume."), status=409)
    before = {"hash_state": bytes(session.hash_state), "staging": session.staging}
    session.refresh_from_db()
    if session.received == session.size:
        try:
            finish_upload(session=session, digest=hasher.hexdigest())
        except _Unfinished as exc:
            # The store could not complete the file: step back to before this chunk, so the client's usual
            # "ask how far it got and resume" sends the last chunk again and completion is tried again.
            with transaction.atomic():
                UploadSession.objects.filter(pk=session.pk, state=UploadState.OPEN, received=session.size).update(
                    received=offset, updated_at=timezone.now(), **before
                )
            raise store_error(exc.cause) from None
        session.refresh_from_db()
    return session


class _Unfinished(Exception):
    """Completing the staged file failed for a reason that may pass (the store is down); nothing was recorded."""

    def __init__(self, cause: staging.StagingError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def finish_upload(*, session: UploadSession, digest: str) -> EvidenceItem:
    """Move the complete upload into place and record it: the item, its leaf and its `uploaded` custody leaf."""
    place = staging.staging_for()
    name = original_name_for(session.id)
    try:
        place.finish(key=str(session.pk), state=session.staging, name=name)
    except staging.StoreUnavailable as exc:
        raise _Unfinished(exc) from None
    except staging.StagingError as exc:
        _fail(session, str(store_error(exc)))
        raise store_error(exc) from None
    try:
        described = media.describe(
            session.media_type, session.size, lambda start, length: staging.read_range(name, start, length)
        )
    except staging.StagingError as exc:
        # The file is whole but its header could not be read back: no item without its checks; send it again.
        delete_quietly(name)
        _fail(session, str(store_error(exc)))
        raise store_error(exc) from None
    except media.MediaError as exc:
        delete_quietly(name)
        _fail(session, str(exc))
        raise VigilError(str(exc), status=422) from None
    try:
        with transaction.atomic():
            dispatch = Dispatch.objects.select_related("incident").get(pk=session.dispatch_id)
            item = _record_item(
                item_id=session.id,
                kind=ItemKind.MEDIA,
                dispatch=dispatch,
                user=session.uploaded_by,
                file_name=name,
                sha256=digest,
                size=session.size,
                media_type=session.media_type,
                original_name=session.original_name,
                device_time=session.device_time,
                described=described,
            )
            UploadSession.objects.filter(pk=session.pk).update(
                state=UploadState.COMPLETE, item=item, hash_state=b"", staging={}
            )
    except BaseException:
        delete_quietly(name)
        _fail(session, _("The file arrived but could not be recorded; send it again."))
        raise
    return item


def delete_quietly(name: str) -> None:
    """Delete a stored file on a path that is already failing; a store that is down must not hide the first error."""
    try:
        default_storage.delete(name)
    except Exception:
        logger.exception("could not delete %s from the media storage", name)


def _record_item(
    *,
    item_id: uuid.UUID,
    kind: ItemKind,
    dispatch: Dispatch,
    user: User,
    file_name: str,
    sha256: str,
    size: int,
    media_type: str,
    original_name: str,
    device_time: dt.datetime | None,
    described: media.Description,
) -> EvidenceItem:
    now = timezone.now()
    item = EvidenceItem(
        id=item_id,
        kind=kind,
        incident=dispatch.incident,
        dispatch=dispatch,
        uploaded_by=user,
        file_name=file_name,
        sha256=sha256,
        size=size,
        media_type=media_type,
        original_name=original_name,
        captured_at=described.captured_at or "",
        device=described.device or "",
        has_location=described.has_location,
        width=described.width,
        height=described.height,
        device_time=device_time,
        received_at=now,
    )
    uploaded = custody.event_record(
        item=item, kind=CustodyKind.UPLOADED, actor=user, at=now, detail={"dispatch": dispatch.pk}
    )
    item_index, event_index = custody.append_records([custody.item_record(item), uploaded])
    item.leaf_index = item_index
    item.save(force_insert=True)
    CustodyEvent.objects.create(
        item=item, kind=CustodyKind.UPLOADED, actor=user, at=now, detail={"dispatch": dispatch.pk},
        leaf_index=event_index,
    )  # fmt: skip
    events.record(dispatch.incident, "evidence_added", actor=user, at=now, item=str(item.id), item_kind=str(kind))
    return item


def add_note(*, dispatch: Dispatch, user: User, text: str, device_time: dt.datetime | None) -> EvidenceItem:
    """A text note is an item too: its original is the UTF-8 text, hashed and stored like any file."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise VigilError(_("The note is empty."))
    if len(text) > NOTE_MAX_CHARS:
        raise VigilError(_("Notes may be at most %(limit)d characters.") % {"limit": NOTE_MAX_CHARS}, status=413)
    guarded = check(text)  # the text guard, on every channel: a refused note is given back, nothing is stored
    if not guarded.ok:
        raise VigilError(guarded.message, code="text_guard")
    data = text.encode("utf-8")
    item_id = uuid.uuid4()
    name = original_name_for(item_id)
    try:
        with staging.guard("saving a note"):
            stored = default_storage.save(name, ContentFile(data))
    except staging.StagingError as exc:
        raise store_error(exc) from None
    try:
        with transaction.atomic():
            item = _record_item(
                item_id=item_id,
                kind=ItemKind.NOTE,
                dispatch=dispatch,
                user=user,
                file_name=stored,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                media_type="text/plain",
                original_name="note.txt",
                device_time=device_time,
                described=media.Description(),
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return item


def abandon_upload(*, session: UploadSession) -> None:
    """The uploader gave up: drop the staged bytes; no item, no leaf. If the store is down the upload stays open
    (503), so asking again or the expiry job finishes it: staged parts are never left behind unowned."""
    try:
        staging.staging_for().discard(key=str(session.pk), state=session.staging)
    except staging.StagingError as exc:
        raise store_error(exc) from None
    with transaction.atomic():
        UploadSession.objects.filter(pk=session.pk, state=UploadState.OPEN).update(
            state=UploadState.ABANDONED, hash_state=b"", lock_token="", locked_at=None
        )


def expire_stale_uploads(*, now: dt.datetime | None = None, older_than: dt.timedelta = STALE_UPLOAD) -> int:
    """Abandon uploads nobody has touched for a while (a phone that never came back)."""
    cutoff = (now or timezone.now()) - older_than
    count = 0
    for session in UploadSession.objects.filter(state=UploadState.OPEN, updated_at__lt=cutoff):
        try:
            abandon_upload(session=session)
        except VigilError:
            logger.warning("could not abandon stale upload %s now; next run retries", session.pk)
            continue
        count += 1
    return count


def sweep_orphan_uploads(*, now: dt.datetime | None = None, older_than: dt.timedelta = STALE_UPLOAD) -> int:
    """S3 only: abort multipart uploads under `evidence/originals/` that no open upload owns, begun before the
    cutoff (a process that died between creating one and saving its session; an abort that failed while the store
    was down). The store would otherwise keep their parts, unseen, forever."""
    place = staging.staging_for()
    if not isinstance(place, staging.S3Staging):
        return 0
    keep = {
        str(state.get("upload_id"))
        for state in UploadSession.objects.filter(state=UploadState.OPEN).values_list("staging", flat=True)
        if isinstance(state, dict)
    }
    try:
        return place.sweep(keep=keep, older_than=(now or timezone.now()) - older_than)
    except staging.StagingError:
        logger.warning("could not sweep orphaned multipart uploads now; next run retries")
        return 0




def record_original_viewed(*, item: EvidenceItem, user: User) -> CustodyEvent:
    """An attorney or coordinator opened the original: a custody leaf (the audit row is written by access.py)."""
    with transaction.atomic():
        return custody.log_event(item=item, kind=CustodyKind.ORIGINAL_VIEWED, actor=user, at=timezone.now(), detail={})


















