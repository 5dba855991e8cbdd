"""The only way an evidence view gets an object. Missing and forbidden answer the same 404.

- Uploads: only the observer a dispatch was sent to, once they accepted it (and afterwards, to add what they have).
- Evidence of an incident (list, item details, public-safe copies): attorneys, coordinators and dispatchers of the
  group whose zone holds the incident (the hotline's chokepoint decides which incidents a user sees).
- Originals (download, bundle export) and public-safe copies: attorneys and coordinators; opening an original is
  written to the audit trail and to the ledger as an `original_viewed` custody event.
- Blur boxes: coordinators.
"""

from __future__ import annotations

import uuid

from django.http import Http404

from vigil.accounts.access import AnyUser, audit
from vigil.accounts.models import Role, User
from vigil.evidence.models import BlurBox, Derivative, EvidenceItem, UploadSession
from vigil.hotline.access import incident_for, incidents_visible_to
from vigil.hotline.models import Incident
from vigil.network.models import ATTENDED_STATUSES, Dispatch

READERS = (Role.ATTORNEY, Role.COORDINATOR, Role.DISPATCHER)
HANDLERS = (Role.ATTORNEY, Role.COORDINATOR)
MARKERS = (Role.COORDINATOR,)
UPLOADABLE = ATTENDED_STATUSES  # observers who went may upload


def _uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def dispatch_for_upload(user: AnyUser, pk: object) -> Dispatch:
    """A dispatch the signed-in observer may add evidence to: theirs, accepted (or later)."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise Http404
    try:
        key = int(str(pk))
    except ValueError:
        raise Http404 from None
    dispatch = (
        Dispatch.objects.select_related("incident", "observer")
        .filter(pk=key, observer__user_id=user.pk, status__in=[str(s) for s in UPLOADABLE])
        .first()
    )
    if dispatch is None:
        raise Http404
    return dispatch


def upload_for(user: AnyUser, pk: object) -> UploadSession:
    """An upload session of the signed-in observer, on a dispatch they still may add evidence to."""
    session = UploadSession.objects.filter(pk=_uuid(pk), uploaded_by_id=user.pk).first()
    if session is None:
        raise Http404
    dispatch_for_upload(user, session.dispatch_id)
    return session


def incident_for_evidence(user: AnyUser, pk: object) -> Incident:
    return incident_for(user, pk, READERS)


def incident_for_export(user: AnyUser, pk: object) -> Incident:
    return incident_for(user, pk, HANDLERS)


def item_for(user: AnyUser, pk: object, roles: tuple[Role, ...] = READERS) -> EvidenceItem:
    item = EvidenceItem.objects.select_related("incident", "uploaded_by", "dispatch").filter(pk=_uuid(pk)).first()
    if item is None or not incidents_visible_to(user, roles).filter(pk=item.incident_id).exists():
        raise Http404
    return item


def original_for(user: AnyUser, pk: object) -> EvidenceItem:
    """An original to open: attorneys and coordinators only; audited. (The custody leaf is the view's service call.)"""
    item = item_for(user, pk, HANDLERS)
    if item.deleted_at is not None or not item.file_name:
        raise Http404
    audit(user, "evidence.original.view", object_type="evidence.EvidenceItem", object_id=item.pk)
    return item


def derivative_for(user: AnyUser, pk: object) -> Derivative:
    derivative = Derivative.objects.select_related("item").filter(pk=_uuid(pk)).first()
    if derivative is None:
        raise Http404
    item_for(user, derivative.item_id, READERS)
    return derivative


def blur_box_for(user: AnyUser, pk: object) -> BlurBox:
    try:
        key = int(str(pk))
    except ValueError:
        raise Http404 from None
    # One query decides both "no such box" and "not yours": box ids are small integers, so the two answers must cost
    # the same, or the time taken tells which ids exist.
    box = (
        BlurBox.objects.select_related("item")
        .filter(pk=key, item__incident__in=incidents_visible_to(user, MARKERS))
        .first()
    )
    if box is None:
        raise Http404
    return box
