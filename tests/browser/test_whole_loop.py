"""The whole loop in real browsers, in Spanish, on phones: a member of the public reports on a phone, the dispatcher
sees it appear on the live console without reloading, dispatches a pair, an observer accepts, goes, checks in,
observes and proposes a verdict, the dispatcher records it, and the incident page shows it with its history.

Three browser profiles run side by side against one live server: the public reporter (phone, touch), the dispatcher
bob (a laptop) and the observer carol (phone, touch), all with Spanish browsers. Every page of all three is watched
for console errors, CSP violations and requests to any other host. Screenshots of each step go to
data/test-artifacts/whole-loop/.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import SMALL_PHONE, Watch, new_context, sign_in, spanish
from tests.world import NORTH_CENTER, PASSWORD, World
from vigil.hotline.models import IncidentEvent, IncidentState, Report, Verdict
from vigil.hotline.services import normalise_receipt
from vigil.network.models import Dispatch, DispatchStatus, Observation

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# The console's queue polls every 2 s: a report shows there within 2 s of being sent, plus the poll's own time.
LIVE_WITHIN_MS = 2500


class Shots:
    """Numbered full-page screenshots of one run, in the order the steps happened."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
        self.n = 0

    def take(self, page: Page, name: str) -> None:
        self.n += 1
        # caret="initial": hiding the caret leaves style="" on every input, which htmx copies on its next swap
        # (setAttribute("style", ...)) and the strict CSP then refuses, as it would any inline style.
        page.screenshot(path=str(self.folder / f"{self.n:02d}-{name}.png"), full_page=True, caret="initial")


@pytest.fixture
def people(browser: Browser, live_server: LiveServer) -> Iterator[list[tuple[BrowserContext, Watch]]]:
    made: list[tuple[BrowserContext, Watch]] = []
    yield made
    for context, _watch in made:
        context.close()


def no_sideways_scroll(page: Page) -> None:
    # Against the screen's width: a phone zooms a too-wide page out, and innerWidth grows with it.
    screen = page.viewport_size
    assert screen is not None
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= screen["width"], f"{page.url} is {width} px wide on a {screen['width']} px screen"


def in_order(seen: Sequence[str], wanted: Sequence[str]) -> bool:
    """Whether `wanted` appears in `seen` in this order (other items may come between)."""
    rest = iter(seen)
    return all(any(item == w for item in rest) for w in wanted)


def fill_report(page: Page, **fields: str) -> None:
    for name, value in fields.items():
        page.locator(f"form.intake [name={name}]").fill(value)


def tap_map(page: Page, dx: float, dy: float) -> tuple[float, float]:
    """Tap the intake map `dx`, `dy` pixels from its centre, as a finger does; the coordinates it put in the form."""
    area = page.locator("[data-intake-map]")
    expect(area).to_be_visible()
    box = area.bounding_box()
    assert box is not None
    area.tap(position={"x": box["width"] / 2 + dx, "y": box["height"] / 2 + dy})
    expect(page.locator("[data-map-status]")).to_have_text(spanish("Point set on the map."))
    lat = page.locator("form.intake input[name=lat]").input_value()
    lon = page.locator("form.intake input[name=lon]").input_value()
    return float(lat), float(lon)


