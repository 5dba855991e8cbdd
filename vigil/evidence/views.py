"""Evidence pages and the upload endpoints. Thin: access.py gets the objects, services.py does the work."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from typing import IO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vigil.accounts.access import has_role, require_role, signed_in_user
from vigil.accounts.mfa import require_second_factor
from vigil.accounts.models import Role, User
from vigil.evidence import access, derivatives, selectors, staging, uploads
from vigil.evidence.media import EXTENSIONS
from vigil.evidence.models import EvidenceItem, UploadSession
from vigil.lib.errors import VigilError, problem
from vigil.network.models import Dispatch

_RANGE = re.compile(r"bytes (\d{1,15})-(\d{1,15})/(\d{1,15})")


def _device_time(value: str | None) -> dt.datetime | None:
    """The observer's device clock as the browser sent it; an unreadable value is simply not kept."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value.strip()[:40])
    except ValueError:
        return None
    if parsed is None or timezone.is_naive(parsed):
        return None
    return parsed


def _session_json(session: UploadSession, status: int = 200) -> JsonResponse:
    data: dict[str, object] = {
        "id": str(session.pk),
        "url": reverse("evidence:upload_chunk", args=[session.pk]),
        "size": session.size,
        "received": session.received,
        "state": session.state,
        "chunk_bytes": settings.VIGIL_UPLOAD_CHUNK_BYTES,
    }
    if session.error:
        data["detail"] = session.error  # why a failed upload failed
    if session.item_id:
        item = EvidenceItem.objects.get(pk=session.item_id)
        data.update(sha256=item.sha256, media_type=item.media_type, item=str(item.pk))
    return JsonResponse(data, status=status)


def _upload_context(dispatch: Dispatch, user: User, **extra: object) -> dict[str, object]:
    """What the upload page shows: the dispatch's evidence so far and the limits the uploader works to."""
    return {
        "dispatch": dispatch,
        "items": selectors.items_of_dispatch(dispatch, user),
        "max_mb": settings.VIGIL_UPLOAD_MAX_BYTES // (1024 * 1024),
        "chunk_bytes": settings.VIGIL_UPLOAD_CHUNK_BYTES,
        "note_max": uploads.NOTE_MAX_CHARS,
        **extra,
    }


def _error_json(exc: VigilError) -> JsonResponse:
    """The problem body every surface answers a refusal with; a resumable upload also learns where to resume."""
    data = problem(exc)
    if isinstance(exc, uploads.OffsetMismatch):
        data["received"] = exc.received
    return JsonResponse(data, status=exc.status, content_type="application/problem+json")


