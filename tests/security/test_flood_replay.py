"""Replay: 320 fake API reports placed around the world hid two real raids from every dispatcher.

The flood is sent again through the public API, with the two raids reported as they were (a text message and a call
to the hotline each). Far-away reports stay out of every queue (tests/security/test_service_area.py); those placed in
a zone make its intake jump, so the queue shows a flood warning and groups the burst's uncorroborated incidents under
it; those in the margin around the zones go to the "outside every zone" tab. The raids are the first two rows."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator

import h3
import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.factories import km_north
from tests.intake.test_report_form import _form
from tests.intake.test_sms import SITE, TOKEN, _params, _send
from tests.world import NORTH_CENTER, World
from vigil.hotline.models import Channel, Incident, Report
from vigil.places.models import ZoneCell

WORLDWIDE, IN_ZONE, IN_MARGIN = 220, 60, 40
RAIDS = (km_north(0.9), km_north(-0.9))


@pytest.fixture(autouse=True)
def _fresh(fresh_rate_limits: None) -> Iterator[None]:
    with override_settings(TWILIO_AUTH_TOKEN=TOKEN, SITE_URL=SITE):
        yield


def _api(n: int, lat: float, lon: float) -> None:
    body = {"activity": "agents everywhere, come now", "lat": lat, "lon": lon}
    client = Client(REMOTE_ADDR=f"10.{n // 250}.{n % 250}.9")
    response = client.post("/api/v1/reports", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content


def _flood(world: World, *, worldwide: int = WORLDWIDE, in_margin: int = IN_MARGIN) -> None:
    rng = random.Random(320)
    zone_cells = sorted(ZoneCell.objects.filter(zone=world.north_zone).values_list("cell", flat=True))
    centre = h3.latlng_to_cell(*NORTH_CENTER, settings.VIGIL_H3_RES_ZONE)
    margin = [c for k in range(4, 3 + settings.VIGIL_SERVICE_MARGIN_RINGS) for c in h3.grid_ring(centre, k)]
    points = [(rng.uniform(-60, 70), rng.uniform(-180, 180)) for _ in range(worldwide)]
    points += [h3.cell_to_latlng(rng.choice(zone_cells)) for _ in range(IN_ZONE)]
    points += [h3.cell_to_latlng(rng.choice(margin)) for _ in range(in_margin)]
    rng.shuffle(points)
    for n, (lat, lon) in enumerate(points):
        _api(n, lat, lon)


def _raid(world: World, at: tuple[float, float], sender: str) -> Incident:
    """One raid as it was reported: a text from someone who saw it, and a call the hotline operator typed in."""
    _send(_params("agents detaining people", sender=sender))
    _send(_params(f"{at[0]:.5f}, {at[1]:.5f}", sender=sender))
    _send(_params("STOP", sender=sender))
    operator = world.client_for(world.dave).post("/operator/", _form(lat=str(at[0]), lon=str(at[1] + 0.0003)))
    assert operator.status_code in (200, 201, 303), operator.content
    texted = Report.objects.filter(channel=Channel.SMS, sender_hash__isnull=False).latest("pk")
    called = Report.objects.filter(channel=Channel.OPERATOR).latest("pk")
    assert texted.incident_id is not None and texted.incident_id == called.incident_id
    return Incident.objects.get(pk=texted.incident_id)


def _main_rows(html: str) -> list[int]:
    """Rows of the list itself, not those grouped under a flood warning."""
    return [int(m) for m in re.findall(r'data-incident="(\d+)" data-signature="[0-9a-f]+">', html)]


def _grouped_rows(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'data-incident="(\d+)" data-signature="[0-9a-f]+" data-grouped="1">', html)]


def test_the_two_real_raids_head_the_queue_and_the_flood_is_behind_its_warning(world: World) -> None:
    _flood(world)
    raids = [_raid(world, RAIDS[0], "+16125550101"), _raid(world, RAIDS[1], "+16125550102")]
    assert raids[0].pk != raids[1].pk
    assert Report.objects.filter(channel=Channel.API).count() == WORLDWIDE + IN_ZONE + IN_MARGIN
    assert Report.objects.filter(channel=Channel.API, outside_area=True).count() >= WORLDWIDE

    html = world.client_for(world.bob).get("/console/").content.decode()

    # The first screen: the raids, and nothing of the flood in the list itself.
    main = _main_rows(html)
    assert sorted(main[:2]) == sorted(r.pk for r in raids)
    flooded = Incident.objects.filter(zone=world.north_zone).exclude(pk__in=[r.pk for r in raids])
    assert flooded.exists() and not set(main) & set(flooded.values_list("pk", flat=True))
    # The warning names the zone and the numbers; the burst's incidents are grouped under it.
    in_zone = Report.objects.filter(incident__zone=world.north_zone).count()
    warning = f"Flood warning in North 1: {in_zone} reports in the last 60 minutes, where an hour usually brings 0."
    assert warning in html
    assert sorted(_grouped_rows(html)) == sorted(flooded.values_list("pk", flat=True))
    # The margin's incidents are in their own tab, counted, never in the list.
    unzoned = Incident.objects.filter(zone__isnull=True)
    assert unzoned.exists() and not set(main) & set(unzoned.values_list("pk", flat=True))
    assert f'data-unzoned="{unzoned.count()}"' in html
    tab = world.client_for(world.bob).get("/console/?zone=none").content.decode()
    assert sorted(_main_rows(tab)) == sorted(unzoned.values_list("pk", flat=True))
    # The raids say why they are on top.
    for raid in raids:
        row = html[html.index(f'data-incident="{raid.pk}"') :]
        assert "a hotline operator took a report" in row[: row.index("</tr>")]


def test_a_flood_in_one_zone_warns_only_that_zones_dispatchers(world: World) -> None:
    _flood(world, worldwide=0, in_margin=0)
    assert "Flood warning in North 1" in world.client_for(world.bob).get("/console/queue/rows").content.decode()
    assert "Flood warning" not in world.client_for(world.mallory).get("/console/queue/rows").content.decode()
