"""Evidence bundles: the writer, the six verification steps, and a precise failure for every kind of tampering.

Bundles are built over a real in-memory log (the reference merkle functions) with real Ed25519 keys; no Django.
"""

from __future__ import annotations

import hashlib
import io
import json
import tracemalloc
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from vigil.ledger import STEPS, BundleWriter, item_arcname, verify_bundle
from vigil.ledger.canonical import CustodyEvent, EvidenceItem, HexSha256, Timestamp, canonical_json
from vigil.ledger.checkpoint import Checkpoint, sign_checkpoint
from vigil.ledger.errors import FormatError, VerificationError
from vigil.ledger.manifest import BundleEvent, BundleItem, Manifest
from vigil.ledger.merkle import inclusion_proof, leaf_hash, tree_root
from vigil.ledger.note import ALG_COSIGNATURE_V1, Verifier, generate_key

ORIGIN = "vigil.example.org/log"


def ts(minute: int) -> Timestamp:
    return Timestamp(f"2025-06-01T14:{minute:02d}:00.000000Z")


@dataclass
class Log:
    """A tiny transparency log: leaves in memory, a real signing key."""

    skey: str
    vkey: str
    leaves: list[bytes] = field(default_factory=list)

    @staticmethod
    def new() -> Log:
        skey, vkey = generate_key(ORIGIN)
        return Log(skey, vkey)

    def append(self, record: EvidenceItem | CustodyEvent | dict[str, object]) -> int:
        data = record.canonical() if isinstance(record, EvidenceItem | CustodyEvent) else canonical_json(record)
        self.leaves.append(leaf_hash(data))
        return len(self.leaves) - 1

    def checkpoint(self) -> str:
        head = Checkpoint(origin=ORIGIN, size=len(self.leaves), root_hash=tree_root(self.leaves))
        return sign_checkpoint(head, self.skey)

    def proof(self, index: int) -> list[bytes]:
        return inclusion_proof(self.leaves, index)


@dataclass
class Evidence:
    """What one bundle holds, in ledger order, before it is written."""

    log: Log
    export_id: str
    files: dict[str, bytes]  # item id -> content
    items: list[tuple[int, EvidenceItem]]
    events: list[tuple[int, CustodyEvent]]


def make_evidence(contents: list[bytes] | None = None, *, deleted: int = 0) -> Evidence:
    """Items uploaded, one original viewed, some deleted under retention, then the export of them all."""
    log = Log.new()
    log.append({"type": "unrelated", "n": 1})  # other incidents' leaves share the log
    contents = contents if contents is not None else [b"\xff\xd8 photo " * 50, b"video bytes " * 3000, b"a note\n"]
    media = ["image/jpeg", "video/mp4", "text/plain"]
    files: dict[str, bytes] = {}
    items: list[tuple[int, EvidenceItem]] = []
    events: list[tuple[int, CustodyEvent]] = []
    for n, content in enumerate(contents):
        item_id = str(uuid.UUID(int=n + 1))
        item = EvidenceItem(
            item=item_id, sha256=HexSha256(hashlib.sha256(content).hexdigest()), size=len(content),
            media_type=media[n % 3], name=f"upload {n}.bin", incident=42, dispatch=7, observer="user:17",
            received_at=ts(n), device_time=None, captured_at=None, device=None,
        )  # fmt: skip
        items.append((log.append(item), item))
        up = CustodyEvent(event="uploaded", item=item_id, item_sha256=item.sha256, actor="user:17", at=ts(n))
        events.append((log.append(up), up))
        files[item_id] = content
    first = items[0][1]
    viewed = CustodyEvent(event="original_viewed", item=first.item, item_sha256=first.sha256, actor="user:3", at=ts(20))
    events.append((log.append(viewed), viewed))
    for _, item in items[len(items) - deleted :]:
        gone = CustodyEvent(
            event="deleted", item=item.item, item_sha256=item.sha256, actor="system:retention", at=ts(30),
            detail={"reason": "retention"},
        )  # fmt: skip
        events.append((log.append(gone), gone))
        del files[item.item]
    export_id = str(uuid.UUID(int=999))
    for _, item in items[: len(items) - deleted]:
        exported = CustodyEvent(
            event="exported", item=item.item, item_sha256=item.sha256, actor="user:3", at=ts(40),
            detail={"export": export_id, "items": len(items)},
        )  # fmt: skip
        events.append((log.append(exported), exported))
    log.append({"type": "unrelated", "n": 2})
    return Evidence(log, export_id, files, items, events)


