from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A volunteer or staff member. Members of the public never have accounts."""

    language = models.CharField(max_length=8, default="en", choices=settings.LANGUAGES)


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    OBSERVER = "observer", _("Observer")
    COORDINATOR = "coordinator", _("Coordinator")
    ATTORNEY = "attorney", _("Attorney")
    AUDITOR = "auditor", _("Auditor")
    # Network-wide settings (vigil.places.settings_table), not any one group's; held through a membership in any group.
    NETWORK_ADMIN = "network_admin", _("Network administrator")


class Membership(models.Model):
    """A user holds a role in a group; a user may hold several roles in several groups."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey("Group", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "group", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.group_id}"


class AuditEvent(models.Model):
    """An append-only trail of sensitive reads and administrative writes (who, what, when)."""

    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.object_type}:{self.object_id}"


class Group(models.Model):
    """A neighbourhood group of the network: it owns zones, observers and rosters."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class SignedInSession(models.Model):
    """One of a person's signed-in sessions, so they can see them and sign out everywhere.

    No address and no browser string: only when it began and when it was last used.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"session of {self.user_id} since {self.signed_in_at:%Y-%m-%d %H:%M}"
