"""Court bundles: exported by attorneys and coordinators, verified by the real `vigil-verify`, tampering caught."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pytest_django import Settings as SettingsWrapper

from tests.evidence.conftest import CaptureOnCommit, jpeg_bytes, mp4_bytes, upload
from tests.world import World
from vigil.evidence import derivatives, retention
from vigil.evidence.models import BundleExport, CustodyEvent, EvidenceItem
from vigil.hotline.models import Incident
from vigil.network.models import Dispatch
from vigil.tlog.keys import verifier_key

Scene = tuple[Incident, Dispatch]
VERIFY = shutil.which("vigil-verify", path=str(Path(sys.executable).parent)) or "vigil-verify"


@pytest.fixture
def evidence(world: World, scene: Scene) -> list[EvidenceItem]:
    _, dispatch = scene
    carol = world.client_for(world.carol)
    upload(carol, dispatch, jpeg_bytes((500, 400)), name="IMG_0042.JPG")
    upload(carol, dispatch, mp4_bytes(), name="VID 0043.mp4")
    carol.post(f"/evidence/dispatch/{dispatch.pk}/notes", {"text": "Agents left at 14:20."})
    items = list(EvidenceItem.objects.order_by("leaf_index"))
    derivatives.make_derivative(item=items[0], user=world.alice)
    world.client_for(world.erin).get(f"/evidence/items/{items[0].pk}/original")
    return items


def export(world: World, incident: Incident, tmp_path: Path, who: str = "erin") -> Path:
    answer = world.client_for(getattr(world, who)).post(f"/evidence/incident/{incident.pk}/export")
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == "application/zip"
    path = tmp_path / "bundle.zip"
    with path.open("wb") as out:
        for block in answer.streaming_content:  # type: ignore[attr-defined]
            out.write(block)
    return path


def verify(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VERIFY, str(path), "--key", verifier_key(), *extra], capture_output=True, text=True, timeout=120, check=False
    )


def rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """Copy a zip, replacing (bytes) or dropping (None) the named entries."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    new.writestr(info, change[info.filename])  # type: ignore[arg-type]
            else:
                new.writestr(info, old.read(info.filename))


def test_an_attorney_exports_a_bundle_that_the_real_verifier_accepts(
    world: World, scene: Scene, evidence: list[EvidenceItem], tmp_path: Path
) -> None:
    incident, _ = scene
    path = export(world, incident, tmp_path)
    result = verify(path)
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(path) as bundle:
        names = set(bundle.namelist())
        manifest = json.loads(bundle.read("manifest.json"))
        assert {"manifest.json", "checkpoint.txt", "log-key.txt", "README.txt"} <= names
        assert {"custody-report.html", "custody-report.pdf"} <= names
        assert bundle.read("custody-report.pdf").startswith(b"%PDF-")
        report = bundle.read("custody-report.html").decode()
        for item in evidence:
            assert item.sha256 in report
        files = [n for n in names if n.startswith("files/")]
        assert len(files) == 3
        originals = {bundle.read(n) for n in files}
    assert {
        open(
            Path(__import__("django.conf").conf.settings.STORAGES["default"]["OPTIONS"]["location"]) / i.file_name, "rb"
        ).read()
        for i in evidence
    } == originals
    assert len(manifest["items"]) == 3
    export_row = BundleExport.objects.get()
    assert export_row.exported_by == world.erin and export_row.items == 3 and export_row.sha256
    exported = CustodyEvent.objects.filter(kind="exported")
    assert exported.count() == 3 and {e.detail["export"] for e in exported} == {str(export_row.pk)}
    assert all(e.leaf_index < (export_row.tree_size or 0) for e in exported), "the bundle carries its own export"


def test_a_coordinator_may_export_too(world: World, scene: Scene, evidence: list[EvidenceItem], tmp_path: Path) -> None:
    incident, _ = scene
    assert verify(export(world, incident, tmp_path, "alice")).returncode == 0


