"""Evidence bundles: a zip an attorney, a court expert or anyone outside can check offline.

Layout (``docs/bundle-format.md`` is the full specification)::

    manifest.json         what is in the bundle: every item's leaf record, leaf index and inclusion proof,
                          every custody event likewise, the checkpoint they prove to, the documents
    checkpoint.txt        the signed checkpoint (C2SP tlog-checkpoint in a C2SP signed note)
    log-key.txt           the log's verifier key (a convenience copy: trust the key you got elsewhere)
    files/...             the original files, byte for byte
    README.txt            how to check the bundle
    custody-report.*      human-readable chain-of-custody report (not covered by the log)

:class:`BundleWriter` streams files into the zip (hashing as it goes, never holding a file in memory) and refuses
to finish a bundle that :func:`verify_bundle` would reject. :func:`verify_bundle` checks a bundle in six numbered
steps and raises :class:`VerificationError` naming the step and the exact file, proof or event that failed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, BinaryIO, Final

from vigil.ledger.canonical import (
    CanonicalJSON,
    CustodyEvent,
    EvidenceItem,
    Timestamp,
    format_timestamp,
    json_object,
    loads_strict,
    parse_timestamp,
)
from vigil.ledger.checkpoint import Checkpoint, b64_hash, open_checkpoint, read_checkpoint
from vigil.ledger.errors import FormatError, LedgerError, VerificationError
from vigil.ledger.merkle import leaf_hash, verify_inclusion
from vigil.ledger.note import Verifier, VerifierKey

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "STEPS",
    "BundleDocument",
    "BundleEvent",
    "BundleItem",
    "BundleReport",
    "BundleWriter",
    "Manifest",
    "item_arcname",
    "verify_bundle",
]

BUNDLE_FORMAT: Final = "vigil-evidence-bundle"
BUNDLE_VERSION: Final = 1
MANIFEST: Final = "manifest.json"
CHECKPOINT: Final = "checkpoint.txt"
VERIFIER_KEY: Final = "log-key.txt"
README: Final = "README.txt"
FILES_DIR: Final = "files/"
RESERVED: Final = frozenset({MANIFEST, CHECKPOINT, VERIFIER_KEY})

MAX_MANIFEST_BYTES: Final = 256 << 20
MAX_SMALL_FILE_BYTES: Final = 1 << 20
CHUNK: Final = 1 << 20
HASH_SIZE: Final = 32

STEPS: Final[Mapping[int, str]] = {
    1: "zip and manifest are well-formed",
    2: "checkpoint is signed by the log key",
    3: "every file matches its leaf record (SHA-256, size)",
    4: "every leaf is in the log at the checkpoint (inclusion proofs)",
    5: "custody events are consistent",
    6: "nothing in the zip is unaccounted for",
}

_COMPONENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


# -- paths ------------------------------------------------------------------------------------------------------------


def _check_path(path: str, what: str) -> str:
    """A bundle path: relative, '/'-separated, each part [A-Za-z0-9][A-Za-z0-9._-]* (so no '..', no hidden files)."""
    if not isinstance(path, str) or not path or len(path) > 1024:
        raise FormatError(f"{what}: expected a relative path")
    parts = path.split("/")
    if any(_COMPONENT.fullmatch(part) is None for part in parts):
        raise FormatError(f"{what}: {path!r} is not a safe bundle path (letters, digits, '._-', no '..')")
    return path


def _is_traversal(name: str) -> bool:
    normalised = name.replace("\\", "/")
    return (
        normalised.startswith("/")
        or re.match(r"[A-Za-z]:", normalised) is not None
        or any(part == ".." for part in normalised.split("/"))
    )


def item_arcname(item: str, name: str) -> str:
    """A safe path for an item's original inside the bundle: ``files/<item uuid>/<sanitised file name>``."""
    if _UUID.fullmatch(item) is None:
        raise FormatError(f"item id {item!r} is not a lowercase UUID")
    safe = _UNSAFE_NAME_CHARS.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).lstrip("._-")[:120]
    return f"{FILES_DIR}{item}/{safe or 'original'}"


# -- manifest ---------------------------------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64_hash(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise FormatError(f"{what}: expected a base64 string")
    return b64_hash(text, what)


