"""Trainings: registration limits, attendance granting certification, expiry reminders, the calendar feed."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.utils import timezone

from tests.network.test_volunteers import applicant, session
from tests.world import World
from vigil.lib.errors import VigilError
from vigil.network import trainings
from vigil.network.calendar import sessions_ics
from vigil.network.models import CertificationRecord, Notification, Observer, VolunteerStatus


def carol(world: World) -> Observer:
    return Observer.objects.get(user=world.carol)


def test_a_full_session_refuses_the_next_person(world: World) -> None:
    training = session(world, capacity=1)
    trainings.register(training=training, volunteer=applicant(world))
    with pytest.raises(VigilError) as refused:
        trainings.register(training=training, observer=carol(world))
    assert refused.value.code == "full" and "full" in refused.value.message


def test_registering_twice_is_refused(world: World) -> None:
    training = session(world)
    volunteer = applicant(world)
    trainings.register(training=training, volunteer=volunteer)
    with pytest.raises(VigilError) as refused:
        trainings.register(training=training, volunteer=volunteer)
    assert refused.value.code == "duplicate"
    assert training.registrations.count() == 1


def test_a_closed_cancelled_or_started_session_refuses_registration(world: World) -> None:
    closed = session(world)
    trainings.set_open(actor=world.alice, training=closed, open_for_registration=False)
    cancelled = session(world)
    trainings.cancel(actor=world.alice, training=cancelled)
    started = session(world, days=0)
    codes = []
    for training, now in ((closed, None), (cancelled, None), (started, timezone.now() + dt.timedelta(minutes=1))):
        with pytest.raises(VigilError) as refused:
            trainings.register(training=training, observer=carol(world), now=now)
        codes.append(refused.value.code)
    assert codes == ["closed", "cancelled", "closed"]
    assert not closed.registrations.exists()


def test_attending_renews_an_observers_certification_for_twelve_months(world: World) -> None:
    observer = carol(world)
    registration = trainings.register(training=session(world, kind="refresher"), observer=observer)
    trainings.mark_attended(actor=world.alice, registration=registration)
    observer.refresh_from_db()
    today = timezone.localdate()
    assert observer.trained_on == today
    assert observer.training_expires_on == trainings.add_months(today, 12)
    record = CertificationRecord.objects.get()
    assert record.observer == observer and record.expires_on == observer.training_expires_on
    # Taking attendance twice certifies once.
    trainings.mark_attended(actor=world.alice, registration=registration)
    assert CertificationRecord.objects.count() == 1


def test_attending_never_shortens_a_longer_certification(world: World) -> None:
    observer = carol(world)
    far = timezone.localdate() + dt.timedelta(days=500)
    Observer.objects.filter(pk=observer.pk).update(training_expires_on=far)
    registration = trainings.register(training=session(world), observer=observer)
    trainings.mark_attended(actor=world.alice, registration=registration)
    observer.refresh_from_db()
    assert observer.training_expires_on == far


def test_a_teach_in_is_recorded_but_does_not_certify(world: World) -> None:
    volunteer = applicant(world)
    registration = trainings.register(training=session(world, kind="teach_in"), volunteer=volunteer)
    trainings.mark_attended(actor=world.alice, registration=registration)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPLIED
    assert not CertificationRecord.objects.exists()


def test_undoing_attendance_withdraws_the_record(world: World) -> None:
    registration = trainings.register(training=session(world), volunteer=applicant(world))
    trainings.mark_attended(actor=world.alice, registration=registration)
    trainings.mark_attended(actor=world.alice, registration=registration, attended=False)
    registration.refresh_from_db()
    assert registration.attended_at is None and not CertificationRecord.objects.exists()


def test_the_door_code_checks_in_only_with_the_right_token_during_the_session(world: World) -> None:
    training = session(world)
    registration = trainings.register(training=training, observer=carol(world))
    during = training.starts_at + dt.timedelta(minutes=10)
    with pytest.raises(VigilError) as wrong:
        trainings.check_in_at_door(training=training, token="guess", registration=registration, now=during)
    assert wrong.value.code == "bad_token"
    with pytest.raises(VigilError) as early:
        trainings.check_in_at_door(
            training=training,
            token=training.check_in_token,
            registration=registration,
            now=training.starts_at - dt.timedelta(hours=2),
        )
    assert early.value.code == "closed"
    trainings.check_in_at_door(training=training, token=training.check_in_token, registration=registration, now=during)
    registration.refresh_from_db()
    assert registration.attended_at == during


def test_reminders_go_once_per_expiry_to_observers_expiring_within_thirty_days(world: World) -> None:
    today = timezone.localdate()
    Observer.objects.filter(user=world.carol).update(training_expires_on=today + dt.timedelta(days=20))
    Observer.objects.filter(user=world.chris).update(training_expires_on=today + dt.timedelta(days=200))
    assert trainings.remind_expiring_certifications() == 1
    assert trainings.remind_expiring_certifications() == 0
    note = Notification.objects.get(kind="training_expiring")
    assert note.user == world.carol and "/trainings/" in note.body
    # A renewed certification that again nears its end is reminded again.
    Observer.objects.filter(user=world.carol).update(training_expires_on=today + dt.timedelta(days=25))
    assert trainings.remind_expiring_certifications() == 1


def test_the_calendar_feed_lists_sessions_without_meeting_links(world: World) -> None:
    training = session(world)
    online = session(world, days=5)
    online.online, online.place = True, "https://meet.example.org/secret-room"
    online.save()
    cal = icalendar.Calendar.from_ical(sessions_ics([training, online]))
    events = list(cal.walk("VEVENT"))
    assert len(events) == 2
    assert str(events[0]["location"]) == "Public library, room 2"
    assert str(events[1]["location"]) == "online"
    assert events[0].decoded("dtstart") == training.starts_at.replace(microsecond=0)
