"""Court bundles: one incident's originals with their leaves, inclusion proofs to one fresh checkpoint, the custody
events, the log key, a README and a chain-of-custody report (HTML and PDF), in a zip `vigil-verify` checks offline.

Order matters: the `exported` custody events are appended and committed first, then a checkpoint is signed, so the
bundle carries its own export in the log it proves to. The zip is streamed to the file the caller gives (a temporary
file), never built in memory. If writing fails after the export events were logged, the log truthfully says an
export was attempted; no bundle leaves the server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.evidence import custody, selectors, staging
from vigil.evidence.models import BundleExport, CustodyEvent, CustodyKind, EvidenceItem
from vigil.evidence.uploads import store_error
from vigil.hotline.models import Incident
from vigil.ledger import BundleWriter, item_arcname
from vigil.ledger.canonical import format_timestamp
from vigil.lib.errors import VigilError


@dataclass(frozen=True)
class ExportResult:
    id: uuid.UUID
    tree_size: int
    items: int
    sha256: str


def _leaf_for_event(event: CustodyEvent) -> dict[str, object]:
    return custody.event_record(
        item=event.item, kind=CustodyKind(event.kind), actor=event.actor, at=event.at, detail=event.detail
    )


def export_incident(*, incident: Incident, user: User, dest: IO[bytes]) -> ExportResult:
    """Write the incident's bundle to `dest` (a seekable binary file). Export is itself a custody event."""
    from vigil.tlog import services as tlog

    items = list(selectors.items_of_incident(incident))
    present = [item for item in items if item.deleted_at is None and item.file_name]
    if not present:
        raise VigilError(_("This incident has no evidence with an original to export."), status=409)
    export_id = uuid.uuid4()
    now = timezone.now()
    # (1) The export itself, in the log, committed before the checkpoint is signed.
    with transaction.atomic():
        custody.log_events(
            items=present,
            kind=CustodyKind.EXPORTED,
            actor=user,
            at=now,
            details=[{"export": str(export_id), "items": len(items)}] * len(present),
        )
        export = BundleExport.objects.create(
            id=export_id, incident=incident, exported_by=user, exported_at=now, items=len(items)
        )
    # (2) A fresh checkpoint that covers every leaf the bundle carries.
    checkpoint = tlog.issue_checkpoint()
    size = checkpoint.size
    note_text = checkpoint.note
    events = list(selectors.custody_of_items(items))
    # (3) The zip: originals streamed from the store, leaves, proofs, checkpoint, key, README, report.
    try:
        _write_bundle(
            dest, incident=incident, user=user, items=items, present=present, events=events, export_id=export_id,
            at=now, size=size, note_text=note_text,
        )  # fmt: skip
    except staging.StagingError as exc:
        raise store_error(exc) from None
    dest.flush()
    dest.seek(0)
    digest = hashlib.sha256()
    while block := dest.read(1 << 20):
        digest.update(block)
    dest.seek(0)
    BundleExport.objects.filter(pk=export.pk).update(tree_size=size, sha256=digest.hexdigest())
    return ExportResult(id=export_id, tree_size=size, items=len(items), sha256=digest.hexdigest())


def _write_bundle(
    dest: IO[bytes],
    *,
    incident: Incident,
    user: User,
    items: list[EvidenceItem],
    present: list[EvidenceItem],
    events: list[CustodyEvent],
    export_id: uuid.UUID,
    at: dt.datetime,
    size: int,
    note_text: str,
) -> None:
    from vigil.tlog import keys as tlog_keys
    from vigil.tlog import selectors as tlog_read

    now = at
    title = f"Vigil incident {incident.pk}"
    with (
        staging.guard("reading originals for a bundle"),
        BundleWriter(dest, export_id=str(export_id), title=title) as writer,
    ):
        for item in items:
            record = custody.item_record(item)
            proof = tlog_read.inclusion_proof(index=item.leaf_index, size=size).proof
            if item in present:
                name = custody.display_name(item.original_name, item.media_type)
                with staging.open_stored(item.file_name) as source:
                    writer.add_item(item_arcname(str(item.pk), name), source, record, item.leaf_index, proof)
            else:
                writer.add_removed_item(record, item.leaf_index, proof)
        for event in events:
            writer.add_custody_event(
                _leaf_for_event(event),
                event.leaf_index,
                tlog_read.inclusion_proof(index=event.leaf_index, size=size).proof,
            )
        writer.set_checkpoint(note_text)
        writer.set_verifier_key(tlog_keys.verifier_key())
        html = custody_report_html(
            incident=incident, items=items, events=events, export_id=export_id, user=user, at=now,
            tree_size=size, checkpoint=note_text,
        )  # fmt: skip
        writer.add_document("custody-report.html", html.encode("utf-8"))
        writer.add_document("custody-report.pdf", custody_report_pdf(html))


def custody_report_html(
    *,
    incident: Incident,
    items: Sequence[EvidenceItem],
    events: Sequence[CustodyEvent],
    export_id: uuid.UUID,
    user: User,
    at: dt.datetime,
    tree_size: int,
    checkpoint: str,
) -> str:
    """The human-readable chain of custody: every item with hashes, times and who handled it. Self-contained HTML."""
    by_item: dict[uuid.UUID, list[CustodyEvent]] = {}
    for event in events:
        by_item.setdefault(event.item_id, []).append(event)
    rows = [
        {
            "item": item,
            "events": [
                {"event": e, "detail": " ".join(f"{k}={v}" for k, v in sorted(e.detail.items()))}
                for e in by_item.get(item.pk, [])
            ],
        }
        for item in items
    ]
    with translation.override(user.language or "en"):
        return render_to_string(
            "evidence/custody_report.html",
            {
                "incident": incident,
                "rows": rows,
                "export_id": export_id,
                "exported_by": user,
                "exported_at": at,
                "exported_at_utc": format_timestamp(at),
                "tree_size": tree_size,
                "checkpoint": checkpoint,
            },
        )


def custody_report_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf
