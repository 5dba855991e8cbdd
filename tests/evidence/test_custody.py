"""Evidence on the incident: who sees it, originals (audited custody), blur boxes, public-safe copies, retention."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from django.test import Client
from PIL import Image

from tests.evidence.conftest import CaptureOnCommit, jpeg_bytes, upload
from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.evidence import derivatives, retention, uploads
from vigil.evidence.models import CustodyEvent, Derivative, EvidenceItem
from vigil.hotline.models import Incident
from vigil.ledger.canonical import parse_leaf_record
from vigil.lib.errors import VigilError
from vigil.network.models import Dispatch
from vigil.tlog.models import Leaf

Scene = tuple[Incident, Dispatch]


@pytest.fixture
def photo(world: World, scene: Scene) -> EvidenceItem:
    _, dispatch = scene
    session = upload(world.client_for(world.carol), dispatch, jpeg_bytes((400, 300)), name="IMG_1.JPG")
    return EvidenceItem.objects.get(pk=str(session["item"]))


ROLES = [("erin", 200), ("alice", 200), ("bob", 200), ("carol", 404), ("frank", 404), ("dave", 404), ("mallory", 404)]


@pytest.mark.parametrize(("who", "status"), [*ROLES, ("nobody", 404)])
def test_the_evidence_list_is_for_attorneys_coordinators_and_dispatchers_of_the_group(
    world: World, scene: Scene, photo: EvidenceItem, who: str, status: int
) -> None:
    incident, _ = scene
    answer = world.client_for(getattr(world, who)).get(f"/evidence/incident/{incident.pk}/")
    assert answer.status_code == status
    detail = world.client_for(getattr(world, who)).get(f"/evidence/items/{photo.pk}/")
    assert detail.status_code == status
    if status == 200:
        assert photo.sha256 in answer.content.decode() and photo.sha256 in detail.content.decode()


def test_anonymous_visitors_see_no_evidence(scene: Scene, photo: EvidenceItem) -> None:
    incident, _ = scene
    assert Client().get(f"/evidence/incident/{incident.pk}/").status_code == 302
    assert Client().get(f"/evidence/items/{photo.pk}/original").status_code == 302


def test_opening_an_original_is_audited_and_logged_as_custody(world: World, photo: EvidenceItem) -> None:
    answer = world.client_for(world.erin).get(f"/evidence/items/{photo.pk}/original")
    assert answer.status_code == 200
    data = b"".join(answer.streaming_content)  # type: ignore[attr-defined]
    assert __import__("hashlib").sha256(data).hexdigest() == photo.sha256
    assert answer["X-Content-SHA256"] == photo.sha256
    assert AuditEvent.objects.filter(
        action="evidence.original.view", object_id=str(photo.pk), actor=world.erin
    ).exists()
    viewed = CustodyEvent.objects.get(item=photo, kind="original_viewed")
    assert viewed.actor == world.erin
    record = parse_leaf_record(bytes(Leaf.objects.get(index=viewed.leaf_index).record))
    assert record.to_record()["event"] == "original_viewed" and record.to_record()["actor"] == f"user:{world.erin.pk}"


@pytest.mark.parametrize("who", ["bob", "carol", "mallory", "frank", "nobody"])
def test_only_attorneys_and_coordinators_open_originals(world: World, photo: EvidenceItem, who: str) -> None:
    answer = world.client_for(getattr(world, who)).get(f"/evidence/items/{photo.pk}/original")
    assert answer.status_code == 404
    assert not CustodyEvent.objects.filter(kind="original_viewed").exists()
    assert not AuditEvent.objects.filter(action="evidence.original.view").exists()


def _checkerboard_jpeg(size: tuple[int, int] = (400, 300), *, gps: bool = True) -> bytes:
    yy, xx = np.mgrid[0 : size[1], 0 : size[0]]
    board = (((xx // 4) + (yy // 4)) % 2 * 255).astype(np.uint8)
    image = Image.fromarray(np.dstack([board, board, board]), "RGB")
    exif = Image.Exif()
    exif[0x0110] = "Acme Phone 3"
    if gps:
        exif.get_ifd(0x8825)[2] = (44.0, 59.0, 56.4)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def test_a_public_safe_copy_blurs_marked_boxes_and_strips_metadata(world: World, scene: Scene, media: Path) -> None:
    _, dispatch = scene
    data = _checkerboard_jpeg()
    session = upload(world.client_for(world.carol), dispatch, data, name="board.jpg")
    item = EvidenceItem.objects.get(pk=str(session["item"]))
    assert item.has_location
    alice = world.client_for(world.alice)
    assert (
        alice.post(f"/evidence/items/{item.pk}/boxes", {"x": 40, "y": 40, "width": 120, "height": 100}).status_code
        == 302
    )
    assert alice.post(f"/evidence/items/{item.pk}/derivatives").status_code == 302
    derivative = Derivative.objects.get(item=item)
    assert derivative.boxes == 1
    answer = alice.get(f"/evidence/derivatives/{derivative.pk}")
    copy = b"".join(answer.streaming_content)  # type: ignore[attr-defined]
    with Image.open(io.BytesIO(copy)) as image:
        assert not image.getexif(), "no EXIF at all, so no GPS and no device"
        assert "icc_profile" not in image.info and "xmp" not in image.info and "comment" not in image.info
        pixels = np.asarray(image.convert("L"), dtype=np.float64)
    original = np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.float64)
    inside, inside_before = pixels[50:130, 50:150], original[50:130, 50:150]
    assert inside_before.std() > 100 and inside.std() < 20, "the checkerboard inside the box is gone"
    outside, outside_before = pixels[200:290, 250:390], original[200:290, 250:390]
    assert outside.std() > 100 and np.abs(outside - outside_before).mean() < 25, "the rest is untouched"
    assert open(media / item.file_name, "rb").read() == data, "the original is never altered"
    made = CustodyEvent.objects.get(item=item, kind="derivative_made")
    assert made.detail["derivative"] == str(derivative.pk) and made.detail["derivative_sha256"] == derivative.sha256
    leaf = parse_leaf_record(bytes(Leaf.objects.get(index=made.leaf_index).record)).to_record()
    assert leaf["item_sha256"] == item.sha256 and leaf["detail"]["derivative_sha256"] == derivative.sha256  # type: ignore[index]


def test_the_face_and_plate_detectors_run_on_every_copy(world: World, photo: EvidenceItem) -> None:
    from vigil.evidence import redaction

    rgb = np.zeros((240, 320, 3), dtype=np.uint8)
    faces, plates = redaction.detect(rgb)
    assert faces == [] and plates == []
    result = redaction.redact_array(rgb.copy(), boxes=[(0, 0, 10, 10)])
    assert (result.faces, result.plates, result.boxes) == (0, 0, 1)
    assert world.client_for(world.erin).post(f"/evidence/items/{photo.pk}/derivatives").status_code == 302
    assert Derivative.objects.filter(item=photo).count() == 1


def test_a_box_outside_the_picture_is_refused_with_a_reason(world: World, photo: EvidenceItem) -> None:
    alice = world.client_for(world.alice)
    answer = alice.post(f"/evidence/items/{photo.pk}/boxes", {"x": 390, "y": 0, "width": 50, "height": 10}, follow=True)
    assert "outside the picture" in answer.content.decode()
    answer = alice.post(f"/evidence/items/{photo.pk}/boxes", {"x": "a", "y": 0, "width": 5, "height": 5}, follow=True)
    assert "whole numbers" in answer.content.decode()
    assert photo.blur_boxes.count() == 0


@pytest.mark.parametrize("who", ["erin", "bob", "carol", "mallory"])
def test_only_coordinators_mark_blur_boxes(world: World, photo: EvidenceItem, who: str) -> None:
    answer = world.client_for(getattr(world, who)).post(
        f"/evidence/items/{photo.pk}/boxes", {"x": 1, "y": 1, "width": 5, "height": 5}
    )
    assert answer.status_code == 404 and photo.blur_boxes.count() == 0


def test_a_coordinator_removes_a_box_and_others_cannot(world: World, photo: EvidenceItem) -> None:
    box = derivatives.add_blur_box(item=photo, user=world.alice, x=1, y=1, width=5, height=5)
    assert world.client_for(world.mallory).post(f"/evidence/boxes/{box.pk}/remove").status_code == 404
    assert world.client_for(world.alice).post(f"/evidence/boxes/{box.pk}/remove").status_code == 302
    assert photo.blur_boxes.count() == 0


@pytest.mark.parametrize("who", ["bob", "carol", "mallory"])
def test_only_attorneys_and_coordinators_make_public_safe_copies(world: World, photo: EvidenceItem, who: str) -> None:
    assert world.client_for(getattr(world, who)).post(f"/evidence/items/{photo.pk}/derivatives").status_code == 404
    assert not Derivative.objects.exists()


def test_a_dispatcher_of_the_group_may_see_a_public_safe_copy_but_mallory_may_not(
    world: World, photo: EvidenceItem
) -> None:
    derivative = derivatives.make_derivative(item=photo, user=world.alice)
    assert world.client_for(world.bob).get(f"/evidence/derivatives/{derivative.pk}").status_code == 200
    assert world.client_for(world.mallory).get(f"/evidence/derivatives/{derivative.pk}").status_code == 404


def test_retention_deletes_the_original_and_leaves_its_record_hash_and_a_deleted_leaf(
    world: World, photo: EvidenceItem, media: Path, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    path = media / photo.file_name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        event = retention.delete_original(item=photo, reason="retention period ended")
    assert not path.exists(), "the file goes once the deletion is committed"
    photo.refresh_from_db()
    assert photo.deleted_at is not None and photo.file_name == "" and len(photo.sha256) == 64
    record = parse_leaf_record(bytes(Leaf.objects.get(index=event.leaf_index).record)).to_record()
    assert record["event"] == "deleted" and record["actor"] == "system:retention"
    assert world.client_for(world.erin).get(f"/evidence/items/{photo.pk}/original").status_code == 404
    with pytest.raises(VigilError):
        retention.delete_original(item=photo, reason="again")
    with pytest.raises(VigilError):
        derivatives.make_derivative(item=photo, user=world.alice)


def test_the_retention_command_deletes_an_original_and_refuses_nonsense(
    photo: EvidenceItem, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("delete_evidence_original", "not-a-uuid", reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("delete_evidence_original", str(photo.pk), reason="retention period ended", stdout=io.StringIO())
    photo.refresh_from_db()
    assert photo.deleted_at is not None
    assert CustodyEvent.objects.get(item=photo, kind="deleted").detail == {"reason": "retention period ended"}
    with pytest.raises(CommandError, match="already"):
        call_command("delete_evidence_original", str(photo.pk), reason="again")


def test_the_clock_task_abandons_stale_uploads(world: World, scene: Scene) -> None:
    import datetime as dt

    from vigil.evidence.models import UploadSession
    from vigil.evidence.tasks import expire_stale_uploads

    _, dispatch = scene
    session = uploads.start_upload(dispatch=dispatch, user=world.carol, size=100, name="x", device_time=None)
    UploadSession.objects.filter(pk=session.pk).update(updated_at=session.updated_at - dt.timedelta(days=3))
    expire_stale_uploads.enqueue()
    assert UploadSession.objects.get(pk=session.pk).state == "abandoned"


def test_a_video_gets_a_public_safe_still_of_its_first_frame(world: World, scene: Scene, tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10.0, (160, 120))
    for i in range(10):
        frame = np.full((120, 160, 3), 40 + i * 10, dtype=np.uint8)
        writer.write(frame)
    writer.release()
    data = path.read_bytes()
    _, dispatch = scene
    session = upload(world.client_for(world.carol), dispatch, data, name="clip.mp4")
    item = EvidenceItem.objects.get(pk=str(session["item"]))
    assert item.media_type == "video/mp4"
    derivative = derivatives.make_derivative(item=item, user=world.alice)
    assert derivative.media_type == "image/jpeg"
    answer = world.client_for(world.bob).get(f"/evidence/derivatives/{derivative.pk}")
    with Image.open(io.BytesIO(b"".join(answer.streaming_content))) as still:  # type: ignore[attr-defined]
        assert still.size == (160, 120) and not still.getexif()
