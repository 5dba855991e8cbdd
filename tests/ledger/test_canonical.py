"""Canonical JSON (RFC 8785 subset) and the two leaf record schemas."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.ledger.canonical import (
    CustodyEvent,
    EvidenceItem,
    HexSha256,
    Timestamp,
    canonical_json,
    format_timestamp,
    parse_canonical_json,
    parse_leaf_record,
    parse_timestamp,
)
from vigil.ledger.errors import FormatError

ITEM = "0f8fad5b-d9cb-469f-a165-70867728950e"
SHA = HexSha256("a" * 64)


def make_item(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "type": "evidence_item",
        "v": 1,
        "item": ITEM,
        "sha256": SHA,
        "size": 1234,
        "media_type": "image/jpeg",
        "name": "IMG_0042.JPG",
        "incident": 42,
        "dispatch": 7,
        "observer": "user:17",
        "received_at": "2025-06-01T14:03:07.120000Z",
        "device_time": None,
        "captured_at": "2025:06:01 14:01:30",
        "device": "Pixel 7",
    }
    record.update(changes)
    return record


def make_event(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "type": "custody_event",
        "v": 1,
        "event": "uploaded",
        "item": ITEM,
        "item_sha256": SHA,
        "actor": "user:17",
        "at": "2025-06-01T14:03:07.120000Z",
        "detail": {},
    }
    record.update(changes)
    return record


def test_it_sorts_keys_by_utf16_code_units_as_rfc_8785_does() -> None:
    # The sorting example of RFC 8785 §3.2.3.
    record = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    values = list(json.loads(canonical_json(record)).values())
    assert values == [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ]


def test_it_escapes_strings_as_rfc_8785_does() -> None:
    # The string example of RFC 8785 §3.2.2.2.
    value = "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/"
    assert canonical_json({"s": value}) == '{"s":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'.encode()


def test_it_writes_no_insignificant_whitespace() -> None:
    assert canonical_json({"b": [1, True, None, {"c": "x"}], "a": -5}) == b'{"a":-5,"b":[1,true,null,{"c":"x"}]}'


@pytest.mark.parametrize(
    "value",
    [1.5, 1.0, float("nan"), 2**53, -(2**53), (1, 2), {1, 2}, b"bytes", object()],
    ids=["float", "integral-float", "nan", "too-big", "too-small", "tuple", "set", "bytes", "object"],
)
def test_it_rejects_values_outside_the_subset(value: object) -> None:
    with pytest.raises(FormatError):
        canonical_json({"x": value})


def test_it_rejects_non_string_keys_and_lone_surrogates() -> None:
    with pytest.raises(FormatError, match="not a string"):
        canonical_json({"x": {1: "a"}})
    with pytest.raises(FormatError, match="lone surrogate"):
        canonical_json({"x": "\ud800"})


def test_the_strict_parser_accepts_only_canonical_bytes() -> None:
    assert parse_canonical_json(b'{"a":1,"b":[true]}') == {"a": 1, "b": [True]}
    for bad in (b'{"b":1,"a":1}', b'{"a": 1}', b'{"a":1,"a":1}', b'{"a":1.0}', b"[1]", b'{"a":NaN}', b"\xff"):
        with pytest.raises(FormatError):
            parse_canonical_json(bad)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_canonical_json_round_trips_through_the_strict_parser(record: dict[str, object]) -> None:
    data = canonical_json(record)
    assert parse_canonical_json(data) == record
    assert canonical_json(json.loads(data)) == data


def test_timestamps_round_trip_and_are_strict() -> None:
    moment = datetime(2025, 6, 1, 16, 3, 7, 120000, tzinfo=timezone(timedelta(hours=2)))
    text = format_timestamp(moment)
    assert text == "2025-06-01T14:03:07.120000Z"
    assert parse_timestamp(text) == moment
    assert parse_timestamp("2025-06-01T14:03:07Z") == datetime(2025, 6, 1, 14, 3, 7, tzinfo=UTC)
    with pytest.raises(FormatError, match="timezone-aware"):
        format_timestamp(datetime(2025, 6, 1))  # noqa: DTZ001
    bad_times = ("2025-06-01T14:03:07+00:00", "2025-06-01 14:03:07Z", "2025-02-30T00:00:00Z", "2025-06-01T14:03:07.1Z1")
    for bad in bad_times:
        with pytest.raises(FormatError):
            parse_timestamp(bad)


def test_an_evidence_item_record_round_trips() -> None:
    item = EvidenceItem.from_record(make_item())
    assert item.to_record() == make_item()
    assert EvidenceItem.from_record(item.to_record()) == item
    assert parse_leaf_record(item.canonical()) == item
    built = EvidenceItem(
        item=ITEM, sha256=SHA, size=1234, media_type="image/jpeg", name="IMG_0042.JPG", incident=42, dispatch=7,
        observer="user:17", received_at=Timestamp("2025-06-01T14:03:07.120000Z"), captured_at="2025:06:01 14:01:30",
        device="Pixel 7",
    )  # fmt: skip
    assert built == item


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sha256": "A" * 64}, "sha256: expected 64 lowercase hex"),
        ({"item": ITEM.upper()}, "item: expected a lowercase UUID"),
        ({"size": -1}, "size: expected an integer >= 0"),
        ({"size": True}, "size: expected an integer"),
        ({"incident": 0}, "incident: expected an integer >= 1"),
        ({"media_type": "image/JPEG"}, "media_type"),
        ({"observer": "Jane Doe"}, "observer: expected a pseudonymous id"),
        ({"name": "a\nb"}, "name: control characters"),
        ({"name": ""}, "name: expected 1 to 255"),
        ({"received_at": "2025-06-01T14:03:07+00:00"}, "received_at"),
        ({"v": 2}, "unsupported record version"),
        ({"type": "custody_event"}, "type: expected 'evidence_item'"),
        ({"extra": 1}, "unknown field"),
    ],
)
def test_it_rejects_a_bad_evidence_item_record_with_the_field_named(changes: dict[str, object], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        EvidenceItem.from_record(make_item(**changes))


def test_it_rejects_an_evidence_item_record_missing_a_field() -> None:
    record = make_item()
    del record["device"]
    with pytest.raises(FormatError, match="missing field"):
        EvidenceItem.from_record(record)


def test_a_custody_event_record_round_trips() -> None:
    event = CustodyEvent.from_record(make_event())
    assert event.to_record() == make_event()
    assert parse_leaf_record(event.canonical()) == event
    exported = CustodyEvent.from_record(
        make_event(event="exported", detail={"export": "9b2d1f0e-1c7b-4a43-8d7e-2f5b3a6c1d00", "items": 3})
    )
    assert exported.export_id == "9b2d1f0e-1c7b-4a43-8d7e-2f5b3a6c1d00"
    assert CustodyEvent.from_record(exported.to_record()) == exported


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"event": "copied"}, "event: expected one of"),
        ({"detail": []}, "detail: expected a JSON object"),
        ({"detail": {"x": 1.5}}, "floating-point"),
        ({"event": "exported", "detail": {"export": ITEM}}, "missing field"),
        ({"event": "exported", "detail": {"export": "nope", "items": 1}}, "export"),
        ({"event": "derivative_made", "detail": {"derivative": ITEM}}, "derivative_sha256"),
        ({"at": "yesterday"}, "at"),
        ({"actor": ""}, "actor"),
    ],
)
def test_it_rejects_a_bad_custody_event_record(changes: dict[str, object], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        CustodyEvent.from_record(make_event(**changes))


def test_it_rejects_an_unknown_leaf_type() -> None:
    with pytest.raises(FormatError, match="unknown leaf record type"):
        parse_leaf_record(canonical_json({"type": "note"}))
