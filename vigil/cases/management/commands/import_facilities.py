"""`manage.py import_facilities FILE.csv`: load or update the facility table (layout: docs/legal-help.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.cases.facilities import import_text


class Command(BaseCommand):
    help = "Import detention facilities from a CSV file (layout: docs/legal-help.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(f"cannot read {path}: {e}") from None
        result = import_text(text)
        for line, problem in result.errors:
            self.stderr.write(f"{path}:{line}: skipped: {problem}")
        self.stdout.write(
            f"facilities: {result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
            f"{len(result.errors)} skipped"
        )