def write_bundle(evidence: Evidence, path: Path) -> Path:
    log = evidence.log
    with path.open("wb") as out, BundleWriter(out, export_id=evidence.export_id, title="Incident 42") as bundle:
        for index, item in evidence.items:
            if item.item in evidence.files:
                source = io.BytesIO(evidence.files[item.item])
                bundle.add_item(item_arcname(item.item, item.name), source, item.to_record(), index, log.proof(index))
            else:
                bundle.add_removed_item(item, index, log.proof(index))
        for index, event in evidence.events:
            bundle.add_custody_event(event.to_record(), index, log.proof(index))
        bundle.set_checkpoint(log.checkpoint())
        bundle.set_verifier_key(log.vkey)
        bundle.add_document("custody-report.html", b"<!doctype html><title>Chain of custody</title>")
        bundle.add_document("custody-report.pdf", b"%PDF-1.7 fictional")
    return path


@pytest.fixture
def evidence() -> Evidence:
    return make_evidence()


@pytest.fixture
def bundle(evidence: Evidence, tmp_path: Path) -> Path:
    return write_bundle(evidence, tmp_path / "bundle.zip")


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(source: Path, target: Path, edit: Callable[[dict[str, bytes]], None]) -> Path:
    """Copy a bundle, letting ``edit`` change, add or remove entries (a tamperer with a zip tool)."""
    contents = entries(source)
    edit(contents)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return target


def edit_manifest(change: Callable[[dict[str, object]], None]) -> Callable[[dict[str, bytes]], None]:
    def edit(contents: dict[str, bytes]) -> None:
        manifest = json.loads(contents["manifest.json"])
        change(manifest)
        contents["manifest.json"] = json.dumps(manifest, indent=1).encode()

    return edit


def repath(renamed: dict[str, str]) -> Callable[[dict[str, object]], None]:
    """A manifest edit moving items' files to new paths (their zip entries are moved separately)."""

    def change(manifest: dict[str, object]) -> None:
        items = manifest["items"]
        assert isinstance(items, list)
        for entry in items:
            entry["path"] = renamed.get(entry["path"], entry["path"])

    return change


def failure(path: Path, key: str | None) -> str:
    with pytest.raises(VerificationError) as caught:
        verify_bundle(path, key)
    return str(caught.value)


# -- what works ---------------------------------------------------------------------------------------------------


def test_a_bundle_verifies_with_the_log_key_through_all_six_steps(bundle: Path, evidence: Evidence) -> None:
    steps: list[int] = []
    report = verify_bundle(bundle, evidence.log.vkey, progress=lambda step, _label: steps.append(step))
    assert steps == [1, 2, 3, 4, 5, 6] == sorted(STEPS)
    assert report.key_trusted
    assert report.notes == ()
    assert report.checkpoint.size == len(evidence.log.leaves)
    assert [item.record for item in report.files] == [item for _, item in evidence.items]
    assert len(report.manifest.custody_events) == len(evidence.events)
    names = set(entries(bundle))
    assert {"manifest.json", "checkpoint.txt", "log-key.txt", "README.txt", "custody-report.pdf"} <= names
    for item in report.files:
        assert item.path is not None
        assert entries(bundle)[item.path] == evidence.files[item.record.item]


def test_without_a_key_it_uses_the_bundles_own_key_and_says_it_is_not_trusted(bundle: Path) -> None:
    report = verify_bundle(bundle, None)
    assert not report.key_trusted
    assert "NOT independently trusted" in report.notes[0]


def test_the_manifest_round_trips(bundle: Path) -> None:
    data = entries(bundle)["manifest.json"]
    manifest = Manifest.parse(data)
    assert Manifest.parse(manifest.to_json()) == manifest
    assert manifest.to_json() == data


def test_an_item_deleted_under_retention_is_carried_without_its_file(tmp_path: Path) -> None:
    evidence = make_evidence(deleted=1)
    path = write_bundle(evidence, tmp_path / "b.zip")
    report = verify_bundle(path, evidence.log.vkey)
    assert len(report.files) == 2
    assert report.manifest.items[-1].path is None


def test_the_writer_streams_to_a_non_seekable_output(evidence: Evidence, tmp_path: Path) -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.chunks: list[bytes] = []

        def writable(self) -> bool:
            return True

        def write(self, data: object) -> int:
            chunk = bytes(data)  # type: ignore[call-overload]
            self.chunks.append(chunk)
            return len(chunk)

    pipe = Pipe()
    log = evidence.log
    with BundleWriter(pipe, export_id=evidence.export_id) as bundle:  # type: ignore[arg-type]
        for index, item in evidence.items:
            source = io.BytesIO(evidence.files[item.item])
            bundle.add_item(item_arcname(item.item, item.name), source, item, index, log.proof(index))
        for index, event in evidence.events:
            bundle.add_custody_event(event, index, log.proof(index))
        bundle.set_checkpoint(log.checkpoint())
        bundle.set_verifier_key(log.vkey)
    path = tmp_path / "piped.zip"
    path.write_bytes(b"".join(pipe.chunks))
    assert verify_bundle(path, log.vkey).key_trusted


