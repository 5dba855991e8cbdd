"""The installable app: manifest and service worker served with the right types, scope and no inline script."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tests.world import World


def test_the_manifest_is_an_installable_web_app_manifest(world: World) -> None:
    response = Client().get("/observer/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/observer/" and manifest["scope"] == "/observer/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert Client().get(icon["src"]).status_code == 200


def test_the_service_worker_is_scoped_to_the_observer_app(world: World) -> None:
    response = Client().get("/observer/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/observer/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("self.VIGIL = ").removesuffix(";"))
    assert "/observer/code-of-conduct/" in config["precache"] and "/observer/" in config["precache"]
    assert "/observer/rights/" in config["precache"]
    assert 'addEventListener("push"' in body and 'addEventListener("fetch"' in body


def test_observer_pages_link_the_manifest_and_carry_no_inline_script(world: World) -> None:
    page = world.client_for(world.carol).get("/observer/")
    body = page.content.decode()
    assert '<link rel="manifest" href="/observer/manifest.webmanifest">' in body
    assert "script-src 'self'" in page["Content-Security-Policy"]
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag
    assert 'data-sync="/observer/sync"' in body


def test_the_offline_page_is_there_for_the_cache(world: World) -> None:
    assert world.client_for(world.carol).get("/observer/offline/").status_code == 200


@pytest.mark.parametrize("language", ["en", "es"])
def test_know_your_rights_opens_inside_the_app_for_offline_use(world: World, language: str) -> None:
    client = world.client_for(world.carol)
    page = client.get("/observer/rights/", HTTP_ACCEPT_LANGUAGE=language)
    body = page.content.decode()
    assert page.status_code == 200 and 'class="rights"' in body
    assert body.count("<article") >= 5  # door, street, car, work, detained: all on the one page the app keeps
    assert f'lang="{language}"' in body
    assert world.client_for(world.bob).get("/observer/rights/").status_code == 404  # not an observer
