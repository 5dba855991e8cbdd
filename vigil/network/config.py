"""The network's operational settings: the coordinators' NetworkSettings row, else the environment defaults.

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

from vigil.network.models import NetworkSettings

CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class Config:
    cluster_meters: int
    cluster_minutes: int
    dispatch_pair_size: int
    dispatch_accept_seconds: int
    checkin_minutes: int
    contact_retention_days: int


def defaults() -> Config:
    return Config(
        cluster_meters=settings.VIGIL_CLUSTER_METERS,
        cluster_minutes=settings.VIGIL_CLUSTER_MINUTES,
        dispatch_pair_size=settings.VIGIL_DISPATCH_PAIR_SIZE,
        dispatch_accept_seconds=settings.VIGIL_DISPATCH_ACCEPT_SECONDS,
        checkin_minutes=settings.VIGIL_CHECKIN_MINUTES,
        contact_retention_days=settings.VIGIL_CONTACT_RETENTION_DAYS,
    )


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
    return Config(
        cluster_meters=row.cluster_meters,
        cluster_minutes=row.cluster_minutes,
        dispatch_pair_size=row.dispatch_pair_size,
        dispatch_accept_seconds=row.dispatch_accept_seconds,
        checkin_minutes=row.checkin_minutes,
        contact_retention_days=row.contact_retention_days,
    )


def _settings_changed(**_kwargs: object) -> None:
    forget()
    transaction.on_commit(forget)  # and again once the change is visible, in case this process read it meanwhile


post_save.connect(_settings_changed, sender=NetworkSettings, dispatch_uid="vigil.network.config.saved")
post_delete.connect(_settings_changed, sender=NetworkSettings, dispatch_uid="vigil.network.config.deleted")
