"""Where the network works: zones made of H3 cells, and the one row of operational settings."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from vigil.accounts.models import Group
from vigil.places.settings_table import BY_NAME


def setting_field(name: str) -> models.PositiveIntegerField[int, int]:
    setting = BY_NAME[name]
    return models.PositiveIntegerField(
        default=setting.default,
        validators=[MinValueValidator(setting.low), MaxValueValidator(setting.high)],
        help_text=setting.label,
    )


class Zone(models.Model):
    """An area a group covers: a set of H3 cells at settings.VIGIL_H3_RES_ZONE (see ZoneCell)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="zone_unique_name")]

    def __str__(self) -> str:
        return self.name


class ZoneCell(models.Model):
    """One H3 cell (resolution VIGIL_H3_RES_ZONE) of a zone. A cell belongs to at most one zone."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="cells")
    cell = models.CharField(max_length=16, unique=True)

    def __str__(self) -> str:
        return self.cell


class NetworkSettings(models.Model):
    """Operational settings coordinators change from the settings page; one row (pk=1).

    A missing row means the install's defaults. Read through vigil.places.config.
    """

    # One column per setting of vigil.places.settings_table, with its default, range and label from there.
    cluster_meters = setting_field("cluster_meters")
    cluster_minutes = setting_field("cluster_minutes")
    dispatch_pair_size = setting_field("dispatch_pair_size")
    dispatch_accept_seconds = setting_field("dispatch_accept_seconds")
    checkin_minutes = setting_field("checkin_minutes")
    contact_retention_days = setting_field("contact_retention_days")
    publication_delay_hours = setting_field("publication_delay_hours")
    publication_min_count = setting_field("publication_min_count")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return "network settings"
