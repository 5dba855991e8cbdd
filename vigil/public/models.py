"""The public side's own data: debunks of rumours, and the know-your-rights pages with their history.

Nothing here holds a point: a debunk names an area and an hour (vigil.safety.publication checks both before a row
is written); its link to the incident is for staff and is never published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.public.topics import TOPICS


class DebunkVerdict(models.TextChoices):
    FALSE_ALARM = "false_alarm", _("False alarm")
    NOT_IMMIGRATION = "not_immigration", _("Not immigration enforcement")


class Debunk(models.Model):
    """A rumour cleared in public: what was reported near `area` around `hour` was not immigration enforcement."""

    incident = models.ForeignKey("hotline.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verdict = models.CharField(max_length=20, choices=DebunkVerdict.choices)
    area = models.CharField(max_length=60)
    hour = models.DateTimeField(help_text=_("When it was reported, floored to the hour"))
    # language code → the statement in that language (at least one).
    statements = models.JSONField(default=dict)
    published_at = models.DateTimeField(db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return f"debunk {self.pk} {self.area}"


class RightsPage(models.Model):
    """One know-your-rights topic in one language, as published now (Markdown as written, and its safe HTML)."""

    topic = models.CharField(max_length=32, choices=[(k, v) for k, v in TOPICS.items()])
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=120)
    body = models.TextField(help_text=_("Markdown"))
    body_html = models.TextField(editable=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "language"], name="rights_page_unique_language")]

    def __str__(self) -> str:
        return f"{self.topic} ({self.language})"


class RightsVersion(models.Model):
    """Every saved version of a page, kept: its history."""

    page = models.ForeignKey(RightsPage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    body = models.TextField()
    saved_at = models.DateTimeField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="rights_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.page} v{self.number}"


class SmsSubscriber(models.Model):
    """A number that asked for rumour-control alerts by SMS and proved it is theirs with a code.

    The number is sealed (vigil.vault); `number_index` is a keyed hash to find the row when the same number asks
    again, never the number itself. Rows never confirmed are deleted once their code expires (see services).
    """

    number_sealed = models.BinaryField()
    number_index = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=8)
    code_hash = models.CharField(max_length=64, blank=True)
    code_purpose = models.CharField(max_length=12, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"sms subscriber {self.pk}"


class PushSubscriber(models.Model):
    """A browser that asked for rumour-control alerts by Web Push. Its subscription (endpoint and keys) is sealed;
    `endpoint_index` is a keyed hash to find it again. Deleted when the push service says it is gone."""

    subscription_sealed = models.BinaryField()
    endpoint_index = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"push subscriber {self.pk}"
