"""Shifts: the week roster, who is on shift now, and creating, editing and deleting shifts."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.network.models import Observer, Shift


def local(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def fmt(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_the_roster_shows_the_week_and_who_is_on_shift_now(world: World) -> None:
    response = world.client_for(world.alice).get(f"/network/groups/{world.north.pk}/shifts/")
    assert response.status_code == 200
    roster = response.context["roster"]
    assert len(roster.days) == 7 and roster.days[0].weekday() == 0
    assert {s.observer.user.username for s in response.context["on_shift"]} == {"carol", "chris"}
    assert b"shift live" in response.content
    assert world.client_for(world.alice).get(f"/network/groups/{world.north.pk}/shifts/?week=nope").status_code == 404


def test_alice_creates_edits_and_deletes_a_shift(world: World) -> None:
    client = world.client_for(world.alice)
    carol = Observer.objects.get(user=world.carol)
    start, end = local(2, 9), local(2, 13)
    response = client.post(
        f"/network/groups/{world.north.pk}/shifts/",
        {"observer": carol.pk, "starts_at": fmt(start), "ends_at": fmt(end)},
    )
    assert response.status_code == 302
    shift = Shift.objects.get(observer=carol, starts_at=start)
    assert shift.ends_at == end and shift.started_at is None
    week = client.get(response["Location"])
    assert any(shift in day for row in week.context["roster"].rows for day in row.days)

    chris = Observer.objects.get(user=world.chris)
    response = client.post(
        f"/network/shifts/{shift.pk}/",
        {"observer": chris.pk, "starts_at": fmt(local(2, 10)), "ends_at": fmt(local(2, 16))},
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.observer == chris and shift.ends_at == local(2, 16)

    assert client.post(f"/network/shifts/{shift.pk}/delete/").status_code == 302
    assert not Shift.objects.filter(pk=shift.pk).exists()
    actions = sorted(AuditEvent.objects.filter(object_type="shift").values_list("action", flat=True))
    assert actions == ["shift.create", "shift.delete", "shift.update"]


def test_bad_shifts_are_refused_with_a_reason(world: World) -> None:
    client = world.client_for(world.alice)
    carol = Observer.objects.get(user=world.carol)
    url = f"/network/groups/{world.north.pk}/shifts/"
    before = Shift.objects.count()
    cases = [
        ({"observer": carol.pk, "starts_at": fmt(local(3, 12)), "ends_at": fmt(local(3, 9))}, b"end after it starts"),
        ({"observer": carol.pk, "starts_at": fmt(local(3, 6)), "ends_at": fmt(local(4, 6))}, b"at most 12 hours"),
        (
            {
                "observer": carol.pk,
                "starts_at": fmt(timezone.now()),
                "ends_at": fmt(timezone.now() + dt.timedelta(hours=1)),
            },
            b"already has a shift",
        ),
        ({"observer": carol.pk, "starts_at": "tomorrow", "ends_at": fmt(local(3, 9))}, b"Enter a valid date/time"),
        ({"starts_at": fmt(local(3, 9)), "ends_at": fmt(local(3, 12))}, b"This field is required"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content, data
    assert Shift.objects.count() == before


def test_a_shift_cannot_be_given_to_another_groups_observer(world: World) -> None:
    from tests.world import SOUTH_CENTER, make_observer

    sofia = Observer.objects.get(user=make_observer("sofia", world.south, SOUTH_CENTER))
    response = world.client_for(world.alice).post(
        f"/network/groups/{world.north.pk}/shifts/",
        {"observer": sofia.pk, "starts_at": fmt(local(2, 9)), "ends_at": fmt(local(2, 12))},
    )
    assert response.status_code == 400 and b"Select a valid choice" in response.content
    assert not Shift.objects.filter(observer=sofia, starts_at=local(2, 9)).exists()