def test_a_large_file_is_streamed_not_loaded_into_memory(tmp_path: Path) -> None:
    size = 48 << 20
    source = tmp_path / "big.mp4"
    digest = hashlib.sha256()
    block = hashlib.sha256(b"seed").digest() * (1 << 15)  # 1 MiB
    with source.open("wb") as handle:
        for _ in range(size // len(block)):
            handle.write(block)
            digest.update(block)
    log = Log.new()
    item_id = str(uuid.uuid4())
    export_id = str(uuid.uuid4())
    item = EvidenceItem(
        item=item_id, sha256=HexSha256(digest.hexdigest()), size=size, media_type="video/mp4", name="big.mp4",
        incident=1, dispatch=None, observer="user:1", received_at=ts(0),
    )  # fmt: skip
    up = CustodyEvent(event="uploaded", item=item_id, item_sha256=item.sha256, actor="user:1", at=ts(0))
    ex = CustodyEvent(
        event="exported", item=item_id, item_sha256=item.sha256, actor="user:1", at=ts(1),
        detail={"export": export_id, "items": 1},
    )  # fmt: skip
    indices = [log.append(item), log.append(up), log.append(ex)]
    path = tmp_path / "big.zip"
    tracemalloc.start()
    try:
        with path.open("wb") as out, BundleWriter(out, export_id=export_id) as bundle:
            bundle.add_item(item_arcname(item_id, "big.mp4"), source, item, indices[0], log.proof(indices[0]))
            bundle.add_custody_event(up, indices[1], log.proof(indices[1]))
            bundle.add_custody_event(ex, indices[2], log.proof(indices[2]))
            bundle.set_checkpoint(log.checkpoint())
            bundle.set_verifier_key(log.vkey)
        verify_bundle(path, log.vkey)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 << 20, f"peak {peak} bytes for a {size}-byte file"


# -- the writer refuses what the verifier would reject --------------------------------------------------------------


def test_the_writer_refuses_a_file_that_does_not_match_its_record(evidence: Evidence, tmp_path: Path) -> None:
    index, item = evidence.items[0]
    out = io.BytesIO()
    bundle = BundleWriter(out, export_id=evidence.export_id)
    with pytest.raises(VerificationError, match="but its leaf record says"):
        bundle.add_item(item_arcname(item.item, "x"), io.BytesIO(b"other"), item, index, evidence.log.proof(index))
    with pytest.raises(FormatError, match="discard it"):
        bundle.close()
    path = tmp_path / "broken.zip"
    path.write_bytes(out.getvalue())
    assert "manifest.json is missing" in failure(path, evidence.log.vkey)


def test_the_writer_refuses_an_inconsistent_custody_story_and_leaves_no_manifest(evidence: Evidence) -> None:
    out = io.BytesIO()
    log = evidence.log
    with pytest.raises(VerificationError, match="'exported' custody events for this export"):
        with BundleWriter(out, export_id=evidence.export_id) as bundle:
            for index, item in evidence.items:
                bundle.add_item(
                    item_arcname(item.item, item.name), io.BytesIO(evidence.files[item.item]), item, index,
                    log.proof(index),
                )  # fmt: skip
            for index, event in evidence.events:
                if event.event != "exported":
                    bundle.add_custody_event(event, index, log.proof(index))
            bundle.set_checkpoint(log.checkpoint())
            bundle.set_verifier_key(log.vkey)
    assert "manifest.json" not in zipfile.ZipFile(io.BytesIO(out.getvalue())).namelist()


def test_the_writer_refuses_a_checkpoint_from_another_key(evidence: Evidence) -> None:
    bundle = BundleWriter(io.BytesIO(), export_id=evidence.export_id)
    bundle.set_checkpoint(evidence.log.checkpoint())
    bundle.set_verifier_key(generate_key(ORIGIN)[1])
    with pytest.raises(VerificationError, match="no verifiable signatures"):
        bundle.close()


@pytest.mark.parametrize("arcname", ["../evil", "/etc/passwd", "files/../x", "files/.hidden", "notes.txt", "files/a b"])
def test_the_writer_refuses_unsafe_item_paths(evidence: Evidence, arcname: str) -> None:
    index, item = evidence.items[0]
    bundle = BundleWriter(io.BytesIO(), export_id=evidence.export_id)
    with pytest.raises(FormatError):
        bundle.add_item(arcname, io.BytesIO(b""), item, index, evidence.log.proof(index))


def test_the_writer_refuses_reserved_document_names(evidence: Evidence) -> None:
    bundle = BundleWriter(io.BytesIO(), export_id=evidence.export_id)
    for name in ("manifest.json", "checkpoint.txt", "log-key.txt", "files/report.pdf"):
        with pytest.raises(FormatError, match="reserved"):
            bundle.add_document(name, b"x")


def test_the_writer_refuses_a_file_under_another_items_folder(evidence: Evidence) -> None:
    (index, item), (_, other) = evidence.items[0], evidence.items[1]
    bundle = BundleWriter(io.BytesIO(), export_id=evidence.export_id)
    source = io.BytesIO(evidence.files[item.item])
    with pytest.raises(FormatError, match=f"must go under files/{item.item}/"):
        bundle.add_item(item_arcname(other.item, item.name), source, item, index, evidence.log.proof(index))


def test_item_arcname_is_always_safe() -> None:
    item = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert item_arcname(item, "../../etc/passwd") == f"files/{item}/passwd"
    assert item_arcname(item, "Vidéo 1 (copy).MOV") == f"files/{item}/Vid_o_1_copy_.MOV"
    assert item_arcname(item, "...") == f"files/{item}/original"


# -- tampering: each fails with a precise message -------------------------------------------------------------------


@pytest.mark.parametrize("which", [0, 1, 2])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_changed_byte_in_any_file_is_caught(
    bundle: Path, evidence: Evidence, tmp_path: Path, which: int, where: str
) -> None:
    _, item = evidence.items[which]
    path = item_arcname(item.item, item.name)

    def flip(contents: dict[str, bytes]) -> None:
        data = bytearray(contents[path])
        at = {"first": 0, "middle": len(data) // 2, "last": len(data) - 1}[where]
        data[at] ^= 0x01
        contents[path] = bytes(data)

    message = failure(rezip(bundle, tmp_path / "t.zip", flip), evidence.log.vkey)
    assert message.startswith("step 3 ")
    assert path in message
    assert "the file was altered" in message


def test_a_flipped_byte_in_the_raw_zip_is_caught(bundle: Path, evidence: Evidence) -> None:
    _, item = evidence.items[1]
    content = evidence.files[item.item]
    raw = bytearray(bundle.read_bytes())
    at = raw.index(content) + 100
    raw[at] ^= 0x80
    bundle.write_bytes(bytes(raw))
    message = failure(bundle, evidence.log.vkey)
    assert message.startswith("step 3 ")
    assert item_arcname(item.item, item.name) in message


def test_a_removed_item_is_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    _, item = evidence.items[2]

    def remove(manifest: dict[str, object]) -> None:
        manifest["items"] = [e for e in manifest["items"] if e["record"]["item"] != item.item]  # type: ignore[attr-defined,index]
        manifest["custody_events"] = [
            e
            for e in manifest["custody_events"]  # type: ignore[attr-defined]
            if e["record"]["item"] != item.item
        ]

    def edit(contents: dict[str, bytes]) -> None:
        edit_manifest(remove)(contents)
        del contents[item_arcname(item.item, item.name)]

    message = failure(rezip(bundle, tmp_path / "t.zip", edit), evidence.log.vkey)
    assert message.startswith("step 5 ")
    assert "holds 3 items, but the bundle has 2" in message


def test_an_items_file_moved_under_another_items_folder_is_caught(
    bundle: Path, evidence: Evidence, tmp_path: Path
) -> None:
    # The bytes still match their own leaf record; only the folder, which names the item, is wrong.
    (_, first), (_, second) = evidence.items[0], evidence.items[1]
    old, new = item_arcname(first.item, first.name), f"files/{second.item}/photo.jpg"

    def move(contents: dict[str, bytes]) -> None:
        contents[new] = contents.pop(old)
        edit_manifest(repath({old: new}))(contents)

    message = failure(rezip(bundle, tmp_path / "t.zip", move), evidence.log.vkey)
    assert message == (
        f"step 3 (every file matches its leaf record (item, SHA-256, size)): {new} (item {first.item}, leaf "
        f"{evidence.items[0][0]}) is not under its own item's folder files/{first.item}/: the path is bound to the "
        "item its leaf record names"
    )


def test_two_items_trading_folders_is_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    (_, first), (_, second) = evidence.items[0], evidence.items[1]
    a, b = item_arcname(first.item, first.name), item_arcname(second.item, second.name)
    a_moved, b_moved = f"files/{second.item}/{a.rsplit('/', 1)[1]}", f"files/{first.item}/{b.rsplit('/', 1)[1]}"

    def swap(contents: dict[str, bytes]) -> None:
        contents[a_moved], contents[b_moved] = contents.pop(a), contents.pop(b)
        edit_manifest(repath({a: a_moved, b: b_moved}))(contents)

    message = failure(rezip(bundle, tmp_path / "t.zip", swap), evidence.log.vkey)
    assert message.startswith("step 3 ")
    assert f"{a_moved} (item {first.item}, " in message
    assert "is not under its own item's folder" in message


def test_a_bundle_written_before_paths_were_bound_to_items_still_verifies() -> None:
    # Written by the previous version of the writer (with its own key), kept byte for byte.
    fixtures = Path(__file__).parent / "fixtures"
    key = (fixtures / "bundle-v1-2025.key").read_text().strip()
    report = verify_bundle(fixtures / "bundle-v1-2025.zip", key)
    assert report.key_trusted and report.notes == ()
    assert [item.path for item in report.manifest.items] == [
        "files/00000000-0000-0000-0000-000000000001/upload_0.bin",
        "files/00000000-0000-0000-0000-000000000002/upload_1.bin",
        None,
    ]
    assert report.exported_at == "2025-06-01T14:40:00.000000Z"
    assert report.manifest.created_at == "2025-06-01T14:41:00.000000Z"
    manifest = entries(fixtures / "bundle-v1-2025.zip")["manifest.json"]
    assert Manifest.parse(manifest).to_json() == manifest


def test_the_title_and_creation_time_are_not_covered_and_the_export_time_is(
    bundle: Path, evidence: Evidence, tmp_path: Path
) -> None:
    # Anyone can change the manifest's title and created_at without breaking anything: they are claims.
    def retitle(manifest: dict[str, object]) -> None:
        manifest["title"] = "Another incident"
        manifest["created_at"] = "2030-01-01T00:00:00Z"

    report = verify_bundle(rezip(bundle, tmp_path / "t.zip", edit_manifest(retitle)), evidence.log.vkey)
    assert (report.manifest.title, report.manifest.created_at) == ("Another incident", "2030-01-01T00:00:00Z")
    exported = [e for _, e in evidence.events if e.event == "exported"]
    assert report.exported_at == exported[0].at == ts(40)


def test_the_export_time_cannot_be_changed(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    def redate(manifest: dict[str, object]) -> None:
        for event in manifest["custody_events"]:  # type: ignore[attr-defined]
            if event["record"]["event"] == "exported":
                event["record"]["at"] = "2030-01-01T00:00:00.000000Z"

    message = failure(rezip(bundle, tmp_path / "t.zip", edit_manifest(redate)), evidence.log.vkey)
    assert message.startswith("step 4 ")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "log-key.txt is missing"),
        (b"", "log-key.txt is malformed: expected one verifier key line"),
        (b"not a key\n", "log-key.txt is malformed: malformed verifier key"),
        (b"\xff\xfe\n", "log-key.txt is malformed: not ASCII text"),
        (b"{key}\n{key}\n", "log-key.txt is malformed: expected one verifier key line"),
        (b" {key}\n", "log-key.txt is malformed: expected one verifier key line"),
        (b"{cosigner}\n", "log-key.txt is malformed: vigil.example.org/log+"),
    ],
    ids=["missing", "empty", "garbage", "not-ascii", "two-lines", "indented", "cosignature-key"],
)
@pytest.mark.parametrize("given_key", [True, False], ids=["with-key", "without-key"])
def test_a_missing_or_malformed_log_key_file_is_fatal(
    bundle: Path, evidence: Evidence, tmp_path: Path, content: bytes | None, expected: str, given_key: bool
) -> None:
    vkey = evidence.log.vkey
    public = Verifier.from_key(vkey).public_key
    cosigner = Verifier.from_public_key(ORIGIN, public, ALG_COSIGNATURE_V1).key

    def replace_key(contents: dict[str, bytes]) -> None:
        if content is None:
            del contents["log-key.txt"]
        else:
            contents["log-key.txt"] = content.replace(b"{key}", vkey.encode()).replace(b"{cosigner}", cosigner.encode())

    message = failure(rezip(bundle, tmp_path / "t.zip", replace_key), vkey if given_key else None)
    assert message.startswith(f"step 1 (zip and manifest are well-formed): {expected}")


