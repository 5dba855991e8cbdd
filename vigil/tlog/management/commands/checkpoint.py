"""Sign a checkpoint of the log's current tree head now (if the tree grew) and print the signed note."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vigil.ledger.errors import LedgerError
from vigil.tlog import services
from vigil.tlog.keys import SigningKeyError


class Command(BaseCommand):
    help = "Sign a C2SP checkpoint of the evidence log's current tree head (unless that size is signed) and print it."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = services.issue_checkpoint()
        except (SigningKeyError, LedgerError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(checkpoint.note, ending="")
