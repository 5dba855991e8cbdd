from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import Group
from vigil.hotline.models import Incident


class Observer(models.Model):
    """A trained legal observer. Dispatchable only with current training and the code of conduct accepted."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="observer")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="observers")
    languages = models.JSONField(default=list, help_text=_("Language codes, e.g. ['en', 'es']"))
    trained_on = models.DateField(null=True, blank=True)
    training_expires_on = models.DateField(null=True, blank=True)
    code_accepted_at = models.DateTimeField(null=True, blank=True)
    # Sealed with vigil.vault (phone number for SMS notifications); never shown in lists.
    phone_sealed = models.BinaryField(null=True, blank=True)
    notify_by = models.JSONField(default=list, blank=True, help_text=_("Channels: inbox, email, sms"))
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.user.get_username()


class Shift(models.Model):
    """An observer's time on shift. The coarse location (H3 cell) exists only while the shift is open."""

    observer = models.ForeignKey(Observer, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True, help_text=_("When the observer went on shift"))
    ended_at = models.DateTimeField(null=True, blank=True)
    cell = models.CharField(max_length=16, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ends_at", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.observer} {self.starts_at:%Y-%m-%d %H:%M}"


class DispatchStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired (no answer)")
    CANCELLED = "cancelled", _("Cancelled")
    ON_SCENE = "on_scene", _("On scene")
    LEFT_SAFE = "left_safe", _("Left safe")


# Which dispatches count as what, in one place:
# - active: the observer is busy with it (an offer to answer, on the way, on scene): not offered another;
# - engaged: accepted and not yet left: the observer checks in and records observations;
# - attended: the observer went (engaged or left safe): may upload evidence and propose a verdict, is kept on a merge.
ACTIVE_STATUSES = (DispatchStatus.SENT, DispatchStatus.ACCEPTED, DispatchStatus.ON_SCENE)
ENGAGED_STATUSES = (DispatchStatus.ACCEPTED, DispatchStatus.ON_SCENE)
ATTENDED_STATUSES = (DispatchStatus.ACCEPTED, DispatchStatus.ON_SCENE, DispatchStatus.LEFT_SAFE)


class Dispatch(models.Model):
    """One observer sent to one incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="dispatches")
    observer = models.ForeignKey(Observer, on_delete=models.PROTECT, related_name="dispatches")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    wave = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=16, choices=DispatchStatus.choices, default=DispatchStatus.SENT)
    sent_at = models.DateTimeField()
    answer_by = models.DateTimeField(help_text=_("Escalate to the next observers if not accepted by then"))
    responded_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    check_in_alerted_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    proposed_verdict = models.CharField(max_length=20, blank=True)
    proposed_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "answer_by"])]
        constraints = [
            models.UniqueConstraint(fields=["incident", "observer"], name="dispatch_once_per_observer"),
        ]

    def __str__(self) -> str:
        return f"dispatch {self.pk} {self.status}"


class Observation(models.Model):
    """A timestamped SALUTE observation an observer records on scene."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="observations")
    recorded_at = models.DateTimeField(help_text=_("Server time of receipt"))
    device_time = models.DateTimeField(null=True, blank=True, help_text=_("The observer's device clock"))
    size = models.CharField(max_length=200, blank=True)
    activity = models.TextField(blank=True)
    location = models.CharField(max_length=300, blank=True)
    uniform = models.CharField(max_length=300, blank=True)
    time_seen = models.DateTimeField(null=True, blank=True)
    equipment = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return f"observation {self.pk} at {self.recorded_at:%H:%M}"


class Notification(models.Model):
    """A message to a user; the in-app inbox the observer page polls, and a record of what was sent where."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    dispatch = models.ForeignKey(Dispatch, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    channels = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject
