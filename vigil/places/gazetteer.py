"""Importing the gazetteer: address points, street centrelines and named places from open-data files.

Formats:
- OpenAddresses CSV (LON, LAT, NUMBER, STREET, UNIT, CITY, DISTRICT, REGION, POSTCODE, …; header names in any case):
  one address point per row; DISTRICT is taken as the neighbourhood.
- GeoJSON: a FeatureCollection, or one Feature per line (GeoJSON text sequences, as OpenAddresses ships them).
  A Point with `number` and `street` is an address point; a Point with `name` is a named place (`kind` or
  `amenity`/`shop`/`leisure`, `aliases` or `alt_name` (a list or ";"-separated), `street`/`addr:street`,
  `neighbourhood`); a LineString or MultiLineString with `name` is a street centreline.

Invariants:
1. A file is read as a stream: rows and features one at a time, written in batches; memory does not grow with the
   file (only the distinct street names and the centrelines, which are few, are held until the end).
2. One import is one transaction: the rows an earlier import of the same source name brought are deleted and the new
   ones written together; a failure leaves the old data as it was.
3. Every row that is not imported is counted under the reason it was skipped; the first few line numbers are kept.
4. Intersections are found from the centrelines of the same source (shapely), and the text index of names is
   rebuilt, inside the same transaction.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from vigil.places import names
from vigil.places.models import (
    AddressPoint,
    GazetteerName,
    GazetteerSource,
    Intersection,
    NamedPlace,
    StreetSegment,
)

BATCH = 2000
PROGRESS_EVERY = 10_000
EXAMPLES_KEPT = 5
INTERSECTION_MERGE_METRES = 40.0

Progress = Callable[[int], None]


class ImportFailed(Exception):
    """The file cannot be imported at all (unknown format, not GeoJSON); nothing was changed."""


@dataclass
class ImportSummary:
    source: str
    read: int = 0
    addresses: int = 0
    streets: int = 0
    places: int = 0
    intersections: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[int]] = field(default_factory=dict)

    def skip(self, reason: str, line: int) -> None:
        self.skipped[reason] += 1
        kept = self.examples.setdefault(reason, [])
        if len(kept) < EXAMPLES_KEPT:
            kept.append(line)


class _Skip(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def detect_format(path: Path) -> str:
    """ "csv" or "geojson", from the name or else the first character that is not white space."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".geojson", ".json", ".geojsonl", ".geojsons", ".ndjson"):
        return "geojson"
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n\x1e")
    return "geojson" if head[:1] in (b"{", b"[") else "csv"


def import_file(
    path: Path, *, fmt: str | None = None, source: str | None = None, progress: Progress | None = None
) -> ImportSummary:
    """Import one file as the source `source` (default: the file's name), replacing that source's earlier rows."""
    fmt = fmt or detect_format(path)
    if fmt not in ("csv", "geojson"):
        raise ImportFailed(f"unknown format {fmt!r}: use csv or geojson")
    summary = ImportSummary(source=source or path.name)
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        items = _csv_items(handle, summary) if fmt == "csv" else _geojson_items(handle, summary)
        with transaction.atomic():
            _store(items, summary, progress)
    return summary


# --- reading -------------------------------------------------------------------------------------------------------

_Item = tuple[int, str, dict[str, Any]]  # (line or feature number, "address" | "place" | "street", values)


def _coordinates(lon: Any, lat: Any) -> tuple[float, float]:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise _Skip("coordinates are not numbers") from None
    if not (math.isfinite(x) and math.isfinite(y)) or not (-180 <= x <= 180 and -90 <= y <= 90):
        raise _Skip("coordinates out of range")
    if x == 0 and y == 0:
        raise _Skip("coordinates are 0, 0")
    return y, x


def _text(value: Any, limit: int, what: str) -> str:
    text = " ".join(str(value if value is not None else "").split())
    if len(text) > limit:
        raise _Skip(f"{what} too long")
    return text


def _address(props: dict[str, Any], lat: float, lon: float) -> dict[str, Any]:
    number = _text(props.get("number"), 20, "number")
    street = _text(props.get("street"), 200, "street")
    if not number or not street:
        raise _Skip("no number or street")
    key = names.street_key(street)
    if not key:
        raise _Skip("no number or street")
    return {
        "number": names.fold(number).replace(" ", ""),
        "street": street,
        "street_key": key,
        "unit": _text(props.get("unit"), 40, "unit"),
        "neighbourhood": _text(props.get("district") or props.get("neighbourhood"), 120, "neighbourhood"),
        "city": _text(props.get("city"), 120, "city"),
        "postcode": _text(props.get("postcode"), 20, "postcode"),
        "lat": lat,
        "lon": lon,
    }


def _csv_items(handle: IO[str], summary: ImportSummary) -> Iterator[_Item]:
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        return
    columns = [h.strip().lower() for h in header]
    if "lon" not in columns or "lat" not in columns:
        raise ImportFailed("a CSV needs LON and LAT columns (OpenAddresses)")
    for row in reader:
        line = reader.line_num
        summary.read += 1
        if len(row) != len(columns):
            summary.skip("malformed row (wrong number of columns)", line)
            continue
        props = dict(zip(columns, row, strict=True))
        try:
            lat, lon = _coordinates(props["lon"], props["lat"])
            yield line, "address", _address(props, lat, lon)
        except _Skip as skipped:
            summary.skip(skipped.reason, line)


def _features(handle: IO[str]) -> Iterator[Any]:
    """Each feature of a FeatureCollection or of a feature-per-line file, decoded one at a time."""
    decoder = json.JSONDecoder()
    buffer = ""
    position = 0

    def fill() -> bool:
        nonlocal buffer, position
        chunk = handle.read(1 << 16)
        if not chunk:
            return False
        buffer = buffer[position:] + chunk
        position = 0
        return True

    def skip_space(extra: str = "") -> str:
        nonlocal position
        while True:
            while position < len(buffer) and (buffer[position].isspace() or buffer[position] in extra):
                position += 1
            if position < len(buffer) or not fill():
                return buffer[position] if position < len(buffer) else ""

    def decode() -> Any:
        nonlocal position
        while True:
            try:
                value, end = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError:
                if not fill():
                    raise
                continue
            # raw_decode may stop early on a number cut by the chunk's end: only trust values not at the very end.
            if end == len(buffer) and fill():
                continue
            position = end
            return value

    first = skip_space("\x1e")
    if first == "":
        return
    if first != "{":
        raise ImportFailed("not GeoJSON: expected an object")
    # Line-delimited features start with {"type": "Feature"; a collection's first key is anything but a geometry.
    probe_end = buffer.find("\n", position)
    head = buffer[position : probe_end if probe_end > 0 else len(buffer)]
    try:
        whole = json.loads(head)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict) and whole.get("type") == "Feature":
        while skip_space("\x1e,") != "":
            yield decode()
        return
    # A FeatureCollection: find its "features" array and decode its members one by one.
    while True:
        index = buffer.find('"features"', position)
        if index >= 0:
            position = index + len('"features"')
            break
        if not fill():
            raise ImportFailed("not GeoJSON: no features")
    if skip_space(":") != "[":
        raise ImportFailed("not GeoJSON: features is not a list")
    position += 1
    while True:
        char = skip_space(",")
        if char in ("]", ""):
            return
        yield decode()


def _line_coords(coords: Any) -> list[list[float]]:
    points: list[list[float]] = []
    if not isinstance(coords, list) or len(coords) < 2:
        raise _Skip("line with fewer than two points")
    for point in coords:
        if not isinstance(point, list) or len(point) < 2:
            raise _Skip("malformed geometry")
        lat, lon = _coordinates(point[0], point[1])
        points.append([lon, lat])
    return points


