#!/usr/bin/env python
"""How often the local geocoder places words right: top-1 and in-suggestions rates, per family of paraphrases.

    python bench/placement.py                 # SQLite
    python bench/placement.py --show-misses   # and every query whose first match is not right
    scripts/with-postgres.sh .venv/bin/python bench/placement.py

Not a speed benchmark: an honest measure of placement on text. The queries, their families and what counts as right
are in tests/places/placement.py (written before the estimated crossings of address-point streets, which its
`points crossing` families measure); the gazetteer is the fictional city of tests/places/city.py, imported into a
throwaway database. "placed wrong" (confident and not right, or confident where the words are ambiguous or name
nowhere) must be 0; tests/places/test_placement.py holds the rates to a floor.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("VIGIL_DATA_DIR", tempfile.mkdtemp(prefix="vigil-bench-placement-"))
    use_keys_apart()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tests.places import city, placement
    from vigil.places.gazetteer import import_file
    from vigil.places.geocoder import geocode

    call_command("migrate", verbosity=0, interactive=False)
    import_file(city.write(Path(tempfile.mkdtemp(prefix="vigil-bench-city-")) / "city.geojson"))
    outcomes = placement.measure(geocode)
    right = f"right: within {placement.RIGHT_METRES:.0f} m"
    print(f"== placement on text, {len(outcomes)} queries, {connection.vendor} ({right})")
    print(placement.table(outcomes, show_misses=args.show_misses))


if __name__ == "__main__":
    main()
