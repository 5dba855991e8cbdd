"""Enqueue the periodic jobs (settings.VIGIL_CLOCK_JOBS) on schedule; `db_worker` runs them.

Exactly one clock works at a time, however many are started on however many nodes: each holds a lease in the
database (vigil/ops/lease.py) and renews it while it runs; the others wait and take over when it stops renewing.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

log = logging.getLogger("vigil.clock")
LEASE = "clock"
LEASE_SECONDS = 30


class Command(BaseCommand):
    help = "Enqueue periodic jobs (escalation, check-in alerts, retention, checkpoints) on their intervals."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue every job once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        from vigil.ops import lease

        jobs = [(import_string(path), seconds) for path, seconds in settings.VIGIL_CLOCK_JOBS]
        due = [0.0] * len(jobs)
        me = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        try:
            self._run(jobs, due, me, once=options["once"], lease=lease)
        finally:
            lease.release(LEASE, me)

    def _run(self, jobs: list[tuple[Any, int]], due: list[float], me: str, *, once: bool, lease: Any) -> None:
        waiting = False
        while True:
            if not lease.take(LEASE, me, LEASE_SECONDS):
                if once:
                    self.stderr.write("another clock is running; nothing enqueued")
                    return
                if not waiting:
                    log.info("another clock is running; this one waits")
                    waiting = True
                time.sleep(LEASE_SECONDS / 3)
                continue
            waiting = False
            now = time.monotonic()
            for i, (job, seconds) in enumerate(jobs):
                if now >= due[i]:
                    try:
                        job.enqueue()
                    except Exception:
                        log.exception("could not enqueue %s", job)
                    due[i] = now + seconds
            if once:
                return
            time.sleep(1)
