"""Going on and off shift from the phone: only a coarse H3 cell is kept, and only while on shift."""

from __future__ import annotations

import datetime as dt

import h3
from django.conf import settings
from django.utils import timezone

from tests.factories import observer_of
from tests.world import NORTH_CENTER, World
from vigil.accounts.models import AuditEvent
from vigil.hotline.models import Incident
from vigil.network.dispatch import dispatch_observers
from vigil.network.models import Dispatch, DispatchStatus, Observer, Shift
from vigil.network.selectors import nearest_available_observers
from vigil.network.shifts import close_ended_shifts, open_shift
from vigil.places.models import ZoneCell


def off_shift(observer: Observer) -> None:
    Shift.objects.filter(observer=observer).delete()


def test_going_on_shift_keeps_only_the_coarse_cell_of_the_phone(world: World) -> None:
    carol = observer_of(world.carol)
    off_shift(carol)
    lat, lon = 44.99912, -93.27034
    response = world.client_for(world.carol).post("/observer/shift/on", {"lat": lat, "lon": lon, "hours": "2"})
    assert response.status_code == 302
    shift = Shift.objects.get(observer=carol)
    assert shift.cell == h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_ZONE)
    assert h3.get_resolution(shift.cell) == 8
    assert shift.started_at is not None and shift.ended_at is None
    assert shift.ends_at - shift.starts_at == dt.timedelta(hours=2)
    # Nothing finer than the cell is stored anywhere on the shift.
    stored = " ".join(str(v) for v in Shift.objects.filter(pk=shift.pk).values().get().values())
    assert "44.999" not in stored and "93.270" not in stored


def test_without_javascript_the_observer_picks_a_zone(world: World) -> None:
    carol = observer_of(world.carol)
    off_shift(carol)
    response = world.client_for(world.carol).post("/observer/shift/on", {"zone": world.north_zone.pk, "hours": "4"})
    assert response.status_code == 302
    shift = Shift.objects.get(observer=carol)
    assert ZoneCell.objects.filter(zone=world.north_zone, cell=shift.cell).exists()
    assert shift.cell == h3.latlng_to_cell(*NORTH_CENTER, settings.VIGIL_H3_RES_ZONE)


def test_a_shift_scheduled_for_now_is_started_rather_than_a_new_one(world: World) -> None:
    carol = observer_of(world.carol)
    Shift.objects.filter(observer=carol).update(started_at=None, cell="")
    world.client_for(world.carol).post("/observer/shift/on", {"zone": world.north_zone.pk, "hours": "4"})
    assert Shift.objects.filter(observer=carol).count() == 1
    assert Shift.objects.get(observer=carol).started_at is not None


def test_updating_the_area_while_on_shift_moves_the_cell(world: World) -> None:
    carol = observer_of(world.carol)
    world.client_for(world.carol).post("/observer/shift/on", {"lat": 44.95, "lon": -93.2, "hours": "4"})
    assert Shift.objects.filter(observer=carol).count() == 1
    assert Shift.objects.get(observer=carol).cell == h3.latlng_to_cell(44.95, -93.2, 8)


def test_going_off_shift_forgets_the_cell(world: World, incident: Incident) -> None:
    carol = observer_of(world.carol)
    response = world.client_for(world.carol).post("/observer/shift/off")
    assert response.status_code == 302
    shift = Shift.objects.get(observer=carol)
    assert shift.cell == ""
    assert shift.ended_at is not None
    assert open_shift(carol) is None
    assert [o.user.username for o in nearest_available_observers(incident=incident, count=5)] == ["chris"]


def test_going_off_shift_is_refused_while_on_a_dispatch(world: World, incident: Incident) -> None:
    dispatch_observers(incident=incident, actor=world.bob)
    dispatch = Dispatch.objects.get(incident=incident, observer__user=world.carol)
    client = world.client_for(world.carol)
    client.post(f"/observer/dispatch/{dispatch.pk}/accept", {"code_acknowledged": "on"})
    response = client.post("/observer/shift/off")
    assert response.status_code == 409
    assert "check out safe first" in response.content.decode()
    assert Shift.objects.get(observer__user=world.carol).cell != ""


