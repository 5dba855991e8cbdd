"""Places in a real browser (Debian's Chromium): an SMS placed from words shows on the console map; an operator
picks a suggestion for an ambiguous place; a dispatcher chooses the observers to send from the incident page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import artifacts, browser, playwright  # noqa: F401  (fixtures)
from tests.world import World, verify_session
from vigil.accounts.models import User
from vigil.hotline import services
from vigil.hotline.models import Channel, PlacedBy, Report
from vigil.network.models import Dispatch
from vigil.places import basemap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("gazetteer")]


def _signed_in(chromium: Browser, url: str, user: User) -> BrowserContext:
    client = Client()
    client.force_login(user)
    verify_session(client)
    context = chromium.new_context(viewport={"width": 1200, "height": 900}, locale="en-US")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}])
    return context


@pytest.fixture
def pages(browser: Browser, live_server: object) -> Iterator[tuple[str, list[BrowserContext], list[str]]]:  # noqa: F811
    contexts: list[BrowserContext] = []
    problems: list[str] = []
    yield str(live_server), contexts, problems
    for context in contexts:
        context.close()
    assert problems == []


def _page(chromium: Browser, url: str, user: User, holder: list[BrowserContext], problems: list[str]) -> Page:
    context = _signed_in(chromium, url, user)
    holder.append(context)
    page = context.new_page()
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: problems.append(f"third-party {r.url}") if not r.url.startswith(url) else None)
    return page


def test_an_sms_placed_from_words_shows_on_the_console_map_with_streets(
    browser: Browser,  # noqa: F811
    pages: tuple[str, list[BrowserContext], list[str]],
    world: World,
    settings: object,
    tmp_path: Path,
) -> None:
    url, contexts, problems = pages
    report = services.submit_report(
        channel=Channel.SMS, language="es", activity="ICE deteniendo gente", location_text="Lake y la 5"
    )
    assert report.placed_by == PlacedBy.WORDS
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    basemap.build_from_gazetteer()
    page = _page(browser, url, world.bob, contexts, problems)
    page.goto(f"{url}/console/")
    row = page.locator(f'tr[data-incident="{report.incident_id}"]')
    expect(row).to_contain_text("5th Ave & Lake St")
    expect(page.locator("#console-map path.leaflet-interactive")).to_have_count(1)  # the incident (zones are not)
    # Vigil's own basemap (streets from the gazetteer) is drawn under it, from /basemap/city.pmtiles only.
    expect(page.locator('#console-map[data-basemap="on"] canvas').first).to_be_attached()


def test_an_operator_picks_a_suggestion_for_an_ambiguous_place(
    browser: Browser,  # noqa: F811
    pages: tuple[str, list[BrowserContext], list[str]],
    world: World,
) -> None:
    url, contexts, problems = pages
    report = services.submit_report(channel=Channel.WEB, language="en", activity="Vans", location_text="Main St & 1st")
    page = _page(browser, url, world.dave, contexts, problems)
    page.goto(f"{url}/operator/report/{report.pk}/place")
    suggestions = page.locator("[data-suggestions] li")
    expect(suggestions).to_have_count(2)
    suggestions.filter(has_text="Northside").get_by_role("button").click()
    expect(page.get_by_text("This report is on the map and part of an incident.")).to_be_visible()
    placed = Report.objects.get(pk=report.pk)
    assert placed.placed_by == PlacedBy.OPERATOR and placed.place_match == "1st Ave & Main St"
    assert placed.incident is not None and placed.incident.zone_id == world.north_zone.pk


def test_a_dispatcher_chooses_whom_to_send(
    browser: Browser,  # noqa: F811
    pages: tuple[str, list[BrowserContext], list[str]],
    world: World,
) -> None:
    url, contexts, problems = pages
    report = services.submit_report(channel=Channel.SMS, language="es", activity="Agentes", location_text="Lake y la 5")
    page = _page(browser, url, world.bob, contexts, problems)
    page.goto(f"{url}/console/incident/{report.incident_id}/")
    expect(page.locator("#incident-map path.leaflet-interactive").first).to_be_attached()
    carol = page.locator(f"#observer-{world.carol.observer.pk}")
    expect(carol).to_be_checked()
    carol.uncheck()
    page.get_by_role("button", name="Send the ticked observers").click()
    expect(page.get_by_text("Dispatched: chris")).to_be_visible()
    assert list(Dispatch.objects.values_list("observer_id", flat=True)) == [world.chris.observer.pk]
