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
    flood_window_minutes = setting_field("flood_window_minutes")
    flood_ratio = setting_field("flood_ratio")
    flood_min_reports = setting_field("flood_min_reports")
    flood_baseline_days = setting_field("flood_baseline_days")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return "network settings"


# --- The gazetteer: what the city's open data says is where (imported by `manage.py import_places`). ---


class GazetteerSource(models.Model):
    """One imported file (by name): re-importing the same name replaces everything it brought, in one transaction."""

    name = models.CharField(max_length=200, unique=True)
    imported_at = models.DateTimeField()
    counts = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name


class AddressPoint(models.Model):
    """A house number on a street, with its coordinates (OpenAddresses' LON, LAT, NUMBER, STREET, …)."""

    source = models.ForeignKey(GazetteerSource, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=20)
    street = models.CharField(max_length=200)
    street_key = models.CharField(max_length=200, help_text="the street's name as the geocoder compares it")
    unit = models.CharField(max_length=40, blank=True)
    neighbourhood = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["street_key", "number"], name="places_address_street_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.street}"


class StreetSegment(models.Model):
    """A piece of a street's centreline: its name and its points ([[lon, lat], …], as in GeoJSON)."""

    source = models.ForeignKey(GazetteerSource, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, db_index=True)
    neighbourhood = models.CharField(max_length=120, blank=True)
    coords = models.JSONField()
    lat = models.FloatField(help_text="middle of the segment")
    lon = models.FloatField(help_text="middle of the segment")

    def __str__(self) -> str:
        return self.name


class Intersection(models.Model):
    """Where two differently named streets cross; a_key < b_key.

    Found from their centrelines at import, or, for streets known only by their address points, estimated from
    the closest pair of houses one on each street (`estimated`; vigil.places.gazetteer explains when one is kept)."""

    source = models.ForeignKey(GazetteerSource, on_delete=models.CASCADE, related_name="+")
    a_key = models.CharField(max_length=200)
    b_key = models.CharField(max_length=200)
    a_name = models.CharField(max_length=200)
    b_name = models.CharField(max_length=200)
    neighbourhood = models.CharField(max_length=120, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    estimated = models.BooleanField(default=False, help_text="estimated from address points, no centrelines")

    class Meta:
        indexes = [models.Index(fields=["a_key", "b_key"], name="places_intersection_keys")]

    def __str__(self) -> str:
        return f"{self.a_name} & {self.b_name}"


class NamedPlace(models.Model):
    """A landmark people name a place by: a school, a shop, a park, a church; with its other names (aliases)."""

    source = models.ForeignKey(GazetteerSource, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, blank=True, help_text="school, shop, park, … (English word)")
    aliases = models.JSONField(default=list, blank=True)
    street = models.CharField(max_length=200, blank=True)
    street_key = models.CharField(max_length=200, blank=True)
    neighbourhood = models.CharField(max_length=120, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()

    def __str__(self) -> str:
        return self.name


class GazetteerName(models.Model):
    """Every name the geocoder searches, normalised: one row per street name and per landmark name or alias.

    The database's own text index covers `key`: an FTS5 trigram table on SQLite (places_name_fts), a pg_trgm GIN
    index on PostgreSQL, read through the function places_similar_names (migrations 0002, 0004)."""

    class Kind(models.TextChoices):
        STREET = "street", "street"
        PLACE = "place", "place"

    source = models.ForeignKey(GazetteerSource, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=200)
    display = models.CharField(max_length=200)
    # The key's letters in order (no spaces): catches swapped letters ("Laek") that share no trigram with the key.
    letters = models.CharField(max_length=200, db_index=True, default="")
    place = models.ForeignKey(NamedPlace, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["kind", "key"], name="places_name_kind_key")]

    def __str__(self) -> str:
        return self.display
