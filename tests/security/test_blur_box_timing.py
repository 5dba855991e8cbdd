"""Bug: blur-box ids leaked which exist by timing (6.4 ms vs 3.9 ms for a 404): a missing box and another group's
box now cost the same single query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from tests.evidence.conftest import jpeg_bytes, log_key, media, scene, upload  # noqa: F401 - fixtures
from tests.world import World
from vigil.evidence import access
from vigil.evidence.models import BlurBox, EvidenceItem
from vigil.hotline.models import Incident
from vigil.network.models import Dispatch

Scene = tuple[Incident, Dispatch]


@pytest.fixture
def box(world: World, scene: Scene) -> BlurBox:  # noqa: F811
    _, dispatch = scene
    sent = upload(world.client_for(world.carol), dispatch, jpeg_bytes((400, 300)), name="IMG_1.JPG")
    item = EvidenceItem.objects.get(pk=str(sent["item"]))
    return BlurBox.objects.create(item=item, x=1, y=1, width=10, height=10, added_by=world.alice)


def _queries(user: object, pk: int) -> int:
    with CaptureQueriesContext(connection) as captured, pytest.raises(Http404):
        access.blur_box_for(user, pk)  # type: ignore[arg-type]
    return len(captured)


def test_missing_and_forbidden_boxes_cost_the_same(world: World, box: BlurBox) -> None:
    assert _queries(world.mallory, box.pk) == _queries(world.mallory, box.pk + 1000)


def test_the_owner_still_gets_it(world: World, box: BlurBox) -> None:
    assert access.blur_box_for(world.alice, box.pk) == box
