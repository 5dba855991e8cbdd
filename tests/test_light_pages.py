"""Light pages: HTML compressed (but never a page that shows an unsealed secret), static files with hashed names and
compressed copies in production, served from what collectstatic wrote."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

from tests.world import World
from vigil.hotline.models import Incident

ROOT = Path(__file__).resolve().parents[1]


def test_public_pages_are_sent_compressed(db: None) -> None:
    response = Client().get("/report", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert b"csrfmiddlewaretoken" in gzip.decompress(response.content)


def test_an_unsealed_contact_is_never_compressed(world: World, incident: Incident) -> None:
    from vigil.hotline import services

    report = services.submit_report(
        channel="web", language="en", activity="Vans", lat=incident.lat, lon=incident.lon, contact="+16125550123"
    )
    response = world.client_for(world.bob).post(
        f"/console/incident/{report.incident_id}/report/{report.pk}/contact", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"5550123" in response.content


def test_production_serves_hashed_compressed_files_without_finders(tmp_path: Path) -> None:
    env = {**os.environ, "VIGIL_DEBUG": "0", "VIGIL_DATA_DIR": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    code = (
        "import json; from django.conf import settings; print(json.dumps([settings.STORAGES['staticfiles']['BACKEND'],"
        " settings.WHITENOISE_USE_FINDERS]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT, env=env, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [
        "vigil.lib.compression.StaticFiles",
        False,
    ]


def test_collectstatic_writes_hashed_and_compressed_copies(tmp_path: Path) -> None:
    env = {**os.environ, "VIGIL_DEBUG": "0", "VIGIL_DATA_DIR": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["vendor/leaflet/leaflet.js"]
    assert hashed != "vendor/leaflet/leaflet.js"
    assert (tmp_path / "staticfiles" / (hashed + ".gz")).exists()
    css = (tmp_path / "staticfiles" / manifest["vendor/leaflet/leaflet.css"]).read_text()
    assert "images/layers." in css and manifest["vendor/leaflet/images/layers.png"].split("/")[-1] in css
