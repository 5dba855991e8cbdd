"""An upload started without signal waits on the phone and goes through, whole, once signal returns."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import PHONE, artifacts, browser, playwright  # noqa: F401 - fixtures
from tests.evidence.conftest import jpeg_bytes, log_key, make_dispatch, make_incident, media  # noqa: F401 - fixtures
from tests.world import World, verify_session
from vigil.evidence.models import EvidenceItem

pytestmark = [pytest.mark.browser]


def test_an_upload_chosen_offline_resumes_when_signal_returns(
    transactional_db: None, world: World, live_server: LiveServer, browser: Browser,  # noqa: F811
    media: Path, log_key: Path, tmp_path: Path,  # noqa: F811
) -> None:  # fmt: skip
    dispatch = make_dispatch(make_incident(world), world.carol)
    client = Client()
    client.force_login(world.carol)
    verify_session(client)
    context = browser.new_context(
        viewport={"width": PHONE["width"], "height": PHONE["height"]}, base_url=live_server.url
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page = context.new_page()
    page.goto(f"/evidence/dispatch/{dispatch.pk}/upload")
    photo = tmp_path / "scene.jpg"
    photo.write_bytes(jpeg_bytes((900, 700)))
    context.set_offline(True)
    page.set_input_files("input[type=file]", str(photo))
    page.get_by_role("button", name="Send").click()
    expect(page.locator("[data-status]").first).to_contain_text("Connection lost")
    assert not EvidenceItem.objects.exists()
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-status]").first).to_contain_text("Sealed", timeout=15000)
    deadline = time.monotonic() + 5
    while not EvidenceItem.objects.exists() and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert EvidenceItem.objects.count() == 1
    context.close()
