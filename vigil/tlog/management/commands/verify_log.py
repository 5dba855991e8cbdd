"""Re-verify the evidence log from scratch: leaves, stored subtrees, tree head, signed checkpoints."""

from __future__ import annotations

import base64
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vigil.tlog.services import audit_tree


class Command(BaseCommand):
    help = "Recompute the evidence log from its leaves and check every stored subtree, the tree head and checkpoints."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_tree()
        for problem in report.problems[:50]:
            self.stderr.write(f"FAIL {problem}")
        if len(report.problems) > 50:
            self.stderr.write(f"FAIL … and {len(report.problems) - 50} more")
        summary = (
            f"{report.leaves} leaves, {report.subtrees} subtrees, {report.checkpoints} checkpoints checked; "
            f"size {report.size}, root {base64.b64encode(report.root).decode('ascii')}"
        )
        if not report.ok:
            raise CommandError(f"the log does not verify ({len(report.problems)} problems): {summary}")
        self.stdout.write(f"OK {summary}")
