"""The live queue in Debian's Chromium: a new incident arriving while the dispatcher has the page open is highlighted,
counted in the tab title while the dispatcher looks elsewhere, announced by the sound when it is on, and the count
clears once they look; incidents grouped under a flood warning are neither announced nor counted; the warning and
the tabs fit a phone in Spanish."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import Watch, artifacts, browser, new_context, playwright  # noqa: F401  (fixtures)
from tests.factories import km_north, make_incident
from tests.hotline.test_floods import _minutes_ago, _reports
from tests.world import NORTH_CENTER, World, signed_in
from vigil.hotline.models import Channel
from vigil.network.models import Shift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before the page's scripts: a stand-in for WebAudio that records each beep, and a switch for whether the
# dispatcher is looking at the tab (headless Chromium always has the focus).
_HOOKS = """
window.__beeps = [];
window.__away = false;
Document.prototype.hasFocus = function () { return !window.__away; };
function FakeAudioContext() { this.currentTime = 0; this.destination = {}; }
FakeAudioContext.prototype.createOscillator = function () {
  return { frequency: {}, connect: function () {}, start: function () { window.__beeps.push(Date.now()); },
           stop: function () {} };
};
FakeAudioContext.prototype.createGain = function () { return { gain: {}, connect: function () {} }; };
window.AudioContext = FakeAudioContext;
window.webkitAudioContext = FakeAudioContext;
"""


def _signed_in_context(chromium: Browser, url: str, world: World, **options: object) -> tuple[BrowserContext, Watch]:
    context, watch = new_context(chromium, url, **options)  # type: ignore[arg-type]
    client = signed_in(world.bob)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}])
    context.add_init_script(_HOOKS)
    return context, watch


@pytest.fixture
def desk(browser: Browser, live_server: object, world: World) -> Iterator[tuple[Page, Watch]]:  # noqa: F811
    context, watch = _signed_in_context(browser, str(live_server), world, phone=False, locale="en-US")
    page = context.new_page()
    yield page, watch
    context.close()


def _away(page: Page, away: bool) -> None:
    page.evaluate("(away) => { window.__away = away; if (!away) { window.dispatchEvent(new Event('focus')); } }", away)


def test_a_new_incident_is_highlighted_counted_announced_and_cleared_once_seen(
    desk: tuple[Page, Watch],
    live_server: object,
    world: World,
    artifacts: Path,  # noqa: F811
) -> None:
    page, watch = desk
    Shift.objects.update(ended_at=None, started_at=None)
    first = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.SMS])
    page.goto("/console/")
    expect(page.locator(f'tr[data-incident="{first.pk}"]')).to_be_visible()
    assert page.title() == "Live queue · Vigil"

    # Sound off (the default): a new incident is highlighted and counted, but makes no sound.
    _away(page, True)
    quiet = make_incident(world.north_zone, km_north(1.2), channels=[Channel.SMS, Channel.OPERATOR])
    expect(page.locator(f'tr[data-incident="{quiet.pk}"]')).to_have_class("open row-new", timeout=6000)
    expect(page).to_have_title("(1) Live queue · Vigil")
    expect(page.locator("#queue-unseen")).to_have_text("1 new incident")
    assert page.evaluate("window.__beeps.length") == 0
    expect(page.locator(f'tr[data-incident="{first.pk}"]')).not_to_have_class("open row-new")

    # Sound on: the next one beeps once, and the count grows while the dispatcher is still away.
    page.locator("#queue-sound").check()
    assert page.evaluate("window.localStorage.getItem('vigil.queue.sound')") == "1"
    loud = make_incident(world.north_zone, km_north(-1.2), channels=[Channel.SMS, Channel.OPERATOR])
    expect(page.locator(f'tr[data-incident="{loud.pk}"]')).to_have_class("open row-new", timeout=6000)
    expect(page).to_have_title("(2) Live queue · Vigil")
    expect(page.locator("#queue-unseen")).to_have_text("2 new incidents")
    assert page.evaluate("window.__beeps.length") == 1
    page.screenshot(path=str(artifacts / "console-queue-unseen.png"), full_page=True)

    # The dispatcher looks at the tab again: the count clears; the highlight stays for its minute.
    _away(page, False)
    expect(page).to_have_title("Live queue · Vigil")
    expect(page.locator("#queue-unseen")).to_have_text("")
    assert page.evaluate("document.body.dataset.unseen") == "0"
    expect(page.locator(f'tr[data-incident="{loud.pk}"]')).to_have_class("open row-new")
    watch.assert_clean()


def _flood(world: World) -> None:
    """Twenty-five API reports in Northside within the hour: a flood by the default rule."""
    import datetime as dt

    from django.utils import timezone

    burst = make_incident(world.north_zone, km_north(0.6), channels=[Channel.API], minutes_ago=50)
    _reports(burst, _minutes_ago(timezone.now() - dt.timedelta(minutes=1), 25, within=45))


def test_incidents_grouped_under_a_flood_are_neither_announced_nor_counted(
    desk: tuple[Page, Watch],
    live_server: object,
    world: World,
) -> None:
    page, watch = desk
    _flood(world)
    page.goto("/console/")
    expect(page.locator(".flood-warning")).to_contain_text("Flood warning in North 1")
    page.locator("#queue-sound").check()
    _away(page, True)
    fake = make_incident(world.north_zone, km_north(-0.6), channels=[Channel.API])
    grouped = page.locator(f'.flood-group tr[data-incident="{fake.pk}"][data-grouped="1"]')
    expect(grouped).to_have_count(1, timeout=6000)
    expect(page.locator(".flood-group summary")).to_contain_text("2 uncorroborated incidents of the flood in North 1")
    page.wait_for_timeout(300)  # let the page's scan of the swapped rows run
    assert page.title() == "Live queue · Vigil"
    assert page.evaluate("window.__beeps.length") == 0
    # A corroborated incident of the same zone is listed, announced and counted as usual.
    real = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.SMS, Channel.OPERATOR])
    expect(page.locator(f'table.queue:not(.grouped) tr[data-incident="{real.pk}"]')).to_be_visible(timeout=6000)
    expect(page).to_have_title("(1) Live queue · Vigil")
    assert page.evaluate("window.__beeps.length") == 1
    watch.assert_clean()


def test_the_flood_warning_and_the_tabs_fit_a_phone_in_spanish(
    browser: Browser,  # noqa: F811
    live_server: object,
    world: World,
    artifacts: Path,  # noqa: F811
) -> None:
    _flood(world)
    make_incident(None, (45.0330, -93.2700), channels=[Channel.WEB])
    context, watch = _signed_in_context(browser, str(live_server), world, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto("/console/")
    expect(page.locator(".flood-warning")).to_contain_text("Aviso de avalancha en North 1")
    expect(page.locator(".queue-tabs")).to_contain_text("Fuera de todas las zonas (1)")
    expect(page.locator(".flood-group summary")).to_contain_text("sin corroborar")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the queue overflows a 360 px screen ({width} px)"
    page.screenshot(path=str(artifacts / "console-queue-flood-es-360.png"), full_page=True)
    watch.assert_clean()
    context.close()