def _int_field(obj: Mapping[str, object], key: str, what: str) -> int:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FormatError(f"{what}.{key}: expected a non-negative integer")
    return value


def _str_field(obj: Mapping[str, object], key: str, what: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise FormatError(f"{what}.{key}: expected a string")
    return value


def _proof(value: object, what: str) -> tuple[bytes, ...]:
    if not isinstance(value, list) or len(value) > 128:
        raise FormatError(f"{what}: expected a list of base64 hashes")
    return tuple(_unb64_hash(h, f"{what}[{i}]") for i, h in enumerate(value))


@dataclass(frozen=True, slots=True)
class BundleItem:
    """One evidence item: its file in the zip (None if deleted under retention), leaf index, record and proof."""

    path: str | None
    leaf_index: int
    record: EvidenceItem
    proof: tuple[bytes, ...]

    @property
    def leaf(self) -> CanonicalJSON:
        return self.record.canonical()

    def describe(self) -> str:
        where = self.path if self.path is not None else "(file deleted)"
        return f"{where} (item {self.record.item}, leaf {self.leaf_index})"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "leaf_index": self.leaf_index,
            "record": self.record.to_record(),
            "proof": [_b64(h) for h in self.proof],
        }

    @staticmethod
    def from_json(value: object, what: str) -> BundleItem:
        obj = json_object(value, frozenset({"path", "leaf_index", "record", "proof"}), what)
        path = obj["path"]
        if path is not None:
            path = _check_path(_str_field(obj, "path", what), f"{what}.path")
            if not path.startswith(FILES_DIR):
                raise FormatError(f"{what}.path: item files live under {FILES_DIR}, not {path!r}")
        record = obj["record"]
        if not isinstance(record, dict):
            raise FormatError(f"{what}.record: expected a JSON object")
        return BundleItem(
            path=path,
            leaf_index=_int_field(obj, "leaf_index", what),
            record=EvidenceItem.from_record(record, f"{what}.record"),
            proof=_proof(obj["proof"], f"{what}.proof"),
        )


@dataclass(frozen=True, slots=True)
class BundleEvent:
    """One custody event: leaf index, record and inclusion proof."""

    leaf_index: int
    record: CustodyEvent
    proof: tuple[bytes, ...]

    @property
    def leaf(self) -> CanonicalJSON:
        return self.record.canonical()

    def describe(self) -> str:
        return f"custody event at leaf {self.leaf_index} ({self.record.event} of item {self.record.item})"

    def to_json(self) -> dict[str, object]:
        proof = [_b64(h) for h in self.proof]
        return {"leaf_index": self.leaf_index, "record": self.record.to_record(), "proof": proof}

    @staticmethod
    def from_json(value: object, what: str) -> BundleEvent:
        obj = json_object(value, frozenset({"leaf_index", "record", "proof"}), what)
        record = obj["record"]
        if not isinstance(record, dict):
            raise FormatError(f"{what}.record: expected a JSON object")
        return BundleEvent(
            leaf_index=_int_field(obj, "leaf_index", what),
            record=CustodyEvent.from_record(record, f"{what}.record"),
            proof=_proof(obj["proof"], f"{what}.proof"),
        )


@dataclass(frozen=True, slots=True)
class BundleDocument:
    """A file for people (README, custody report): listed with its hash, but not covered by the log."""

    path: str
    sha256: str
    size: int

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "sha256": self.sha256, "size": self.size}

    @staticmethod
    def from_json(value: object, what: str) -> BundleDocument:
        obj = json_object(value, frozenset({"path", "sha256", "size"}), what)
        path = _check_path(_str_field(obj, "path", what), f"{what}.path")
        if path.startswith(FILES_DIR) or path in RESERVED:
            raise FormatError(f"{what}.path: {path!r} is reserved")
        digest = _str_field(obj, "sha256", what)
        if re.fullmatch(r"[0-9a-f]{64}", digest) is None:
            raise FormatError(f"{what}.sha256: expected 64 lowercase hex digits")
        return BundleDocument(path=path, sha256=digest, size=_int_field(obj, "size", what))


