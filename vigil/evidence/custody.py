"""The evidence app's side of the ledger: leaf records for items and custody events, appended to `vigil.tlog`.

Records follow `vigil.ledger.canonical` (schemas in docs/bundle-format.md). People appear in leaves only by a
pseudonymous id (`user:<pk>`); names stay in the database and in the chain-of-custody report of a bundle.
Call these only inside the caller's `transaction.atomic()`: a row and its leaf commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from vigil.accounts.models import User
from vigil.evidence.models import CustodyEvent, CustodyKind, EvidenceItem
from vigil.ledger.canonical import CustodyEvent as CustodyRecord
from vigil.ledger.canonical import EvidenceItem as ItemRecord
from vigil.ledger.canonical import HexSha256, format_timestamp

SYSTEM_RETENTION = "system:retention"


def pseudonym(user: User | None) -> str:
    return f"user:{user.pk}" if user is not None else SYSTEM_RETENTION


def display_name(name: str, media_type: str) -> str:
    """The uploaded name as a record may hold it: printable, 1 to 255 characters."""
    clean = "".join(ch for ch in name if ch.isprintable()).strip()[:255]
    return clean or ("note.txt" if media_type == "text/plain" else "upload")


def item_record(item: EvidenceItem) -> dict[str, object]:
    return ItemRecord(
        item=str(item.id),
        sha256=HexSha256(item.sha256),
        size=item.size,
        media_type=item.media_type,
        name=display_name(item.original_name, item.media_type),
        incident=item.incident_id,
        dispatch=item.dispatch_id,
        observer=pseudonym(item.uploaded_by),
        received_at=format_timestamp(item.received_at),
        device_time=format_timestamp(item.device_time) if item.device_time else None,
        captured_at=item.captured_at or None,
        device=item.device or None,
    ).to_record()


def event_record(
    *, item: EvidenceItem, kind: CustodyKind, actor: User | None, at: dt.datetime, detail: Mapping[str, object]
) -> dict[str, object]:
    return CustodyRecord(
        event=str(kind),
        item=str(item.id),
        item_sha256=HexSha256(item.sha256),
        actor=pseudonym(actor),
        at=format_timestamp(at),
        detail=dict(detail),
    ).to_record()


def append_records(records: list[dict[str, object]]) -> list[int]:
    """Append leaf records to the log (inside the caller's transaction); their leaf indices, in order."""
    from vigil.tlog import services as tlog

    refs = tlog.append(records=records)
    return [ref.index for ref in refs]


def log_events(
    *,
    items: list[EvidenceItem],
    kind: CustodyKind,
    actor: User | None,
    at: dt.datetime,
    details: list[Mapping[str, object]],
) -> list[CustodyEvent]:
    """One custody event per item, appended as leaves and stored as rows, in one go (one batch for the log)."""
    records = [
        event_record(item=item, kind=kind, actor=actor, at=at, detail=detail)
        for item, detail in zip(items, details, strict=True)
    ]
    indices = append_records(records)
    return [
        CustodyEvent.objects.create(item=item, kind=kind, actor=actor, at=at, detail=dict(detail), leaf_index=index)
        for item, detail, index in zip(items, details, indices, strict=True)
    ]


def log_event(
    *, item: EvidenceItem, kind: CustodyKind, actor: User | None, at: dt.datetime, detail: Mapping[str, object]
) -> CustodyEvent:
    return log_events(items=[item], kind=kind, actor=actor, at=at, details=[detail])[0]