def test_a_log_key_file_with_another_valid_key_is_noted_when_a_key_is_given(
    bundle: Path, evidence: Evidence, tmp_path: Path
) -> None:
    def replace_key(contents: dict[str, bytes]) -> None:
        contents["log-key.txt"] = (generate_key(ORIGIN)[1] + "\n").encode()

    report = verify_bundle(rezip(bundle, tmp_path / "t.zip", replace_key), evidence.log.vkey)
    assert report.notes == ("the bundle's log-key.txt differs from the key you gave; your key was used",)


def test_a_removed_file_is_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    _, item = evidence.items[0]
    path = item_arcname(item.item, item.name)

    def remove(contents: dict[str, bytes]) -> None:
        del contents[path]

    message = failure(rezip(bundle, tmp_path / "t.zip", remove), evidence.log.vkey)
    assert message.startswith("step 3 ")
    assert f"{path} (item {item.item}, leaf" in message
    assert "missing from the zip" in message


def test_reordered_items_are_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    def swap(manifest: dict[str, object]) -> None:
        items = manifest["items"]
        assert isinstance(items, list)
        items[0], items[1] = items[1], items[0]

    message = failure(rezip(bundle, tmp_path / "t.zip", edit_manifest(swap)), evidence.log.vkey)
    assert message.startswith("step 1 ")
    assert "items are not in ledger order: items[1]" in message


