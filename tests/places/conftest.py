from __future__ import annotations

from pathlib import Path

import pytest

from tests.places import city
from vigil.places.gazetteer import ImportSummary, import_file


@pytest.fixture
def gazetteer(db: None, tmp_path: Path) -> ImportSummary:
    """The fictional city of tests/places/city.py, imported."""
    return import_file(city.write(tmp_path / "city.geojson"))
