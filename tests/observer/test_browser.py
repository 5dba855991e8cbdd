"""The observer page in a real browser on a 360-px phone screen: share a rough location, see a dispatch arrive
without reloading, accept it with the code of conduct, watch the check-in countdown, record an observation with the
phone's clock. Strict CSP holds (no violations) and nothing scrolls sideways."""

from __future__ import annotations

import re
from pathlib import Path

import h3
import pytest
from django.conf import settings
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import artifacts, browser, playwright  # noqa: F401 - fixtures
from tests.factories import place_incident
from tests.world import World, signed_in
from vigil.network.dispatch import dispatch_observers
from vigil.network.models import Dispatch, DispatchStatus, Observation, Shift

pytestmark = [pytest.mark.browser]


def test_an_observer_goes_on_shift_and_answers_a_dispatch_on_a_phone(
    transactional_db: None, world: World, live_server: LiveServer, browser: Browser, artifacts: Path,  # noqa: F811
) -> None:  # fmt: skip
    Shift.objects.filter(observer__user=world.carol).delete()
    client = signed_in(world.carol)
    here = (44.99912, -93.27034)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, geolocation={"latitude": here[0], "longitude": here[1]},
        permissions=["geolocation"], base_url=live_server.url,
    )  # fmt: skip
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page = context.new_page()
    problems: list[str] = []
    # Console errors (a CSP violation is one) and failed requests; the favicon is the base layout's business.
    page.on(
        "console", lambda m: problems.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None
    )
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto("/observer/")
    page.get_by_role("button", name="Use my phone's location").click()
    expect(page.get_by_text("Rough area found")).to_be_visible()
    page.get_by_role("button", name="Go on shift").click()
    expect(page.get_by_role("heading", name="You are on shift")).to_be_visible()
    shift = Shift.objects.get(observer__user=world.carol)
    assert shift.cell == h3.latlng_to_cell(round(here[0], 3), round(here[1], 3), settings.VIGIL_H3_RES_ZONE)

    incident = place_incident(here)
    dispatch_observers(incident=incident, actor=world.bob, count=1)
    dispatch = Dispatch.objects.get(incident=incident)
    assert dispatch.observer.user == world.carol
    # No reload: the polled inbox shows the offer within a few seconds.
    page.get_by_role("link", name="Read and answer").click(timeout=10_000)
    expect(page.get_by_text("No physical contact with anyone")).to_be_visible()
    page.get_by_label(re.compile("I will keep my distance")).check()
    page.get_by_role("button", name="Accept and go").click()
    expect(page.locator(".countdown")).to_contain_text(re.compile(r"\(\d+:\d\d\)"))
    page.get_by_label("Size: how many officers, vehicles?").fill("4 agents, 1 van")
    page.get_by_role("button", name="Save observation").click()
    expect(page.get_by_text("Observation recorded.")).to_be_visible()
    page.screenshot(path=str(artifacts / "observer-phone-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.ACCEPTED
    observation = Observation.objects.get(dispatch=dispatch)
    assert observation.device_time is not None
    assert abs((observation.recorded_at - observation.device_time).total_seconds()) < 60
    assert problems == []
    context.close()
