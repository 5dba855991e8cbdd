"""The operational settings in force: the coordinators' NetworkSettings row, else the install's defaults.

Intake reads them on every report, so a web process keeps what it read for CACHE_SECONDS: a change made by a
coordinator applies at once in the process that saved it and within CACHE_SECONDS everywhere else. Only a read made
outside any transaction is kept (it sees committed settings, never a change that may still be rolled back).
"""

from __future__ import annotations

from dataclasses import dataclass
from time import monotonic

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from vigil.places.models import NetworkSettings
from vigil.places.settings_table import SETTINGS

CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class Config:
    """The settings in force; its fields are the names in vigil.places.settings_table.SETTINGS (a test holds them)."""

    cluster_meters: int
    cluster_minutes: int
    dispatch_pair_size: int
    dispatch_accept_seconds: int
    checkin_minutes: int
    contact_retention_days: int
    publication_delay_hours: int
    publication_min_count: int
    flood_window_minutes: int
    flood_ratio: int
    flood_min_reports: int
    flood_baseline_days: int


def defaults() -> Config:
    """The install's defaults (vigil.places.settings_table, VIGIL_<NAME> in the environment)."""
    values: dict[str, int] = settings.VIGIL_OPERATIONAL_DEFAULTS
    return Config(**{s.name: values[s.name] for s in SETTINGS})


# (monotonic time until which it holds, settings read outside a transaction); one per process.
_kept: tuple[float, Config] | None = None


def current() -> Config:
    global _kept
    kept = _kept
    if kept is not None and monotonic() < kept[0]:
        return kept[1]
    started = monotonic()
    cfg = _read()
    if not connection.in_atomic_block:
        _kept = (started + CACHE_SECONDS, cfg)
    return cfg


def forget() -> None:
    """Drop the kept settings: the next current() reads them again."""
    global _kept
    _kept = None


def _read() -> Config:
    row = NetworkSettings.objects.filter(pk=1).first()
    if row is None:
        return defaults()
    return Config(**{s.name: getattr(row, s.name) for s in SETTINGS})


def _settings_changed(**_kwargs: object) -> None:
    forget()
    transaction.on_commit(forget)  # and again once the change is visible, in case this process read it meanwhile


post_save.connect(_settings_changed, sender=NetworkSettings, dispatch_uid="vigil.places.config.saved")
post_delete.connect(_settings_changed, sender=NetworkSettings, dispatch_uid="vigil.places.config.deleted")
