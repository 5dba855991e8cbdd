"""Coordinators' pipeline and training pages: only their group's applicants, each step one button."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks as CaptureOnCommit
from pytest_django import Settings as SettingsWrapper

from tests.network.test_volunteers import applicant, session
from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.network import trainings
from vigil.network.models import Training, Volunteer, VolunteerStatus


def test_the_pipeline_shows_applicants_by_state(world: World) -> None:
    applicant(world, name="Rosa Demo")
    body = world.client_for(world.alice).get(f"/network/groups/{world.north.pk}/volunteers/").content.decode()
    assert "Rosa Demo" in body and "Invited to training" in body and "Active observer" in body


def test_another_groups_coordinator_sees_neither_the_list_nor_the_applicant(world: World) -> None:
    volunteer = applicant(world)
    client = world.client_for(world.mallory)
    assert client.get(f"/network/groups/{world.north.pk}/volunteers/").status_code == 404
    assert client.get(f"/network/volunteers/{volunteer.pk}/").status_code == 404
    assert client.post(f"/network/volunteers/{volunteer.pk}/", {"action": "decline"}).status_code == 404
    assert world.client_for(world.bob).get(f"/network/volunteers/{volunteer.pk}/").status_code == 404


def test_the_contact_is_shown_only_on_request_and_the_read_is_audited(world: World) -> None:
    volunteer = applicant(world)
    client = world.client_for(world.alice)
    assert "rosa@example.org" not in client.get(f"/network/volunteers/{volunteer.pk}/").content.decode()
    assert not AuditEvent.objects.filter(action="volunteer.contact_read").exists()
    assert "rosa@example.org" in client.get(f"/network/volunteers/{volunteer.pk}/?show=contact").content.decode()
    assert AuditEvent.objects.filter(action="volunteer.contact_read", actor=world.alice).exists()


def test_one_button_per_step(
    world: World, settings: SettingsWrapper, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    settings.VIGIL_NOTIFY_BACKENDS = ["inbox", "email"]
    volunteer = applicant(world)
    client = world.client_for(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/network/volunteers/{volunteer.pk}/", {"action": "invite"}).status_code == 302
    assert Volunteer.objects.get().status == VolunteerStatus.INVITED
    refused = client.post(f"/network/volunteers/{volunteer.pk}/", {"action": "make_observer"}, follow=True)
    assert "not possible now" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"/network/volunteers/{volunteer.pk}/", {"action": "contact", "subject": "Hi", "body": "See you soon"}
        )
    assert sent.status_code == 302
    assert client.post(f"/network/volunteers/{volunteer.pk}/", {"action": "decline"}).status_code == 302
    assert Volunteer.objects.get().status == VolunteerStatus.DECLINED
    assert client.post(f"/network/volunteers/{volunteer.pk}/", {"action": "delete"}).status_code == 302
    assert not Volunteer.objects.exists()


def test_a_coordinator_schedules_a_session_and_takes_attendance(world: World) -> None:
    client = world.client_for(world.alice)
    start = timezone.localtime() + dt.timedelta(days=2)
    response = client.post(
        f"/network/groups/{world.north.pk}/trainings/",
        {
            "kind": "legal_observer",
            "title": "Saturday training",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Community centre",
            "language": "en",
            "capacity": "20",
        },
    )
    assert response.status_code == 302
    training = Training.objects.get()
    assert training.capacity == 20 and training.group == world.north
    volunteer = applicant(world)
    registration = trainings.register(training=training, volunteer=volunteer)
    page = client.get(f"/network/trainings/{training.pk}/").content.decode()
    assert "Rosa Demo" in page and "<svg" in page and training.check_in_token in page
    assert client.post(f"/network/registrations/{registration.pk}/attendance/", {"attended": "1"}).status_code == 302
    assert Volunteer.objects.get().status == VolunteerStatus.TRAINED
    assert (
        world.client_for(world.mallory)
        .post(f"/network/registrations/{registration.pk}/attendance/", {"attended": "0"})
        .status_code
        == 404
    )


def test_a_session_that_ends_before_it_starts_is_refused(world: World) -> None:
    start = timezone.localtime() + dt.timedelta(days=2)
    response = world.client_for(world.alice).post(
        f"/network/groups/{world.north.pk}/trainings/",
        {
            "kind": "refresher",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "language": "en",
            "capacity": "20",
        },
    )
    assert response.status_code == 400 and "must end after it starts" in response.content.decode()
    assert not Training.objects.exists()


def test_closing_and_cancelling_a_session(world: World) -> None:
    training = session(world)
    client = world.client_for(world.alice)
    client.post(f"/network/trainings/{training.pk}/", {"action": "close"})
    assert not Training.objects.get().open_for_registration
    client.post(f"/network/trainings/{training.pk}/", {"action": "cancel"})
    assert Training.objects.get().cancelled