@login_required
@require_GET
def upload_page(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    user = signed_in_user(request)
    dispatch = access.dispatch_for_upload(user, dispatch_id)
    return render(request, "evidence/upload.html", _upload_context(dispatch, user))


@login_required
@require_POST
def upload_start(request: HttpRequest, dispatch_id: int) -> JsonResponse:
    """Open a resumable upload: form fields name, size, device_time. Answers 201 with where to send chunks."""
    user = signed_in_user(request)
    dispatch = access.dispatch_for_upload(user, dispatch_id)
    try:
        size = int(request.POST.get("size", ""))
    except ValueError:
        return _error_json(VigilError(_("Say how many bytes the file has."), code="bad_size"))
    try:
        session = uploads.start_upload(
            dispatch=dispatch,
            user=user,
            size=size,
            name=request.POST.get("name", "")[:255],
            device_time=_device_time(request.POST.get("device_time")),
        )
    except VigilError as exc:
        return _error_json(exc)
    return _session_json(session, status=201)


@login_required
@require_http_methods(["GET", "POST"])
def upload_chunk(request: HttpRequest, upload_id: str) -> JsonResponse:
    """GET: how far the upload got (to resume). POST: the next chunk, raw bytes, `Content-Range: bytes a-b/total`."""
    user = signed_in_user(request)
    session = access.upload_for(user, upload_id)
    if request.method == "GET":
        return _session_json(session)
    match = _RANGE.fullmatch(request.headers.get("Content-Range", "").strip())
    if match is None:
        return _error_json(VigilError(_("Send a Content-Range header: bytes first-last/total."), code="bad_range"))
    first, last, total = (int(g) for g in match.groups())
    length = last - first + 1
    try:
        declared = int(request.headers.get("Content-Length", ""))
    except ValueError:
        declared = -1
    if total != session.size or last < first or declared != length:
        mismatch = _("Content-Range does not match the upload or the body length.")
        return _error_json(uploads.OffsetMismatch(mismatch, received=session.received, status=400))
    try:
        session = uploads.receive_chunk(session=session, offset=first, length=length, body=request)
    except VigilError as exc:
        return _error_json(exc)
    return _session_json(session)


@login_required
@require_POST
def upload_abandon(request: HttpRequest, upload_id: str) -> JsonResponse:
    user = signed_in_user(request)
    session = access.upload_for(user, upload_id)
    try:
        uploads.abandon_upload(session=session)
    except VigilError as exc:
        return _error_json(exc)
    session.refresh_from_db()
    return _session_json(session)


@login_required
@require_POST
def upload_form(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """The same upload without JavaScript: one multipart form post, fed through the same chunk path.

    Django spools the request to a temporary file first, so this path reads that local copy once more while it
    stores and hashes it (the documented exception to "no second read"); the JavaScript uploader avoids it.
    """
    user = signed_in_user(request)
    dispatch = access.dispatch_for_upload(user, dispatch_id)
    upload = request.FILES.get("file")
    back = redirect("evidence:upload", dispatch_id=dispatch.pk)
    if upload is None or not upload.size:
        messages.error(request, _("Choose a file to send."))
        return back
    try:
        session = uploads.start_upload(
            dispatch=dispatch,
            user=user,
            size=upload.size,
            name=upload.name or "",
            device_time=_device_time(request.POST.get("device_time")),
        )
        offset = 0
        chunk = settings.VIGIL_UPLOAD_CHUNK_BYTES
        with upload.open("rb") as source:
            while offset < upload.size:
                length = min(chunk, upload.size - offset)
                session = uploads.receive_chunk(session=session, offset=offset, length=length, body=source)
                offset += length
    except VigilError as exc:
        messages.error(request, str(exc))
        return back
    messages.success(request, _("Received and sealed: %(name)s.") % {"name": upload.name})
    return back


@login_required
@require_POST
def note_add(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    user = signed_in_user(request)
    dispatch = access.dispatch_for_upload(user, dispatch_id)
    try:
        uploads.add_note(
            dispatch=dispatch,
            user=user,
            text=request.POST.get("text", ""),
            device_time=_device_time(request.POST.get("device_time")),
        )
    except VigilError as exc:
        ctx = _upload_context(dispatch, user, note_error=str(exc), note_text=request.POST.get("text", ""))
        return render(request, "evidence/upload.html", ctx, status=exc.status)
    messages.success(request, _("Note sealed."))
    return redirect("evidence:upload", dispatch_id=dispatch.pk)


@login_required
@require_second_factor
@require_GET
def incident_evidence(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = signed_in_user(request)
    incident = access.incident_for_evidence(user, incident_id)
    items = list(selectors.items_of_incident(incident))
    ctx = {
        "incident": incident,
        "items": items,
        "may_handle": _may(user, incident.pk, access.HANDLERS),
    }
    return render(request, "evidence/incident.html", ctx)


def _may(user: object, incident_id: int, roles: tuple[Role, ...]) -> bool:
    from vigil.hotline.access import incidents_visible_to

    return incidents_visible_to(user, roles).filter(pk=incident_id).exists()  # type: ignore[arg-type]


@login_required
@require_second_factor
@require_GET
def item_detail(request: HttpRequest, item_id: str) -> HttpResponse:
    user = signed_in_user(request)
    item = access.item_for(user, item_id)
    derivatives = list(item.derivatives.all())
    ctx = {
        "item": item,
        "custody": selectors.custody_of_items([item]),
        "derivatives": derivatives,
        "still": next((d for d in derivatives if d.media_type.startswith("image/")), None),
        "copy_requests": item.copy_requests.all()[:5] if item.is_video else [],
        "boxes": item.blur_boxes.all(),
        "may_handle": _may(user, item.incident_id, access.HANDLERS),
        "may_mark": _may(user, item.incident_id, access.MARKERS),
    }
    return render(request, "evidence/item.html", ctx)


def _stored_file(name: str, *, media_type: str, size: int, cache_control: str) -> FileResponse | HttpResponse:
    """A stored file streamed from the media storage (S3: straight from the GET, never a whole copy in memory),
    with its type, length and caching rule; a plain 503 when the store cannot be read."""
    try:
        response = FileResponse(staging.open_stream(name))
    except staging.StagingError as exc:
        return HttpResponse(str(uploads.store_error(exc)), status=503, content_type="text/plain; charset=utf-8")
    response["Content-Type"] = media_type
    response["Content-Length"] = str(size)
    response["Cache-Control"] = cache_control
    return response


@login_required
@require_second_factor
@require_GET
def item_original(request: HttpRequest, item_id: str) -> HttpResponseBase:
    """Download the untouched original (attorneys, coordinators). Audited; a custody leaf records the view."""
    user = signed_in_user(request)
    item = access.original_for(user, item_id)
    response = _stored_file(item.file_name, media_type=item.media_type, size=item.size, cache_control="no-store")
    if not isinstance(response, FileResponse):
        return response
    uploads.record_original_viewed(item=item, user=user)
    extension = EXTENSIONS.get(item.media_type, "bin")
    response["Content-Disposition"] = f'attachment; filename="{item.pk}.{extension}"'
    response["X-Content-SHA256"] = item.sha256
    return response


@login_required
@require_second_factor
@require_POST
def box_add(request: HttpRequest, item_id: str) -> HttpResponse:
    user = signed_in_user(request)
    item = access.item_for(user, item_id, access.MARKERS)
    try:
        values = {k: int(request.POST.get(k, "")) for k in ("x", "y", "width", "height")}
    except ValueError:
        messages.error(request, _("Give the box as whole numbers of pixels."))
        return redirect("evidence:item", item_id=item.pk)
    try:
        derivatives.add_blur_box(item=item, user=user, **values)
    except VigilError as exc:
        messages.error(request, str(exc))
    return redirect("evidence:item", item_id=item.pk)


@login_required
@require_second_factor
@require_POST
def box_remove(request: HttpRequest, box_id: int) -> HttpResponse:
    user = signed_in_user(request)
    box = access.blur_box_for(user, box_id)
    item_id = box.item_id
    derivatives.remove_blur_box(box=box)
    return redirect("evidence:item", item_id=item_id)


@login_required
@require_second_factor
@require_POST
def derivative_make(request: HttpRequest, item_id: str) -> HttpResponse:
    user = signed_in_user(request)
    item = access.item_for(user, item_id, access.HANDLERS)
    if item.is_video and request.POST.get("kind", "video") == "video":
        try:
            derivatives.request_video_copy(item=item, user=user)
        except VigilError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The public-safe video is being made in the background; this page shows when."))
        return redirect("evidence:item", item_id=item.pk)
    try:
        derivative = derivatives.make_derivative(item=item, user=user)
    except VigilError as exc:
        messages.error(request, str(exc))
        return redirect("evidence:item", item_id=item.pk)
    messages.success(
        request,
        _("Public-safe copy made: %(faces)d faces, %(plates)d plates and %(boxes)d marked boxes blurred.")
        % {"faces": derivative.faces, "plates": derivative.plates, "boxes": derivative.boxes},
    )
    return redirect("evidence:item", item_id=item.pk)


@login_required
@require_GET
def derivative_file(request: HttpRequest, derivative_id: str) -> HttpResponseBase:
    user = signed_in_user(request)
    derivative = access.derivative_for(user, derivative_id)
    return _stored_file(
        derivative.file_name, media_type=derivative.media_type, size=derivative.size, cache_control="private, no-store"
    )


@login_required
@require_second_factor
@require_POST
def incident_export(request: HttpRequest, incident_id: int) -> HttpResponseBase:
    """Export the incident's evidence as a bundle (zip) an attorney or court can verify offline."""
    from vigil.evidence import bundles

    user = signed_in_user(request)
    incident = access.incident_for_export(user, incident_id)
    tmp = tempfile.NamedTemporaryFile(prefix="vigil-bundle-", suffix=".zip")
    try:
        export = bundles.export_incident(incident=incident, user=user, dest=tmp)
    except VigilError as exc:
        tmp.close()
        messages.error(request, str(exc))
        return redirect("evidence:incident", incident_id=incident.pk)
    return bundle_download(tmp, f"vigil-incident-{incident.pk}-{export.id}.zip")


def bundle_download(tmp: IO[bytes], filename: str) -> FileResponse:
    """A bundle just written to `tmp`, sent as a download that no cache keeps (the case team's export uses it too)."""
    tmp.seek(0)
    response = FileResponse(tmp, as_attachment=True, filename=filename, content_type="application/zip")
    response["Content-Length"] = str(os.fstat(tmp.fileno()).st_size)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_second_factor
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The evidence desk: incidents of the user's groups that hold evidence; for everyone, how to check the log."""
    from vigil.hotline.access import incidents_visible_to

    user = signed_in_user(request)
    require_role(user, (*access.READERS, Role.AUDITOR))
    incidents = selectors.incidents_with_evidence(incidents_visible_to(user, access.READERS))[:200]
    ctx = {"incidents": incidents, "reads_evidence": has_role(user, access.READERS)}
    return render(request, "evidence/index.html", ctx)
