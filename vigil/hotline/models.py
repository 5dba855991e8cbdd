from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    SMS = "sms", _("SMS")
    OPERATOR = "operator", _("Hotline operator")
    API = "api", _("API")


class IncidentState(models.TextChoices):
    NEW = "new", _("New")
    VERIFYING = "verifying", _("Verifying")
    VERDICT = "verdict", _("Verdict given")
    CLOSED = "closed", _("Closed")


# An incident is open while new or being verified (and not merged into another: see Incident.merged_into).
OPEN_STATES = (IncidentState.NEW, IncidentState.VERIFYING)


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_IMMIGRATION = "not_immigration", _("Not immigration (other agency)")
    FALSE_ALARM = "false_alarm", _("False alarm")
    UNABLE_TO_VERIFY = "unable_to_verify", _("Unable to verify")


class ReviewOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REDACTED = "redacted", _("Redacted")
    REFUSED = "refused", _("Refused")


class Incident(models.Model):
    """One event on the ground, made of one or more reports."""

    cell = models.CharField(max_length=16, db_index=True, help_text=_("H3 cell at VIGIL_H3_RES_REPORT"))
    zone_cell = models.CharField(max_length=16, db_index=True, help_text=_("H3 cell at VIGIL_H3_RES_ZONE"))
    zone = models.ForeignKey("places.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lat = models.FloatField()
    lon = models.FloatField()
    state = models.CharField(max_length=16, choices=IncidentState.choices, default=IncidentState.NEW)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    verdict_note = models.TextField(blank=True)
    language = models.CharField(max_length=8, default="en")
    report_count = models.PositiveIntegerField(default=0)
    first_report_at = models.DateTimeField(db_index=True)
    last_report_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["state", "last_report_at"])]

    def __str__(self) -> str:
        return f"incident {self.pk} {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class PlacedBy(models.TextChoices):
    """How a report got its coordinates (empty: it has none yet, or they came with the report)."""

    REPORTER = "", _("Sent with the report")
    WORDS = "words", _("Placed from words")
    OPERATOR = "operator", _("Placed by staff")


class Report(models.Model):
    """One report as received (SALUTE), whatever the channel. No reporter IP or user agent is ever stored."""

    receipt = models.CharField(max_length=16, unique=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    language = models.CharField(max_length=8, default="en")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # SALUTE
    size = models.CharField(max_length=200, blank=True)
    activity = models.TextField(blank=True)
    location_text = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    cell = models.CharField(max_length=16, blank=True, db_index=True)
    # When the coordinates came from the location words: who placed it and the gazetteer's match it was placed by.
    placed_by = models.CharField(max_length=16, choices=PlacedBy.choices, blank=True, default="")
    place_match = models.CharField(max_length=200, blank=True)
    place_confidence = models.FloatField(null=True, blank=True)
    # Placed outside the network's zones and their margin (vigil/places/service_area.py): kept, but in no incident.
    outside_area = models.BooleanField(default=False)
    uniform = models.CharField(max_length=300, blank=True)
    seen_at = models.DateTimeField()
    equipment = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    # Optional call-back contact, sealed by vigil.vault and deleted after VIGIL_CONTACT_RETENTION_DAYS.
    contact_sealed = models.BinaryField(null=True, blank=True)
    contact_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    received_at = models.DateTimeField(db_index=True)
    # SMS only: a keyed hash of the sender's number (vigil.hotline.sms.sender_hash), so the queue can rank a sender
    # whose earlier reports were confirmed above an unknown one (vigil/network/attention.py); erased with
    # sender_expires_at (VIGIL_SENDER_MEMORY_DAYS) by vigil.vault.retention. Never the number itself.
    sender_hash = models.CharField(max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001 (erased to NULL)
    sender_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The review band of the text guard: a held report's free text is kept but shown to nobody but the operators who
    # review it (not to observers, not in dispatch messages, not on the console) until one approves, redacts or
    # refuses it. `review_reason` names the held fields ("activity, text"); the reason itself is the guard's.
    held = models.BooleanField(default=False, db_index=True)
    review_reason = models.CharField(max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=16, choices=ReviewOutcome.choices, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.receipt

    @property
    def receipt_code(self) -> str:
        """The receipt as it is always shown: two groups of four with a dash (hotline.services.format_receipt)."""
        return f"{self.receipt[:4]}-{self.receipt[4:]}"

    @property
    def withheld_fields(self) -> frozenset[str]:
        """The free-text fields not to show while the report is held for review (all of them if unrecorded)."""
        if not self.held:
            return frozenset()
        named = frozenset(name for name in self.review_reason.split(", ") if name)
        return named or frozenset({"size", "activity", "location_text", "uniform", "equipment", "text"})


class IncidentEvent(models.Model):
    """Every change to an incident, in order: its history. Measures are read from these rows."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=32)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.kind}"


class SmsConversation(models.Model):
    """Ties follow-up SMS from one sender to their report while SALUTE fields are missing.

    The sender's number is kept only as a keyed hash, and the row is deleted when the report is complete or stale.
    """

    sender_hash = models.CharField(max_length=64, unique=True)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8, default="en")
    awaiting = models.CharField(max_length=16, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"sms conversation for {self.report_id}"


class AnsweredRequest(models.Model):
    """A request already answered, so a retry or a replay gets the same answer and stores nothing twice: an SMS
    provider's MessageSid, an API client's Idempotency-Key, a web form's one-time token.

    Only a keyed hash of the identifier is kept (vigil.vault.keyed_hash), with a digest of the request it came with
    and the answer given; rows older than a day are deleted (tasks.forget_answered_requests).
    """

    key_hash = models.CharField(max_length=64, unique=True)
    request_digest = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=64, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"answered request {self.key_hash[:8]}"
