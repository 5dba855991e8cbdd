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
5. Streets known only by their address points (an OpenAddresses file has no centrelines) get estimated crossings:
   for two streets, the closest pair of address points one on each, kept only when the two are at most
   ESTIMATE_MAX_METRES apart and the streets run at least ESTIMATE_MIN_DEGREES apart near it (the houses of two
   parallel streets can be as close as those of two that cross; a street whose direction there cannot be told from
   its houses gives no estimate). The crossing is where the lines through each street's nearby houses meet (the
   middle of the pair if that is farther than ESTIMATE_MAX_METRES from it); pairs of houses of the same two
   streets more than CROSSING_APART_METRES apart are separate crossings (two "Pine & 2nd" stay two). The points
   are read once, sorted by latitude, keeping only a band ESTIMATE_MAX_METRES high in memory.
"""

from __future__ import annotations

import bisect
import csv
import json
import math
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
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
ESTIMATE_MAX_METRES = 60.0  # closest houses of two streets farther apart than this: not a crossing
ESTIMATE_MIN_DEGREES = 30.0  # two streets at a smaller angle near their closest houses run side by side
DIRECTION_METRES = 150.0  # a street's direction near a crossing is read from its houses within this distance
DIRECTION_MIN_POINTS = 3
CROSSING_APART_METRES = 150.0

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
    estimated_crossings: int = 0
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
    estimated = _estimated_crossings(source, street_names)
    Intersection.objects.bulk_create(estimated, batch_size=BATCH)
    summary.estimated_crossings = len(estimated)
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
        "estimated_crossings": summary.estimated_crossings,
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


_House = tuple[str, float, float, str]  # street key, lat, lon, neighbourhood
_METRES_PER_DEGREE = 111_195.0
THIN_METRES = 10.0  # of a street's houses closer together than this, one is compared (dense files stay fast)


class _Sweep:
    """Closest pairs of houses of two streets, at most ESTIMATE_MAX_METRES apart, from houses sorted by latitude.

    Houses within ESTIMATE_MAX_METRES of latitude of the current one are kept (the band), in columns of longitude as
    wide as that, per street; a house is compared with the other streets' houses of its column and the two beside
    it. Of a street's houses in one THIN_METRES square only the first is kept. One closest pair is kept per pair of
    streets and per crossing (pairs farther than CROSSING_APART_METRES apart are separate crossings)."""

    def __init__(self) -> None:
        self.band = ESTIMATE_MAX_METRES / _METRES_PER_DEGREE  # degrees of latitude
        self.width = 0.0  # degrees of longitude as wide as the band, at the band's latitude
        self.window: deque[_House] = deque()
        self.cells: dict[tuple[int, str], list[_House]] = {}  # (column, street key) -> its houses in the band
        self.keys_in: dict[int, set[str]] = {}
        self.thin: set[tuple[str, int, int]] = set()
        self.found: dict[tuple[str, str], list[tuple[float, _House, _House]]] = {}

    def closest_pairs(self, houses: Iterable[_House]) -> dict[tuple[str, str], list[tuple[float, _House, _House]]]:
        for house in houses:
            self._add(house)
        return self.found

    def _column(self, lon: float) -> int:
        return math.floor(lon / self.width)

    def _thin_key(self, house: _House) -> tuple[str, int, int]:
        ratio = THIN_METRES / ESTIMATE_MAX_METRES
        return house[0], math.floor(house[1] / (self.band * ratio)), math.floor(house[2] / (self.width * ratio))

    def _rebuild(self, lat: float) -> None:
        """Columns as wide as the band at this latitude (a degree of longitude shrinks going north)."""
        self.width = self.band / max(math.cos(math.radians(min(abs(lat) + 0.5, 89.0))), 0.01)
        self.cells.clear()
        self.keys_in.clear()
        self.thin = {self._thin_key(h) for h in self.window}
        for house in self.window:
            self._index(house)

    def _index(self, house: _House) -> None:
        column = self._column(house[2])
        self.cells.setdefault((column, house[0]), []).append(house)
        self.keys_in.setdefault(column, set()).add(house[0])

    def _add(self, house: _House) -> None:
        key, lat, lon, _hood = house
        window = self.window
        while window and window[0][1] < lat - self.band:
            old = window.popleft()
            column = self._column(old[2])
            kept = self.cells[(column, old[0])]
            kept.remove(old)  # the oldest of its column, near the front
            if not kept:
                del self.cells[(column, old[0])]
                self.keys_in[column].discard(old[0])
            self.thin.discard(self._thin_key(old))
        if not window or self.band / math.cos(math.radians(min(abs(lat), 89.0))) > self.width:
            self._rebuild(lat)  # the width was set 0.5 degree of latitude ahead, so this is rare
        thin = self._thin_key(house)
        if thin in self.thin:
            return
        column = self._column(lon)
        across = _METRES_PER_DEGREE * math.cos(math.radians(lat))
        nearest: dict[str, tuple[float, _House]] = {}  # other street -> its closest house to this one
        for near in (column - 1, column, column + 1):
            for other_key in self.keys_in.get(near, ()):
                if other_key == key:
                    continue
                best = nearest.get(other_key, (ESTIMATE_MAX_METRES, house))[0]
                for other in self.cells[(near, other_key)]:
                    gap = math.hypot((other[2] - lon) * across, (other[1] - lat) * _METRES_PER_DEGREE)
                    if gap <= best:
                        best = gap
                        nearest[other_key] = (gap, other)
        for gap, other in nearest.values():
            self._keep(house, other, gap)
        window.append(house)
        self.thin.add(thin)
        self._index(house)

    def _keep(self, one: _House, other: _House, gap: float) -> None:
        a, b = (one, other) if one[0] < other[0] else (other, one)
        pairs = self.found.setdefault((a[0], b[0]), [])
        middle = ((a[1] + b[1]) / 2, (a[2] + b[2]) / 2)
        for i, (best, pa, pb) in enumerate(pairs):
            if _metres(middle[0], middle[1], (pa[1] + pb[1]) / 2, (pa[2] + pb[2]) / 2) <= CROSSING_APART_METRES:
                if gap < best:
                    pairs[i] = (gap, a, b)
                return
        pairs.append((gap, a, b))


def _estimated_crossings(source: GazetteerSource, street_names: dict[str, str]) -> list[Intersection]:
    """Crossings of streets known by their address points only (invariant 5), one sweep over the points by latitude."""
    rows = (
        AddressPoint.objects.filter(source=source)
        .order_by("lat", "pk")
        .values_list("street_key", "lat", "lon", "neighbourhood")
        .iterator(chunk_size=BATCH)
    )
    closest = _Sweep().closest_pairs(rows)
    candidates = [(pair, a, b) for pair, found in closest.items() for _gap, a, b in found]
    middles = [((a[1] + b[1]) / 2, (a[2] + b[2]) / 2) for _pair, a, b in candidates]
    wanted: dict[str, list[int]] = {}
    for i, (pair, _a, _b) in enumerate(candidates):
        for key in pair:
            wanted.setdefault(key, []).append(i)
    lines: dict[tuple[int, str], _Line | None] = {}
    for key, indices in wanted.items():  # one street's houses at a time, read once
        houses = _StreetHouses(source, key)
        for i in indices:
            lines[(i, key)] = houses.line_near(middles[i])
    found: list[Intersection] = []
    for i, ((a_key, b_key), a, b) in enumerate(candidates):
        spot = _crossing_spot(middles[i], lines[(i, a_key)], lines[(i, b_key)])
        if spot is None:
            continue
        found.append(
            Intersection(
                source=source,
                a_key=a_key,
                b_key=b_key,
                a_name=street_names.get(a_key, a_key),
                b_name=street_names.get(b_key, b_key),
                neighbourhood=a[3] or b[3],
                lat=spot[0],
                lon=spot[1],
                estimated=True,
            )
        )
    return found


def _crossing_spot(
    middle: tuple[float, float], a_line: _Line | None, b_line: _Line | None
) -> tuple[float, float] | None:
    """Where two streets meet near the middle of their closest houses, from the line through each one's houses
    there; None if they run side by side (or a direction is unknown)."""
    if a_line is None or b_line is None:
        return None
    (ay, ax, a_angle), (by, bx, b_angle) = a_line, b_line
    between = abs(a_angle - b_angle) % math.pi
    between = min(between, math.pi - between)
    if math.degrees(between) < ESTIMATE_MIN_DEGREES:
        return None
    # Local metres around the middle: x east, y north. Lines: p = (ax, ay) + t (cos a, sin a).
    denominator = math.cos(a_angle) * math.sin(b_angle) - math.sin(a_angle) * math.cos(b_angle)
    t = ((bx - ax) * math.sin(b_angle) - (by - ay) * math.cos(b_angle)) / denominator
    x, y = ax + t * math.cos(a_angle), ay + t * math.sin(a_angle)
    if math.hypot(x, y) > ESTIMATE_MAX_METRES:
        return middle
    return _from_metres(middle, x, y)


_EARTH = 6_371_000.0


def _to_metres(origin: tuple[float, float], lat: float, lon: float) -> tuple[float, float]:
    x = math.radians(lon - origin[1]) * math.cos(math.radians(origin[0])) * _EARTH
    return x, math.radians(lat - origin[0]) * _EARTH


def _from_metres(origin: tuple[float, float], x: float, y: float) -> tuple[float, float]:
    lat = origin[0] + math.degrees(y / _EARTH)
    return lat, origin[1] + math.degrees(x / (_EARTH * math.cos(math.radians(origin[0]))))


_Line = tuple[float, float, float]  # (y, x, angle): a point in local metres and a direction in radians


class _StreetHouses:
    """One street's houses of one source, sorted along the street's longer extent, for the line near a spot."""

    def __init__(self, source: GazetteerSource, key: str) -> None:
        # By the street key alone (its index), the source checked here: a filter on the source as well may lead the
        # database to its source index, every house of the file for each street.
        rows = AddressPoint.objects.filter(street_key=key).values_list("source_id", "lat", "lon")
        points = [(lat, lon) for source_id, lat, lon in rows if source_id == source.pk]
        if points:
            middle = points[0][0]
            lat_span = (max(p[0] for p in points) - min(p[0] for p in points)) * _METRES_PER_DEGREE
            lon_span = (max(p[1] for p in points) - min(p[1] for p in points)) * _METRES_PER_DEGREE
            self.axis = 0 if lat_span >= lon_span * math.cos(math.radians(middle)) else 1
        else:
            self.axis = 0
        self.points = sorted(points, key=lambda p: p[self.axis])
        self.along = [p[self.axis] for p in self.points]

    def line_near(self, origin: tuple[float, float]) -> _Line | None:
        """The line through the houses within DIRECTION_METRES of `origin`, or None when there are too few of them,
        or they lie no more along one direction than across it."""
        reach = math.degrees(DIRECTION_METRES / _EARTH)
        if self.axis == 1:
            reach /= max(math.cos(math.radians(origin[0])), 0.1)
        low = bisect.bisect_left(self.along, origin[self.axis] - reach)
        high = bisect.bisect_right(self.along, origin[self.axis] + reach)
        points = [_to_metres(origin, lat, lon) for lat, lon in self.points[low:high]]
        points = [p for p in points if math.hypot(*p) <= DIRECTION_METRES]
        if len(points) < DIRECTION_MIN_POINTS:
            return None
        mx = sum(p[0] for p in points) / len(points)
        my = sum(p[1] for p in points) / len(points)
        sxx = sum((p[0] - mx) ** 2 for p in points)
        syy = sum((p[1] - my) ** 2 for p in points)
        sxy = sum((p[0] - mx) * (p[1] - my) for p in points)
        spread = math.hypot(sxx - syy, 2 * sxy)
        along, across = (sxx + syy + spread) / 2, (sxx + syy - spread) / 2
        if along < 2 * max(across, 1e-9):  # longer than wide by √2 at least, in standard deviations
            return None
        return my, mx, 0.5 * math.atan2(2 * sxy, sxx - syy)


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
