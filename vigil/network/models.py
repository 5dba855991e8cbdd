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
    # The expiry date the last "your training expires soon" reminder was about: one reminder per expiry.
    reminded_for_expiry = models.DateField(null=True, blank=True)

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
    last_check_in_at = models.DateTimeField(null=True, blank=True, help_text=_("Server time the last check-in arrived"))
    # The phone's clock for that check-in when it was made offline and sent later (the coordinator sees it was late).
    last_check_in_device_at = models.DateTimeField(null=True, blank=True)
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


# --- volunteers and trainings -----------------------------------------------------------------------------------


class VolunteerStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    INVITED = "invited", _("Invited to training")
    TRAINED = "trained", _("Trained")
    ACTIVE = "active", _("Active observer")
    DECLINED = "declined", _("Declined")


class Volunteer(models.Model):
    """Someone who signed up on /volunteer/ to become an observer. No account until a coordinator invites them.

    The contact (an e-mail address or a phone number) is sealed with vigil.vault; the neighbourhood is coarse by
    design (a district, never an address). Deleting a volunteer deletes their training history with them.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="volunteers")
    name = models.CharField(max_length=120)
    contact_sealed = models.BinaryField()
    contact_is_phone = models.BooleanField(default=False)
    language = models.CharField(max_length=8, default="en", help_text=_("Language we write to them in"))
    languages = models.JSONField(default=list)
    neighbourhood = models.CharField(max_length=80, blank=True)
    availability = models.JSONField(default=list)
    note = models.TextField(blank=True)
    consented_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=VolunteerStatus.choices, default=VolunteerStatus.APPLIED)
    status_changed_at = models.DateTimeField()
    created_at = models.DateTimeField()
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="volunteer"
    )

    class Meta:
        indexes = [models.Index(fields=["group", "status"])]

    def __str__(self) -> str:
        return f"volunteer {self.pk} {self.status}"


class TrainingKind(models.TextChoices):
    LEGAL_OBSERVER = "legal_observer", _("Legal-observer training")
    REFRESHER = "refresher", _("Refresher")
    TEACH_IN = "teach_in", _("Teach-in")


class Training(models.Model):
    """A training session a group schedules. Attending a legal-observer training or a refresher certifies."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="trainings")
    kind = models.CharField(max_length=16, choices=TrainingKind.choices, default=TrainingKind.LEGAL_OBSERVER)
    title = models.CharField(max_length=120)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    online = models.BooleanField(default=False)
    place = models.CharField(max_length=200, blank=True, help_text=_("A public venue, or the meeting link"))
    language = models.CharField(max_length=8, default="en")
    capacity = models.PositiveIntegerField(default=30)
    open_for_registration = models.BooleanField(default=True)
    cancelled = models.BooleanField(default=False)
    # The secret in the door's QR code: whoever scans it while the session runs checks in.
    check_in_token = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%Y-%m-%d}"


class TrainingRegistration(models.Model):
    """A volunteer or an observer registered for a session; `attended_at` is the attendance taken on the day."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="registrations")
    volunteer = models.ForeignKey(
        Volunteer, null=True, blank=True, on_delete=models.CASCADE, related_name="registrations"
    )
    observer = models.ForeignKey(
        Observer, null=True, blank=True, on_delete=models.CASCADE, related_name="registrations"
    )
    registered_at = models.DateTimeField()
    attended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["training", "volunteer"], name="registration_once_per_volunteer"),
            models.UniqueConstraint(fields=["training", "observer"], name="registration_once_per_observer"),
            models.CheckConstraint(
                condition=models.Q(volunteer__isnull=False) | models.Q(observer__isnull=False),
                name="registration_has_a_person",
            ),
        ]

    def __str__(self) -> str:
        return f"registration {self.pk}"


class CertificationRecord(models.Model):
    """One certification granted by attending a session: the person's training history, deleted with them."""

    training = models.ForeignKey(Training, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    volunteer = models.ForeignKey(
        Volunteer, null=True, blank=True, on_delete=models.CASCADE, related_name="certifications"
    )
    observer = models.ForeignKey(
        Observer, null=True, blank=True, on_delete=models.CASCADE, related_name="certifications"
    )
    kind = models.CharField(max_length=16, choices=TrainingKind.choices)
    granted_on = models.DateField()
    expires_on = models.DateField()

    class Meta:
        ordering = ["-granted_on"]

    def __str__(self) -> str:
        return f"certification {self.pk} until {self.expires_on}"


class QueuedAction(models.Model):
    """One step an observer's phone queued (maybe offline) and sent with a client-generated id: applied once.

    A replay of the same id answers what the first delivery answered, and changes nothing.
    """

    observer = models.ForeignKey(Observer, on_delete=models.CASCADE, related_name="queued_actions")
    client_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="+")
    device_time = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    applied = models.BooleanField()
    answer = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["observer", "client_id"], name="queued_action_once")]

    def __str__(self) -> str:
        return f"queued {self.kind} {self.client_id}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (a phone's observer app, a coordinator's browser)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"push subscription {self.pk}"
