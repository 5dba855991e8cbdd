"""``manifest.json`` of an evidence bundle: the layout, the data model, and its strict parser and serializer.

Layout of a bundle (``docs/bundle-format.md`` is the full specification)::

    manifest.json         what is in the bundle: every item's leaf record, leaf index and inclusion proof,
                          every custody event likewise, the checkpoint they prove to, the documents
    checkpoint.txt        the signed checkpoint (C2SP tlog-checkpoint in a C2SP signed note)
    log-key.txt           the log's verifier key (a convenience copy: trust the key you got elsewhere)
    files/<item uuid>/... the original files, byte for byte, each under its own item's id
    README.txt            how to check the bundle
    custody-report.*      human-readable chain-of-custody report (not covered by the log)

:meth:`Manifest.parse` checks everything that needs no file and no key (fields, types, ledger order, uniqueness);
:meth:`Manifest.to_json` writes exactly what it reads (a round-trip test holds them together). What the manifest
says is only believed once :func:`vigil.ledger.verify.verify_bundle` has checked it against the log: the leaf
records, indices and proofs are covered by the signed checkpoint; ``title`` and ``created_at`` are not.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Final

from vigil.ledger._internal import (
    HEX64,
    UUID,
    b64,
    check_path,
    int_field,
    proof_from_json,
    safe_file_name,
    str_field,
    unb64_hash,
)
from vigil.ledger.canonical import (
    CanonicalJSON,
    CustodyEvent,
    EvidenceItem,
    Timestamp,
    json_object,
    loads_strict,
    parse_timestamp,
)
from vigil.ledger.errors import FormatError

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "CHECKPOINT",
    "FILES_DIR",
    "MANIFEST",
    "README",
    "RESERVED",
    "VERIFIER_KEY",
    "BundleDocument",
    "BundleEvent",
    "BundleItem",
    "Manifest",
    "item_arcname",
    "item_folder",
]

BUNDLE_FORMAT: Final = "vigil-evidence-bundle"
BUNDLE_VERSION: Final = 1
MANIFEST: Final = "manifest.json"
CHECKPOINT: Final = "checkpoint.txt"
VERIFIER_KEY: Final = "log-key.txt"
README: Final = "README.txt"
FILES_DIR: Final = "files/"
RESERVED: Final = frozenset({MANIFEST, CHECKPOINT, VERIFIER_KEY})


def item_folder(item: str) -> str:
    """The folder an item's original lives in: ``files/<item uuid>/``. The verifier binds the path to the item."""
    return f"{FILES_DIR}{item}/"


def item_arcname(item: str, name: str) -> str:
    """A safe path for an item's original inside the bundle: ``files/<item uuid>/<sanitised file name>``."""
    if UUID.fullmatch(item) is None:
        raise FormatError(f"item id {item!r} is not a lowercase UUID")
    return f"{item_folder(item)}{safe_file_name(name)}"


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
            "proof": [b64(h) for h in self.proof],
        }

    @staticmethod
    def from_json(value: object, what: str) -> BundleItem:
        obj = json_object(value, frozenset({"path", "leaf_index", "record", "proof"}), what)
        path = obj["path"]
        if path is not None:
            path = check_path(str_field(obj, "path", what), f"{what}.path")
            if not path.startswith(FILES_DIR):
                raise FormatError(f"{what}.path: item files live under {FILES_DIR}, not {path!r}")
        record = obj["record"]
        if not isinstance(record, dict):
            raise FormatError(f"{what}.record: expected a JSON object")
        return BundleItem(
            path=path,
            leaf_index=int_field(obj, "leaf_index", what),
            record=EvidenceItem.from_record(record, f"{what}.record"),
            proof=proof_from_json(obj["proof"], f"{what}.proof"),
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
        proof = [b64(h) for h in self.proof]
        return {"leaf_index": self.leaf_index, "record": self.record.to_record(), "proof": proof}

    @staticmethod
    def from_json(value: object, what: str) -> BundleEvent:
        obj = json_object(value, frozenset({"leaf_index", "record", "proof"}), what)
        record = obj["record"]
        if not isinstance(record, dict):
            raise FormatError(f"{what}.record: expected a JSON object")
        return BundleEvent(
            leaf_index=int_field(obj, "leaf_index", what),
            record=CustodyEvent.from_record(record, f"{what}.record"),
            proof=proof_from_json(obj["proof"], f"{what}.proof"),
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
        path = check_path(str_field(obj, "path", what), f"{what}.path")
        if path.startswith(FILES_DIR) or path in RESERVED:
            raise FormatError(f"{what}.path: {path!r} is reserved")
        digest = str_field(obj, "sha256", what)
        if HEX64.fullmatch(digest) is None:
            raise FormatError(f"{what}.sha256: expected 64 lowercase hex digits")
        return BundleDocument(path=path, sha256=digest, size=int_field(obj, "size", what))


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
            "root_hash": b64(self.root_hash),
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
        export_id = str_field(obj, "export", MANIFEST)
        if UUID.fullmatch(export_id) is None:
            raise FormatError(f"{MANIFEST}.export: expected a lowercase UUID")
        created_at = str_field(obj, "created_at", MANIFEST)
        parse_timestamp(created_at, f"{MANIFEST}.created_at")
        for key in ("items", "custody_events", "documents"):
            if not isinstance(obj[key], list):
                raise FormatError(f"{MANIFEST}.{key}: expected a list")
        raw_items, raw_events, raw_docs = obj["items"], obj["custody_events"], obj["documents"]
        assert isinstance(raw_items, list) and isinstance(raw_events, list) and isinstance(raw_docs, list)  # noqa: S101
        manifest = Manifest(
            export_id=export_id,
            title=str_field(obj, "title", MANIFEST),
            created_at=Timestamp(created_at),
            origin=str_field(obj, "origin", MANIFEST),
            tree_size=int_field(obj, "tree_size", MANIFEST),
            root_hash=unb64_hash(obj["root_hash"], f"{MANIFEST}.root_hash"),
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
