"""Verifying an evidence bundle offline: :func:`verify_bundle`, in six numbered steps.

This module and :mod:`vigil.ledger.manifest` (the strict parser it starts with) are all an auditor needs to read;
the hashing, proofs and signatures they rest on are :mod:`vigil.ledger.merkle`, :mod:`vigil.ledger.checkpoint` and
:mod:`vigil.ledger.note`. Every failure is one :class:`VerificationError` whose message names the step and the exact
file, proof or event that failed: ``step N (<what the step checks>): <what failed>``. Nothing a bundle holds can
make the verifier crash: every zip entry is read through one helper that reports corruption as a failure.

What a passing bundle establishes, and what it does not (``docs/bundle-format.md`` §3.1): every original, its leaf
record (item id, SHA-256, size, ...), its place in ``files/<item uuid>/``, and every custody event are covered by
the checkpoint the log signed. The manifest's ``title`` and ``created_at`` are covered by nothing; the report
says so. The time of the export is covered: it is the ``at`` of this export's ``exported`` custody events.
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

from vigil.ledger._internal import b64, is_traversal, read_entry, stream_entry
from vigil.ledger.canonical import Timestamp, parse_timestamp
from vigil.ledger.checkpoint import Checkpoint, open_checkpoint
from vigil.ledger.errors import FormatError, LedgerError, VerificationError
from vigil.ledger.manifest import (
    CHECKPOINT,
    MANIFEST,
    VERIFIER_KEY,
    BundleEvent,
    BundleItem,
    Manifest,
    item_folder,
)
from vigil.ledger.merkle import leaf_hash, verify_inclusion
from vigil.ledger.note import ALG_ED25519, Verifier, VerifierKey

__all__ = [
    "STEPS",
    "BundleReport",
    "check_custody",
    "check_inclusion",
    "verify_bundle",
]

STEPS: Final[Mapping[int, str]] = {
    1: "zip and manifest are well-formed",
    2: "checkpoint is signed by the log key",
    3: "every file matches its leaf record (item, SHA-256, size)",
    4: "every leaf is in the log at the checkpoint (inclusion proofs)",
    5: "custody events are consistent",
    6: "nothing in the zip is unaccounted for",
}

MAX_MANIFEST_BYTES: Final = 256 << 20
MAX_SMALL_FILE_BYTES: Final = 1 << 20
# A deflated entry may not claim to expand more than MAX_RATIO times (beyond the first RATIO_FREE_BYTES): text and
# PDF compress 3-20 times, a zip bomb about 1000 times. Originals are stored, not compressed.
MAX_RATIO: Final = 200
RATIO_FREE_BYTES: Final = 1 << 20
ZIP_METHODS: Final[Mapping[int, str]] = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_OPEN_ERRORS: Final = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    struct.error,
    NotImplementedError,
)


@dataclass(frozen=True, slots=True)
class BundleReport:
    """What :func:`verify_bundle` established. ``key_trusted`` is False when the bundle's own key was used.

    ``manifest.title`` and ``manifest.created_at`` are NOT covered by the signature: show them as claims.
    ``exported_at`` is: it is the time this export's ``exported`` custody events carry in the log."""

    manifest: Manifest
    checkpoint: Checkpoint
    verifier_key: VerifierKey
    key_trusted: bool
    notes: tuple[str, ...] = field(default=())

    @property
    def files(self) -> tuple[BundleItem, ...]:
        return tuple(item for item in self.manifest.items if item.path is not None)

    @property
    def exported_at(self) -> Timestamp | None:
        """The earliest ``at`` of this export's ``exported`` custody events (None if no item has its file)."""
        times = [e.record.at for e in self.manifest.custody_events if e.record.export_id == self.manifest.export_id]
        return min(times, key=parse_timestamp) if times else None


def _fail(step: int, message: str) -> VerificationError:
    return VerificationError(f"step {step} ({STEPS[step]}): {message}")


