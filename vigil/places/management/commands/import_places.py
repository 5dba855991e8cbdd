"""Import a city's address points, street centrelines and named places (OpenAddresses CSV or GeoJSON).

Re-importing a file with the same source name replaces what it brought before, in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.places.gazetteer import ImportFailed, import_file


class Command(BaseCommand):
    help = "Import the gazetteer from an OpenAddresses CSV or a GeoJSON file (streamed); re-import replaces it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the CSV or GeoJSON file")
        parser.add_argument("--format", choices=["csv", "geojson"], help="default: from the name or the content")
        parser.add_argument("--source", help="name this import goes by (default: the file's name)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        verbose = int(options.get("verbosity", 1)) >= 1

        def progress(read: int) -> None:
            if verbose:
                self.stdout.write(f"  {read:,} rows read…")

        try:
            summary = import_file(path, fmt=options.get("format"), source=options.get("source"), progress=progress)
        except (ImportFailed, UnicodeDecodeError) as exc:
            raise CommandError(f"nothing imported: {exc}") from None
        if not verbose:
            return
        self.stdout.write(
            f"{summary.source}: {summary.read:,} rows read; imported {summary.addresses:,} addresses, "
            f"{summary.streets:,} street segments ({summary.intersections:,} intersections), "
            f"{summary.estimated_crossings:,} crossings estimated from address points, "
            f"{summary.places:,} named places; skipped {sum(summary.skipped.values()):,}"
        )
        for reason, count in summary.skipped.most_common():
            lines = ", ".join(str(n) for n in summary.examples.get(reason, []))
            self.stdout.write(f"  skipped {count:,}: {reason} (e.g. rows {lines})")
