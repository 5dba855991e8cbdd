"""HEIC photos (the iPhone default): metadata read, pixel cap enforced, public-safe JPEG copies made."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pillow_heif
import pytest
from PIL import Image
from pytest_django import Settings as SettingsWrapper

from tests.evidence.conftest import send_chunk, upload
from tests.world import World
from vigil.evidence import media as evidence_media
from vigil.evidence.models import CustodyEvent, Derivative, EvidenceItem, UploadSession
from vigil.hotline.models import Incident
from vigil.network.models import Dispatch

Scene = tuple[Incident, Dispatch]


def heic_bytes(size: tuple[int, int] = (320, 240), *, gps: bool = True) -> bytes:
    """An iPhone-like HEIC, encoded by libheif through pillow-heif, with EXIF time, device and GPS position."""
    width, height = size
    ys, xs = np.indices((height, width))
    board = (((ys // 10) + (xs // 10)) % 2 * 200 + 30).astype(np.uint8)
    image = Image.fromarray(np.repeat(board[:, :, None], 3, axis=2), "RGB")
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15"
    exif.get_ifd(0x8769)[0x9003] = "2026:03:04 05:06:07"
    exif.get_ifd(0x8769)[0x9011] = "-06:00"
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = (44.0, 58.0, 40.1)
        gps_ifd[3] = "W"
        gps_ifd[4] = (93.0, 15.0, 54.0)
    out = io.BytesIO()
    heif = pillow_heif.from_pillow(image)
    heif.save(out, quality=90, exif=exif.tobytes())
    return out.getvalue()


def test_the_test_photo_is_a_real_heic_with_gps(tmp_path: Path) -> None:
    data = heic_bytes()
    assert data[4:12] == b"ftypheic" and evidence_media.sniff(data[:64]) == "image/heic"
    heif = pillow_heif.open_heif(io.BytesIO(data))
    assert heif.size == (320, 240) and b"iPhone 15" in heif.info["exif"]


def test_a_heic_photo_is_sealed_with_its_capture_time_device_and_size(world: World, scene: Scene) -> None:
    _, dispatch = scene
    session = upload(world.client_for(world.carol), dispatch, heic_bytes(), name="IMG_0001.HEIC")
    assert session["state"] == "complete", session
    item = EvidenceItem.objects.get(pk=str(session["item"]))
    assert item.media_type == "image/heic" and item.is_image
    assert (item.width, item.height) == (320, 240)
    assert item.captured_at == "2026-03-04T05:06:07-06:00" and item.device == "Apple iPhone 15"
    assert item.has_location


def test_a_heic_photo_gets_a_public_safe_jpeg_without_metadata(world: World, scene: Scene, media: Path) -> None:
    _, dispatch = scene
    data = heic_bytes()
    item = EvidenceItem.objects.get(pk=str(upload(world.client_for(world.carol), dispatch, data)["item"]))
    alice = world.client_for(world.alice)
    assert (
        alice.post(f"/evidence/items/{item.pk}/boxes", {"x": 20, "y": 20, "width": 100, "height": 80}).status_code
        == 302
    )
    assert alice.post(f"/evidence/items/{item.pk}/derivatives").status_code == 302
    derivative = Derivative.objects.get(item=item)
    assert derivative.media_type == "image/jpeg" and derivative.boxes == 1
    answer = alice.get(f"/evidence/derivatives/{derivative.pk}")
    copy = b"".join(answer.streaming_content)  # type: ignore[attr-defined]
    assert copy.startswith(b"\xff\xd8") and b"iPhone" not in copy and b"Apple" not in copy
    with Image.open(io.BytesIO(copy)) as image:
        assert image.format == "JPEG" and image.size == (320, 240)
        assert not image.getexif(), "no EXIF, so no GPS and no device"
        pixels = np.asarray(image.convert("L"), dtype=np.float64)
    assert pixels[25:95, 25:115].std() < 25, "the marked box is blurred"
    assert pixels[140:230, 160:310].std() > 60, "the rest stays sharp"
    assert (media / item.file_name).read_bytes() == data, "the original is never altered"
    made = CustodyEvent.objects.get(item=item, kind="derivative_made")
    assert made.detail["derivative_sha256"] == derivative.sha256


def test_a_heic_photo_over_the_pixel_cap_is_refused(world: World, scene: Scene, settings: SettingsWrapper) -> None:
    _, dispatch = scene
    settings.VIGIL_UPLOAD_MAX_PIXELS = 50_000  # the photo has 76,800
    carol = world.client_for(world.carol)
    data = heic_bytes()
    started = carol.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "big.heic", "size": str(len(data))})
    answer = send_chunk(carol, started.json()["url"], data, 0, len(data))
    assert answer.status_code == 422 and "more pixels" in answer.json()["detail"]
    assert not EvidenceItem.objects.exists()
    assert UploadSession.objects.get().state == "failed"


def test_a_heic_photo_with_a_damaged_header_is_refused_with_a_reason(world: World, scene: Scene, media: Path) -> None:
    _, dispatch = scene
    carol = world.client_for(world.carol)
    good = heic_bytes()
    data = good[:28] + bytes(len(good) - 28)  # `ftyp` says HEIC; the `meta` box that describes the picture is gone
    started = carol.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "cut.heic", "size": str(len(data))})
    answer = send_chunk(carol, started.json()["url"], data, 0, len(data))
    assert answer.status_code == 422 and "cannot be read" in answer.json()["detail"], answer.content
    assert not EvidenceItem.objects.exists()
    originals = media / "evidence" / "originals"
    assert not originals.exists() or not any(originals.iterdir()), "nothing kept"


def test_a_heic_photo_with_damaged_pixels_is_kept_but_gets_no_copy(world: World, scene: Scene) -> None:
    import weasyprint  # noqa: F401 - sets Pillow's LOAD_TRUNCATED_IMAGES process-wide, as exporting a bundle does

    _, dispatch = scene
    good = heic_bytes()
    meta_end = 28 + int.from_bytes(good[28:32], "big")
    data = good[: meta_end + 8] + bytes(len(good) - meta_end - 8)  # the headers survive, the picture is zeros
    item = EvidenceItem.objects.get(pk=str(upload(world.client_for(world.carol), dispatch, data)["item"]))
    assert (item.width, item.height) == (320, 240), "evidence is kept as received when its header can be read"
    alice = world.client_for(world.alice)
    answer = alice.post(f"/evidence/items/{item.pk}/derivatives", follow=True)
    assert "cannot be read" in answer.content.decode() and not Derivative.objects.exists()


def test_a_heic_file_too_large_to_open_is_refused(world: World, scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence_media, "HEIF_MAX_BYTES", 1000)
    _, dispatch = scene
    carol = world.client_for(world.carol)
    data = heic_bytes()
    started = carol.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "x.heic", "size": str(len(data))})
    answer = send_chunk(carol, started.json()["url"], data, 0, len(data))
    assert answer.status_code == 422 and "HEIC" in answer.json()["detail"]
    assert not EvidenceItem.objects.exists()
