"""The public side in Debian's Chromium on a phone, in Spanish: a false alarm debunked from the console shows on
the rumour feed; a confirmed incident reaches the map only once the delay has passed, and only as a coarse cell;
switching language keeps what was typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import h3
import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    Watch,
    artifacts,
    browser,
    new_context,
    playwright,
    spanish,
)
from tests.factories import expire_kept_pages, salute
from tests.site.conftest import judged
from tests.world import NORTH_CENTER, World, verify_session
from vigil.hotline.services import submit_report
from vigil.public.models import Debunk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(context: BrowserContext, url: str, world: World) -> BrowserContext:
    client = Client()
    client.force_login(world.bob)
    verify_session(client)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}])
    return context


@pytest.fixture
def phones(browser: Browser, live_server: object) -> Iterator[tuple[BrowserContext, BrowserContext, list[Watch]]]:  # noqa: F811
    url = str(live_server)
    staff, staff_watch = new_context(browser, url, locale="es-US")
    public, public_watch = new_context(browser, url, locale="es-US")
    yield staff, public, [staff_watch, public_watch]
    staff.close()
    public.close()


def test_a_false_alarm_is_debunked_from_the_console_and_shows_in_spanish_on_a_phone(
    phones: tuple[BrowserContext, BrowserContext, list[Watch]],
    live_server: object,
    world: World,
    artifacts: Path,  # noqa: F811
) -> None:
    staff, public, watches = phones
    report = submit_report(**salute(language="es", activity="Dicen que hay agentes en la esquina"))  # a report arrives
    assert report.incident is not None
    incident = report.incident
    bob = signed_in(staff, str(live_server), world).new_page()
    bob.goto(f"/console/incident/{incident.pk}/")
    bob.locator("input[name=verdict][value=false_alarm]").check()
    bob.locator(f"form[action='/console/incident/{incident.pk}/verdict'] button[type=submit]").click()
    box = bob.locator("#debunk-box")
    expect(box).to_be_visible()
    expect(box.locator("input[name=area]")).to_have_value("North 1")
    box.locator("input[name=area]").fill("Powderhorn")
    box.locator("textarea[name=statement_es]").fill("Era un equipo de la compañía de gas, no agentes de inmigración.")
    box.locator("button[type=submit]").click()
    expect(bob.locator("#debunk-box")).to_contain_text("Powderhorn")
    assert Debunk.objects.filter(incident=incident).exists()

    reader = public.new_page()
    reader.goto("/rumours/")
    expect(reader.locator("html")).to_have_attribute("lang", "es")
    item = reader.locator(".debunks li").first
    expect(item).to_contain_text(spanish("False alarm"))
    expect(item).to_contain_text("Powderhorn")
    expect(item).to_contain_text("compañía de gas")
    reader.screenshot(path=str(artifacts / "public-rumours-es-phone.png"), full_page=True)
    reader.goto("/")
    expect(reader.locator(".debunks")).to_contain_text("Powderhorn")
    for watch in watches:
        watch.assert_clean()


def test_a_confirmed_incident_reaches_the_map_only_after_the_delay_and_only_as_a_cell(
    phones: tuple[BrowserContext, BrowserContext, list[Watch]],
    browser: Browser,  # noqa: F811
    live_server: object,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    artifacts: Path,  # noqa: F811
) -> None:
    _staff, public, watches = phones
    for hours in (0.2, 0.4, 0.6):
        judged(world.north_zone, NORTH_CENTER, verdict="confirmed", hours_ago=hours)
    page = public.new_page()
    page.goto("/map/")
    expect(page.locator("#public-map")).to_have_attribute("data-cells", "0")
    assert page.locator(".leaflet-overlay-pane path").count() == 0

    real_now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real_now + dt.timedelta(hours=6, minutes=40))  # the server's clock
    expire_kept_pages()  # what the kept pages' expiry (30 s) does
    # A later visitor (a browser keeps the cells for up to 30 s too).
    later, later_watch = new_context(browser, str(live_server), locale="es-US")
    watches.append(later_watch)
    page = later.new_page()
    page.goto("/map/")
    expect(page.locator("#public-map")).to_have_attribute("data-cells", "1")
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(1)
    expect(page.locator(".leaflet-tooltip")).to_contain_text("3")
    page.screenshot(path=str(artifacts / "public-map-es-phone.png"), full_page=True)
    cells = page.evaluate("fetch('/map/cells.json').then(r => r.json())")
    assert [f["properties"]["cell"] for f in cells["features"]] == [
        h3.latlng_to_cell(NORTH_CENTER[0], NORTH_CENTER[1], 7)
    ]
    later.close()
    for watch in watches:
        watch.assert_clean()


def test_switching_language_keeps_what_was_typed_in_the_report_form(
    phones: tuple[BrowserContext, BrowserContext, list[Watch]],
    world: World,
) -> None:
    _staff, public, watches = phones
    page: Page = public.new_page()
    page.goto("/report?lang=en")
    page.goto("/report")
    page.locator("[name=activity]").fill("Two vans stopping cars near the school")
    page.locator("[name=location_text]").fill("Lake St and 5th Ave")
    switch = page.locator("form.lang button[name=language]")
    switch.first.click()
    page.wait_for_load_state("load")
    expect(page.locator("[name=activity]")).to_have_value("Two vans stopping cars near the school")
    expect(page.locator("[name=location_text]")).to_have_value("Lake St and 5th Ave")
    # Kept only for the switch: gone from the tab's storage once put back.
    assert page.evaluate("sessionStorage.getItem('vigil-keep-form')") is None
    for watch in watches:
        watch.assert_clean()


def test_the_alerts_page_offers_browser_alerts_and_its_service_worker_registers(
    phones: tuple[BrowserContext, BrowserContext, list[Watch]],
    world: World,
) -> None:
    _staff, public, watches = phones
    page = public.new_page()
    page.goto("/rumours/alerts/")
    expect(page.locator("#push-box")).to_be_visible()
    scope = page.evaluate(
        "navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready).then(r => r.scope)"
    )
    assert scope.endswith("/")
    for watch in watches:
        watch.assert_clean()
