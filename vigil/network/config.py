"""The network's operational settings: the coordinators' NetworkSettings row, else the environment defaults."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from vigil.network.models import NetworkSettings


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


def current() -> Config:
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
