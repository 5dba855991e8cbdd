"""Public-safe copies of whole videos: every frame blurred where it must be, no sound, no metadata, made by a task."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from django.test import Client

from tests.evidence.conftest import CaptureOnCommit, mp4_bytes, upload
from tests.evidence.video_clips import (
    GPS,
    MAKE,
    MODEL,
    Frame,
    checkerboard,
    clip_bytes,
    creation_time,
    draw_face,
    read_frames,
    track_handlers,
    with_phone_metadata,
    write_clip,
)
from tests.world import World
from vigil.evidence import derivatives, redaction, retention
from vigil.evidence import media as evidence_media
from vigil.evidence.models import CopyRequest, CustodyEvent, Derivative, EvidenceItem
from vigil.hotline.models import Incident
from vigil.lib.errors import VigilError
from vigil.network.models import Dispatch
from vigil.tlog.models import Leaf

Scene = tuple[Incident, Dispatch]
SIZE = (320, 240)
MARKED = (200, 40, 80, 64)  # x, y, width, height: a checkerboard a coordinator marks
CONTROL = (24, 150, 96, 64)  # another checkerboard nobody marked, that must stay sharp


def _frame(i: int) -> Frame:
    """Frame i: a gradient that drifts over time, a checkerboard in the marked box and another outside it."""
    width, height = SIZE
    frame = np.zeros((height, width, 3), dtype=np.uint8)
    frame[:] = np.linspace(40, 160, width, dtype=np.uint8)[None, :, None]
    frame[:, :, 1] = (frame[:, :, 1].astype(int) + i * 2) % 256
    for x, y, w, h in (MARKED, CONTROL):
        frame[y : y + h, x : x + w] = checkerboard(w, h)
    return frame


def _region(frame: Frame, box: tuple[int, int, int, int]) -> Frame:
    x, y, w, h = box
    return frame[y : y + h, x : x + w]


def _std(frame: Frame, box: tuple[int, int, int, int], inset: int = 4) -> float:
    x, y, w, h = box
    return float(_region(frame, (x + inset, y + inset, w - 2 * inset, h - 2 * inset)).astype(np.float64).std())


@pytest.fixture
def clip(world: World, scene: Scene, tmp_path: Path) -> tuple[EvidenceItem, bytes]:
    _, dispatch = scene
    data = clip_bytes(tmp_path, _frame, count=64, fps=16.0, size=SIZE)
    session = upload(world.client_for(world.carol), dispatch, data, name="clip.mp4")
    return EvidenceItem.objects.get(pk=str(session["item"])), data


def _ask(client: Client, item: EvidenceItem, capture: CaptureOnCommit, kind: str = "video") -> int:
    with capture(execute=True):
        answer = client.post(f"/evidence/items/{item.pk}/derivatives", {"kind": kind})
    return answer.status_code


def _copy_bytes(client: Client, derivative: Derivative) -> bytes:
    answer = client.get(f"/evidence/derivatives/{derivative.pk}")
    assert answer.status_code == 200 and answer["Content-Type"] == "video/mp4"
    return b"".join(answer.streaming_content)  # type: ignore[attr-defined]


def test_the_test_clip_carries_what_a_phone_video_does(clip: tuple[EvidenceItem, bytes], tmp_path: Path) -> None:
    item, data = clip
    assert track_handlers(data) == [b"vide", b"soun"], "a picture track and a sound track"
    assert (item.device, item.captured_at, item.has_location) == ("Acme Cam 2", "2026-03-04T11:06:07Z", True)
    assert (item.width, item.height) == SIZE
    (tmp_path / "in.mp4").write_bytes(data)
    assert len(read_frames(tmp_path / "in.mp4")) == 64, "the clip decodes whole despite the added boxes"


def test_a_public_safe_video_blurs_the_marked_box_on_every_frame_and_keeps_the_rest(
    world: World, clip: tuple[EvidenceItem, bytes], media: Path, tmp_path: Path,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:  # fmt: skip
    item, data = clip
    alice = world.client_for(world.alice)
    x, y, w, h = MARKED
    assert alice.post(f"/evidence/items/{item.pk}/boxes", {"x": x, "y": y, "width": w, "height": h}).status_code == 302
    assert _ask(alice, item, django_capture_on_commit_callbacks) == 302

    request = CopyRequest.objects.get(item=item)
    assert request.state == "done" and request.error == "" and request.finished_at is not None
    derivative = Derivative.objects.get(item=item)
    assert request.derivative == derivative and derivative.media_type == "video/mp4" and derivative.boxes == 1
    copy = _copy_bytes(alice, derivative)
    (tmp_path / "copy.mp4").write_bytes(copy)
    (tmp_path / "original.mp4").write_bytes(data)
    before, after = read_frames(tmp_path / "original.mp4"), read_frames(tmp_path / "copy.mp4")
    assert len(after) == len(before) == 64, "every frame is kept"
    assert after[0].shape == (SIZE[1], SIZE[0], 3), "same size"
    for index, (old, new) in enumerate(zip(before, after, strict=True)):
        assert _std(old, MARKED) > 80 and _std(new, MARKED) < 25, f"frame {index}: the marked box is blurred"
        assert _std(new, CONTROL) > 80, f"frame {index}: the unmarked board stays sharp"
        diff = np.abs(_region(new, CONTROL).astype(int) - _region(old, CONTROL).astype(int)).mean()
        assert diff < 20, f"frame {index}: outside the box the picture is unchanged (mean difference {diff:.1f})"


def test_a_public_safe_video_has_no_sound_and_none_of_the_originals_metadata(
    world: World, clip: tuple[EvidenceItem, bytes], django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    item, data = clip
    alice = world.client_for(world.alice)
    assert _ask(alice, item, django_capture_on_commit_callbacks) == 302
    copy = _copy_bytes(alice, Derivative.objects.get(item=item))
    assert track_handlers(copy) == [b"vide"], "one picture track, no sound track (voices identify people)"
    for secret in (GPS.encode(), b"\xa9xyz", MAKE.encode(), MODEL.encode(), b"\xa9mak", b"\xa9mod"):
        assert secret in data and secret not in copy, secret
    assert creation_time(data) != 0 and creation_time(copy) == 0, "no creation time"
    described = evidence_media.describe("video/mp4", len(copy), lambda start, length: copy[start : start + length])
    assert (described.device, described.captured_at, described.has_location) == (None, None, False)


def test_the_original_is_untouched_and_a_custody_leaf_links_both_hashes(
    world: World, clip: tuple[EvidenceItem, bytes], media: Path, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    from vigil.ledger.canonical import parse_leaf_record

    item, data = clip
    alice = world.client_for(world.alice)
    assert _ask(alice, item, django_capture_on_commit_callbacks) == 302
    derivative = Derivative.objects.get(item=item)
    copy = _copy_bytes(alice, derivative)
    assert (media / item.file_name).read_bytes() == data and hashlib.sha256(data).hexdigest() == item.sha256
    assert hashlib.sha256(copy).hexdigest() == derivative.sha256 and derivative.size == len(copy)
    made = CustodyEvent.objects.get(item=item, kind="derivative_made")
    assert made.actor == world.alice and derivative.custody == made
    leaf = parse_leaf_record(bytes(Leaf.objects.get(index=made.leaf_index).record)).to_record()
    detail = leaf["detail"]
    assert leaf["item_sha256"] == item.sha256
    assert isinstance(detail, dict) and detail["derivative_sha256"] == derivative.sha256
    assert detail["derivative"] == str(derivative.pk) and detail["media_type"] == "video/mp4"
    assert detail["audio"] is False and detail["frames"] == 64


def test_the_item_page_shows_the_copy_waiting_then_done(
    world: World, clip: tuple[EvidenceItem, bytes], django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    item, _ = clip
    alice = world.client_for(world.alice)
    waiting = derivatives.request_video_copy(item=item, user=world.alice)  # on_commit not run: the task waits
    page = alice.get(f"/evidence/items/{item.pk}/").content.decode()
    assert "copy-pending" in page and "Waiting to be made" in page and "copies.js" in page
    again = derivatives.request_video_copy(item=item, user=world.bob)
    assert again.pk == waiting.pk and CopyRequest.objects.count() == 1, "asking twice queues one copy"
    derivatives.make_video_copy(request_id=str(waiting.pk))
    page = alice.get(f"/evidence/items/{item.pk}/").content.decode()
    assert "copy-done" in page and "<video" in page and 'download="' in page
    assert "style=" not in page and "<script>" not in page


def test_a_copy_cut_off_by_a_stopped_worker_is_given_up_and_asked_again(
    world: World, clip: tuple[EvidenceItem, bytes]
) -> None:
    item, _ = clip
    stuck = derivatives.request_video_copy(item=item, user=world.alice)
    CopyRequest.objects.filter(pk=stuck.pk).update(
        state="running", requested_at=stuck.requested_at - derivatives.COPY_STALE * 2
    )
    fresh = derivatives.request_video_copy(item=item, user=world.alice)
    stuck.refresh_from_db()
    assert fresh.pk != stuck.pk and fresh.state == "pending"
    assert stuck.state == "failed" and "Interrupted" in stuck.error
    assert derivatives.make_video_copy(request_id=str(stuck.pk)).state == "failed", "a failed request is not rerun"


def test_a_corrupt_video_fails_with_a_clear_reason_and_leaves_nothing_behind(
    world: World, scene: Scene, media: Path, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    _, dispatch = scene
    data = mp4_bytes()  # an MP4 header and metadata around bytes that are no video at all
    item = EvidenceItem.objects.get(pk=str(upload(world.client_for(world.carol), dispatch, data)["item"]))
    alice = world.client_for(world.alice)
    leaves = Leaf.objects.count()
    assert _ask(alice, item, django_capture_on_commit_callbacks) == 302
    request = CopyRequest.objects.get(item=item)
    assert request.state == "failed" and request.finished_at is not None
    assert "cannot be read" in request.error or "No frame" in request.error, request.error
    assert not Derivative.objects.exists() and not CustodyEvent.objects.filter(kind="derivative_made").exists()
    assert Leaf.objects.count() == leaves, "no leaf"
    derivatives = media / "evidence" / "derivatives"
    assert not derivatives.exists() or not any(derivatives.iterdir()), "no half-written copy in the store"
    page = alice.get(f"/evidence/items/{item.pk}/").content.decode()
    assert "copy-failed" in page and "Failed" in page
    assert (media / item.file_name).read_bytes() == data


def test_only_handlers_of_the_incident_can_ask_for_a_public_safe_video(
    world: World, clip: tuple[EvidenceItem, bytes], django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    item, _ = clip
    for who in ("mallory", "nobody", "carol"):
        assert _ask(world.client_for(getattr(world, who)), item, django_capture_on_commit_callbacks) == 404, who
    assert not CopyRequest.objects.exists()


def test_a_still_of_the_first_frame_is_still_made_at_once_for_marking_boxes(
    world: World, clip: tuple[EvidenceItem, bytes], django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    item, _ = clip
    alice = world.client_for(world.alice)
    assert _ask(alice, item, django_capture_on_commit_callbacks, kind="still") == 302
    assert Derivative.objects.get(item=item).media_type == "image/jpeg" and not CopyRequest.objects.exists()
    assert "data-box-preview" in alice.get(f"/evidence/items/{item.pk}/").content.decode()


def test_a_deleted_original_gets_no_new_copy(world: World, clip: tuple[EvidenceItem, bytes]) -> None:
    item, _ = clip
    retention.delete_original(item=item, reason="retention")
    with pytest.raises(VigilError) as refused:
        derivatives.request_video_copy(item=item, user=world.alice)
    assert refused.value.status == 410


# --- redaction.redact_video itself ------------------------------------------------------------------------------


def _face_position(i: int) -> tuple[int, int]:
    return 130 + 4 * i, 180  # walks right, 4 px a frame


def _face_frame(i: int) -> Frame:
    frame = np.full((360, 480, 3), (90, 110, 100), dtype=np.uint8)
    draw_face(frame, *_face_position(i), 100)
    return frame


def test_a_face_is_blurred_on_every_frame_also_between_detections(tmp_path: Path) -> None:
    source, dest = tmp_path / "face.mp4", tmp_path / "copy.mp4"
    write_clip(source, (_face_frame(i) for i in range(48)), fps=30.0, size=(480, 360))
    result = redaction.redact_video(str(source), str(dest), boxes=[])
    assert result.detect_every == 6, "faces are looked for on every 6th frame at 30 fps"
    assert result.faces >= 1 and result.frames == 48 and result.frames_with_detections >= 6
    before, after = read_frames(source), read_frames(dest)
    assert len(after) == 48
    for index, (old, new) in enumerate(zip(before, after, strict=True)):
        cx, cy = _face_position(index)
        eyes = (cx - 30, cy - 22, 60, 20)  # both eyes and the bridge of the nose
        assert _std(old, eyes, 0) > 30 and _std(new, eyes, 0) < 0.5 * _std(old, eyes, 0), f"frame {index}"


def test_a_detection_reaches_the_frames_around_it_with_a_growing_margin() -> None:
    every, reach = redaction._video_plan(30.0)
    assert (every, reach) == (6, 21)
    found = [redaction._Found(12, [(100, 100, 40, 40)], []), redaction._Found(18, [], [(10, 10, 30, 10)])]
    assert [pad for _, pad in redaction._video_boxes(12, found, reach)] == [redaction.PAD, redaction.PAD + 0.18]
    assert len(redaction._video_boxes(0, found, reach)) == 2, "frames before a detection are covered too"
    assert len(redaction._video_boxes(33, found, reach)) == 2 and redaction._video_boxes(40, found, reach) == []
    assert max(pad for _, pad in redaction._video_boxes(39, found, reach)) <= redaction.VIDEO_MAX_PAD


def test_a_video_filmed_upright_is_described_and_copied_upright(tmp_path: Path) -> None:
    plain = tmp_path / "plain.mp4"
    write_clip(plain, (_frame(i) for i in range(8)), fps=8.0, size=SIZE)
    data = with_phone_metadata(plain.read_bytes(), rotate_quarter=True)
    described = evidence_media.describe("video/mp4", len(data), lambda start, length: data[start : start + length])
    assert (described.width, described.height) == (240, 320)
    (tmp_path / "turned.mp4").write_bytes(data)
    result = redaction.redact_video(str(tmp_path / "turned.mp4"), str(tmp_path / "copy.mp4"), boxes=[(0, 0, 240, 60)])
    assert (result.width, result.height) == (240, 320)
    frames = read_frames(tmp_path / "copy.mp4")
    assert frames[0].shape == (320, 240, 3) and track_handlers((tmp_path / "copy.mp4").read_bytes()) == [b"vide"]


def test_large_videos_are_scaled_down_and_boxes_with_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redaction, "VIDEO_MAX_SIDE", 160)
    source = tmp_path / "big.mp4"
    write_clip(source, (_frame(i) for i in range(6)), fps=6.0, size=SIZE)
    result = redaction.redact_video(str(source), str(tmp_path / "copy.mp4"), boxes=[MARKED])
    assert (result.width, result.height) == (160, 120)
    small = read_frames(tmp_path / "copy.mp4")[0]
    assert small.shape == (120, 160, 3) and _std(small, (102, 22, 36, 28), 0) < 25, "the box, halved, is blurred"


def test_a_file_that_is_no_video_is_refused_with_a_reason(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.mp4"
    bogus.write_bytes(mp4_bytes())
    with pytest.raises(redaction.RedactionError):
        redaction.redact_video(str(bogus), str(tmp_path / "copy.mp4"), boxes=[])
