"""Uploads from the scene: chunked, resumable, hashed while received, refused clearly when wrong."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.test import Client

from tests.evidence.conftest import jpeg_bytes, make_dispatch, mp4_bytes, send_chunk, upload
from tests.evidence.test_media import png_header
from tests.world import World
from vigil.evidence import uploads
from vigil.evidence.models import CustodyEvent, EvidenceItem, UploadSession, UploadState
from vigil.hotline.models import Incident, IncidentEvent
from vigil.network.models import Dispatch, DispatchStatus
from vigil.tlog.models import Leaf

Scene = tuple[Incident, Dispatch]


def originals(media: Path) -> list[Path]:
    folder = media / "evidence" / "originals"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def partials(media: Path) -> list[Path]:
    folder = media / "evidence" / "partial"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_an_observer_uploads_a_photo_in_chunks_and_it_is_sealed(world: World, scene: Scene, media: Path) -> None:
    incident, dispatch = scene
    data = jpeg_bytes((900, 700))
    assert len(data) > 3 * 64 * 1024, "several chunks"
    session = upload(world.client_for(world.carol), dispatch, data, name="IMG_0001.JPG")
    assert session["state"] == "complete"
    assert session["sha256"] == hashlib.sha256(data).hexdigest()
    item = EvidenceItem.objects.get(pk=str(session["item"]))
    assert (item.incident, item.dispatch, item.uploaded_by) == (incident, dispatch, world.carol)
    assert item.media_type == "image/jpeg" and item.size == len(data)
    assert item.captured_at == "2026-03-04T05:06:07-06:00" and item.device == "Acme Phone 3" and item.has_location
    assert (item.width, item.height) == (900, 700)
    stored = originals(media)
    assert [p.read_bytes() for p in stored] == [data], "the original is stored untouched"
    assert partials(media) == []
    leaves = list(Leaf.objects.order_by("index"))
    assert [leaf.index for leaf in leaves] == [item.leaf_index, item.leaf_index + 1]
    assert b'"type":"evidence_item"' in bytes(leaves[0].record) and item.sha256.encode() in bytes(leaves[0].record)
    assert CustodyEvent.objects.get(item=item).kind == "uploaded"
    assert IncidentEvent.objects.filter(incident=incident, kind="evidence_added").count() == 1


def test_the_device_clock_and_the_server_receipt_time_are_both_kept(world: World, scene: Scene) -> None:
    _, dispatch = scene
    client = world.client_for(world.carol)
    data = mp4_bytes()
    started = client.post(
        f"/evidence/dispatch/{dispatch.pk}/uploads",
        {"name": "clip.mp4", "size": str(len(data)), "device_time": "2026-03-04T11:07:00.250Z"},
    )
    url = started.json()["url"]
    offset = 0
    while offset < len(data):
        assert send_chunk(client, url, data[offset : offset + 65536], offset, len(data)).status_code == 200
        offset += 65536
    item = EvidenceItem.objects.get()
    assert item.device_time is not None and item.device_time.isoformat() == "2026-03-04T11:07:00.250000+00:00"
    assert item.received_at > item.device_time
    assert item.media_type == "video/mp4" and item.captured_at == "2026-03-04T11:06:07Z" and item.device == "Acme Cam 2"


def test_a_resumed_upload_yields_the_same_hash_as_an_uninterrupted_one(world: World, scene: Scene, media: Path) -> None:
    _, dispatch = scene
    client = world.client_for(world.carol)
    data = mp4_bytes(mdat_size=400_000)
    whole = upload(client, dispatch, data)
    started = client.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "again.mp4", "size": str(len(data))})
    url = started.json()["url"]
    assert send_chunk(client, url, data[:65536], 0, len(data)).status_code == 200
    # The connection drops in the middle of the second chunk: the server gets only part of the body.
    environ: dict[str, object] = {"CONTENT_LENGTH": "65536", "wsgi.input": io.BytesIO(data[65536:100000])}
    cut = client.generic(
        "POST",
        url,
        b"",
        content_type="application/octet-stream",
        headers={"Content-Range": f"bytes 65536-131071/{len(data)}"},
        **environ,  # type: ignore[arg-type]
    )
    assert cut.status_code == 400
    status = client.get(url).json()
    assert status["received"] == 65536 and status["state"] == "open"
    # A chunk sent from the wrong place is turned away with where to resume from.
    wrong = send_chunk(client, url, data[131072:196608], 131072, len(data))
    assert wrong.status_code == 409 and wrong.json()["received"] == 65536
    offset = status["received"]
    while offset < len(data):
        answer = send_chunk(client, url, data[offset : offset + 65536], offset, len(data))
        assert answer.status_code == 200
        offset += 65536
    resumed = answer.json()
    assert resumed["sha256"] == whole["sha256"] == hashlib.sha256(data).hexdigest()
    assert [p.read_bytes() for p in originals(media)] == [data, data]


def test_an_upload_cut_off_midway_leaves_no_item_no_leaf_and_no_file(world: World, scene: Scene, media: Path) -> None:
    _, dispatch = scene
    client = world.client_for(world.carol)
    data = mp4_bytes(mdat_size=300_000)
    started = client.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "cut.mp4", "size": str(len(data))})
    url = started.json()["url"]
    assert send_chunk(client, url, data[:65536], 0, len(data)).status_code == 200
    assert send_chunk(client, url, data[65536:131072], 65536, len(data)).status_code == 200
    assert EvidenceItem.objects.count() == 0 and Leaf.objects.count() == 0
    assert originals(media) == [], "nothing a bundle could pick up"
    assert len(partials(media)) == 1
    # The phone never comes back: expiry clears the staging.
    assert uploads.expire_stale_uploads(older_than=__import__("datetime").timedelta(0)) == 1
    assert partials(media) == [] and originals(media) == []
    assert UploadSession.objects.get().state == UploadState.ABANDONED
    assert EvidenceItem.objects.count() == 0 and Leaf.objects.count() == 0
    gone = send_chunk(client, url, data[131072:196608], 131072, len(data))
    assert gone.status_code == 409


def test_the_observer_can_abandon_an_upload(world: World, scene: Scene, media: Path) -> None:
    _, dispatch = scene
    client = world.client_for(world.carol)
    data = mp4_bytes()
    url = client.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "x", "size": str(len(data))}).json()["url"]
    send_chunk(client, url, data[:65536], 0, len(data))
    assert client.post(url + "/abandon").json()["state"] == "abandoned"
    assert partials(media) == [] and EvidenceItem.objects.count() == 0


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_kept(world: World, scene: Scene, media: Path) -> None:
    _, dispatch = scene
    client = world.client_for(world.carol)
    data = b"<!doctype html><script>alert(1)</script>" * 10
    url = client.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "photo.jpg", "size": str(len(data))})
    answer = send_chunk(client, url.json()["url"], data, 0, len(data))
    assert answer.status_code == 415
    assert "not accepted" in answer.json()["detail"]
    assert client.get(url.json()["url"]).json()["state"] == "failed"
    assert partials(media) == [] and originals(media) == [] and Leaf.objects.count() == 0


def test_a_decompression_bomb_is_refused_with_a_clear_error(world: World, scene: Scene, media: Path) -> None:
    _, dispatch = scene
    client = world.client_for(world.carol)
    data = png_header(60_000, 60_000)
    url = client.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "bomb.png", "size": str(len(data))})
    answer = send_chunk(client, url.json()["url"], data, 0, len(data))
    assert answer.status_code == 422
    assert "megapixels" in answer.json()["detail"]
    assert partials(media) == [] and originals(media) == [] and EvidenceItem.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_before_a_byte_is_sent(world: World, scene: Scene, settings) -> None:  # type: ignore[no-untyped-def]
    _, dispatch = scene
    settings.VIGIL_UPLOAD_MAX_BYTES = 10_000
    client = world.client_for(world.carol)
    answer = client.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "big.mp4", "size": "10001"})
    assert answer.status_code == 413
    assert "larger than" in answer.json()["detail"]
    assert UploadSession.objects.count() == 0


@pytest.mark.parametrize("size", ["", "abc", "0", "-5"])
def test_a_missing_or_absurd_size_is_refused(world: World, scene: Scene, size: str) -> None:
    _, dispatch = scene
    answer = world.client_for(world.carol).post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"size": size})
    assert answer.status_code == 400 and answer.json()["detail"]


def test_chunks_past_the_announced_end_or_over_the_chunk_limit_are_refused(world: World, scene: Scene) -> None:
    _, dispatch = scene
    client = world.client_for(world.carol)
    data = mp4_bytes()
    url = client.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "x", "size": str(len(data))}).json()["url"]
    too_big = send_chunk(client, url, data[: 65536 + 1], 0, len(data))
    assert too_big.status_code == 413
    bad_range = client.post(url, data=data[:100], content_type="application/octet-stream")
    assert bad_range.status_code == 400
    mismatch = client.post(
        url, data=data[:100], content_type="application/octet-stream", headers={"Content-Range": "bytes 0-199/5"}
    )
    assert mismatch.status_code == 400
    assert client.get(url).json()["received"] == 0


def test_notes_are_items_hashed_as_utf8_text(world: World, scene: Scene, media: Path) -> None:
    incident, dispatch = scene
    client = world.client_for(world.carol)
    assert EvidenceItem.objects.filter(incident=incident).count() == 0
    text = "Dos agentes junto a la furgoneta blanca, 14:05. Ñandú."
    answer = client.post(f"/evidence/dispatch/{dispatch.pk}/notes", {"text": text})
    assert answer.status_code == 302
    item = EvidenceItem.objects.get()
    assert item.kind == "note" and item.media_type == "text/plain"
    assert item.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert [p.read_bytes() for p in originals(media)] == [text.encode("utf-8")]
    assert Leaf.objects.count() == 2


def test_an_empty_note_is_refused_and_keeps_nothing(world: World, scene: Scene) -> None:
    _, dispatch = scene
    answer = world.client_for(world.carol).post(f"/evidence/dispatch/{dispatch.pk}/notes", {"text": "   "})
    assert answer.status_code == 400
    assert b"The note is empty" in answer.content
    assert EvidenceItem.objects.count() == 0 and Leaf.objects.count() == 0


def test_the_upload_works_without_javascript_through_a_plain_form(world: World, scene: Scene, media: Path) -> None:
    _, dispatch = scene
    data = jpeg_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = world.client_for(world.carol).post(
        f"/evidence/dispatch/{dispatch.pk}/upload-form", {"file": SimpleUploadedFile("p.jpg", data, "image/jpeg")}
    )
    assert answer.status_code == 302
    item = EvidenceItem.objects.get()
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert [p.read_bytes() for p in originals(media)] == [data]


def test_the_upload_page_shows_the_form_and_what_was_sent(world: World, scene: Scene) -> None:
    _, dispatch = scene
    client = world.client_for(world.carol)
    client.post(f"/evidence/dispatch/{dispatch.pk}/notes", {"text": "first note"})
    page = client.get(f"/evidence/dispatch/{dispatch.pk}/upload")
    assert page.status_code == 200
    body = page.content.decode()
    assert "evidence/upload.js" in body and 'enctype="multipart/form-data"' in body
    assert EvidenceItem.objects.get().sha256 in body
    assert "<script>" not in body and "style=" not in body and "onclick" not in body


@pytest.mark.parametrize("who", ["chris", "mallory", "nobody", "bob", "alice", "erin"])
def test_nobody_but_the_dispatched_observer_reaches_the_upload(world: World, scene: Scene, who: str) -> None:
    _, dispatch = scene
    client = world.client_for(getattr(world, who))
    assert client.get(f"/evidence/dispatch/{dispatch.pk}/upload").status_code == 404
    assert client.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"size": "10"}).status_code == 404
    assert client.post(f"/evidence/dispatch/{dispatch.pk}/notes", {"text": "x"}).status_code == 404
    carol = world.client_for(world.carol)
    url = carol.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "x", "size": "10"}).json()["url"]
    assert client.get(url).status_code == 404
    assert send_chunk(client, url, b"\xff\xd8\xff" + b"\0" * 7, 0, 10).status_code == 404
    assert EvidenceItem.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(scene: Scene) -> None:
    _, dispatch = scene
    answer = Client().get(f"/evidence/dispatch/{dispatch.pk}/upload")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


@pytest.mark.parametrize("status", [DispatchStatus.SENT, DispatchStatus.DECLINED, DispatchStatus.EXPIRED])
def test_a_dispatch_not_accepted_takes_no_evidence(world: World, scene: Scene, status: str) -> None:
    incident = scene[0]
    other = make_dispatch(incident, world.chris, status)
    assert world.client_for(world.chris).get(f"/evidence/dispatch/{other.pk}/upload").status_code == 404


def test_unknown_or_malformed_ids_get_the_same_404(world: World, scene: Scene) -> None:
    client = world.client_for(world.carol)
    assert client.get("/evidence/dispatch/999999/upload").status_code == 404
    assert client.get("/evidence/uploads/not-a-uuid").status_code == 404
    assert client.get("/evidence/uploads/00000000-0000-0000-0000-000000000000").status_code == 404


def test_two_writers_on_the_same_offset_cannot_both_land(world: World, scene: Scene) -> None:
    _, dispatch = scene
    data = mp4_bytes()
    session = uploads.start_upload(dispatch=dispatch, user=world.carol, size=len(data), name="x", device_time=None)
    token = uploads._claim(session, 0)  # a first request holds the chunk lock
    with pytest.raises(uploads.OffsetMismatch):
        uploads.receive_chunk(session=session, offset=0, length=65536, body=io.BytesIO(data[:65536]))
    uploads._release(session, token)
    after = uploads.receive_chunk(session=session, offset=0, length=65536, body=io.BytesIO(data[:65536]))
    assert after.received == 65536
