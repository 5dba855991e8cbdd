"""The public volunteer pages: sign-up (EN/ES, rate-limited), sessions open for registration, the door, the feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.network.test_volunteers import applicant, session
from tests.world import World
from vigil.network import trainings, volunteers
from vigil.network.models import Observer, TrainingRegistration, Volunteer


def form(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "group": world.north.pk,
        "name": "Rosa Demo",
        "contact": "rosa@example.org",
        "language": "es",
        "languages": "es, en",
        "neighbourhood": "Phillips",
        "availability": ["weekends", "weekday_evenings"],
        "note": "",
        "consent": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_sign_up_page_needs_no_account_and_shows_the_code_of_conduct(world: World) -> None:
    body = Client().get("/volunteer/").content.decode()
    assert "Volunteer as a legal observer" in body and "Keep your distance" in body


def test_the_sign_up_page_speaks_spanish(world: World) -> None:
    body = Client(headers={"accept-language": "es"}).get("/volunteer/").content.decode()
    assert 'lang="es"' in body and "observador" in body.lower()


@pytest.mark.usefixtures("fresh_rate_limits")
def test_signing_up_stores_an_applicant(world: World) -> None:
    response = Client().post("/volunteer/", form(world))
    assert response.status_code == 201
    volunteer = Volunteer.objects.get()
    assert volunteer.group == world.north and volunteer.language == "es"
    assert set(volunteer.availability) == {"weekends", "weekday_evenings"}
    assert b"rosa@example.org" not in bytes(volunteer.contact_sealed)


@pytest.mark.usefixtures("fresh_rate_limits")
def test_without_consent_nothing_is_stored_and_the_form_says_why(world: World) -> None:
    response = Client().post("/volunteer/", form(world, consent=None))
    assert response.status_code == 400
    assert not Volunteer.objects.exists()


@pytest.mark.usefixtures("fresh_rate_limits")
def test_guarded_text_is_refused_with_the_guards_message(world: World) -> None:
    response = Client().post("/volunteer/", form(world, note="The agent lives at 12 Elm St, follow him home"))
    assert response.status_code == 400 and "where a person lives" in response.content.decode()
    assert not Volunteer.objects.exists()


@pytest.mark.usefixtures("fresh_rate_limits")
def test_sign_ups_are_rate_limited(world: World) -> None:
    client = Client()
    statuses = [client.post("/volunteer/", form(world, name=f"Demo {n}")).status_code for n in range(4)]
    assert statuses == [201, 201, 201, 429]
    assert Volunteer.objects.count() == 3


def test_an_applicant_registers_from_their_personal_link(world: World) -> None:
    volunteer = applicant(world)
    training = session(world)
    client = Client()
    page = client.get(f"/trainings/?v={volunteers.registration_token(volunteer)}").content.decode()
    assert "LO training" in page and "Register" in page
    assert client.post(f"/trainings/{training.pk}/register/").status_code == 201
    assert TrainingRegistration.objects.get().volunteer == volunteer
    again = client.post(f"/trainings/{training.pk}/register/")
    assert again.status_code == 409 and "already registered" in again.content.decode()


def test_a_stranger_cannot_register(world: World) -> None:
    training = session(world)
    assert Client().post(f"/trainings/{training.pk}/register/").status_code == 403
    assert Client().post(f"/trainings/{training.pk}/register/", {"v": "forged"}).status_code == 403
    assert not TrainingRegistration.objects.exists()


def test_a_full_session_says_so(world: World) -> None:
    training = session(world, capacity=1)
    trainings.register(training=training, volunteer=applicant(world))
    response = world.client_for(world.carol).post(f"/trainings/{training.pk}/register/")
    assert response.status_code == 409 and "This session is full" in response.content.decode()


def test_an_observer_checks_in_at_the_door(world: World) -> None:
    training = session(world, days=0)
    observer = Observer.objects.get(user=world.carol)
    # Registered yesterday; the session started just now, so the door is open.
    registration = trainings.register(
        training=training, observer=observer, now=training.starts_at - dt.timedelta(days=1)
    )
    client = world.client_for(world.carol)
    url = f"/trainings/{training.pk}/door/{training.check_in_token}/"
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 200 and "checked in" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert client.post(f"/trainings/{training.pk}/door/wrong/").status_code == 403


def test_the_feed_is_icalendar(world: World) -> None:
    session(world)
    response = Client().get("/trainings/feed.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content and b"LO training" in response.content