def _geojson_items(handle: IO[str], summary: ImportSummary) -> Iterator[_Item]:
    for number, feature in enumerate(_features(handle), start=1):
        summary.read += 1
        try:
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise _Skip("not a Feature")
            props = feature.get("properties") or {}
            geometry = feature.get("geometry") or {}
            if not isinstance(props, dict) or not isinstance(geometry, dict):
                raise _Skip("malformed feature")
            props = {str(k).lower(): v for k, v in props.items()}
            kind = geometry.get("type")
            coords = geometry.get("coordinates")
            if kind == "Point":
                if not isinstance(coords, list) or len(coords) < 2:
                    raise _Skip("malformed geometry")
                lat, lon = _coordinates(coords[0], coords[1])
                if props.get("number") not in (None, "") and props.get("street"):
                    yield number, "address", _address(props, lat, lon)
                elif props.get("name"):
                    yield number, "place", _place(props, lat, lon)
                else:
                    raise _Skip("point without number and street or name")
            elif kind in ("LineString", "MultiLineString"):
                name = _text(props.get("name"), 200, "name")
                if not name:
                    raise _Skip("street line without a name")
                lines = [coords] if kind == "LineString" else coords
                if not isinstance(lines, list):
                    raise _Skip("malformed geometry")
                for line in lines:
                    points = _line_coords(line)
                    yield (
                        number,
                        "street",
                        {
                            "name": name,
                            "name_key": names.street_key(name),
                            "neighbourhood": _text(props.get("neighbourhood"), 120, "neighbourhood"),
                            "coords": points,
                        },
                    )
            else:
                raise _Skip("unsupported geometry")
        except _Skip as skipped:
            summary.skip(skipped.reason, number)


def _place(props: dict[str, Any], lat: float, lon: float) -> dict[str, Any]:
    name = _text(props.get("name"), 200, "name")
    raw_aliases = props.get("aliases", props.get("alt_name")) or []
    if isinstance(raw_aliases, str):
        raw_aliases = raw_aliases.split(";")
    if not isinstance(raw_aliases, list):
        raise _Skip("aliases not a list")
    aliases = [a for a in (_text(a, 200, "alias") for a in raw_aliases) if a]
    kind_word = str(props.get("kind") or props.get("amenity") or props.get("shop") or props.get("leisure") or "")
    kind = names.kind_of(kind_word) or names.place_parts(name)[1] or _text(kind_word, 40, "kind")
    street = _text(props.get("street") or props.get("addr:street"), 200, "street")
    return {
        "name": name,
        "kind": kind,
        "aliases": aliases,
        "street": street,
        "street_key": names.street_key(street) if street else "",
        "neighbourhood": _text(props.get("neighbourhood"), 120, "neighbourhood"),
        "lat": lat,
        "lon": lon,
    }


# --- storing -------------------------------------------------------------------------------------------------------


