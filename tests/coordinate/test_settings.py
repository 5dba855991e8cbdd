"""Network settings: only coordinators change them, within sane ranges, and every change is audited."""

from __future__ import annotations

import pytest

from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.places.config import current
from vigil.places.models import NetworkSettings

GOOD = {
    "cluster_meters": 500,
    "cluster_minutes": 60,
    "dispatch_pair_size": 3,
    "dispatch_accept_seconds": 120,
    "checkin_minutes": 15,
    "contact_retention_days": 7,
    "publication_delay_hours": 8,
    "publication_min_count": 4,
    "flood_window_minutes": 30,
    "flood_ratio": 6,
    "flood_min_reports": 25,
    "flood_baseline_days": 7,
}


def test_the_form_starts_from_the_settings_in_force(world: World) -> None:
    response = world.client_for(world.alice).get("/network/settings/")
    assert response.status_code == 200
    assert response.context["form"].initial["cluster_meters"] == current().cluster_meters


def test_alice_changes_the_settings_and_the_change_is_audited(world: World) -> None:
    response = world.client_for(world.alice).post("/network/settings/", GOOD)
    assert response.status_code == 302
    config = current()
    assert (config.cluster_meters, config.dispatch_pair_size, config.contact_retention_days) == (500, 3, 7)
    assert NetworkSettings.objects.get(pk=1).updated_by == world.alice
    event = AuditEvent.objects.get(action="network_settings.update")
    assert event.actor == world.alice and event.detail["changes"]["cluster_meters"] == [750, 500]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cluster_meters", 10),
        ("cluster_meters", 100000),
        ("cluster_minutes", 0),
        ("dispatch_pair_size", 0),
        ("dispatch_pair_size", 50),
        ("dispatch_accept_seconds", 5),
        ("checkin_minutes", -3),
        ("contact_retention_days", 3650),
        ("cluster_meters", "lots"),
        ("cluster_minutes", ""),
    ],
)
def test_values_out_of_range_are_refused_and_nothing_changes(world: World, field: str, value: object) -> None:
    response = world.client_for(world.alice).post("/network/settings/", {**GOOD, field: value})
    assert response.status_code == 400
    assert b"errorlist" in response.content
    assert not NetworkSettings.objects.exists()
    assert not AuditEvent.objects.exists()


def test_people_who_are_not_coordinators_cannot_change_settings(world: World) -> None:
    for person in (world.bob, world.dave, world.mallory, world.nobody):
        assert world.client_for(person).post("/network/settings/", GOOD).status_code == 404
    assert not NetworkSettings.objects.exists()


def test_network_settings_belong_to_the_network_admin_not_to_any_coordinator(world: World) -> None:
    from tests.world import make_user
    from vigil.accounts.models import Role

    sam = make_user("sam", world.south, Role.COORDINATOR)
    client = world.client_for(sam)
    assert client.get("/network/").status_code == 200  # Sam coordinates Southside
    assert client.get("/network/settings/").status_code == 404
    assert client.post("/network/settings/", GOOD).status_code == 404
    assert "/network/settings/" not in client.get("/network/").content.decode()
    assert world.client_for(world.alice).get("/network/settings/").status_code == 200
