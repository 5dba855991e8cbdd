"""Install the basemap Vigil serves: a PMTiles file, or one built from the gazetteer's streets and landmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.lib.errors import VigilError
from vigil.places import basemap


class Command(BaseCommand):
    help = "Install a PMTiles basemap (served by Vigil with range requests), or build one from the gazetteer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="a PMTiles v3 file (e.g. a Protomaps extract of the city)")
        parser.add_argument("--from-gazetteer", action="store_true", help="build it from the imported gazetteer")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["from_gazetteer"]:
                target, tiles = basemap.build_from_gazetteer()
                self.stdout.write(f"built {target} from the gazetteer: {tiles} tiles")
                return
            if not options.get("file"):
                raise CommandError("give a PMTiles file, or --from-gazetteer")
            source = Path(str(options["file"]))
            if not source.is_file():
                raise CommandError(f"no such file: {source}")
            target = basemap.install(source)
        except VigilError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"installed {target} ({target.stat().st_size:,} bytes)")
