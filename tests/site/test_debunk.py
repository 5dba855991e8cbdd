"""Rumour control: a dispatcher who records a false alarm publishes the debunk in one action; it is public at once."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from tests.factories import expire_kept_pages, place_incident
from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.hotline.models import Incident, IncidentEvent, Verdict
from vigil.public.models import Debunk

STATEMENTS = {
    "area": "Powderhorn",
    "statement_en": "It was a utility crew fixing a gas line, not immigration agents.",
    "statement_es": "Era un equipo de la compañía de gas, no agentes de inmigración.",
}


def judge(world: World, incident: Incident, verdict: str = Verdict.FALSE_ALARM) -> None:
    response = world.client_for(world.bob).post(
        f"/console/incident/{incident.pk}/verdict", {"verdict": verdict, "note": "checked by phone"}
    )
    assert response.status_code == 302


def test_the_console_offers_the_debunk_once_the_verdict_is_a_false_alarm(world: World, incident: Incident) -> None:
    bob = world.client_for(world.bob)
    assert b"Publish a debunk now" not in bob.get(f"/console/incident/{incident.pk}/").content
    judge(world, incident)
    page = bob.get(f"/console/incident/{incident.pk}/").content.decode()
    assert "Publish a debunk now" in page
    assert 'value="North 1"' in page  # the zone's name, prefilled: a name, never the point


def test_bob_publishes_a_debunk_and_it_is_on_the_feed_at_once(world: World, incident: Incident) -> None:
    anyone = Client()
    assert "Powderhorn" not in anyone.get("/rumours/").content.decode()  # now kept in the cache
    judge(world, incident)
    response = world.client_for(world.bob).post(f"/rumours/incident/{incident.pk}/debunk", STATEMENTS)
    assert response.status_code == 302 and response["Location"] == f"/console/incident/{incident.pk}/"
    debunk = Debunk.objects.get()
    assert (debunk.incident_id, debunk.verdict, debunk.area) == (incident.pk, "false_alarm", "Powderhorn")
    assert debunk.hour == incident.first_report_at.replace(minute=0, second=0, microsecond=0)
    assert set(debunk.statements) == {"en", "es"}
    assert IncidentEvent.objects.filter(incident=incident, kind="debunk_published").exists()
    assert AuditEvent.objects.filter(action="public.debunk_published", actor=world.bob).exists()

    english = anyone.get("/rumours/").content.decode()
    assert "utility crew" in english and "False alarm" in english and "Powderhorn" in english
    spanish = anyone.get("/rumours/?lang=es").content.decode()
    assert "compañía de gas" in spanish
    assert "Powderhorn" in anyone.get("/").content.decode()


def test_the_statement_falls_back_to_the_language_it_was_written_in(world: World, incident: Incident) -> None:
    judge(world, incident, Verdict.NOT_IMMIGRATION)
    only_english = {"area": "Northside", "statement_en": "Local police traffic stop, not ICE."}
    world.client_for(world.bob).post(f"/rumours/incident/{incident.pk}/debunk", only_english)
    spanish = Client().get("/rumours/?lang=es").content.decode()
    assert '<p lang="en">Local police traffic stop, not ICE.</p>' in spanish


def test_a_confirmed_incident_cannot_be_debunked(world: World, incident: Incident) -> None:
    judge(world, incident, Verdict.CONFIRMED)
    response = world.client_for(world.bob).post(f"/rumours/incident/{incident.pk}/debunk", STATEMENTS)
    assert response.status_code == 400
    assert "Only a false alarm" in response.content.decode()
    assert not Debunk.objects.exists()


def test_an_address_for_an_area_is_refused_and_nothing_is_published(world: World, incident: Incident) -> None:
    judge(world, incident)
    response = world.client_for(world.bob).post(
        f"/rumours/incident/{incident.pk}/debunk", STATEMENTS | {"area": "2100 Bloomington Ave"}
    )
    assert response.status_code == 400
    assert "nothing public is a point" in response.content.decode()
    assert not Debunk.objects.exists()


def test_a_statement_the_text_guard_refuses_is_not_published(world: World, incident: Incident) -> None:
    judge(world, incident)
    response = world.client_for(world.bob).post(
        f"/rumours/incident/{incident.pk}/debunk",
        {"area": "Northside", "statement_en": "The guy who called ICE lives at 12 Oak St with his wife."},
    )
    assert response.status_code == 400
    assert not Debunk.objects.exists()


def test_one_debunk_per_incident(world: World, incident: Incident) -> None:
    judge(world, incident)
    bob = world.client_for(world.bob)
    bob.post(f"/rumours/incident/{incident.pk}/debunk", STATEMENTS)
    again = bob.post(f"/rumours/incident/{incident.pk}/debunk", STATEMENTS)
    assert again.status_code == 400
    assert Debunk.objects.count() == 1


def test_mallory_and_strangers_cannot_publish_for_northside(world: World, incident: Incident) -> None:
    judge(world, incident)
    assert (
        world.client_for(world.mallory).post(f"/rumours/incident/{incident.pk}/debunk", STATEMENTS).status_code == 404
    )
    assert world.client_for(world.carol).post(f"/rumours/incident/{incident.pk}/debunk", STATEMENTS).status_code == 404
    anonymous = Client().post(f"/rumours/incident/{incident.pk}/debunk", STATEMENTS)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not Debunk.objects.exists()


def test_bob_withdraws_a_debunk_and_it_leaves_the_feed(world: World, incident: Incident) -> None:
    judge(world, incident)
    bob = world.client_for(world.bob)
    bob.post(f"/rumours/incident/{incident.pk}/debunk", STATEMENTS)
    assert "Powderhorn" in Client().get("/rumours/").content.decode()
    debunk = Debunk.objects.get()
    assert world.client_for(world.mallory).post(f"/rumours/debunk/{debunk.pk}/withdraw").status_code == 404
    assert bob.post(f"/rumours/debunk/{debunk.pk}/withdraw").status_code == 302
    assert "Powderhorn" not in Client().get("/rumours/").content.decode()
    debunk.refresh_from_db()
    assert debunk.withdrawn_at is not None


def test_a_kept_page_is_replaced_within_a_minute_even_in_another_process(world: World) -> None:
    """Another process's publication does not bump this process's key: the kept page expires (≤ 60 s)."""
    from vigil.public import freshness

    assert freshness.CACHE_SECONDS <= 60 and freshness.GENERATION_SECONDS <= 60
    incident = place_incident()
    judge(world, incident)
    anyone = Client()
    anyone.get("/rumours/")
    Debunk.objects.create(
        incident=incident,
        verdict="false_alarm",
        area="Seward",
        hour=incident.first_report_at,
        statements={"en": "Not ICE."},
        published_at=incident.first_report_at + dt.timedelta(minutes=5),
    )  # written as another process would, with no bump here
    assert "Seward" not in anyone.get("/rumours/").content.decode()
    from django.core.cache import caches

    caches["pages"].clear()  # what the expiry does after CACHE_SECONDS
    freshness.forget()  # and the generation read again after GENERATION_SECONDS
    assert "Seward" in anyone.get("/rumours/").content.decode()


def test_a_debunk_leaves_the_feed_when_the_verdict_no_longer_clears_the_rumour(
    world: World, incident: Incident
) -> None:
    from vigil.hotline import triage

    judge(world, incident)
    world.client_for(world.bob).post(f"/rumours/incident/{incident.pk}/debunk", STATEMENTS)
    assert "Powderhorn" in Client().get("/rumours/feed.json").content.decode()
    triage.record_verdict(incident=incident, verdict=Verdict.CONFIRMED, note="observers saw agents", actor=world.bob)
    assert "Powderhorn" not in Client().get("/rumours/feed.json").content.decode()
    assert "Powderhorn" not in Client().get("/").content.decode()
    triage.record_verdict(incident=incident, verdict=Verdict.FALSE_ALARM, note="it was a film crew", actor=world.bob)
    assert "Powderhorn" in Client().get("/rumours/").content.decode()
    triage.reopen_incident(incident=incident, reason="new report", actor=world.bob)
    expire_kept_pages()  # reopening sends no signal: kept pages follow within CACHE_SECONDS
    assert "Powderhorn" not in Client().get("/rumours/").content.decode()
