"""Writing evidence bundles: :class:`BundleWriter` streams originals into the zip and refuses to finish a bundle
that :func:`vigil.ledger.verify.verify_bundle` would reject.

Every file is hashed while it is copied (never held in memory) and must match its leaf record, and live under its
own item's folder ``files/<item uuid>/``. ``close()`` runs the verifier's own checks (checkpoint signature, every
inclusion proof, the custody rules) before it writes ``manifest.json``; a zip without a manifest is not a bundle.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, BinaryIO

from vigil.ledger._internal import CHUNK, UUID, check_leaf_index, check_path, proof_from_bytes, zip_time
from vigil.ledger.canonical import CustodyEvent, EvidenceItem, Timestamp, format_timestamp
from vigil.ledger.checkpoint import open_checkpoint, read_checkpoint
from vigil.ledger.errors import FormatError, VerificationError
from vigil.ledger.manifest import (
    CHECKPOINT,
    FILES_DIR,
    MANIFEST,
    README,
    RESERVED,
    VERIFIER_KEY,
    BundleDocument,
    BundleEvent,
    BundleItem,
    Manifest,
    item_folder,
)
from vigil.ledger.note import Verifier, VerifierKey
from vigil.ledger.verify import check_custody, check_inclusion

__all__ = ["BundleWriter", "default_readme"]


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
        if UUID.fullmatch(export_id) is None:
            raise FormatError("export_id must be a lowercase UUID (the id the 'exported' custody events carry)")
        self._zip = zipfile.ZipFile(fileobj, mode="w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self._export_id = export_id
        self._title = title
        self._created_at = created_at or format_timestamp(datetime.now(UTC))
        self._date_time = zip_time(self._created_at)
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
        item = record if isinstance(record, EvidenceItem) else EvidenceItem.from_record(record)
        if arcname is not None:
            check_path(arcname, "arcname")
            if not arcname.startswith(FILES_DIR):
                raise FormatError(f"item files go under {FILES_DIR}: {arcname!r}")
            if not arcname.startswith(item_folder(item.item)):
                raise FormatError(
                    f"{arcname}: item {item.item}'s file must go under {item_folder(item.item)} (use item_arcname)"
                )
        return BundleItem(
            path=arcname, leaf_index=check_leaf_index(leaf_index), record=item, proof=proof_from_bytes(proof)
        )

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
        self._events.append(
            BundleEvent(leaf_index=check_leaf_index(leaf_index), record=event, proof=proof_from_bytes(proof))
        )

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
        check_path(arcname, "arcname")
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


def default_readme(manifest: Manifest) -> str:
    """The README.txt written when the exporter supplies none."""
    files = sum(1 for item in manifest.items if item.path is not None)
    return (
        f"Evidence bundle: {manifest.title or manifest.export_id}\n"
        f"Export {manifest.export_id}, made {manifest.created_at}\n"
        "(this title and time come from manifest.json and are not covered by the log's signature)\n"
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
