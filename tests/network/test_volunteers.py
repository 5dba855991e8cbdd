"""The volunteer pipeline: sign-up (sealed contact, guard, consent) → invited → trained → active, or declined."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks as CaptureOnCommit
from pytest_django import Settings as SettingsWrapper

from tests.world import World
from vigil.accounts.models import AuditEvent, Membership, Role
from vigil.lib.errors import VigilError
from vigil.network import trainings, volunteers
from vigil.network.models import (
    CertificationRecord,
    Observer,
    Training,
    TrainingRegistration,
    Volunteer,
    VolunteerStatus,
)
from vigil.vault import unseal


@pytest.fixture
def by_email_and_sms(settings: SettingsWrapper) -> None:
    settings.VIGIL_NOTIFY_BACKENDS = ["inbox", "email", "sms"]


@pytest.fixture
def sent(django_capture_on_commit_callbacks: CaptureOnCommit) -> Callable[[], AbstractContextManager[object]]:
    """`with sent():` runs what commits would send (messages go out after commit)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def applicant(world: World, *, contact: str = "rosa@example.org", name: str = "Rosa Demo") -> Volunteer:
    return volunteers.sign_up(
        group=world.north,
        name=name,
        contact=contact,
        language="es",
        languages=["es", "en"],
        neighbourhood="Phillips",
        availability=["weekends", "made_up"],
        note="",
        consent=True,
    )


def session(world: World, *, capacity: int = 10, days: int = 3, kind: str = "legal_observer") -> Training:
    start = timezone.now() + dt.timedelta(days=days)
    return trainings.schedule(
        actor=world.alice,
        group=world.north,
        kind=kind,
        title="LO training",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        online=False,
        place="Public library, room 2",
        language="es",
        capacity=capacity,
    )


def test_sign_up_seals_the_contact_and_keeps_only_known_availability(world: World) -> None:
    volunteer = applicant(world)
    assert volunteer.status == VolunteerStatus.APPLIED
    assert b"rosa@example.org" not in bytes(volunteer.contact_sealed)
    assert unseal(volunteer.contact_sealed, purpose="volunteer-contact") == "rosa@example.org"
    assert volunteer.availability == ["weekends"]
    assert volunteer.languages == ["es", "en"]
    event = AuditEvent.objects.get(action="volunteer.sign_up")
    assert "rosa" not in str(event.detail).lower()


def test_sign_up_needs_consent_to_the_code_of_conduct(world: World) -> None:
    with pytest.raises(VigilError) as refused:
        volunteers.sign_up(
            group=world.north,
            name="Rosa",
            contact="+16125550100",
            language="en",
            languages=[],
            neighbourhood="",
            availability=[],
            note="",
            consent=False,
        )
    assert "consent" in refused.value.fields
    assert not Volunteer.objects.exists()


def test_sign_up_runs_the_text_guard_on_free_text(world: World) -> None:
    with pytest.raises(VigilError) as refused:
        volunteers.sign_up(
            group=world.north,
            name="Rosa",
            contact="+16125550100",
            language="en",
            languages=[],
            neighbourhood="",
            availability=[],
            note="The agent lives at 12 Elm St, follow him home",
            consent=True,
        )
    assert "note" in refused.value.fields


def test_a_phone_contact_is_normalised(world: World) -> None:
    volunteer = applicant(world, contact="+1 (612) 555-0100")
    assert volunteer.contact_is_phone
    assert unseal(volunteer.contact_sealed, purpose="volunteer-contact") == "+16125550100"


def test_inviting_to_training_writes_to_the_applicant_with_a_personal_link(
    world: World, by_email_and_sms: None, sent: Callable[[], AbstractContextManager[object]]
) -> None:
    volunteer = applicant(world)
    with pytest.raises(VigilError):
        volunteers.make_observer(actor=world.alice, volunteer=volunteer)  # not trained yet
    with sent():
        volunteers.invite_to_training(actor=world.alice, volunteer=volunteer)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.INVITED
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rosa@example.org"]
    assert "/trainings/?v=" in mail.outbox[0].body
    token = mail.outbox[0].body.split("?v=")[1].split()[0]
    assert volunteers.volunteer_from_token(token) == volunteer
    assert volunteers.volunteer_from_token(token + "x") is None


def test_inviting_without_any_channel_is_refused_and_changes_nothing(world: World) -> None:
    volunteer = applicant(world)
    with pytest.raises(VigilError):
        volunteers.invite_to_training(actor=world.alice, volunteer=volunteer)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPLIED


def test_the_whole_pipeline_ends_with_an_invitation_and_never_a_password(
    world: World, by_email_and_sms: None, sent: Callable[[], AbstractContextManager[object]]
) -> None:
    volunteer = applicant(world)
    volunteers.invite_to_training(actor=world.alice, volunteer=volunteer)
    training = session(world)
    registration = trainings.register(training=training, volunteer=volunteer)
    trainings.mark_attended(actor=world.alice, registration=registration)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.TRAINED

    with sent():
        observer = volunteers.make_observer(actor=world.alice, volunteer=volunteer)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE and volunteer.user == observer.user
    assert not observer.user.has_usable_password()
    assert observer.trained_on == timezone.localdate()
    assert observer.training_expires_on is not None and observer.training_expires_on > timezone.localdate()
    assert observer.code_accepted_at == volunteer.consented_at
    assert Membership.objects.filter(user=observer.user, group=world.north, role=Role.OBSERVER).exists()
    # The history moved to the observer.
    assert CertificationRecord.objects.get().observer == observer
    assert TrainingRegistration.objects.get().observer == observer

    invitation = mail.outbox[-1].body
    assert observer.user.get_username() in invitation and "/volunteer/welcome/" in invitation
    link = invitation[invitation.index("http") :].split()[0]
    path = link.split("127.0.0.1:8000", 1)[1]
    client = Client()
    set_password = client.get(path)
    assert set_password.status_code == 302
    done = client.post(
        set_password["Location"], {"new_password1": "a long new secret 42", "new_password2": "a long new secret 42"}
    )
    assert done.status_code == 302
    observer.user.refresh_from_db()
    assert observer.user.check_password("a long new secret 42")
    # The link worked once.
    again = Client().get(path, follow=True)
    assert "expired or was already used" in again.content.decode()


def test_a_phone_applicant_is_invited_by_sms_and_their_phone_becomes_the_observer_phone(
    world: World,
    by_email_and_sms: None,
    sent: Callable[[], AbstractContextManager[object]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sms: list[tuple[str, str]] = []

    def fake_sms(*, to: str, body: str) -> str:
        sms.append((to, body))
        return "SM1"

    monkeypatch.setattr("vigil.network.notify.send_sms", fake_sms)
    volunteer = applicant(world, contact="+16125550100")
    with sent():
        volunteers.invite_to_training(actor=world.alice, volunteer=volunteer)
    assert sms[0][0] == "+16125550100"
    registration = trainings.register(training=session(world), volunteer=volunteer)
    trainings.mark_attended(actor=world.alice, registration=registration)
    with sent():
        observer = volunteers.make_observer(actor=world.alice, volunteer=Volunteer.objects.get(pk=volunteer.pk))
    assert unseal(observer.phone_sealed or b"", purpose="observer-phone") == "+16125550100"
    assert observer.notify_by == ["inbox", "sms"]
    assert "/volunteer/welcome/" in sms[-1][1]


def test_declined_applicants_can_be_reopened_but_not_invited(world: World, by_email_and_sms: None) -> None:
    volunteer = applicant(world)
    volunteers.decline(actor=world.alice, volunteer=volunteer)
    with pytest.raises(VigilError):
        volunteers.invite_to_training(actor=world.alice, volunteer=volunteer)
    volunteers.reopen(actor=world.alice, volunteer=volunteer)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPLIED


def test_deleting_an_applicant_deletes_their_training_history(world: World) -> None:
    volunteer = applicant(world)
    registration = trainings.register(training=session(world), volunteer=volunteer)
    trainings.mark_attended(actor=world.alice, registration=registration)
    assert CertificationRecord.objects.count() == 1
    volunteers.delete_volunteer(actor=world.alice, volunteer=volunteer)
    assert not Volunteer.objects.exists()
    assert not TrainingRegistration.objects.exists() and not CertificationRecord.objects.exists()


def test_deleting_an_observer_deletes_their_training_history(world: World) -> None:
    carol = Observer.objects.get(user=world.carol)
    registration = trainings.register(training=session(world), observer=carol)
    trainings.mark_attended(actor=world.alice, registration=registration)
    carol.user.delete()
    assert not TrainingRegistration.objects.exists() and not CertificationRecord.objects.exists()
