from __future__ import annotations

from django.db import models


class DataKey(models.Model):
    """A data key, stored only wrapped by the master key. The newest unretired key seals new values."""

    wrapped = models.BinaryField()
    master_key_id = models.CharField(max_length=16, help_text="Fingerprint of the master key that wrapped it")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data key {self.pk} (master {self.master_key_id})"
