"""The observer app offline, in Debian's Chromium on a phone screen: the service worker installs, the dispatch page
opens without signal, a check-in and two observations made offline wait on the phone and arrive once each, in order,
when signal returns; a push delivered to the service worker shows the dispatch offer as a notification."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import PHONE, artifacts, browser, playwright  # noqa: F401 - fixtures
from tests.factories import place_incident, send
from tests.world import World, verify_session
from vigil.hotline.models import IncidentEvent
from vigil.network.models import DispatchStatus, Observation, Observer, QueuedAction

pytestmark = [pytest.mark.browser]


def wait_until(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_steps_made_offline_arrive_once_each_and_in_order(
    transactional_db: None, world: World, live_server: LiveServer, browser: Browser, artifacts: Path,  # noqa: F811
) -> None:  # fmt: skip
    incident = place_incident()
    dispatch = send(incident, Observer.objects.get(user=world.carol), DispatchStatus.ON_SCENE)
    client = Client()
    client.force_login(world.carol)
    verify_session(client)
    context = browser.new_context(
        viewport={"width": PHONE["width"], "height": PHONE["height"]},
        base_url=live_server.url,
        permissions=["notifications"],
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = f"/observer/dispatch/{dispatch.pk}/"
    page.goto(url)
    wait_until(lambda: bool(page.evaluate("() => navigator.serviceWorker.controller !== null")))
    page.reload()  # now through the worker, which keeps this page

    context.set_offline(True)
    page.reload()  # the dispatch page opens without signal, from the worker's cache
    expect(page.get_by_role("button", name="Check in")).to_be_visible()
    page.get_by_role("button", name="Check in").click()
    form = page.locator("form[data-queue=observation]")
    form.locator("[name=activity]").fill("Agents questioning people at the bus stop")
    form.get_by_role("button").click()
    expect(page.locator("#vigil-queue")).to_have_attribute("data-count", "2")
    form.locator("[name=activity]").fill("Two people put in an unmarked van")
    form.get_by_role("button").click()
    queue = page.locator("#vigil-queue")
    expect(queue).to_have_attribute("data-count", "3")
    expect(queue).to_contain_text("Waiting to be sent")
    page.screenshot(path=str(artifacts / "observer-offline-queue.png"), full_page=True)
    assert not Observation.objects.exists() and dispatch.last_check_in_at is None

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(lambda: QueuedAction.objects.count() >= 3)
    # The page reloads once everything is sent, and then lists what the server holds.
    expect(page.get_by_text("Two people put in an unmarked van")).to_be_visible()
    expect(page.locator("#vigil-queue")).to_have_attribute("data-count", "0")
    assert QueuedAction.objects.filter(applied=True).count() == 3
    assert list(Observation.objects.order_by("pk").values_list("activity", flat=True)) == [
        "Agents questioning people at the bus stop",
        "Two people put in an unmarked van",
    ]
    kinds = list(IncidentEvent.objects.filter(incident=incident).order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == ["checked_in", "observation_recorded", "observation_recorded"]
    # Sending again (a flaky network, the page reopened) changes nothing.
    page.evaluate("window.vigilQueue.flush()")
    assert Observation.objects.count() == 2

    desk = Client()
    desk.force_login(world.bob)
    verify_session(desk)
    body = desk.get(f"/console/incident/{incident.pk}/").content.decode()
    first, second = body.find("Agents questioning people"), body.find("Two people put in an unmarked van")
    assert 0 <= first < second
    assert body.count("Agents questioning people") == 1 and body.count("Two people put in an unmarked van") == 1
    assert not errors

    # A dispatch offer pushed to the service worker (as a push service would deliver it) shows as a notification.
    cdp = context.new_cdp_session(page)
    registrations: list[dict[str, object]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")

    def registered() -> bool:
        page.wait_for_timeout(50)  # lets Playwright deliver the CDP events
        return bool(registrations)

    wait_until(registered)
    registration = next(r for r in registrations if str(r["scopeURL"]).endswith("/observer/"))
    payload = {"kind": "dispatch_offer", "title": "Vigil dispatch: please answer within 3 min",
               "body": "An incident less than 1 km from you needs observers.", "url": live_server.url + url,
               "tag": f"dispatch-{dispatch.pk}", "actions": [{"action": "accept", "title": "OK"}]}  # fmt: skip
    shown = "() => navigator.serviceWorker.ready.then(r => r.getNotifications()).then(n => n.map(x => x.title))"
    # Chromium drops a message it cannot hand to a worker at once (the worker starting on a loaded machine); a push
    # service sends it again, and so does this test. The tag makes a repeat replace the notification, not add one.
    for _ in range(4):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server.url, "registrationId": registration["registrationId"], "data": json.dumps(payload)},
        )
        try:
            wait_until(lambda: bool(page.evaluate(shown)), seconds=8)
            break
        except AssertionError:
            continue
    titles = page.evaluate(shown)
    assert titles == ["Vigil dispatch: please answer within 3 min"]
    context.close()
