"""The console in a real browser (Debian's Chromium via Playwright): phone-sized queue updating live, map markers,
boosted action forms that show refusals, and no CSP violations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import artifacts, browser, playwright  # noqa: F401  (fixtures)
from tests.factories import make_incident, send
from tests.world import NORTH_CENTER, World, signed_in
from vigil.hotline import events
from vigil.hotline.models import Channel, Incident, IncidentState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context_for(chromium: Browser, live_server_url: str, world: World, width: int) -> BrowserContext:
    client = signed_in(world.bob)
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="en-US")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server_url}])
    return context


@pytest.fixture
def phone(browser: Browser, live_server: object, world: World) -> Iterator[tuple[Page, list[str]]]:  # noqa: F811
    url = str(live_server)
    context = _context_for(browser, url, world, 360)
    page = context.new_page()
    problems: list[str] = []
    # Failed loads are caught by the response hook with their address (Chromium's own favicon probe is not a page's).
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )
    page.on("request", lambda r: problems.append(f"third-party {r.url}") if not r.url.startswith(url) else None)
    yield page, problems
    context.close()


def test_the_phone_sized_queue_updates_live_and_maps_incidents(
    phone: tuple[Page, list[str]],
    live_server: object,
    world: World,
    artifacts: Path,  # noqa: F811
) -> None:
    page, problems = phone
    first = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.SMS])
    page.goto(f"{live_server}/console/")
    expect(page.locator(f'tr[data-incident="{first.pk}"]')).to_be_visible()
    expect(page.locator("#console-map path.leaflet-interactive")).to_have_count(1, timeout=5000)

    second = make_incident(world.north_zone, (NORTH_CENTER[0] + 0.01, NORTH_CENTER[1]), channels=[Channel.API])
    # No reload: the fragment poll (every 2 s) brings the row, the map poll the marker.
    expect(page.locator(f'tr[data-incident="{second.pk}"]')).to_be_visible(timeout=3000)
    expect(page.locator("#console-map path.leaflet-interactive")).to_have_count(2, timeout=3000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the queue overflows a 360 px screen ({width} px)"
    page.screenshot(path=str(artifacts / "console-queue-360.png"), full_page=True)
    assert problems == []


def test_actions_work_in_place_and_show_refusals(
    phone: tuple[Page, list[str]],
    live_server: object,
    world: World,
    artifacts: Path,  # noqa: F811
) -> None:
    page, problems = phone
    incident = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.OPERATOR])
    page.goto(f"{live_server}/console/incident/{incident.pk}/")
    # What observers do shows up without reload (summary poll + the activity part swapped out of band).
    dispatch = send(incident, world.carol.observer)
    events.record(incident, "dispatched", observer_ids=[dispatch.observer_id], dispatch_ids=[dispatch.pk])
    expect(page.locator("#incident-activity")).to_contain_text("Observers dispatched", timeout=5000)
    expect(page.locator("#incident-activity")).to_contain_text("carol")
    dispatch.delete()

    # A refused step (closing without a verdict) comes back with the reason, in place.
    page.get_by_role("button", name="Start verifying").click()
    expect(page.locator(".messages")).to_contain_text("Marked as being verified")
    page.get_by_label("False alarm").check()
    page.get_by_label(re.compile("^Note")).fill("A utility crew in orange vests")
    page.get_by_role("button", name="Record verdict").click()
    expect(page.locator(".messages")).to_contain_text("Verdict recorded: False alarm.")
    expect(page.locator("#incident-live")).to_contain_text("A utility crew in orange vests")
    page.get_by_label("Confirmed").check()
    page.get_by_label(re.compile("^Note")).fill("A utility crew in orange vests")
    page.evaluate("document.querySelector('input[value=confirmed]').value = 'bogus'")
    page.get_by_role("button", name="Record verdict").click()
    expect(page.locator("#refusal")).to_be_visible()
    page.get_by_role("button", name="Close incident").click()
    expect(page.locator(".messages")).to_contain_text("Incident closed.")
    page.screenshot(path=str(artifacts / "console-incident-360.png"), full_page=True)
    assert Incident.objects.get(pk=incident.pk).state == IncidentState.CLOSED
    assert [p for p in problems if not p.startswith("400 ")] == []
