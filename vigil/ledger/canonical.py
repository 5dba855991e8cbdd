"""Canonical JSON for ledger leaves, and the two leaf record schemas.

A leaf of the evidence ledger is ``leaf_hash(canonical_json(record))``. ``canonical_json`` is a strict subset of
RFC 8785 (JSON Canonicalization Scheme): objects with string keys sorted by their UTF-16 code units, arrays, strings,
integers in the I-JSON safe range (|n| <= 2**53 - 1), ``true``, ``false`` and ``null``; no floats, no insignificant
whitespace, UTF-8. For that subset the output is byte-for-byte what RFC 8785 produces, so any JCS implementation
can recompute a leaf.

The schemas (``EvidenceItem``, ``CustodyEvent``) are documented in ``docs/bundle-format.md``; every parser here has
a serializer and a round-trip test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, NewType, cast

from vigil.ledger.errors import FormatError

__all__ = [
    "CUSTODY_EVENTS",
    "CanonicalJSON",
    "CustodyEvent",
    "EvidenceItem",
    "HexSha256",
    "Timestamp",
    "canonical_json",
    "format_timestamp",
    "parse_canonical_json",
    "parse_leaf_record",
    "parse_timestamp",
]

CanonicalJSON = NewType("CanonicalJSON", bytes)
"""Bytes produced by :func:`canonical_json`: what a leaf hashes."""

HexSha256 = NewType("HexSha256", str)
"""A SHA-256 digest as 64 lowercase hexadecimal digits."""

Timestamp = NewType("Timestamp", str)
"""An RFC 3339 UTC time as ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``."""

MAX_SAFE_INTEGER: Final = 2**53 - 1
MAX_DEPTH: Final = 32

CUSTODY_EVENTS: Final = ("uploaded", "original_viewed", "derivative_made", "exported", "deleted")

_HEX64 = re.compile(r"[0-9a-f]{64}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z")
_PSEUDONYM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# -- canonical JSON -------------------------------------------------------------------------------------------------


def _utf16_key(key: str) -> bytes:
    # RFC 8785 §3.2.3: property names sort by their UTF-16 code units, not by code points.
    return key.encode("utf-16-be", "surrogatepass")


def _encode_string(value: str, where: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError(f"{where}: string is not valid Unicode (lone surrogate)") from None
    # json.dumps with ensure_ascii=False escapes exactly what RFC 8785 escapes: '"', '\\', \b \f \n \r \t and the
    # other C0 controls as lowercase \u00xx; everything else is emitted as itself.
    return json.dumps(value, ensure_ascii=False)


def _encode(value: object, where: str, depth: int, out: list[str]) -> None:
    if depth > MAX_DEPTH:
        raise FormatError(f"{where}: nested deeper than {MAX_DEPTH} levels")
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise FormatError(f"{where}: integer {value} is outside the I-JSON range ±(2**53 - 1)")
        out.append(str(int(value)))
    elif isinstance(value, str):
        out.append(_encode_string(value, where))
    elif isinstance(value, list):
        out.append("[")
        for i, element in enumerate(value):
            if i:
                out.append(",")
            _encode(element, f"{where}[{i}]", depth + 1, out)
        out.append("]")
    elif isinstance(value, Mapping):
        keys = list(value.keys())
        for key in keys:
            if not isinstance(key, str):
                raise FormatError(f"{where}: object key {key!r} is not a string")
        out.append("{")
        for i, key in enumerate(sorted(keys, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(_encode_string(key, f"{where}.{key}"))
            out.append(":")
            _encode(value[key], f"{where}.{key}", depth + 1, out)
        out.append("}")
    elif isinstance(value, float):
        raise FormatError(f"{where}: floating-point numbers are not allowed in ledger records")
    else:
        raise FormatError(f"{where}: values of type {type(value).__name__} are not allowed in ledger records")


def canonical_json(record: Mapping[str, object]) -> CanonicalJSON:
    """Serialise a JSON object canonically (RFC 8785 subset: no floats). Raises FormatError for anything else."""
    if not isinstance(record, Mapping):
        raise FormatError("a ledger record must be a JSON object")
    out: list[str] = []
    _encode(record, "record", 0, out)
    return CanonicalJSON("".join(out).encode("utf-8"))


def _reject_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise FormatError(f"duplicate object key {key!r}")
        result[key] = value
    return result


def _reject_float(text: str) -> object:
    raise FormatError(f"floating-point number {text} is not allowed")


def _reject_constant(text: str) -> object:
    raise FormatError(f"{text} is not allowed")


def loads_strict(data: bytes | str, what: str = "JSON") -> object:
    """Parse JSON rejecting duplicate keys, floats, NaN/Infinity and invalid UTF-8 (not necessarily canonical)."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return cast(
            object,
            json.loads(
                text,
                object_pairs_hook=_reject_duplicates,
                parse_float=_reject_float,
                parse_constant=_reject_constant,
            ),
        )
    except FormatError as exc:
        raise FormatError(f"{what}: {exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FormatError(f"{what} is not valid JSON: {exc}") from None


def parse_canonical_json(data: bytes) -> dict[str, object]:
    """Parse bytes that must be exactly the canonical form of a JSON object."""
    value = loads_strict(data, "canonical JSON")
    if not isinstance(value, dict):
        raise FormatError("canonical JSON must be an object")
    if canonical_json(value) != data:
        raise FormatError("JSON is well-formed but not in canonical form")
    return value


# -- timestamps -----------------------------------------------------------------------------------------------------


def format_timestamp(moment: datetime) -> Timestamp:
    """An aware datetime as RFC 3339 UTC with microseconds: ``2025-06-01T14:03:07.120000Z``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise FormatError("timestamps must be timezone-aware")
    return Timestamp(moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


def parse_timestamp(value: object, where: str = "timestamp") -> datetime:
    """Parse the strict RFC 3339 UTC form used in records (``Z`` suffix, at most 6 fractional digits)."""
    if not isinstance(value, str):
        raise FormatError(f"{where}: expected an RFC 3339 UTC time string")
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        raise FormatError(f"{where}: {value!r} is not an RFC 3339 UTC time like 2025-06-01T14:03:07Z")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    micro = int((match.group(7) or "0").ljust(6, "0"))
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)
    except ValueError as exc:
        raise FormatError(f"{where}: {value!r} is not a real time ({exc})") from None


# -- field checks ---------------------------------------------------------------------------------------------------


def _str(record: Mapping[str, object], key: str, where: str, max_len: int = 255) -> str:
    value = record[key]
    if not isinstance(value, str):
        raise FormatError(f"{where}.{key}: expected a string")
    if not value or len(value) > max_len:
        raise FormatError(f"{where}.{key}: expected 1 to {max_len} characters")
    if _CONTROL.search(value):
        raise FormatError(f"{where}.{key}: control characters are not allowed")
    return value


def _opt_str(record: Mapping[str, object], key: str, where: str) -> str | None:
    return None if record[key] is None else _str(record, key, where)


def _pattern(record: Mapping[str, object], key: str, where: str, pattern: re.Pattern[str], what: str) -> str:
    value = record[key]
    if not isinstance(value, str) or pattern.fullmatch(value) is None:
        raise FormatError(f"{where}.{key}: expected {what}, got {value!r}")
    return value


def _int(record: Mapping[str, object], key: str, where: str, minimum: int) -> int:
    value = record[key]
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_SAFE_INTEGER:
        raise FormatError(f"{where}.{key}: expected an integer >= {minimum}, got {value!r}")
    return value


def json_object(value: object, expected: frozenset[str], where: str) -> Mapping[str, object]:
    """`value` if it is a JSON object with exactly the `expected` fields; else FormatError saying what is off."""
    if not isinstance(value, Mapping):
        raise FormatError(f"{where}: expected a JSON object")
    missing = sorted(expected - value.keys())
    extra = sorted(set(value.keys()) - expected)
    if missing:
        raise FormatError(f"{where}: missing field(s) {', '.join(missing)}")
    if extra:
        raise FormatError(f"{where}: unknown field(s) {', '.join(map(str, extra))}")
    return value


def _type_and_version(record: Mapping[str, object], kind: str, where: str) -> None:
    if record["type"] != kind:
        raise FormatError(f"{where}.type: expected {kind!r}, got {record['type']!r}")
    if record["v"] != 1 or isinstance(record["v"], bool):
        raise FormatError(f"{where}.v: unsupported record version {record['v']!r} (this verifier knows 1)")


# -- leaf records ---------------------------------------------------------------------------------------------------

_ITEM_KEYS: Final = frozenset(
    {
        "type", "v", "item", "sha256", "size", "media_type", "name", "incident", "dispatch", "observer",
        "received_at", "device_time", "captured_at", "device",
    }
)  # fmt: skip
_EVENT_KEYS: Final = frozenset({"type", "v", "event", "item", "item_sha256", "actor", "at", "detail"})


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """Leaf record of one original file (photo, video, audio, note) as the server received it."""

    item: str  # UUID of the evidence item, lowercase with hyphens
    sha256: HexSha256  # of the original bytes
    size: int  # bytes
    media_type: str  # e.g. "video/mp4", lowercase, no parameters
    name: str  # file name as uploaded (display only)
    incident: int
    dispatch: int | None
    observer: str  # pseudonymous id of the observer who uploaded it
    received_at: Timestamp  # server receipt time (upload complete)
    device_time: str | None = None  # the observer's device clock at upload, as the device reported it
    captured_at: str | None = None  # capture time from the file's metadata (EXIF, container), verbatim
    device: str | None = None  # camera / phone model from metadata

    def __post_init__(self) -> None:
        EvidenceItem.from_record(self.to_record())

    def to_record(self) -> dict[str, object]:
        return {
            "type": "evidence_item",
            "v": 1,
            "item": self.item,
            "sha256": self.sha256,
            "size": self.size,
            "media_type": self.media_type,
            "name": self.name,
            "incident": self.incident,
            "dispatch": self.dispatch,
            "observer": self.observer,
            "received_at": self.received_at,
            "device_time": self.device_time,
            "captured_at": self.captured_at,
            "device": self.device,
        }

    def canonical(self) -> CanonicalJSON:
        return canonical_json(self.to_record())

    @staticmethod
    def from_record(record: Mapping[str, object], where: str = "evidence_item") -> EvidenceItem:
        json_object(record, _ITEM_KEYS, where)
        _type_and_version(record, "evidence_item", where)
        parse_timestamp(record["received_at"], f"{where}.received_at")
        dispatch = record["dispatch"]
        if dispatch is not None:
            _int(record, "dispatch", where, 1)
        item = object.__new__(EvidenceItem)
        values = {
            "item": _pattern(record, "item", where, _UUID, "a lowercase UUID"),
            "sha256": _pattern(record, "sha256", where, _HEX64, "64 lowercase hex digits"),
            "size": _int(record, "size", where, 0),
            "media_type": _pattern(record, "media_type", where, _MEDIA_TYPE, "a lowercase media type like image/jpeg"),
            "name": _str(record, "name", where),
            "incident": _int(record, "incident", where, 1),
            "dispatch": dispatch,
            "observer": _pattern(record, "observer", where, _PSEUDONYM, "a pseudonymous id ([A-Za-z0-9._:-])"),
            "received_at": record["received_at"],
            "device_time": _opt_str(record, "device_time", where),
            "captured_at": _opt_str(record, "captured_at", where),
            "device": _opt_str(record, "device", where),
        }
        for key, value in values.items():
            object.__setattr__(item, key, value)
        return item


@dataclass(frozen=True, slots=True)
class CustodyEvent:
    """Leaf record of one thing that happened to an evidence item."""

    event: str  # one of CUSTODY_EVENTS
    item: str  # UUID of the evidence item
    item_sha256: HexSha256  # SHA-256 of that item's original, binding the event to the exact bytes
    actor: str  # pseudonymous id of who did it ("system:retention" for the scheduler)
    at: Timestamp
    detail: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        CustodyEvent.from_record(self.to_record())

    def to_record(self) -> dict[str, object]:
        return {
            "type": "custody_event",
            "v": 1,
            "event": self.event,
            "item": self.item,
            "item_sha256": self.item_sha256,
            "actor": self.actor,
            "at": self.at,
            "detail": dict(self.detail),
        }

    def canonical(self) -> CanonicalJSON:
        return canonical_json(self.to_record())

    @property
    def export_id(self) -> str | None:
        """For ``exported`` events: the id of the bundle export."""
        value = self.detail.get("export") if self.event == "exported" else None
        return value if isinstance(value, str) else None

    @staticmethod
    def from_record(record: Mapping[str, object], where: str = "custody_event") -> CustodyEvent:
        json_object(record, _EVENT_KEYS, where)
        _type_and_version(record, "custody_event", where)
        event = record["event"]
        if event not in CUSTODY_EVENTS:
            raise FormatError(f"{where}.event: expected one of {', '.join(CUSTODY_EVENTS)}, got {event!r}")
        parse_timestamp(record["at"], f"{where}.at")
        detail = record["detail"]
        if not isinstance(detail, Mapping):
            raise FormatError(f"{where}.detail: expected a JSON object")
        canonical_json(detail)  # only JSON values
        if event == "exported":
            json_object(detail, frozenset({"export", "items"}), f"{where}.detail")
            _pattern(detail, "export", f"{where}.detail", _UUID, "the export's UUID")
            _int(detail, "items", f"{where}.detail", 1)
        elif event == "derivative_made":
            for key in ("derivative", "derivative_sha256"):
                if key not in detail:
                    raise FormatError(f"{where}.detail: missing field {key}")
            _pattern(detail, "derivative", f"{where}.detail", _UUID, "the derivative's UUID")
            _pattern(detail, "derivative_sha256", f"{where}.detail", _HEX64, "64 lowercase hex digits")
        result = object.__new__(CustodyEvent)
        values = {
            "event": event,
            "item": _pattern(record, "item", where, _UUID, "a lowercase UUID"),
            "item_sha256": _pattern(record, "item_sha256", where, _HEX64, "64 lowercase hex digits"),
            "actor": _pattern(record, "actor", where, _PSEUDONYM, "a pseudonymous id ([A-Za-z0-9._:-])"),
            "at": record["at"],
            "detail": dict(detail),
        }
        for key, value in values.items():
            object.__setattr__(result, key, value)
        return result


def parse_leaf_record(data: bytes) -> EvidenceItem | CustodyEvent:
    """Parse canonical leaf bytes into the record they hold."""
    record = parse_canonical_json(data)
    kind = record.get("type")
    if kind == "evidence_item":
        return EvidenceItem.from_record(record)
    if kind == "custody_event":
        return CustodyEvent.from_record(record)
    raise FormatError(f"unknown leaf record type {kind!r}")
