"""The demo city's gazetteer: its streets resolve as the issue's examples do, and seeding again replaces it."""

from __future__ import annotations

import pytest
from django.conf import settings

from vigil.ops.demo_places import SOURCE, seed_demo_places
from vigil.places import basemap
from vigil.places.geocoder import geocode
from vigil.places.models import AddressPoint, GazetteerSource


@pytest.mark.django_db
def test_the_demo_gazetteer_places_the_examples_and_reseeds_in_place(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path)
    line = seed_demo_places()
    assert basemap.available() and "a basemap of" in line
    assert "Lake y la 5" in line
    centre = settings.MAP_CENTER
    lake_and_fifth = geocode("Lake y la 5", lang="es").confident
    assert lake_and_fifth is not None
    assert abs(lake_and_fifth.lat - centre[0]) < 1e-4 and abs(lake_and_fifth.lon - centre[1]) < 1e-4
    ambiguous = geocode("Main St & 1st")
    assert ambiguous.confident is None
    assert {m.neighbourhood for m in ambiguous.matches[:2]} == {"Old Mill", "Lakeview"}
    school = geocode("la escuela de Cedar Flats", lang="es").matches
    assert school and school[0].label.startswith("Escuela de Cedar Flats")
    count = AddressPoint.objects.count()
    seed_demo_places()
    assert AddressPoint.objects.count() == count and GazetteerSource.objects.get().name == SOURCE