def _store(items: Iterator[_Item], summary: ImportSummary, progress: Progress | None) -> None:
    source, _created = GazetteerSource.objects.get_or_create(
        name=summary.source, defaults={"imported_at": timezone.now()}
    )
    for model in (GazetteerName, Intersection, AddressPoint, StreetSegment, NamedPlace):
        model.objects.filter(source=source).delete()  # type: ignore[attr-defined]
    street_names: dict[str, str] = {}  # key -> the most common way it is written (first seen)
    addresses: list[AddressPoint] = []
    segments: list[StreetSegment] = []
    places: list[NamedPlace] = []
    last_progress = 0
    for _line, kind, values in items:
        if kind == "address":
            street_names.setdefault(values["street_key"], values["street"])
            addresses.append(AddressPoint(source=source, **values))
            if len(addresses) >= BATCH:
                AddressPoint.objects.bulk_create(addresses)
                summary.addresses += len(addresses)
                addresses = []
        elif kind == "street":
            street_names.setdefault(values["name_key"], values["name"])
            coords = values["coords"]
            middle = coords[len(coords) // 2]
            segments.append(StreetSegment(source=source, lat=middle[1], lon=middle[0], **values))
        else:
            places.append(NamedPlace(source=source, **values))
        if progress is not None and summary.read - last_progress >= PROGRESS_EVERY:
            last_progress = summary.read
            progress(summary.read)
    AddressPoint.objects.bulk_create(addresses)
    summary.addresses += len(addresses)
    StreetSegment.objects.bulk_create(segments, batch_size=BATCH)
    summary.streets = len(segments)
    NamedPlace.objects.bulk_create(places, batch_size=BATCH)
    summary.places = len(places)
    intersections = _intersections(source, segments)
    Intersection.objects.bulk_create(intersections, batch_size=BATCH)
    summary.intersections = len(intersections)
    name_rows = [
        GazetteerName(
            source=source, kind=GazetteerName.Kind.STREET, key=key, display=display, letters=names.letters(key)
        )
        for key, display in street_names.items()
    ]
    for place in NamedPlace.objects.filter(source=source).only("pk", "name", "aliases"):
        for written in [place.name, *place.aliases]:
            key = names.place_key(written)
            name_rows.append(
                GazetteerName(
                    source=source,
                    kind=GazetteerName.Kind.PLACE,
                    key=key,
                    display=written,
                    letters=names.letters(key),
                    place=place,
                )
            )
    GazetteerName.objects.bulk_create(name_rows, batch_size=BATCH)
    source.imported_at = timezone.now()
    source.counts = {
        "addresses": summary.addresses,
        "streets": summary.streets,
        "places": summary.places,
        "intersections": summary.intersections,
        "skipped": sum(summary.skipped.values()),
    }
    source.save()
    rebuild_text_index()


def _intersections(source: GazetteerSource, segments: list[StreetSegment]) -> list[Intersection]:
    """Points where centrelines of two differently named streets meet, merged within INTERSECTION_MERGE_METRES."""
    from shapely import STRtree
    from shapely.geometry import LineString

    lines = [LineString(s.coords) for s in segments]
    tree = STRtree(lines)
    found: dict[tuple[str, str], list[tuple[float, float, str]]] = {}
    names_of: dict[tuple[str, str], tuple[str, str]] = {}
    for i, line in enumerate(lines):
        for j in tree.query(line, predicate="intersects"):
            j = int(j)
            a, b = segments[i], segments[j]
            if j <= i or a.name_key == b.name_key:
                continue
            if a.name_key > b.name_key:
                a, b = b, a
            pair = (a.name_key, b.name_key)
            names_of.setdefault(pair, (a.name, b.name))
            crossing = line.intersection(lines[j])
            for point in getattr(crossing, "geoms", [crossing]):
                if point.is_empty:
                    continue
                centre = point.centroid
                lat, lon = float(centre.y), float(centre.x)
                spots = found.setdefault(pair, [])
                if all(_metres(lat, lon, s[0], s[1]) > INTERSECTION_MERGE_METRES for s in spots):
                    spots.append((lat, lon, a.neighbourhood or b.neighbourhood))
    rows: list[Intersection] = []
    for pair, spots in found.items():
        a_name, b_name = names_of[pair]
        for lat, lon, neighbourhood in spots:
            rows.append(
                Intersection(
                    source=source,
                    a_key=pair[0],
                    b_key=pair[1],
                    a_name=a_name,
                    b_name=b_name,
                    neighbourhood=neighbourhood,
                    lat=lat,
                    lon=lon,
                )
            )
    return rows


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in metres, equirectangular (exact enough within a city)."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000.0 * math.hypot(x, y)


def rebuild_text_index() -> None:
    """Refill SQLite's FTS5 trigram table from GazetteerName (PostgreSQL's GIN index follows the table by itself)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM places_name_fts")
        cursor.execute("INSERT INTO places_name_fts(rowid, key) SELECT id, key FROM places_gazetteername")