@dataclass(frozen=True, slots=True)
class Manifest:
    """``manifest.json``. Items and custody events are in ledger (leaf index) order."""

    export_id: str
    title: str
    created_at: Timestamp
    origin: str
    tree_size: int
    root_hash: bytes
    items: tuple[BundleItem, ...]
    custody_events: tuple[BundleEvent, ...]
    documents: tuple[BundleDocument, ...] = ()

    def to_json(self) -> bytes:
        body = {
            "format": BUNDLE_FORMAT,
            "version": BUNDLE_VERSION,
            "export": self.export_id,
            "title": self.title,
            "created_at": self.created_at,
            "origin": self.origin,
            "tree_size": self.tree_size,
            "root_hash": _b64(self.root_hash),
            "checkpoint": CHECKPOINT,
            "verifier_key": VERIFIER_KEY,
            "items": [item.to_json() for item in self.items],
            "custody_events": [event.to_json() for event in self.custody_events],
            "documents": [doc.to_json() for doc in self.documents],
        }
        return (json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")

    @staticmethod
    def parse(data: bytes) -> Manifest:
        """Strictly parse ``manifest.json``: known fields only, records valid, proofs well-formed, ledger order."""
        keys = frozenset(
            {
                "format", "version", "export", "title", "created_at", "origin", "tree_size", "root_hash",
                "checkpoint", "verifier_key", "items", "custody_events", "documents",
            }
        )  # fmt: skip
        obj = json_object(loads_strict(data, MANIFEST), keys, MANIFEST)
        if obj["format"] != BUNDLE_FORMAT:
            raise FormatError(f"{MANIFEST}: format is {obj['format']!r}, not {BUNDLE_FORMAT!r}")
        if obj["version"] != BUNDLE_VERSION or isinstance(obj["version"], bool):
            raise FormatError(f"{MANIFEST}: bundle format version {obj['version']!r} is not supported (1 is)")
        if obj["checkpoint"] != CHECKPOINT or obj["verifier_key"] != VERIFIER_KEY:
            raise FormatError(f"{MANIFEST}: checkpoint and verifier key must be {CHECKPOINT} and {VERIFIER_KEY}")
        export_id = _str_field(obj, "export", MANIFEST)
        if _UUID.fullmatch(export_id) is None:
            raise FormatError(f"{MANIFEST}.export: expected a lowercase UUID")
        created_at = _str_field(obj, "created_at", MANIFEST)
        parse_timestamp(created_at, f"{MANIFEST}.created_at")
        for key in ("items", "custody_events", "documents"):
            if not isinstance(obj[key], list):
                raise FormatError(f"{MANIFEST}.{key}: expected a list")
        raw_items, raw_events, raw_docs = obj["items"], obj["custody_events"], obj["documents"]
        assert isinstance(raw_items, list) and isinstance(raw_events, list) and isinstance(raw_docs, list)  # noqa: S101
        manifest = Manifest(
            export_id=export_id,
            title=_str_field(obj, "title", MANIFEST),
            created_at=Timestamp(created_at),
            origin=_str_field(obj, "origin", MANIFEST),
            tree_size=_int_field(obj, "tree_size", MANIFEST),
            root_hash=_unb64_hash(obj["root_hash"], f"{MANIFEST}.root_hash"),
            items=tuple(BundleItem.from_json(v, f"items[{i}]") for i, v in enumerate(raw_items)),
            custody_events=tuple(BundleEvent.from_json(v, f"custody_events[{i}]") for i, v in enumerate(raw_events)),
            documents=tuple(BundleDocument.from_json(v, f"documents[{i}]") for i, v in enumerate(raw_docs)),
        )
        manifest.check_layout()
        return manifest

    def check_layout(self) -> None:
        """Order and uniqueness rules that need no file and no key."""
        if not self.items:
            raise FormatError("the bundle holds no evidence items")
        for kind, entries in (("items", self.items), ("custody_events", self.custody_events)):
            for i in range(1, len(entries)):
                if entries[i].leaf_index <= entries[i - 1].leaf_index:
                    raise FormatError(
                        f"{kind} are not in ledger order: {kind}[{i}] has leaf {entries[i].leaf_index} "
                        f"after leaf {entries[i - 1].leaf_index}"
                    )
        leaves = Counter([e.leaf_index for e in self.items] + [e.leaf_index for e in self.custody_events])
        duplicated = sorted(index for index, n in leaves.items() if n > 1)
        if duplicated:
            raise FormatError(f"leaf {duplicated[0]} is claimed by more than one entry")
        ids = Counter(item.record.item for item in self.items)
        for item_id, n in ids.items():
            if n > 1:
                raise FormatError(f"item {item_id} appears {n} times")
        paths = Counter(
            [item.path for item in self.items if item.path is not None] + [doc.path for doc in self.documents]
        )
        for path, n in paths.items():
            if n > 1:
                raise FormatError(f"path {path} is used {n} times")
        lowered = Counter(path.lower() for path in paths)
        for path, n in lowered.items():
            if n > 1:
                raise FormatError(f"paths that differ only in case: {path}")


# -- custody rules (step 5) -------------------------------------------------------------------------------------------


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
    if checkpoint.origin != manifest.origin:
        raise VerificationError(f"the manifest names log {manifest.origin!r}, the checkpoint {checkpoint.origin!r}")
    if checkpoint.size != manifest.tree_size or checkpoint.root_hash != manifest.root_hash:
        raise VerificationError(
            f"the manifest's tree head (size {manifest.tree_size}, root {_b64(manifest.root_hash)}) is not the "
            f"checkpoint's (size {checkpoint.size}, root {checkpoint.root_b64})"
        )


# -- writer -----------------------------------------------------------------------------------------------------------


def _zip_time(created_at: Timestamp) -> tuple[int, int, int, int, int, int]:
    moment = max(parse_timestamp(created_at), datetime(1980, 1, 1, tzinfo=UTC))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


class BundleWriter:
    """Write an evidence bundle to a binary file object (seekable or not) without holding files in memory.

    Usage::

        with BundleWriter(out, export_id=str(uuid4()), title="Incident 42") as bundle:
            bundle.add_item(item_arcname(rec["item"], rec["name"]), path, rec, leaf_index=7, proof=proof)
            bundle.add_custody_event(event_record, leaf_index=8, proof=proof)
            bundle.set_checkpoint(note_text)
            bundle.set_verifier_key(vkey)
            bundle.add_document("custody-report.pdf", pdf_bytes)

    Every file is hashed while it is copied and must match its record. ``close()`` checks the checkpoint signature,
    every inclusion proof and the custody rules before it writes ``manifest.json``; if anything raises, the output
    is not a valid bundle (it has no manifest) and must be discarded.
    """

    def __init__(self, fileobj: IO[bytes], *, export_id: str, title: str = "", created_at: Timestamp | None = None):
        if _UUID.fullmatch(export_id) is None:
            raise FormatError("export_id must be a lowercase UUID (the id the 'exported' custody events carry)")
        self._zip = zipfile.ZipFile(fileobj, mode="w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self._export_id = export_id
        self._title = title
        self._created_at = created_at or format_timestamp(datetime.now(UTC))
        self._date_time = _zip_time(self._created_at)
        self._items: list[BundleItem] = []
        self._events: list[BundleEvent] = []
        self._documents: list[BundleDocument] = []
        self._paths: set[str] = set()
        self._checkpoint: str | None = None
        self._verifier_key: VerifierKey | None = None
        self._closed = False
        self._failed = False

    # context manager: on an exception the zip is closed without a manifest
    def __enter__(self) -> BundleWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            self.abort()
        else:
            self.close()

    def _claim(self, path: str) -> None:
        if path in self._paths or path.lower() in {p.lower() for p in self._paths}:
            raise FormatError(f"{path} is already in the bundle")
        self._paths.add(path)

    def _open_entry(self, path: str, size: int, *, stored: bool) -> IO[bytes]:
        info = zipfile.ZipInfo(path, date_time=self._date_time)
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        info.file_size = size
        info.external_attr = 0o644 << 16
        return self._zip.open(info, mode="w", force_zip64=size > (1 << 31))

    def _check_open(self) -> None:
        if self._closed:
            raise FormatError("the bundle is already closed")

    def add_item(
        self,
        arcname: str,
        source: BinaryIO | IO[bytes] | Path,
        record: Mapping[str, object] | EvidenceItem,
        leaf_index: int,
        proof: Sequence[bytes],
    ) -> None:
        """Stream one original into ``files/...``; its SHA-256 and size must equal the record's."""
        self._check_open()
        entry = self._entry(arcname, record, leaf_index, proof)
        assert entry.path is not None  # noqa: S101
        self._claim(entry.path)
        digest = hashlib.sha256()
        size = 0
        try:
            with self._source(source) as src, self._open_entry(entry.path, entry.record.size, stored=True) as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    dst.write(chunk)
        except Exception:
            self._failed = True
            raise
        if digest.hexdigest() != entry.record.sha256 or size != entry.record.size:
            self._failed = True
            raise VerificationError(
                f"{entry.path}: the file has SHA-256 {digest.hexdigest()} and {size} bytes, but its leaf record says "
                f"{entry.record.sha256} and {entry.record.size} bytes"
            )
        self._items.append(entry)

    def add_removed_item(
        self, record: Mapping[str, object] | EvidenceItem, leaf_index: int, proof: Sequence[bytes]
    ) -> None:
        """An item deleted under retention: its leaf and proof go in, there is no file (it needs a 'deleted' event)."""
        self._check_open()
        self._items.append(self._entry(None, record, leaf_index, proof))

    def _entry(
        self,
        arcname: str | None,
        record: Mapping[str, object] | EvidenceItem,
        leaf_index: int,
        proof: Sequence[bytes],
    ) -> BundleItem:
        if arcname is not None:
            _check_path(arcname, "arcname")
            if not arcname.startswith(FILES_DIR):
                raise FormatError(f"item files go under {FILES_DIR}: {arcname!r}")
        item = record if isinstance(record, EvidenceItem) else EvidenceItem.from_record(record)
        return BundleItem(path=arcname, leaf_index=_leaf_index(leaf_index), record=item, proof=_proof_bytes(proof))

    @staticmethod
    @contextmanager
    def _source(source: BinaryIO | IO[bytes] | Path) -> Iterator[IO[bytes]]:
        if isinstance(source, Path):
            with source.open("rb") as handle:
                yield handle
        else:
            yield source

    def add_custody_event(
        self, record: Mapping[str, object] | CustodyEvent, leaf_index: int, proof: Sequence[bytes]
    ) -> None:
        self._check_open()
        event = record if isinstance(record, CustodyEvent) else CustodyEvent.from_record(record)
        self._events.append(BundleEvent(leaf_index=_leaf_index(leaf_index), record=event, proof=_proof_bytes(proof)))

    def set_checkpoint(self, note_text: str) -> None:
        """The signed checkpoint note every proof leads to."""
        self._check_open()
        read_checkpoint(note_text)  # well-formed now; the signature is checked at close()
        self._checkpoint = note_text

    def set_verifier_key(self, vkey: str) -> None:
        self._check_open()
        self._verifier_key = Verifier.from_key(vkey).key

    def add_document(self, arcname: str, data: bytes) -> None:
        """A file for people (README.txt, custody-report.html/.pdf): listed with its hash, not covered by the log."""
        self._check_open()
        _check_path(arcname, "arcname")
        if arcname.startswith(FILES_DIR) or arcname in RESERVED:
            raise FormatError(f"{arcname!r} is reserved for the bundle itself")
        self._claim(arcname)
        self._write_small(arcname, data)
        self._documents.append(BundleDocument(arcname, hashlib.sha256(data).hexdigest(), len(data)))

    def _write_small(self, arcname: str, data: bytes) -> None:
        with self._open_entry(arcname, len(data), stored=False) as dst:
            dst.write(data)

    def abort(self) -> None:
        """Close the zip without a manifest (the output is then not a bundle)."""
        if not self._closed:
            self._closed = True
            self._zip.close()

    def close(self) -> Manifest:
        """Check everything, write the manifest, checkpoint, key and README, and finish the zip."""
        if self._closed:
            raise FormatError("the bundle is already closed")
        if self._failed:
            self.abort()
            raise FormatError("an earlier error left this bundle incomplete; discard it")
        try:
            manifest = self._finish()
        except BaseException:
            self.abort()
            raise
        self._closed = True
        self._zip.close()
        return manifest

    def _finish(self) -> Manifest:
        if self._checkpoint is None or self._verifier_key is None:
            raise FormatError("set_checkpoint() and set_verifier_key() are required before close()")
        checkpoint = open_checkpoint(self._checkpoint, self._verifier_key)
        manifest = Manifest(
            export_id=self._export_id,
            title=self._title,
            created_at=self._created_at,
            origin=checkpoint.origin,
            tree_size=checkpoint.size,
            root_hash=checkpoint.root_hash,
            items=tuple(sorted(self._items, key=lambda e: e.leaf_index)),
            custody_events=tuple(sorted(self._events, key=lambda e: e.leaf_index)),
            documents=tuple(self._documents),
        )
        manifest.check_layout()
        check_inclusion(manifest, checkpoint)
        check_custody(manifest)
        if README not in self._paths:
            readme = default_readme(manifest).encode("utf-8")
            self._write_small(README, readme)
            doc = BundleDocument(README, hashlib.sha256(readme).hexdigest(), len(readme))
            manifest = replace(manifest, documents=(*manifest.documents, doc))
        self._write_small(CHECKPOINT, self._checkpoint.encode("utf-8"))
        self._write_small(VERIFIER_KEY, (self._verifier_key + "\n").encode("ascii"))
        self._write_small(MANIFEST, manifest.to_json())
        return manifest


def _leaf_index(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FormatError("leaf_index must be a non-negative integer")
    return value


def _proof_bytes(proof: Sequence[bytes]) -> tuple[bytes, ...]:
    hashes = tuple(bytes(h) for h in proof)
    if any(len(h) != HASH_SIZE for h in hashes):
        raise FormatError("proof hashes must be 32 bytes each")
    return hashes


def default_readme(manifest: Manifest) -> str:
    """The README.txt written when the exporter supplies none."""
    files = sum(1 for item in manifest.items if item.path is not None)
    return (
        f"Evidence bundle: {manifest.title or manifest.export_id}\n"
        f"Export {manifest.export_id}, made {manifest.created_at}\n"
        f"Log {manifest.origin}, checkpoint of {manifest.tree_size} leaves\n"
        f"{len(manifest.items)} evidence items ({files} files under files/), "
        f"{len(manifest.custody_events)} custody events.\n"
        "\n"
        "What this is\n"
        "  Every original file in files/ was hashed (SHA-256) when the server received it and recorded as a leaf of\n"
        "  an append-only Merkle tree log (RFC 9162 hashing). So was every custody event: upload, viewing of the\n"
        "  original, derivatives, export, deletion. checkpoint.txt is the log's signed tree head (C2SP\n"
        "  tlog-checkpoint, Ed25519 signed note); manifest.json holds each leaf and its inclusion proof.\n"
        "\n"
        "How to check it, offline\n"
        "  pip install cryptography            # the only dependency\n"
        "  python -m vigil.ledger.cli this-bundle.zip --key 'LOG-VERIFIER-KEY'\n"
        "  (or: vigil-verify this-bundle.zip --key-file log-key-you-trust.txt)\n"
        "\n"
        "  Get the log's verifier key from a source you trust (not only from log-key.txt inside this zip, which\n"
        "  anyone who altered the bundle could also replace). The verifier checks: the checkpoint signature, the\n"
        "  SHA-256 of every file, every inclusion proof, the consistency of custody events, and that the zip holds\n"
        "  nothing else. It exits 0 only when all of that holds.\n"
        "\n"
        "  custody-report.html / .pdf are readable summaries; they are not covered by the log. The files,\n"
        "  manifest.json and checkpoint.txt are what the verification rests on.\n"
    )


# -- verifier ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BundleReport:
    """What :func:`verify_bundle` established. ``key_trusted`` is False when the bundle's own key was used."""

    manifest: Manifest
    checkpoint: Checkpoint
    verifier_key: VerifierKey
    key_trusted: bool
    notes: tuple[str, ...] = field(default=())

    @property
    def files(self) -> tuple[BundleItem, ...]:
        return tuple(item for item in self.manifest.items if item.path is not None)


def _fail(step: int, message: str) -> VerificationError:
    return VerificationError(f"step {step} ({STEPS[step]}): {message}")


def _read_small(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FormatError(f"{name} is larger than {limit} bytes")
    return data


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

    notes: list[str] = []
    trusted_key: Verifier | None = None
    if verifier_key is not None:
        trusted_key = Verifier.from_key(verifier_key)  # FormatError: a usage problem, not a bundle problem

    # (1) The zip opens, every entry name is safe, and the manifest parses strictly.
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(1, f"{path} is not a readable zip file: {exc}") from None
    with archive:
        try:
            infos = archive.infolist()
            names = Counter(info.filename for info in infos)
            for info in infos:
                if _is_traversal(info.filename):
                    raise FormatError(f"zip entry {info.filename!r} has an unsafe name (path traversal)")
                if names[info.filename] > 1:
                    raise FormatError(f"zip entry {info.filename!r} appears {names[info.filename]} times")
                if info.flag_bits & 0x1:
                    raise FormatError(f"zip entry {info.filename!r} is encrypted")
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise FormatError(f"zip entry {info.filename!r} is a symbolic link")
            for required in (MANIFEST, CHECKPOINT, VERIFIER_KEY):
                if required not in names:
                    raise FormatError(f"{required} is missing")
            manifest = Manifest.parse(_read_small(archive, MANIFEST, MAX_MANIFEST_BYTES))
            checkpoint_text = _read_small(archive, CHECKPOINT, MAX_SMALL_FILE_BYTES)
            bundle_key_text = _read_small(archive, VERIFIER_KEY, MAX_SMALL_FILE_BYTES)
        except (FormatError, zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
            raise _fail(1, str(exc)) from None
        done(1)

        # (2) The checkpoint is signed by the log key (given, or the bundle's own) and matches the manifest.
        try:
            if trusted_key is None:
                bundle_key = Verifier.from_key(bundle_key_text.decode("ascii"))
                notes.append(
                    "the log key was taken from the bundle's own log-key.txt and is NOT independently trusted: "
                    "anyone who altered the bundle could have replaced it; pass --key with the key you trust"
                )
                key = bundle_key
            else:
                key = trusted_key
                try:
                    if Verifier.from_key(bundle_key_text.decode("ascii")) != trusted_key:
                        notes.append("the bundle's log-key.txt differs from the key you gave; your key was used")
                except (FormatError, UnicodeDecodeError):
                    notes.append("the bundle's log-key.txt is malformed; your key was used")
            checkpoint = open_checkpoint(checkpoint_text, key)
            _check_checkpoint_matches(manifest, checkpoint)
        except UnicodeDecodeError:
            raise _fail(2, f"{VERIFIER_KEY} is not ASCII text") from None
        except LedgerError as exc:
            raise _fail(2, f"{CHECKPOINT}: {exc}") from None
        done(2)

        # (3) Every file streams to the SHA-256 and size its leaf record states.
        for item in manifest.items:
            if item.path is None:
                continue
            if item.path not in names:
                raise _fail(3, f"{item.describe()} is listed in the manifest but missing from the zip")
            info = archive.getinfo(item.path)
            if info.file_size != item.record.size:
                raise _fail(
                    3, f"{item.describe()} is {info.file_size} bytes, but its leaf record says {item.record.size}"
                )
            digest = hashlib.sha256()
            try:
                with archive.open(info) as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise _fail(3, f"{item.describe()}: the zip entry is corrupt ({exc})") from None
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
            if doc.path not in names:
                raise _fail(6, f"document {doc.path} is listed in the manifest but missing from the zip")
            digest = hashlib.sha256()
            size = 0
            try:
                with archive.open(doc.path) as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise _fail(6, f"document {doc.path}: the zip entry is corrupt ({exc})") from None
            if digest.hexdigest() != doc.sha256 or size != doc.size:
                raise _fail(6, f"document {doc.path} does not match the hash the manifest lists for it")
        done(6)

    return BundleReport(
        manifest=manifest,
        checkpoint=checkpoint,
        verifier_key=key.key,
        key_trusted=trusted_key is not None,
        notes=tuple(notes),
    )
