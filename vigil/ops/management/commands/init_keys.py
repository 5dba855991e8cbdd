"""Create the key files an embedded install needs, if missing: the vault master key and the log signing key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from vigil.lib.webpush import write_vapid_key
from vigil.tlog.keys import ensure_signing_key
from vigil.vault.keyfile import write_master_key


class Command(BaseCommand):
    help = (
        "Create missing key files (vault master key, evidence log signing key, Web Push key). Never overwrites a key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        master = Path(settings.VIGIL_MASTER_KEY_FILE)
        if write_master_key(master):
            self.stdout.write(f"created vault master key {master} — back it up: without it sealed data is lost")
        signing = Path(settings.VIGIL_LOG_SIGNING_KEY_FILE)
        if not signing.exists():
            ensure_signing_key(signing)
            self.stdout.write(f"created evidence log signing key {signing}")
        vapid = Path(settings.VIGIL_VAPID_KEY_FILE)
        if write_vapid_key(vapid):
            self.stdout.write(f"created Web Push (VAPID) key {vapid}")