def _check_entries(infos: Sequence[zipfile.ZipInfo]) -> None:
    """Every entry is safe to read: a safe unique name, no encryption or link, stored or deflate, no zip bomb."""
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if is_traversal(name):
            raise FormatError(f"zip entry {name!r} has an unsafe name (path traversal)")
        if name in seen:
            count = sum(1 for other in infos if other.filename == name)
            raise FormatError(f"zip entry {name!r} appears {count} times")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise FormatError(f"zip entry {name!r} is encrypted")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise FormatError(f"zip entry {name!r} is a symbolic link")
        if info.compress_type not in ZIP_METHODS:
            raise FormatError(
                f"zip entry {name!r} uses compression method {info.compress_type}; only stored (0) and deflate (8) "
                "are allowed"
            )
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise FormatError(
                f"zip entry {name!r} is stored uncompressed but claims {info.file_size} bytes in {info.compress_size}"
            )
        if info.file_size > RATIO_FREE_BYTES and info.file_size > info.compress_size * MAX_RATIO:
            raise FormatError(
                f"zip entry {name!r} claims to expand {info.compress_size} bytes to {info.file_size} (more than "
                f"{MAX_RATIO}:1): refusing a possible zip bomb"
            )


def _bundle_key(data: bytes) -> Verifier:
    """``log-key.txt``: exactly one Ed25519 verifier key line. Malformed is as fatal as missing (fail closed)."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise FormatError(f"{VERIFIER_KEY} is malformed: not ASCII text") from None
    line = text.removesuffix("\n")
    if not line or "\n" in line or line != line.strip():
        raise FormatError(f"{VERIFIER_KEY} is malformed: expected one verifier key line")
    try:
        key = Verifier.from_key(line)
    except FormatError as exc:
        raise FormatError(f"{VERIFIER_KEY} is malformed: {exc}") from None
    if key.algorithm != ALG_ED25519:
        raise FormatError(f"{VERIFIER_KEY} is malformed: {key.key_id} is not an Ed25519 log key")
    return key


def verify_bundle(
    path: str | Path,
    verifier_key: str | None,
    *,
    progress: Callable[[int, str], None] | None = None,
) -> BundleReport:
    """Check an evidence bundle offline. Raises VerificationError saying which step failed and on what.

    ``verifier_key`` is the log's verifier key obtained independently; with None, the bundle's own ``log-key.txt``
    is used and the report says the key is not independently trusted."""

    def done(step: int) -> None:
        if progress is not None:
            progress(step, STEPS[step])

    trusted_key: Verifier | None = None
    if verifier_key is not None:
        trusted_key = Verifier.from_key(verifier_key)  # FormatError: a usage problem, not a bundle problem

    # (1) The zip opens (then, in _verify_archive, its entries are checked and the manifest parsed).
    with open(path, "rb") as raw:  # FileNotFoundError: a usage problem, not a bundle problem
        try:
            archive = zipfile.ZipFile(raw)
        except _OPEN_ERRORS as exc:
            raise _fail(1, f"{path} is not a readable zip file: {exc}") from None
        with archive:
            return _verify_archive(archive, raw, trusted_key, done)


def _verify_archive(
    archive: zipfile.ZipFile, raw: IO[bytes], trusted_key: Verifier | None, done: Callable[[int], None]
) -> BundleReport:
    """Steps 1 (after the zip opened) to 6 of :func:`verify_bundle`."""
    notes: list[str] = []

    # (1, continued) Every entry is safe to read (name, encryption, links, compression, size); manifest.json,
    #     checkpoint.txt and log-key.txt are present, readable and well-formed; the manifest parses strictly.
    try:
        infos = archive.infolist()
        _check_entries(infos)
        entries = {info.filename: info for info in infos}
        for required in (MANIFEST, CHECKPOINT, VERIFIER_KEY):
            if required not in entries:
                raise FormatError(f"{required} is missing")
        manifest = Manifest.parse(read_entry(archive, raw, entries[MANIFEST], MAX_MANIFEST_BYTES))
        checkpoint_text = read_entry(archive, raw, entries[CHECKPOINT], MAX_SMALL_FILE_BYTES)
        bundle_key = _bundle_key(read_entry(archive, raw, entries[VERIFIER_KEY], MAX_SMALL_FILE_BYTES))
    except LedgerError as exc:
        raise _fail(1, str(exc)) from None
    done(1)

    # (2) The checkpoint is signed by the log key (given, or the bundle's own) and matches the manifest.
    if trusted_key is None:
        key = bundle_key
        notes.append(
            "the log key was taken from the bundle's own log-key.txt and is NOT independently trusted: "
            "anyone who altered the bundle could have replaced it; pass --key with the key you trust"
        )
    else:
        key = trusted_key
        if bundle_key != trusted_key:
            notes.append("the bundle's log-key.txt differs from the key you gave; your key was used")
    try:
        checkpoint = open_checkpoint(checkpoint_text, key)
        _check_checkpoint_matches(manifest, checkpoint)
    except LedgerError as exc:
        raise _fail(2, f"{CHECKPOINT}: {exc}") from None
    done(2)

    # (3) Every file lives under its own item's folder and streams to the SHA-256 and size its leaf record states.
    for item in manifest.items:
        if item.path is None:
            continue
        folder = item_folder(item.record.item)
        if not item.path.startswith(folder):
            raise _fail(
                3,
                f"{item.describe()} is not under its own item's folder {folder}: the path is bound to the item "
                "its leaf record names",
            )
        info = entries.get(item.path)
        if info is None:
            raise _fail(3, f"{item.describe()} is listed in the manifest but missing from the zip")
        if info.file_size != item.record.size:
            raise _fail(3, f"{item.describe()} is {info.file_size} bytes, but its leaf record says {item.record.size}")
        digest = hashlib.sha256()
        try:
            for chunk in stream_entry(archive, raw, info):
                digest.update(chunk)
        except FormatError as exc:
            raise _fail(3, f"{item.describe()}: {exc}") from None
        if digest.hexdigest() != item.record.sha256:
            raise _fail(
                3,
                f"{item.describe()} has SHA-256 {digest.hexdigest()}, but its leaf record says "
                f"{item.record.sha256}: the file was altered",
            )
    done(3)

    # (4) Every item's and custody event's leaf is in the log at the checkpoint.
    try:
        check_inclusion(manifest, checkpoint)
    except VerificationError as exc:
        raise _fail(4, str(exc)) from None
    done(4)

    # (5) The custody events tell one consistent story per item, including this export.
    try:
        check_custody(manifest)
    except VerificationError as exc:
        raise _fail(5, str(exc)) from None
    done(5)

    # (6) Every zip entry is accounted for, and the documents are the ones listed.
    accounted = {MANIFEST, CHECKPOINT, VERIFIER_KEY}
    accounted.update(item.path for item in manifest.items if item.path is not None)
    accounted.update(doc.path for doc in manifest.documents)
    parents = {p.rsplit("/", n)[0] + "/" for p in accounted for n in range(1, p.count("/") + 1)}
    for info in infos:
        if info.filename in accounted or (info.is_dir() and info.filename in parents):
            continue
        raise _fail(6, f"unexpected file in the bundle: {info.filename} (not listed in the manifest)")
    for doc in manifest.documents:
        info = entries.get(doc.path)
        if info is None:
            raise _fail(6, f"document {doc.path} is listed in the manifest but missing from the zip")
        if info.file_size != doc.size:
            raise _fail(
                6, f"document {doc.path} does not match the manifest: {info.file_size} bytes, {doc.size} listed"
            )
        digest = hashlib.sha256()
        try:
            for chunk in stream_entry(archive, raw, info):
                digest.update(chunk)
        except FormatError as exc:
            raise _fail(6, f"document {doc.path}: {exc}") from None
        if digest.hexdigest() != doc.sha256:
            raise _fail(6, f"document {doc.path} does not match the hash the manifest lists for it")
    done(6)

    return BundleReport(
        manifest=manifest,
        checkpoint=checkpoint,
        verifier_key=key.key,
        key_trusted=trusted_key is not None,
        notes=tuple(notes),
    )


# -- the rules of steps 4 and 5 (the writer checks them too, before it writes a manifest) ------------------------------


def check_custody(manifest: Manifest) -> None:
    """Every event refers to an item of the bundle with the same SHA-256; per item: exactly one ``uploaded``, first;
    leaf indices and times never go backwards; nothing after ``deleted``; a file is present exactly when the item
    was not deleted; and every present item carries this export's ``exported`` event counting the bundle's items."""
    by_id = {item.record.item: item for item in manifest.items}
    per_item: dict[str, list[BundleEvent]] = defaultdict(list)
    for event in manifest.custody_events:
        record = event.record
        item = by_id.get(record.item)
        if item is None:
            raise VerificationError(f"{event.describe()} refers to an item that is not in the bundle")
        if record.item_sha256 != item.record.sha256:
            raise VerificationError(
                f"{event.describe()} names SHA-256 {record.item_sha256}, but the item's leaf record says "
                f"{item.record.sha256}"
            )
        if event.leaf_index < item.leaf_index:
            raise VerificationError(f"{event.describe()} comes before the item's own leaf {item.leaf_index}")
        per_item[record.item].append(event)
    for item in manifest.items:
        events = per_item[item.record.item]
        uploaded = [e for e in events if e.record.event == "uploaded"]
        if len(uploaded) != 1:
            raise VerificationError(
                f"item {item.describe()} has {len(uploaded)} 'uploaded' custody events; exactly one is required"
            )
        if events[0] is not uploaded[0]:
            raise VerificationError(f"{events[0].describe()} comes before the item's 'uploaded' event")
        previous_time = parse_timestamp(item.record.received_at)
        previous = f"the item's receipt ({item.record.received_at})"
        deleted: BundleEvent | None = None
        for event in events:
            if deleted is not None:
                raise VerificationError(f"{event.describe()} comes after the item was deleted ({deleted.describe()})")
            moment = parse_timestamp(event.record.at)
            if moment < previous_time:
                raise VerificationError(f"{event.describe()} is dated {event.record.at}, before {previous}")
            previous_time, previous = moment, f"{event.describe()} dated {event.record.at}"
            if event.record.event == "deleted":
                deleted = event
        if item.path is None and deleted is None:
            raise VerificationError(f"item {item.describe()} has no file in the bundle and no 'deleted' event")
        if item.path is not None and deleted is not None:
            raise VerificationError(f"item {item.describe()} was deleted ({deleted.describe()}) but has a file")
        exported = [e for e in events if e.record.export_id == manifest.export_id]
        if item.path is not None and len(exported) != 1:
            raise VerificationError(
                f"item {item.describe()} has {len(exported)} 'exported' custody events for this export "
                f"{manifest.export_id}; exactly one is required"
            )
        for event in exported:
            count = event.record.detail.get("items")
            if count != len(manifest.items):
                raise VerificationError(
                    f"{event.describe()} says export {manifest.export_id} holds {count} items, "
                    f"but the bundle has {len(manifest.items)}: an item was removed or added"
                )


def check_inclusion(manifest: Manifest, checkpoint: Checkpoint) -> None:
    """Every item's and event's leaf hash, with its proof, leads to the checkpoint's root."""
    entries: list[BundleItem | BundleEvent] = [*manifest.items, *manifest.custody_events]
    for entry in entries:
        what = f"item {entry.describe()}" if isinstance(entry, BundleItem) else entry.describe()
        if entry.leaf_index >= checkpoint.size:
            raise VerificationError(f"{what}: leaf index is outside the checkpoint's tree of size {checkpoint.size}")
        try:
            root = checkpoint.root_hash
            verify_inclusion(leaf_hash(entry.leaf), entry.leaf_index, checkpoint.size, entry.proof, root)
        except VerificationError as exc:
            raise VerificationError(f"inclusion proof of {what} fails: {exc}") from None


def _check_checkpoint_matches(manifest: Manifest, checkpoint: Checkpoint) -> None:
    """The manifest restates the checkpoint's origin, size and root; they must be the signed ones."""
    if checkpoint.origin != manifest.origin:
        raise VerificationError(f"the manifest names log {manifest.origin!r}, the checkpoint {checkpoint.origin!r}")
    if checkpoint.size != manifest.tree_size or checkpoint.root_hash != manifest.root_hash:
        raise VerificationError(
            f"the manifest's tree head (size {manifest.tree_size}, root {b64(manifest.root_hash)}) is not the "
            f"checkpoint's (size {checkpoint.size}, root {checkpoint.root_b64})"
        )