def test_swapped_leaf_records_are_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    # Two items trade places in the log (records and files swapped, positions and proofs kept).
    def swap(manifest: dict[str, object]) -> None:
        items = manifest["items"]
        assert isinstance(items, list)
        for key in ("record", "path"):
            items[0][key], items[1][key] = items[1][key], items[0][key]

    message = failure(rezip(bundle, tmp_path / "t.zip", edit_manifest(swap)), evidence.log.vkey)
    assert message.startswith("step 4 ")
    assert f"inclusion proof of item {item_arcname(evidence.items[1][1].item, 'upload 1.bin')}" in message


def test_a_swapped_proof_is_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    def swap(manifest: dict[str, object]) -> None:
        items = manifest["items"]
        assert isinstance(items, list)
        items[0]["proof"], items[2]["proof"] = items[2]["proof"], items[0]["proof"]

    message = failure(rezip(bundle, tmp_path / "t.zip", edit_manifest(swap)), evidence.log.vkey)
    assert message.startswith("step 4 ")
    index, first = evidence.items[0]
    path = item_arcname(first.item, first.name)
    assert f"inclusion proof of item {path} (item {first.item}, leaf {index}) fails" in message


def test_a_forged_checkpoint_is_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    def forge(contents: dict[str, bytes]) -> None:
        contents["checkpoint.txt"] = contents["checkpoint.txt"].replace(
            f"\n{len(evidence.log.leaves)}\n".encode(), f"\n{len(evidence.log.leaves) + 1}\n".encode()
        )

    message = failure(rezip(bundle, tmp_path / "t.zip", forge), evidence.log.vkey)
    assert message.startswith("step 2 ")
    assert "invalid signature for key vigil.example.org/log+" in message


