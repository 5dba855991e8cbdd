"""Fixtures for the evidence tests: a media store per test, the log's signing key, an incident carol was sent to."""

from __future__ import annotations

import datetime as dt
import io
import struct
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image
from pytest_django import Settings as SettingsWrapper

from tests import factories
from tests.world import NORTH_CENTER, World
from vigil.hotline.models import Incident
from vigil.network.models import Dispatch, DispatchStatus

CaptureOnCommit = Callable[..., AbstractContextManager[list[Callable[[], object]]]]


@pytest.fixture
def media(tmp_path: Path, settings: SettingsWrapper) -> Iterator[Path]:
    """A fresh local media store for one test (default_storage follows the STORAGES setting)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    settings.VIGIL_UPLOAD_CHUNK_BYTES = 64 * 1024
    yield root


@pytest.fixture
def log_key(settings: SettingsWrapper, tmp_path: Path) -> Path:
    from vigil.tlog.keys import ensure_signing_key

    path = tmp_path / "keys" / "log-signing.key"
    settings.VIGIL_LOG_SIGNING_KEY_FILE = path
    ensure_signing_key(path)
    return path


def make_incident(world: World, *, zone: bool = True) -> Incident:
    """An incident with one web report at the centre of Northside's zone (or unzoned)."""
    return factories.make_incident(world.north_zone if zone else None, NORTH_CENTER, minutes_ago=10)


def make_dispatch(incident: Incident, user: object, status: str = DispatchStatus.ACCEPTED) -> Dispatch:
    now = timezone.now()
    return Dispatch.objects.create(
        incident=incident,
        observer=user.observer,  # type: ignore[attr-defined]
        status=status,
        sent_at=now - dt.timedelta(minutes=4),
        answer_by=now - dt.timedelta(minutes=1),
        responded_at=now - dt.timedelta(minutes=3),
    )


@pytest.fixture
def scene(world: World, media: Path, log_key: Path) -> tuple[Incident, Dispatch]:
    incident = make_incident(world)
    return incident, make_dispatch(incident, world.carol)


def jpeg_bytes(size: tuple[int, int] = (320, 240), *, gps: bool = True, seed: int = 1) -> bytes:
    """A photo-like JPEG with EXIF capture time, device and GPS tags."""
    import numpy as np

    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    image = Image.fromarray(pixels, "RGB")
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    exif[0x0110] = "Acme Phone 3"
    exif.get_ifd(0x8769)[0x9003] = "2026:03:04 05:06:07"
    exif.get_ifd(0x8769)[0x9011] = "-06:00"
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = (44.0, 59.0, 56.4)
        gps_ifd[3] = "W"
        gps_ifd[4] = (93.0, 16.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=92)
    return out.getvalue()


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4_bytes(*, moov_first: bool = True, mdat_size: int = 200_000) -> bytes:
    """A minimal ISO-BMFF file: ftyp, moov (mvhd with a creation time, udta with ©mak/©mod/©xyz), mdat."""
    created = int(
        (dt.datetime(2026, 3, 4, 11, 6, 7, tzinfo=dt.UTC) - dt.datetime(1904, 1, 1, tzinfo=dt.UTC)).total_seconds()
    )
    mvhd = box(b"mvhd", bytes([0, 0, 0, 0]) + struct.pack(">IIII", created, created, 1000, 5000) + bytes(80))

    def text(kind: bytes, value: str) -> bytes:
        raw = value.encode()
        return box(kind, struct.pack(">HH", len(raw), 0x15C7) + raw)

    udta = box(b"udta", text(b"\xa9mak", "Acme") + text(b"\xa9mod", "Acme Cam 2") + text(b"\xa9xyz", "+44.99-093.27/"))
    moov = box(b"moov", mvhd + udta)
    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")
    mdat = box(b"mdat", bytes(range(256)) * (mdat_size // 256))
    return ftyp + (moov + mdat if moov_first else mdat + moov)


def upload(
    client: Client, dispatch: Dispatch, data: bytes, *, name: str = "clip.bin", chunk: int = 64 * 1024
) -> dict[str, object]:
    """Send `data` through the chunk protocol like upload.js does; the final session JSON."""
    started = client.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": name, "size": str(len(data))})
    assert started.status_code == 201, started.content
    session: dict[str, object] = started.json()
    offset = 0
    while offset < len(data):
        part = data[offset : offset + chunk]
        answer = send_chunk(client, str(session["url"]), part, offset, len(data))
        assert answer.status_code == 200, answer.content
        session = answer.json()
        offset += len(part)
    return session


def send_chunk(client: Client, url: str, part: bytes, offset: int, total: int, *, length: int | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        url,
        data=part,
        content_type="application/octet-stream",
        headers={"Content-Range": f"bytes {offset}-{offset + (length or len(part)) - 1}/{total}"},
    )
