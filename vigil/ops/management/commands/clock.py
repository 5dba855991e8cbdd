"""Enqueue the periodic jobs (settings.VIGIL_CLOCK_JOBS) on schedule; `db_worker` runs them."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

log = logging.getLogger("vigil.clock")


class Command(BaseCommand):
    help = "Enqueue periodic jobs (escalation, check-in alerts, retention, checkpoints) on their intervals."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue every job once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = [(import_string(path), seconds) for path, seconds in settings.VIGIL_CLOCK_JOBS]
        due = [0.0] * len(jobs)
        while True:
            now = time.monotonic()
            for i, (job, seconds) in enumerate(jobs):
                if now >= due[i]:
                    try:
                        job.enqueue()
                    except Exception:
                        log.exception("could not enqueue %s", job)
                    due[i] = now + seconds
            if options["once"]:
                return
            time.sleep(1)
