"""Small things users noticed: event lines, plurals, receipts, offers' wording and links, messages that outlive
their dispatch, maps links an iPhone opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from tests.factories import add_report, send
from tests.world import World
from vigil.console.selectors import _event_labels, incident_events
from vigil.hotline import events
from vigil.hotline.models import Incident, Report
from vigil.network.dispatch import accept_dispatch, answer_window, dispatch_observers
from vigil.network.models import DispatchStatus, Notification
from vigil.network.selectors import unread_notifications

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", ["report_placed", "report_updated", "evidence_added"])
def test_every_event_kind_has_a_translated_label(kind: str) -> None:
    assert kind in _event_labels()
    with translation.override("es"):
        assert _event_labels()[kind] != kind
    english = _event_labels()[kind]
    with translation.override("es"):
        assert _event_labels()[kind] != english


def test_an_unknown_event_kind_is_never_shown_as_its_key(world: World, incident: Incident) -> None:
    events.record(incident, "something_new")
    assert incident_events(incident)[-1].label == "Other change"


def test_the_observer_is_named_once_in_an_event_line(world: World, incident: Incident) -> None:
    dispatch = send(incident, world.carol.observer)
    events.record(incident, "dispatch_accepted", actor=world.carol, dispatch=dispatch.pk, observer=dispatch.observer_id)
    line = incident_events(incident)[-1]
    assert line.actor_name == "carol" and line.details == ""


@pytest.mark.parametrize(("count", "text"), [(1, "(1 report moved)"), (3, "(3 reports moved)")])
def test_merges_say_report_or_reports(world: World, incident: Incident, count: int, text: str) -> None:
    events.record(incident, "merged", sources=[99], reports=list(range(count)))
    assert text in incident_events(incident)[-1].details


def test_splits_say_report_or_reports(world: World, incident: Incident) -> None:
    events.record(incident, "split", reports=[1], new_incident=5)
    assert incident_events(incident)[-1].details == "1 report to new incident #5"


def test_a_placed_report_event_says_how(world: World, incident: Incident) -> None:
    events.record(incident, "report_placed", report=7, by="words", match="5th Ave & Lake St", confidence=1.0)
    line = incident_events(incident)[-1]
    assert (line.label, line.details) == ("Report placed on the map", "report #7 placed from words: 5th Ave & Lake St")


def test_receipts_are_shown_with_their_dash(world: World, incident: Incident) -> None:
    add_report(incident)
    receipt = Report.objects.get(incident=incident).receipt
    html = world.client_for(world.bob).get(f"/console/incident/{incident.pk}/").content.decode()
    assert f"{receipt[:4]}-{receipt[4:]}" in html and f">{receipt}<" not in html


@pytest.mark.parametrize(("seconds", "text"), [(180, "3 min"), (90, "1 min 30 s"), (45, "45 s"), (600, "10 min")])
def test_the_answer_window_is_said_plainly(seconds: int, text: str) -> None:
    assert answer_window(seconds) == text


def test_an_offer_says_the_window_once(world: World, incident: Incident) -> None:
    dispatch_observers(incident=incident, actor=world.bob, count=1)
    offer = Notification.objects.get(kind="dispatch_offer")
    assert offer.subject == "Vigil dispatch: please answer within 3 min"


def test_messages_of_finished_dispatches_go_away(world: World, incident: Incident) -> None:
    [dispatch] = dispatch_observers(incident=incident, actor=world.bob, count=1)
    user_id = dispatch.observer.user_id
    assert [n.dispatch_id for n in unread_notifications(user_id)] == [dispatch.pk]
    dispatch.status = DispatchStatus.EXPIRED
    dispatch.save()
    assert list(unread_notifications(user_id)) == []


def test_inbox_messages_link_to_their_dispatch(world: World, incident: Incident) -> None:
    [dispatch] = dispatch_observers(incident=incident, actor=world.bob, count=1)
    observer_user = dispatch.observer.user
    html = world.client_for(observer_user).get("/observer/inbox/").content.decode()
    assert f'href="/observer/dispatch/{dispatch.pk}/"><strong>Vigil dispatch' in html


def test_the_dispatch_page_offers_a_geo_link_and_a_plain_maps_link(world: World, incident: Incident) -> None:
    [dispatch] = dispatch_observers(incident=incident, actor=world.bob, count=1)
    accept_dispatch(dispatch=dispatch, actor=dispatch.observer.user, code_acknowledged=True)
    html = world.client_for(dispatch.observer.user).get(f"/observer/dispatch/{dispatch.pk}/").content.decode()
    assert 'href="geo:' in html
    assert 'data-plain-map href="https://www.openstreetmap.org/?mlat=' in html


def test_the_demo_links_to_the_port_it_runs_on() -> None:
    assert "export VIGIL_SITE_URL=${VIGIL_SITE_URL:-http://127.0.0.1:${PORT}}" in (ROOT / "scripts/run.sh").read_text()
    assert "export VIGIL_SITE_URL ?= http://127.0.0.1:$(PORT)" in (ROOT / "Makefile").read_text()
