from __future__ import annotations

import pytest

from tests.evidence.conftest import jpeg_bytes, make_incident, upload
from tests.world import World
from vigil.hotline.models import Incident
from vigil.network.models import Dispatch

Scene = tuple[Incident, Dispatch]


def test_attorneys_see_the_incidents_of_their_groups_that_hold_evidence(world: World, scene: Scene) -> None:
    incident, dispatch = scene
    empty = make_incident(world)
    upload(world.client_for(world.carol), dispatch, jpeg_bytes(), name="IMG_0002.JPG")
    page = world.client_for(world.erin).get("/evidence/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f'href="/evidence/incident/{incident.pk}/"' in body
    assert f'href="/evidence/incident/{empty.pk}/"' not in body, "only incidents that hold evidence"


def test_dispatchers_of_another_group_do_not_see_them(world: World, scene: Scene) -> None:
    incident, dispatch = scene
    upload(world.client_for(world.carol), dispatch, jpeg_bytes(), name="IMG_0003.JPG")
    body = world.client_for(world.mallory).get("/evidence/").content.decode()
    assert f"/evidence/incident/{incident.pk}/" not in body


def test_auditors_get_the_log_and_no_incidents(world: World, scene: Scene) -> None:
    incident, dispatch = scene
    upload(world.client_for(world.carol), dispatch, jpeg_bytes(), name="IMG_0004.JPG")
    body = world.client_for(world.frank).get("/evidence/").content.decode()
    assert "/log/checkpoint" in body and "/log/key" in body
    assert f"/evidence/incident/{incident.pk}/" not in body


@pytest.mark.parametrize("who", ["nobody", "carol", "dave"])
def test_people_without_an_evidence_role_get_404(world: World, who: str) -> None:
    assert world.client_for(getattr(world, who)).get("/evidence/").status_code == 404


def test_strangers_are_sent_to_sign_in(client, db) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/evidence/").status_code == 302
