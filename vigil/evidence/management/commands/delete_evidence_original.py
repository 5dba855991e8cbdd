"""Delete one original under retention: the file goes, its record, hash and history stay, a `deleted` leaf says so."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vigil.evidence import retention
from vigil.evidence.models import EvidenceItem
from vigil.lib.errors import VigilError


class Command(BaseCommand):
    help = "Delete an evidence original under retention, leaving a 'deleted' custody leaf in the log."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("item", help="the evidence item's id (UUID)")
        parser.add_argument("--reason", required=True, help="why, e.g. 'retention period ended' (goes in the leaf)")

    def handle(self, *args: Any, **options: Any) -> None:
        item = EvidenceItem.objects.filter(pk=str(options["item"])).first() if _is_uuid(options["item"]) else None
        if item is None:
            raise CommandError("no evidence item with that id")
        try:
            event = retention.delete_original(item=item, reason=str(options["reason"]))
        except VigilError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"deleted the original of {item.pk}; custody leaf {event.leaf_index}")


def _is_uuid(value: object) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