def test_a_wrong_key_is_caught(bundle: Path) -> None:
    message = failure(bundle, generate_key(ORIGIN)[1])
    assert message.startswith("step 2 ")
    assert "no verifiable signatures" in message


def test_a_bundle_re_signed_by_someone_else_fails_with_the_real_key(
    bundle: Path, evidence: Evidence, tmp_path: Path
) -> None:
    # The tamperer rebuilds the whole log with their own key and swaps log-key.txt: only an independent key catches it.
    forged = make_evidence([b"substituted photo", b"video bytes " * 3000, b"a note\n"])
    forged_path = write_bundle(forged, tmp_path / "forged.zip")
    assert not verify_bundle(forged_path, None).key_trusted
    message = failure(forged_path, evidence.log.vkey)
    assert message.startswith("step 2 ")
    assert "no verifiable signatures" in message


def test_an_extra_file_is_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    def add(contents: dict[str, bytes]) -> None:
        contents["files/extra.jpg"] = b"planted"

    message = failure(rezip(bundle, tmp_path / "t.zip", add), evidence.log.vkey)
    assert message == (
        "step 6 (nothing in the zip is unaccounted for): unexpected file in the bundle: files/extra.jpg "
        "(not listed in the manifest)"
    )


@pytest.mark.parametrize("name", ["../evil.sh", "/etc/cron.d/x", "files/../../x", "C:/Windows/x", "files\\..\\x"])
def test_path_traversal_names_are_caught(bundle: Path, evidence: Evidence, tmp_path: Path, name: str) -> None:
    def add(contents: dict[str, bytes]) -> None:
        contents[name] = b"x"

    message = failure(rezip(bundle, tmp_path / "t.zip", add), evidence.log.vkey)
    assert message.startswith("step 1 ")
    assert "unsafe name (path traversal)" in message