def test_going_off_shift_declines_waiting_offers(world: World, incident: Incident) -> None:
    dispatch_observers(incident=incident, actor=world.bob, count=1)
    offer = Dispatch.objects.get(incident=incident)
    assert offer.observer.user == world.carol
    world.client_for(world.carol).post("/observer/shift/off")
    offer.refresh_from_db()
    assert offer.status == DispatchStatus.DECLINED
    assert Dispatch.objects.get(incident=incident, status=DispatchStatus.SENT).observer.user == world.chris


def test_ended_shifts_lose_their_cell_on_schedule(world: World) -> None:
    later = timezone.now() + dt.timedelta(hours=4)
    assert close_ended_shifts(now=later) == 2
    assert set(Shift.objects.values_list("cell", flat=True)) == {""}
    assert Shift.objects.filter(ended_at__isnull=True).count() == 0


def test_bad_locations_get_a_clear_400_and_change_nothing(world: World) -> None:
    carol = observer_of(world.carol)
    before = list(Shift.objects.filter(observer=carol).values())
    client = world.client_for(world.carol)
    for data, message in [
        ({"hours": "4"}, "Share your phone"),
        ({"lat": "200", "lon": "0", "hours": "4"}, "The location your phone sent is not valid"),
        ({"lat": "abc", "lon": "0", "hours": "4"}, "The location your phone sent is not valid"),
        ({"lat": "44.9", "lon": "-500", "hours": "4"}, "The location your phone sent is not valid"),
        ({"zone": world.south_zone.pk, "hours": "4"}, "Select a valid choice"),
        ({"zone": "999999", "hours": "4"}, "Select a valid choice"),
        ({"zone": world.north_zone.pk, "hours": "99"}, "Select a valid choice"),
    ]:
        response = client.post("/observer/shift/on", data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert list(Shift.objects.filter(observer=carol).values()) == before


def test_an_observer_must_accept_the_code_before_going_on_shift(world: World) -> None:
    carol = observer_of(world.carol)
    Observer.objects.filter(pk=carol.pk).update(code_accepted_at=None)
    off_shift(carol)
    client = world.client_for(world.carol)
    home = client.get("/observer/").content.decode()
    assert "You have not accepted the observer code of conduct yet" in home
    response = client.post("/observer/shift/on", {"zone": world.north_zone.pk, "hours": "4"})
    assert response.status_code == 302
    assert response["Location"] == "/observer/code-of-conduct/"
    assert not Shift.objects.filter(observer=carol).exists()


def test_accepting_the_code_of_conduct_makes_an_observer_dispatchable(world: World, incident: Incident) -> None:
    carol = observer_of(world.carol)
    Observer.objects.filter(pk=carol.pk).update(code_accepted_at=None)
    client = world.client_for(world.carol)
    page = client.get("/observer/code-of-conduct/")
    assert page.status_code == 200
    assert "never follow" in page.content.decode().lower()
    refused = client.post("/observer/code-of-conduct/", {})
    assert refused.status_code == 400
    assert "Tick the box" in refused.content.decode()
    carol.refresh_from_db()
    assert carol.code_accepted_at is None
    assert client.post("/observer/code-of-conduct/", {"accept": "on"}).status_code == 302
    carol.refresh_from_db()
    assert carol.code_accepted_at is not None
    assert AuditEvent.objects.filter(actor=world.carol, action="code_of_conduct_accepted").exists()
    assert "carol" in [o.user.username for o in nearest_available_observers(incident=incident, count=5)]


def test_home_warns_when_training_is_not_current(world: World) -> None:
    Observer.objects.filter(user=world.carol).update(training_expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert "training is not current" in world.client_for(world.carol).get("/observer/").content.decode()
