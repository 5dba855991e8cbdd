"""Replay: 320 fake API reports placed around the world hid two real raids from every dispatcher. Reports outside
the network's zones and their margin are kept, answered with where to get help, and put in nobody's queue."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.world import NORTH_CENTER, World
from vigil.hotline.models import Incident, Report
from vigil.places import service_area

FAR_AWAY = [(35.6762, 139.6503), (-33.8688, 151.2093), (51.5074, -0.1278), (44.9778 + 0.5, -93.2650)]


@pytest.fixture(autouse=True)
def _fresh(fresh_rate_limits: None) -> None:
    pass


def _api(lat: float, lon: float, client: Client | None = None) -> tuple[int, dict[str, object]]:
    body = {"activity": "agents stopping cars", "lat": lat, "lon": lon}
    response = (client or Client()).post("/api/v1/reports", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_a_report_far_away_is_kept_answered_with_help_and_opens_no_incident(world: World) -> None:
    status, answer = _api(*FAR_AWAY[0])
    assert status == 201 and answer["status"] == "outside_area" and answer["placed"] is False
    assert "rapid response" in str(answer["help"])
    report = Report.objects.get()
    assert report.outside_area and report.incident_id is None
    assert not Incident.objects.exists()


def test_the_flood_does_not_reach_the_dispatchers_or_the_operators(world: World) -> None:
    for n, (lat, lon) in enumerate(FAR_AWAY * 3):
        _api(lat, lon, Client(REMOTE_ADDR=f"198.51.100.{n + 1}"))
    real = _api(*NORTH_CENTER)
    assert real[0] == 201 and real[1]["placed"] is True
    assert Incident.objects.count() == 1
    queue = world.client_for(world.bob).get(reverse("console:queue")).content.decode()
    assert queue.count("data-incident=") == 1
    operator = world.client_for(world.dave).get(reverse("intake:operator")).content.decode()
    for report in Report.objects.filter(outside_area=True):
        assert report.receipt not in operator


def test_the_margin_around_the_zones_is_served(world: World) -> None:
    import h3
    from django.conf import settings

    inside = h3.latlng_to_cell(*NORTH_CENTER, settings.VIGIL_H3_RES_REPORT)
    assert service_area.serves(inside)
    ring = h3.grid_ring(
        h3.cell_to_parent(inside, settings.VIGIL_H3_RES_ZONE), 3 + settings.VIGIL_SERVICE_MARGIN_RINGS + 1
    )
    assert service_area.serves(ring[0]) is False  # the zone is 3 rings wide; beyond its margin is outside
    near = h3.grid_ring(h3.cell_to_parent(inside, settings.VIGIL_H3_RES_ZONE), 3 + settings.VIGIL_SERVICE_MARGIN_RINGS)
    assert service_area.serves(near[0])


def test_a_network_without_zones_serves_everywhere(db: None) -> None:
    status, answer = _api(*FAR_AWAY[0])
    assert status == 201 and answer["status"] != "outside_area"


def test_the_web_form_tells_the_reporter_where_to_get_help(world: World) -> None:
    from tests.intake.test_report_form import _form

    response = Client().post("/report", _form(lat=str(FAR_AWAY[1][0]), lon=str(FAR_AWAY[1][1])))
    assert response.status_code == 201
    assert "outside the area our hotline covers" in response.content.decode()
