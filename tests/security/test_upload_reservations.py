"""Bug: twenty 4 GiB upload sessions could be open at once per observer. Open sessions and reserved bytes are
capped per person."""

from __future__ import annotations

from django.urls import reverse
from pytest_django import Settings as SettingsWrapper

from tests.evidence.conftest import log_key, media, scene  # noqa: F401 - fixtures
from tests.world import World
from vigil.evidence.models import UploadSession
from vigil.hotline.models import Incident
from vigil.network.models import Dispatch

Scene = tuple[Incident, Dispatch]


def _start(world: World, dispatch: Dispatch, size: int) -> int:
    url = reverse("evidence:upload_start", args=[dispatch.pk])
    return world.client_for(world.carol).post(url, {"name": "clip.mp4", "size": str(size)}).status_code


def test_no_more_than_the_allowed_open_uploads(world: World, scene: Scene, settings: SettingsWrapper) -> None:  # noqa: F811
    settings.VIGIL_UPLOAD_MAX_OPEN = 3
    _, dispatch = scene
    assert [_start(world, dispatch, 1_000_000) for _ in range(5)] == [201, 201, 201, 429, 429]
    assert UploadSession.objects.filter(uploaded_by=world.carol).count() == 3


def test_reserved_bytes_are_capped(world: World, scene: Scene, settings: SettingsWrapper) -> None:  # noqa: F811
    settings.VIGIL_UPLOAD_MAX_RESERVED_BYTES = 10 * 1024**2
    _, dispatch = scene
    assert _start(world, dispatch, 6 * 1024**2) == 201
    assert _start(world, dispatch, 6 * 1024**2) == 429
    assert _start(world, dispatch, 4 * 1024**2) == 201
