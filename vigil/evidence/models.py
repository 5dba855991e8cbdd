"""Evidence: items (media and notes) as received, their custody, upload sessions, public-safe derivatives.

An item's original file is stored once and never altered; its SHA-256, computed while it was received, is the
identity everything else refers to. Every item and every custody event is also a leaf of the transparency log
(`vigil.tlog`), committed in the same transaction as the row.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    MEDIA = "media", _("Photo, video or audio")
    NOTE = "note", _("Text note")


class EvidenceItem(models.Model):
    """One original as received from the scene: a media file or a text note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=8, choices=ItemKind.choices)
    incident = models.ForeignKey("hotline.Incident", on_delete=models.PROTECT, related_name="evidence")
    dispatch = models.ForeignKey(
        "network.Dispatch", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(
        max_length=255, blank=True, help_text=_("Name in the media storage; empty once deleted")
    )
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    media_type = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255, blank=True)
    captured_at = models.CharField(
        max_length=40, blank=True, help_text=_("Capture time as the file's metadata states it (RFC 3339)")
    )
    device = models.CharField(max_length=200, blank=True, help_text=_("Camera or phone named by the file's metadata"))
    has_location = models.BooleanField(default=False, help_text=_("The original carries location metadata"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    device_time = models.DateTimeField(null=True, blank=True, help_text=_("The observer's device clock"))
    received_at = models.DateTimeField(help_text=_("Server time the upload completed"))
    leaf_index = models.BigIntegerField(unique=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "leaf_index"]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def is_image(self) -> bool:
        return self.media_type in ("image/jpeg", "image/png", "image/heic")

    @property
    def is_video(self) -> bool:
        return self.media_type.startswith("video/")


class UploadState(models.TextChoices):
    OPEN = "open", _("Receiving")
    COMPLETE = "complete", _("Complete")
    FAILED = "failed", _("Refused")
    ABANDONED = "abandoned", _("Abandoned")


class UploadSession(models.Model):
    """A resumable upload in progress: chunks arrive in order; the running SHA-256 state is kept here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dispatch = models.ForeignKey("network.Dispatch", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    original_name = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(help_text=_("Declared total size in bytes"))
    received = models.BigIntegerField(default=0)
    media_type = models.CharField(max_length=64, blank=True, help_text=_("Sniffed from the first bytes"))
    hash_engine = models.CharField(max_length=32)
    hash_state = models.BinaryField(default=b"")
    staging = models.JSONField(default=dict, blank=True, help_text=_("Where the partial file is staged"))
    device_time = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=UploadState.choices, default=UploadState.OPEN)
    error = models.CharField(max_length=300, blank=True)
    lock_token = models.CharField(max_length=32, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    item = models.OneToOneField(EvidenceItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return f"upload {self.id} {self.received}/{self.size}"


class CustodyKind(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    ORIGINAL_VIEWED = "original_viewed", _("Original viewed")
    DERIVATIVE_MADE = "derivative_made", _("Public-safe copy made")
    EXPORTED = "exported", _("Exported in a bundle")
    DELETED = "deleted", _("Original deleted under retention")


class CustodyEvent(models.Model):
    """Who handled an item, how and when; each row is also a leaf of the log."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody")
    kind = models.CharField(max_length=20, choices=CustodyKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)
    leaf_index = models.BigIntegerField(unique=True)

    class Meta:
        ordering = ["leaf_index"]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id} #{self.leaf_index}"


class BlurBox(models.Model):
    """A rectangle a coordinator marks on an image to be blurred in public-safe copies (original pixels)."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="blur_boxes")
    x = models.PositiveIntegerField()
    y = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"box {self.x},{self.y} {self.width}x{self.height}"


class Derivative(models.Model):
    """A public-safe copy of an original: metadata stripped, faces, plates and marked boxes blurred."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="derivatives")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    media_type = models.CharField(max_length=64)
    faces = models.PositiveIntegerField(default=0)
    plates = models.PositiveIntegerField(default=0)
    boxes = models.PositiveIntegerField(default=0)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField()
    custody = models.OneToOneField(CustodyEvent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-made_at"]

    def __str__(self) -> str:
        return f"derivative {self.id} of {self.item_id}"


class BundleExport(models.Model):
    """One bundle exported for an incident: who, when, what it held and the checkpoint its proofs lead to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey("hotline.Incident", on_delete=models.PROTECT, related_name="+")
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exported_at = models.DateTimeField()
    items = models.PositiveIntegerField()
    tree_size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, help_text=_("SHA-256 of the zip as delivered"))

    class Meta:
        ordering = ["-exported_at"]

    def __str__(self) -> str:
        return f"export {self.id} of incident {self.incident_id}"


class CopyState(models.TextChoices):
    PENDING = "pending", _("Waiting to be made")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CopyRequest(models.Model):
    """A public-safe copy of a video asked for and made in the background; its state is shown on the item page."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="copy_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=8, choices=CopyState.choices, default=CopyState.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, help_text=_("Why it failed, safe to show"))
    derivative = models.OneToOneField(
        Derivative, null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"copy request {self.id} of {self.item_id}: {self.state}"