def test_a_forged_custody_event_is_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    def forge(manifest: dict[str, object]) -> None:
        events = manifest["custody_events"]
        assert isinstance(events, list)
        viewed = next(e for e in events if e["record"]["event"] == "original_viewed")
        viewed["record"]["actor"] = "user:999"

    message = failure(rezip(bundle, tmp_path / "t.zip", edit_manifest(forge)), evidence.log.vkey)
    index = next(i for i, e in evidence.events if e.event == "original_viewed")
    assert message.startswith("step 4 ")
    assert f"inclusion proof of custody event at leaf {index} (original_viewed of item" in message


def test_reordered_custody_events_are_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    def swap(manifest: dict[str, object]) -> None:
        events = manifest["custody_events"]
        assert isinstance(events, list)
        events[0], events[-1] = events[-1], events[0]

    message = failure(rezip(bundle, tmp_path / "t.zip", edit_manifest(swap)), evidence.log.vkey)
    assert message.startswith("step 1 ")
    assert "custody_events are not in ledger order" in message


def test_a_removed_custody_event_is_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    def drop(manifest: dict[str, object]) -> None:
        events = manifest["custody_events"]
        assert isinstance(events, list)
        manifest["custody_events"] = [e for e in events if e["record"]["event"] != "uploaded"]

    message = failure(rezip(bundle, tmp_path / "t.zip", edit_manifest(drop)), evidence.log.vkey)
    assert message.startswith("step 5 ")
    assert "has 0 'uploaded' custody events; exactly one is required" in message


def test_a_changed_document_is_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    def change(contents: dict[str, bytes]) -> None:
        contents["custody-report.html"] = b"<p>a different story</p>"

    message = failure(rezip(bundle, tmp_path / "t.zip", change), evidence.log.vkey)
    assert message.startswith("step 6 ")
    assert "document custody-report.html does not match" in message


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"format": "vigil-evidence-bundle", "format": "x"}', "duplicate object key 'format'"),
        (b'{"version": 1.0}', "floating-point number"),
        (b"not json", "is not valid JSON"),
    ],
)
def test_a_malformed_manifest_is_caught(bundle: Path, tmp_path: Path, raw: bytes, message: str) -> None:
    def replace(contents: dict[str, bytes]) -> None:
        contents["manifest.json"] = raw

    result = failure(rezip(bundle, tmp_path / "t.zip", replace), None)
    assert result.startswith("step 1 ")
    assert message in result


def test_a_file_that_is_not_a_zip_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "not.zip"
    path.write_bytes(b"PK\x03\x04 but not really")
    assert failure(path, None).startswith("step 1 (zip and manifest are well-formed): ")


