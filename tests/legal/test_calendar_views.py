from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.world import World
from vigil.cases.models import Deadline, DeadlineRule, Hearing

EVERYONE = ["alice", "bob", "carol", "chris", "dave", "erin", "frank", "mallory", "nobody"]


def test_hearing_and_trigger_forms_on_the_case_page(world: World) -> None:
    case = open_case(world)
    client = world.client_for(world.erin)
    when = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(
        reverse("legal:hearing", args=[case.pk]), {"kind": "master", "court": "Court A (fictional)", "starts_at": when}
    )
    assert r.status_code == 302 and Hearing.objects.filter(case=case).count() == 1
    r = client.post(
        reverse("legal:trigger", args=[case.pk]),
        {"trigger": "ij_decision", "occurred_on": timezone.localdate().isoformat()},
    )
    assert r.status_code == 302 and Deadline.objects.filter(case=case).count() == 1
    week = client.get(reverse("legal:week"))
    assert week.status_code == 200 and b"Court A (fictional)" in week.content
    later = client.get(reverse("legal:week") + "?start=" + (timezone.localdate() + dt.timedelta(days=28)).isoformat())
    assert b"Appeal to the Board" in later.content


@pytest.mark.parametrize("name", sorted(set(EVERYONE) - {"alice", "erin"}))
def test_outsiders_cannot_add_hearings_or_deadlines(world: World, name: str) -> None:
    case = open_case(world)
    client = world.client_for(getattr(world, name))
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert (
        client.post(
            reverse("legal:hearing", args=[case.pk]), {"kind": "bond", "court": "C", "starts_at": when}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("legal:trigger", args=[case.pk]),
            {"trigger": "arrival", "occurred_on": timezone.localdate().isoformat()},
        ).status_code
        == 404
    )
    assert not Hearing.objects.exists() and not Deadline.objects.exists()


@pytest.mark.parametrize("name", EVERYONE)
def test_only_coordinators_edit_the_rules(world: World, name: str) -> None:
    client = world.client_for(getattr(world, name))
    response = client.post(
        reverse("legal:rules"),
        {"trigger": "arrival", "title": "Test rule", "days": 10, "source": "Test", "active": "on"},
    )
    created = DeadlineRule.objects.filter(title="Test rule").exists()
    assert (response.status_code, created) == ((302, True) if name == "alice" else (404, False))


@pytest.mark.parametrize("name", EVERYONE)
def test_the_week_and_calendar_pages_are_for_attorneys(world: World, name: str) -> None:
    client = world.client_for(getattr(world, name))
    expected = 200 if name == "erin" else 404
    assert client.get(reverse("legal:week")).status_code == expected
    assert client.get(reverse("legal:calendar")).status_code == expected


def test_the_feed_works_with_its_token_only_and_stops_when_revoked(world: World) -> None:
    case = open_case(world)
    Hearing.objects.create(case=case, kind="bond", court="Court B (fictional)", starts_at=timezone.now())
    client = world.client_for(world.erin)
    page = client.post(reverse("legal:calendar"), {"action": "new"})
    match = re.search(rb"/cases/calendar/([A-Za-z0-9_\-]+)\.ics", page.content)
    assert match is not None
    url = reverse("legal:feed", args=[match.group(1).decode()])
    anonymous = Client()
    feed = anonymous.get(url)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert b"Court B (fictional)" in feed.content
    assert anonymous.get(reverse("legal:feed", args=["not-a-token"])).status_code == 404
    client.post(reverse("legal:calendar"), {"action": "revoke"})
    assert anonymous.get(url).status_code == 404