def test_a_spanish_phone_report_reaches_the_live_console_and_ends_confirmed_with_its_history(
    transactional_db: None,
    world: World,
    live_server: LiveServer,
    browser: Browser,
    artifacts: Path,
    settings: Settings,
    people: list[tuple[BrowserContext, Watch]],
) -> None:
    # The map opens on the network's own area, as an operator configures it (VIGIL_MAP_CENTER_LAT/LON).
    settings.MAP_CENTER = NORTH_CENTER
    assert spanish("Report what you see") != "Report what you see", "no compiled Spanish catalogue (locale/es)"
    shots = Shots(artifacts / "whole-loop")

    # The dispatcher signs in on a laptop and keeps the live queue open.
    desk, desk_watch = new_context(browser, live_server.url, phone=False)
    people.append((desk, desk_watch))
    bob = desk.new_page()
    sign_in(bob, "bob", PASSWORD)
    bob.goto("/console/")
    expect(bob.locator("html")).to_have_attribute("lang", "es")
    expect(bob.get_by_role("heading", level=1)).to_have_text(spanish("Live queue"))
    expect(bob.locator("#queue-rows tr[data-incident]")).to_have_count(0)
    shots.take(bob, "console-empty")

    # The observer signs in on her phone and keeps her observer page open (it polls her inbox).
    pocket, carol_watch = new_context(browser, live_server.url, viewport=SMALL_PHONE)
    people.append((pocket, carol_watch))
    carol = pocket.new_page()
    sign_in(carol, "carol", PASSWORD)
    carol.goto("/observer/")
    expect(carol.get_by_role("heading", name=spanish("You are on shift"))).to_be_visible()
    shots.take(carol, "observer-waiting")

    # A member of the public, Spanish phone, no account.
    public, public_watch = new_context(browser, live_server.url)
    people.append((public, public_watch))
    phone = public.new_page()
    phone.goto("/report")
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.get_by_role("heading", level=1)).to_have_text(spanish("Report what you see"))
    expect(phone.locator("form.intake select[name=language]")).to_have_value("es")
    fill_report(
        phone,
        activity="Están parando coches y pidiendo papeles a la gente",
        location_text="Esquina de Lake St y 5th Ave, frente a la lavandería",
        size="Unos 4 agentes, 2 camionetas",
        uniform="Chalecos que dicen ICE",
        equipment="Dos camionetas blancas",
    )
    lat, lon = tap_map(phone, 10, -6)
    # The map opened on the Northside zone's centre: the tap landed a few hundred metres from it at most.
    assert abs(lat - NORTH_CENTER[0]) < 0.005 and abs(lon - NORTH_CENTER[1]) < 0.005, (lat, lon)
    no_sideways_scroll(phone)
    shots.take(phone, "report-filled")

    sent_at = time.monotonic()
    phone.locator("form.intake button[type=submit]").click()
    receipt = phone.locator("[data-receipt]")
    expect(receipt).to_be_visible()
    expect(phone.get_by_role("heading", level=1)).to_have_text(spanish("Report received. Thank you."))
    code = normalise_receipt(receipt.inner_text())
    assert code is not None
    first = Report.objects.select_related("incident").get(receipt=code)
    assert first.channel == "web" and first.language == "es" and first.incident is not None
    incident = first.incident

    # Live on the console, no reload: within 2.5 s of pressing "send".
    row = bob.locator(f'#queue-rows tr[data-incident="{incident.pk}"]')
    left_ms = max(1.0, LIVE_WITHIN_MS - (time.monotonic() - sent_at) * 1000)
    expect(row).to_be_visible(timeout=left_ms)
    seen_after = time.monotonic() - sent_at
    assert seen_after <= LIVE_WITHIN_MS / 1000, f"the console showed the incident {seen_after:.2f} s after sending"
    shots.take(phone, "report-receipt")
    shots.take(bob, "console-live")
    no_sideways_scroll(phone)

    # A second person nearby reports the same thing: it joins the incident, and the queue's count follows.
    phone.get_by_role("link", name=spanish("Send another report")).click()
    fill_report(phone, activity="Se llevaron a un hombre en una camioneta blanca", size="3 agentes")
    tap_map(phone, -12, 8)
    phone.locator("form.intake button[type=submit]").click()
    expect(phone.locator("[data-receipt]")).to_be_visible()
    second = Report.objects.get(receipt=normalise_receipt(phone.locator("[data-receipt]").inner_text()))
    assert second.incident_id == incident.pk
    expect(row.locator("td.num")).to_have_text("2", timeout=LIVE_WITHIN_MS)

    # The dispatcher opens the incident and sends a pair.
    row.get_by_role("link").click()
    bob.wait_for_url(f"**/console/incident/{incident.pk}/")
    bob.get_by_role("button", name=spanish("Dispatch observers")).click()
    expect(bob.locator("#incident-activity .dispatches > li")).to_have_count(2)
    shots.take(bob, "incident-dispatched")
    dispatch = Dispatch.objects.get(incident=incident, observer__user=world.carol)
    assert dispatch.status == DispatchStatus.SENT

    # Carol's page shows the offer on its own (the inbox is polled every 5 s).
    offer = carol.locator(f'[data-incoming="{dispatch.pk}"]')
    expect(offer).to_be_visible(timeout=8000)
    shots.take(carol, "observer-offer")
    offer.get_by_role("link").click()
    carol.wait_for_url(f"**/observer/dispatch/{dispatch.pk}/")
    expect(carol.get_by_role("heading", name=spanish("Code of conduct"))).to_be_visible()
    carol.locator("input[name=code_acknowledged]").check()
    shots.take(carol, "observer-code-of-conduct")
    carol.get_by_role("button", name=spanish("Accept and go")).click()
    arrive = carol.get_by_role("button", name=spanish("I am on scene"))
    expect(arrive).to_be_visible()
    shots.take(carol, "observer-accepted")
    arrive.click()
    expect(carol.locator(".messages")).to_contain_text(spanish("Marked on scene."))
    check_in = carol.get_by_role("button", name=spanish("I am OK — check in"))
    expect(check_in).to_be_visible()
    check_in.click()
    expect(carol.locator(".messages")).to_contain_text(spanish("Checked in. Thank you."))
    observe = carol.locator("form[action$='/observe']")
    observe.locator("[name=size]").fill("5 agentes, 2 camionetas blancas")
    observe.locator("[name=activity]").fill("Detienen a un hombre junto a la lavandería; chalecos con 'ICE ERO'")
    observe.locator("[name=uniform]").fill("Chalecos 'POLICE ICE'")
    observe.get_by_role("button", name=spanish("Save observation")).click()
    expect(carol.get_by_text(spanish("Observation recorded."))).to_be_visible()
    propose = carol.locator("form[action$='/propose']")
    propose.locator("input[name=verdict][value=confirmed]").check()
    propose.locator("[name=note]").fill("Vi los chalecos de ICE ERO y la orden de detención administrativa")
    propose.get_by_role("button", name=spanish("Send to the dispatcher")).click()
    expect(carol.locator(".messages")).to_contain_text(spanish("Verdict proposed. The dispatcher will record it."))
    no_sideways_scroll(carol)
    shots.take(carol, "observer-proposed")
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.ON_SCENE
    assert dispatch.last_check_in_at is not None and dispatch.proposed_verdict == Verdict.CONFIRMED
    assert Observation.objects.filter(dispatch=dispatch).count() == 1

    # The dispatcher's incident page picks the proposal up by itself, then he records the verdict.
    expect(bob.locator("#incident-activity .proposal .badge.confirmed")).to_be_visible(timeout=5000)
    verdict = bob.locator("form[action$='/verdict']")
    verdict.locator("input[name=verdict][value=confirmed]").check()
    verdict.locator("[name=note]").fill("Confirmado por la observadora en el lugar: chalecos ICE ERO")
    verdict.get_by_role("button", name=spanish("Record verdict")).click()
    summary = bob.locator(".incident-summary")
    expect(summary.locator(".badge.confirmed")).to_have_text(spanish("Confirmed"))
    expect(summary.locator(".badge.verdict")).to_be_visible()
    incident.refresh_from_db()
    assert (incident.state, incident.verdict) == (IncidentState.VERDICT, Verdict.CONFIRMED)

    # The history, as the page shows it and as the event rows have it.
    steps = [
        ("incident_opened", "Incident opened"),
        ("report_added", "Report added"),
        ("dispatched", "Observers dispatched"),
        ("dispatch_accepted", "Observer accepted"),
        ("observer_arrived", "Observer on scene"),
        ("checked_in", "Observer checked in"),
        ("observation_recorded", "Observation recorded"),
        ("verdict_proposed", "Verdict proposed by observer"),
        ("verdict_recorded", "Verdict recorded"),
    ]
    kinds = list(IncidentEvent.objects.filter(incident=incident).order_by("at", "pk").values_list("kind", flat=True))
    assert in_order(kinds, [k for k, _label in steps]), kinds
    expect(bob.locator("ol.history li .what")).to_have_count(len(kinds))
    shown = [t.strip() for t in bob.locator("ol.history li .what").all_inner_texts()]
    assert in_order(shown, [spanish(label) for _kind, label in steps]), shown
    shots.take(bob, "incident-confirmed")

    # The reporter's receipt now tells them a verdict was reached, and nothing more.
    phone.goto(f"/report?receipt={code}")
    status = phone.locator(".lookup [role=status]")
    expect(status).to_contain_text(spanish("Checked by the hotline. Thank you for reporting."))
    shots.take(phone, "report-status")

    for _context, watch in people:
        watch.assert_clean()
        assert watch.requests > 0