def test_duplicate_zip_entries_are_caught(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    target = tmp_path / "dup.zip"
    contents = entries(bundle)
    with zipfile.ZipFile(target, "w") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        for name, data in contents.items():
            archive.writestr(name, data)
        archive.writestr("checkpoint.txt", b"another checkpoint\n")
    assert "zip entry 'checkpoint.txt' appears 2 times" in failure(target, evidence.log.vkey)


# -- custody rules (step 5), on bundles the writer would refuse to produce --------------------------------------------


def raw_bundle(evidence: Evidence, path: Path) -> Path:
    """Write a bundle directly (no writer checks), so the verifier's step 5 can be exercised on its own."""
    log = evidence.log
    head = Checkpoint(origin=ORIGIN, size=len(log.leaves), root_hash=tree_root(log.leaves))
    items = tuple(
        BundleItem(
            path=item_arcname(item.item, item.name) if item.item in evidence.files else None,
            leaf_index=index,
            record=item,
            proof=tuple(log.proof(index)),
        )
        for index, item in evidence.items
    )
    events = tuple(BundleEvent(index, event, tuple(log.proof(index))) for index, event in evidence.events)
    manifest = Manifest(
        export_id=evidence.export_id, title="", created_at=ts(50), origin=ORIGIN, tree_size=head.size,
        root_hash=head.root_hash, items=items, custody_events=events,
    )  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", manifest.to_json())
        archive.writestr("checkpoint.txt", sign_checkpoint(head, log.skey))
        archive.writestr("log-key.txt", log.vkey + "\n")
        for item in items:
            if item.path is not None:
                archive.writestr(item.path, evidence.files[item.record.item])
    return path


Story = list[EvidenceItem | CustodyEvent]


def rebuild(evidence: Evidence, change: Callable[[Story], None]) -> Evidence:
    """Re-log the same story (records in ledger order) after ``change`` edits it."""
    entries: list[tuple[int, EvidenceItem | CustodyEvent]] = [*evidence.items, *evidence.events]
    story: Story = [record for _, record in sorted(entries, key=lambda entry: entry[0])]
    change(story)
    log = Log.new()
    log.append({"type": "unrelated", "n": 1})
    items: list[tuple[int, EvidenceItem]] = []
    events: list[tuple[int, CustodyEvent]] = []
    for record in story:
        index = log.append(record)
        if isinstance(record, EvidenceItem):
            items.append((index, record))
        else:
            events.append((index, record))
    return Evidence(log, evidence.export_id, dict(evidence.files), items, events)


def _event(of: EvidenceItem, kind: str, minute: int, detail: dict[str, object] | None = None) -> CustodyEvent:
    return CustodyEvent(
        event=kind, item=of.item, item_sha256=of.sha256, actor="user:3", at=ts(minute), detail=detail or {}
    )


def unknown_item(story: Story, first: EvidenceItem) -> None:
    other = EvidenceItem.from_record({**first.to_record(), "item": str(uuid.UUID(int=77))})
    story.append(_event(other, "original_viewed", 45))


def wrong_sha(story: Story, first: EvidenceItem) -> None:
    story.append(replace(_event(first, "original_viewed", 45), item_sha256=HexSha256("0" * 64)))


def two_uploads(story: Story, first: EvidenceItem) -> None:
    story.append(_event(first, "uploaded", 45))


def event_before_upload(story: Story, first: EvidenceItem) -> None:
    story.insert(story.index(first) + 1, _event(first, "original_viewed", 0))


def time_goes_backwards(story: Story, first: EvidenceItem) -> None:
    story.append(_event(first, "original_viewed", 5))


def event_before_item_leaf(story: Story, first: EvidenceItem) -> None:
    story.insert(0, _event(first, "original_viewed", 0))


def file_of_deleted_item(story: Story, first: EvidenceItem) -> None:
    story.append(_event(first, "deleted", 50))


def missing_export_event(story: Story, first: EvidenceItem) -> None:
    for record in list(story):
        if isinstance(record, CustodyEvent) and record.event == "exported" and record.item == first.item:
            story.remove(record)


def two_export_events(story: Story, first: EvidenceItem) -> None:
    story.append(_event(first, "exported", 45, {"export": str(uuid.UUID(int=999)), "items": 3}))


def after_deletion(story: Story, first: EvidenceItem) -> None:
    story.append(_event(first, "deleted", 50))
    story.append(_event(first, "original_viewed", 55))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (unknown_item, "refers to an item that is not in the bundle"),
        (wrong_sha, "names SHA-256 " + "0" * 64 + ", but the item's leaf record says"),
        (two_uploads, "has 2 'uploaded' custody events; exactly one is required"),
        (event_before_upload, "(original_viewed of item 00000000-0000-0000-0000-000000000001) comes before the item's"),
        (time_goes_backwards, "is dated 2025-06-01T14:05:00.000000Z, before custody event at leaf"),
        (event_before_item_leaf, "comes before the item's own leaf"),
        (file_of_deleted_item, "was deleted (custody event at leaf"),
        (missing_export_event, "has 0 'exported' custody events for this export"),
        (two_export_events, "has 2 'exported' custody events for this export"),
        (after_deletion, "comes after the item was deleted"),
    ],
)
def test_inconsistent_custody_events_are_caught(
    evidence: Evidence, tmp_path: Path, change: Callable[[Story, EvidenceItem], None], expected: str
) -> None:
    first = evidence.items[0][1]
    changed = rebuild(evidence, lambda story: change(story, first))
    message = failure(raw_bundle(changed, tmp_path / "b.zip"), changed.log.vkey)
    assert message.startswith("step 5 (custody events are consistent): ")
    assert expected in message


def test_an_item_without_its_file_needs_a_deleted_event(evidence: Evidence, tmp_path: Path) -> None:
    first = evidence.items[0][1]
    del evidence.files[first.item]
    message = failure(raw_bundle(evidence, tmp_path / "b.zip"), evidence.log.vkey)
    assert message.startswith("step 5 ")
    assert "has no file in the bundle and no 'deleted' event" in message
