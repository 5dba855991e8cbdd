"""The optional self-hosted geocoder, against a local fake server answering in Nominatim's and Photon's documented
response formats. Remote matches are suggestions only, and the local gazetteer is asked first."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import override_settings

from vigil.places import remote
from vigil.places.geocoder import geocode

NOMINATIM = [
    {
        "place_id": 1234,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
        "osm_type": "node",
        "osm_id": 42,
        "lat": "44.9990100",
        "lon": "-93.2701200",
        "category": "amenity",
        "type": "library",
        "place_rank": 30,
        "importance": 0.31,
        "addresstype": "amenity",
        "name": "Heron Park Library",
        "display_name": "Heron Park Library, 12, Lake Terrace, Demo City",
        "boundingbox": ["44.99", "45.00", "-93.28", "-93.27"],
    },
    {"lat": "not a number", "lon": "-93.27", "display_name": "broken"},
]
PHOTON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-93.27012, 44.99901]},
            "properties": {
                "osm_id": 42, "osm_type": "N", "osm_key": "amenity", "osm_value": "library",
                "name": "Heron Park Library", "housenumber": "12", "street": "Lake Terrace",
                "district": "Heron Park", "city": "Demo City", "countrycode": "US", "type": "house",
            },
        },
        {"type": "Feature", "geometry": {"type": "Point"}, "properties": {}},
    ],
}  # fmt: skip


class _Fake(BaseHTTPRequestHandler):
    asked: list[dict[str, list[str]]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        _Fake.asked.append({"path": [url.path], **parse_qs(url.query)})
        body: Any = NOMINATIM if url.path == "/search" else PHOTON if url.path == "/api" else None
        data = json.dumps(body).encode()
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Fake.asked = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_it_reads_nominatims_format(server: str) -> None:
    with override_settings(VIGIL_GEOCODER_URL=server, VIGIL_GEOCODER_KIND="nominatim"):
        found = remote.search("heron park library", lang="es")
    assert [(m.label, m.lat, m.lon) for m in found] == [
        ("Heron Park Library, 12, Lake Terrace, Demo City", 44.99901, -93.27012)
    ]
    assert found[0].confidence <= remote.REMOTE_CAP
    assert _Fake.asked[0]["format"] == ["jsonv2"] and _Fake.asked[0]["accept-language"] == ["es"]


def test_it_reads_photons_format(server: str) -> None:
    with override_settings(VIGIL_GEOCODER_URL=server, VIGIL_GEOCODER_KIND="photon"):
        found = remote.search("heron park library")
    assert [(m.label, m.kind, m.neighbourhood) for m in found] == [
        ("Heron Park Library, 12 Lake Terrace, Demo City", "address", "Heron Park")
    ]


@pytest.mark.django_db
def test_the_geocoder_asks_it_only_when_the_gazetteer_finds_nothing_and_never_places_by_it(server: str) -> None:
    with override_settings(VIGIL_GEOCODER_URL=server, VIGIL_GEOCODER_KIND="photon"):
        result = geocode("Heron Park Library")
    assert result.matches and result.confident is None


@pytest.mark.django_db
def test_a_server_that_fails_is_no_match(server: str) -> None:
    with override_settings(VIGIL_GEOCODER_URL=server + "/nothing-here", VIGIL_GEOCODER_KIND="nominatim"):
        assert geocode("Heron Park Library").matches == ()
    with pytest.raises(remote.RemoteFailed):
        remote.parse_photon([1, 2])


@pytest.mark.django_db
def test_it_is_off_unless_configured() -> None:
    assert not remote.configured()
    assert remote.search("anything") == []
