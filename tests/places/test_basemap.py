"""The basemap Vigil serves itself: built from the gazetteer as PMTiles, installed atomically, served with ranges."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from vigil.places import basemap


@pytest.fixture
def built(gazetteer: object, settings: object, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    call_command("import_basemap", "--from-gazetteer")
    return basemap.path()


def test_it_builds_a_pmtiles_basemap_of_the_gazetteer(built: Path) -> None:
    import mapbox_vector_tile
    from pmtiles.reader import MmapSource, Reader

    with built.open("rb") as handle:
        reader = Reader(MmapSource(handle))  # type: ignore[no-untyped-call]
        header = reader.header()  # type: ignore[no-untyped-call]
        assert (header["min_zoom"], header["max_zoom"]) == (basemap.MIN_ZOOM, basemap.MAX_ZOOM)
        # the tile over Lake St & 5th Ave at z16 holds the streets, with their names
        x, y = (int(v * 2**16) for v in basemap._mercator(-93.265, 44.999))
        tile = reader.get(16, x, y)  # type: ignore[no-untyped-call]
    assert tile is not None
    layers = mapbox_vector_tile.decode(gzip.decompress(tile))
    names = {f["properties"].get("name") for f in layers["roads"]["features"]}
    assert {"Lake St", "5th Ave"} <= names
    assert "earth" in layers


def test_it_is_served_with_range_requests(built: Path, db: None) -> None:
    data = built.read_bytes()
    client = Client()
    whole = client.get("/basemap/city.pmtiles")
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == data  # type: ignore[attr-defined]
    part = client.get("/basemap/city.pmtiles", HTTP_RANGE="bytes=0-126")
    assert part.status_code == 206 and part.content == data[:127]
    assert part["Content-Range"] == f"bytes 0-126/{len(data)}"
    tail = client.get("/basemap/city.pmtiles", HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and tail.content == data[-10:]
    open_ended = client.get("/basemap/city.pmtiles", HTTP_RANGE=f"bytes={len(data) - 5}-")
    assert open_ended.content == data[-5:]
    assert client.get("/basemap/city.pmtiles", HTTP_RANGE=f"bytes={len(data)}-").status_code == 416
    assert client.get("/basemap/city.pmtiles", HTTP_RANGE="bytes=5-2").status_code == 416
    assert client.get("/basemap/city.pmtiles", HTTP_RANGE="items=0-1").status_code == 416


def test_pages_draw_it_when_there_is_one(built: Path, db: None) -> None:
    html = Client().get("/report").content.decode()
    assert 'data-basemap-url="/basemap/city.pmtiles"' in html
    assert "protomaps-leaflet-5.1.0.min.js" in html


def test_no_basemap_is_a_404_and_pages_fall_back(db: None, settings: object, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    assert Client().get("/basemap/city.pmtiles").status_code == 404
    assert 'data-basemap-url=""' in Client().get("/report").content.decode()


def test_only_a_pmtiles_file_is_installed(tmp_path: Path, settings: object, db: None) -> None:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    bogus = tmp_path / "x.pmtiles"
    bogus.write_bytes(b"not tiles")
    with pytest.raises(CommandError, match="not a PMTiles"):
        call_command("import_basemap", str(bogus))
    assert not basemap.available()
