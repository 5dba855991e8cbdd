from __future__ import annotations

from django.db import models


class Lease(models.Model):
    """Who may run a singleton process (the `clock`) until when; renewed while it runs (vigil/ops/lease.py)."""

    name = models.CharField(max_length=64, unique=True)
    holder = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder} until {self.expires_at:%H:%M:%S}"
