"""Every public URL, in every language, as a stranger: no precise point, no receipt, no report text, no fresh
confirmed incident, no cell under k — whatever the data behind it."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import tempfile
from collections.abc import Iterator

import h3
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import east_of, expire_kept_pages, make_incident
from tests.site.conftest import judged
from tests.world import NORTH_CENTER, SOUTH_CENTER, World
from vigil.hotline.models import Incident, Report
from vigil.public import services
from vigil.public.topics import PAGES
from vigil.safety import publication

FAR_EAST = east_of(NORTH_CENTER, 9000)
_NUMBER = re.compile(r"-?\d{1,3}\.\d+")


def _site_routes() -> Iterator[str]:
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and getattr(entry, "namespace", None) == "site":
            for inner in entry.url_patterns:
                assert isinstance(inner, URLPattern)
                yield str(inner.pattern)


def public_urls() -> list[str]:
    urls = []
    for route in _site_routes():
        if "manage" in route or "debunk" in route or "withdraw" in route:
            continue  # staff actions: tests/test_privacy_sweep.py turns strangers away from them
        if route == "rumours/alerts/push":
            continue  # POST only, answers JSON about the request itself
        if "<str:topic>" in route:
            urls += [f"/rights/{topic}/" for topic in PAGES]
        else:
            urls.append("/" + route)
    return urls


@pytest.fixture
def busy(world: World) -> dict[str, object]:
    """A network with everything that must not leak: fresh confirmed incidents, a cell of two, report text."""
    old = [judged(world.north_zone, NORTH_CENTER, verdict="confirmed", hours_ago=h) for h in (7, 9, 11)]
    fresh = [judged(world.south_zone, SOUTH_CENTER, verdict="confirmed", hours_ago=h) for h in (0.5, 1, 2, 3)]
    pair = [judged(None, FAR_EAST, verdict="confirmed", hours_ago=h) for h in (8, 10)]
    rumour = judged(world.north_zone, NORTH_CENTER, verdict="false_alarm", hours_ago=0.2)
    services.publish_debunk(incident=rumour, actor=world.bob, area="Northside", statements={"en": "Not ICE."})
    open_one = make_incident(world.north_zone, (NORTH_CENTER[0] + 0.01, NORTH_CENTER[1]), minutes_ago=3)
    Report.objects.update(text="SECRET-REPORT-TEXT", activity="SECRET-ACTIVITY", location_text="SECRET-PLACE")
    return {"old": old, "fresh": fresh, "pair": pair, "open": open_one}


def _text(content: bytes, content_type: str) -> str:
    if content_type.startswith("application/pdf"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(content)
            pdf.flush()
            return subprocess.run(["pdftotext", pdf.name, "-"], capture_output=True, text=True, check=True).stdout
    return content.decode()


def _coordinates(text: str) -> list[float]:
    return [float(m) for m in _NUMBER.findall(text)]


def _is_public_point(lat: float, lon: float) -> bool:
    """A resolution-7 cell centre or corner rounded to 3 decimals, as publication.py makes them."""
    cell = h3.latlng_to_cell(lat, lon, publication.RESOLUTION)
    candidates = {publication.cell_centre(cell)}
    for near in h3.grid_disk(cell, 1):
        candidates |= set(publication.cell_outline(near))
    return (lat, lon) in candidates


def _check_json_points(value: object) -> None:
    """Every [lon, lat] / [lat, lon] pair in a JSON document is a public point."""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, float) for v in value):
        a, b = value
        assert _is_public_point(a, b) or _is_public_point(b, a), value
    elif isinstance(value, list):
        for v in value:
            _check_json_points(v)
    elif isinstance(value, dict):
        for v in value.values():
            _check_json_points(v)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_public_url_leaks_a_point_a_receipt_report_text_or_a_fresh_incident(
    busy: dict[str, list[Incident]], lang: str
) -> None:
    anonymous = Client()
    receipts = list(Report.objects.values_list("receipt", flat=True))
    incidents = list(Incident.objects.all())
    fresh_cell = publication.coarse_cell(busy["fresh"][0].cell)
    pair_cell = publication.coarse_cell(busy["pair"][0].cell)
    public_cell = publication.coarse_cell(busy["old"][0].cell)
    urls = public_urls()
    assert {"/", "/rumours/feed.atom", "/map/cells.json", "/stats/", "/rights/card.pdf"} <= set(urls)
    seen_public_cell = False
    for url in urls:
        response = anonymous.get(f"{url}?lang={lang}")
        assert response.status_code == 200, url
        text = _text(response.content, response["Content-Type"])
        for secret in ("SECRET-REPORT-TEXT", "SECRET-ACTIVITY", "SECRET-PLACE", *receipts):
            assert secret not in text, f"{secret} on {url}"
        for incident in incidents:
            assert incident.cell not in text and incident.zone_cell not in text, url
            assert f"{incident.lat:.4f}" not in text and f"{incident.lon:.4f}" not in text, url
        assert fresh_cell not in text, f"a fresh confirmed incident's cell on {url}"
        assert pair_cell not in text, f"a cell of two on {url}"
        seen_public_cell = seen_public_cell or public_cell in text
        for number in _coordinates(text):
            decimals = len(str(number).split(".")[1])
            assert decimals <= publication.CENTRE_DECIMALS or abs(number) < 1, f"{number} on {url}"
        if response["Content-Type"].startswith("application/json") or "feed+json" in response["Content-Type"]:
            _check_json_points(json.loads(response.content))
    assert seen_public_cell  # the old cell of three is published (the sweep is not passing on an empty site)


def test_a_confirmed_incident_appears_only_once_the_delay_has_passed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    for h in (0.2, 0.4, 0.6):
        judged(world.north_zone, NORTH_CENTER, verdict="confirmed", hours_ago=h)
    cell = h3.latlng_to_cell(NORTH_CENTER[0], NORTH_CENTER[1], 7)
    assert json.loads(Client().get("/map/cells.json").content)["features"] == []
    real_now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real_now + dt.timedelta(hours=6, minutes=5))
    expire_kept_pages()
    features = json.loads(Client().get("/map/cells.json").content)["features"]
    assert [f["properties"]["cell"] for f in features] == [cell]
    assert features[0]["properties"]["confirmed"] == 3