@pytest.mark.parametrize("who", ["bob", "carol", "frank", "mallory", "nobody"])
def test_nobody_else_exports(world: World, scene: Scene, evidence: list[EvidenceItem], who: str) -> None:
    incident, _ = scene
    assert world.client_for(getattr(world, who)).post(f"/evidence/incident/{incident.pk}/export").status_code == 404
    assert not CustodyEvent.objects.filter(kind="exported").exists()


def test_an_incident_without_evidence_has_nothing_to_export(world: World, scene: Scene) -> None:
    incident, _ = scene
    answer = world.client_for(world.erin).post(f"/evidence/incident/{incident.pk}/export", follow=True)
    assert answer.status_code == 200 and "no evidence" in answer.content.decode()


def test_tampering_with_any_original_fails_verification_naming_the_file(
    world: World, scene: Scene, evidence: list[EvidenceItem], tmp_path: Path
) -> None:
    incident, _ = scene
    path = export(world, incident, tmp_path)
    with zipfile.ZipFile(path) as bundle:
        name = next(n for n in bundle.namelist() if n.startswith("files/") and n.endswith(".JPG"))
        data = bytearray(bundle.read(name))
    data[len(data) // 2] ^= 0x01
    bad = tmp_path / "bad.zip"
    rewrite(path, bad, {name: bytes(data)})
    result = verify(bad)
    assert result.returncode == 1
    assert name in result.stdout + result.stderr


def test_a_removed_item_or_a_wrong_key_fails_verification(
    world: World, scene: Scene, evidence: list[EvidenceItem], tmp_path: Path
) -> None:
    incident, _ = scene
    path = export(world, incident, tmp_path)
    with zipfile.ZipFile(path) as bundle:
        victim = next(n for n in bundle.namelist() if n.startswith("files/"))
    removed = tmp_path / "removed.zip"
    rewrite(path, removed, {victim: None})
    assert verify(removed).returncode == 1
    from vigil.ledger.note import generate_key

    _, other_key = generate_key("vigil.example/evidence-log")
    wrong = subprocess.run([VERIFY, str(path), "--key", other_key], capture_output=True, text=True, check=False)
    assert wrong.returncode == 1


def test_an_item_deleted_under_retention_stays_in_the_bundle_as_a_record_without_a_file(
    world: World,
    scene: Scene,
    evidence: list[EvidenceItem],
    tmp_path: Path,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    incident, _ = scene
    with django_capture_on_commit_callbacks(execute=True):
        retention.delete_original(item=evidence[1], reason="retention period ended")
    path = export(world, incident, tmp_path)
    result = verify(path)
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(path) as bundle:
        assert len([n for n in bundle.namelist() if n.startswith("files/")]) == 2
        assert len(json.loads(bundle.read("manifest.json"))["items"]) == 3


def test_the_zip_is_streamed_to_a_file_not_built_in_memory(
    world: World, scene: Scene, evidence: list[EvidenceItem], settings: SettingsWrapper
) -> None:
    from vigil.evidence import bundles

    incident, _ = scene

    class WriteOnly(io.RawIOBase):
        """A sink that only counts: if the writer tried to keep the zip in memory it would still go through here."""

        def __init__(self) -> None:
            self.buffer = io.BytesIO()

        def writable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return True

        def write(self, b: bytes) -> int:  # type: ignore[override]
            return self.buffer.write(b)

        def seek(self, offset: int, whence: int = 0) -> int:
            return self.buffer.seek(offset, whence)

        def tell(self) -> int:
            return self.buffer.tell()

        def read(self, n: int = -1) -> bytes:
            return self.buffer.read(n)

        def flush(self) -> None:
            pass

    sink = WriteOnly()
    result = bundles.export_incident(incident=incident, user=world.erin, dest=sink)  # type: ignore[arg-type]
    assert result.items == 3 and sink.buffer.getbuffer().nbytes > 0
