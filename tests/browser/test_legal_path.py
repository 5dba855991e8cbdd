"""Legal help in real browsers, in Spanish: a family makes a plan on a phone; a confirmed incident records a person
detained; the case is screened and accepted; the on-call attorney is paged and acknowledges; two locator checks record
a facility and then a transfer (the attorney is alerted); the plan opens after two approvals; a hearing shows in the
attorney's calendar feed. Every page is watched for console errors, CSP violations and requests to other hosts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import Watch, new_context, sign_in, spanish
from tests.factories import place_incident
from tests.world import PASSWORD, World
from vigil.cases import oncall
from vigil.cases.facilities import import_text
from vigil.cases.models import Case, CasePage, FamilyPlan
from vigil.network.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
DEMO = Path(__file__).resolve().parents[2] / "vigil" / "cases" / "data" / "facilities-demo.csv"
COURT = "Fort Example Immigration Court (fictional)"


@pytest.fixture
def people(browser: Browser, live_server: LiveServer) -> Iterator[list[tuple[BrowserContext, Watch]]]:
    made: list[tuple[BrowserContext, Watch]] = []
    yield made
    for context, _watch in made:
        context.close()


def _post(page: Page, action_end: str) -> None:
    page.locator(f"form[action$='{action_end}'] button[type=submit]").first.click()
    page.wait_for_load_state()


def test_from_a_familys_plan_to_a_released_plan_and_a_hearing_in_the_feed(
    transactional_db: None,
    world: World,
    live_server: LiveServer,
    browser: Browser,
    people: list[tuple[BrowserContext, Watch]],
) -> None:
    import_text(DEMO.read_text())
    now = dt.datetime.now(dt.UTC)
    oncall.add_on_call(
        actor=world.alice, group=world.north, attorney=world.erin, jurisdiction=COURT,
        starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=8),
    )  # fmt: skip

    # (1) A family makes a plan on a Spanish phone, without an account.
    family_ctx, family_watch = new_context(browser, live_server.url)
    people.append((family_ctx, family_watch))
    family = family_ctx.new_page()
    family.goto("/plan/")
    expect(family.get_by_role("heading", level=1)).to_have_text(spanish("Family preparedness plan"))
    family.locator("input[name=contact1_name]").fill("Tía Rosa (ficticia)")
    family.locator("input[name=contact1_phone]").fill("+1 612 555 0177")
    family.locator("input[name=caregiver_name]").fill("Tía Rosa (ficticia)")
    family.locator("textarea[name=medical]").fill("Metformina por la mañana")
    family.locator("textarea[name=wishes]").fill("Que los niños se queden con Rosa.")
    family.locator("input[name=notify_phone]").fill("+1 612 555 0178")
    family.locator("form:has(input[value=create]) button[type=submit]").click()
    code = family.locator("#plan-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    # (2) A confirmed incident: the dispatcher records a person detained from the console.
    incident = place_incident(state="verdict")
    incident.verdict = "confirmed"
    incident.save(update_fields=["verdict"])
    desk, desk_watch = new_context(browser, live_server.url, phone=False)
    people.append((desk, desk_watch))
    bob = desk.new_page()
    sign_in(bob, "bob", PASSWORD)
    bob.goto(f"/console/incident/{incident.pk}/")
    bob.locator(f"a[href='/cases/from-incident/{incident.pk}/']").click()
    bob.locator("input[name=name]").fill("Persona Detenida (ficticia)")
    bob.locator("input[name=a_number]").fill("A-123-456-789")
    bob.locator("input[name=family_name]").fill("Luis (ficticio)")
    bob.locator("input[name=family_phone]").fill("+1 612 555 0100")
    bob.locator("main form button[type=submit]").click()
    expect(bob.get_by_role("heading", level=1)).to_have_text(spanish("Recorded"))
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(jurisdiction=COURT)

    # (3) The coordinator screens and accepts; the attorney on call is paged and acknowledges.
    office, office_watch = new_context(browser, live_server.url, phone=False)
    people.append((office, office_watch))
    alice = office.new_page()
    sign_in(alice, "alice", PASSWORD)
    alice.goto(f"/cases/{case.pk}/")
    _post(alice, "/screen/")
    alice.locator(f"a[href='/cases/{case.pk}/decide/']").click()
    alice.locator("input[name=decision][value=accepted]").check()
    alice.locator("textarea[name=reason]").fill("Sin conflicto; detenido.")
    _post(alice, "/decide/")
    page_row = CasePage.objects.get(case=case)
    assert page_row.attorney_id == world.erin.pk

    lawyer_ctx, lawyer_watch = new_context(browser, live_server.url)
    people.append((lawyer_ctx, lawyer_watch))
    erin = lawyer_ctx.new_page()
    sign_in(erin, "erin", PASSWORD)
    erin.goto("/cases/")
    _post(erin, f"/page/{page_row.pk}/acknowledge/")
    expect(erin).to_have_url(re.compile(rf"/cases/{case.pk}/$"))

    # (4) Two locator checks: a facility, then a transfer; the attorney is alerted.
    today = timezone.localdate().isoformat()
    for facility in ("DEMO-NRP", "DEMO-SVD"):
        erin.locator(f"a[href='/cases/{case.pk}/locator/']").click()
        erin.locator("input[name=result][value=found]").check()
        erin.locator("select[name=facility]").select_option(facility)
        erin.locator("input[name=checked_on]").fill(today)
        _post(erin, "/locator/")
    expect(erin.locator("#locator-checks")).to_contain_text("North River Processing Center (fictional)")
    assert Notification.objects.filter(user=world.erin, kind="case_transfer").count() == 1

    # (5) The plan: linked by its code, released after the attorney's and the coordinator's approvals.
    erin.locator(f"a[href='/cases/{case.pk}/plan/link/']").click()
    erin.locator("input[name=code]").fill(code)
    _post(erin, "/plan/link/")
    _post(erin, "/plan/approve/")
    assert FamilyPlan.objects.get().released_at is None
    alice.goto(f"/cases/{case.pk}/")
    _post(alice, "/plan/approve/")
    assert FamilyPlan.objects.get().released_at is not None
    erin.goto(f"/cases/{case.pk}/plan/")
    expect(erin.locator("main")).to_contain_text("Metformina por la mañana")

    # (6) A hearing, and the attorney's calendar feed shows it.
    erin.goto(f"/cases/{case.pk}/")
    erin.locator(f"a[href='/cases/{case.pk}/hearing/']").click()
    erin.locator("select[name=kind]").select_option("bond")
    erin.locator("input[name=court]").fill(COURT)
    erin.locator("input[name=starts_at]").fill((timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
    _post(erin, "/hearing/")
    erin.goto("/cases/calendar/")
    erin.locator("form:has(input[value=new]) button").click()
    feed_url = erin.locator("#feed-url").inner_text()
    feed = erin.request.get(feed_url)
    assert feed.ok
    summaries = [str(event.get("summary")) for event in Calendar.from_ical(feed.body()).walk("VEVENT")]
    assert any(s.startswith(f"Case #{case.pk}:") and COURT in s for s in summaries), summaries

    for _context, watch in people:
        watch.assert_clean()
