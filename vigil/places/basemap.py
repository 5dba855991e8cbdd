"""The basemap Vigil serves itself: one PMTiles file of vector tiles, so no page asks a third-party tile server.

A coordinator imports a PMTiles file (`manage.py import_basemap FILE`, e.g. a Protomaps extract of the city), or Vigil
builds one from the gazetteer (`manage.py import_basemap --from-gazetteer`: streets with names, landmarks,
neighbourhoods; what the demo ships). The file is served with HTTP range requests (vigil.places.views) and drawn by
the vendored protomaps-leaflet (static/vendor/protomaps-leaflet), whose default theme reads the Protomaps basemap
layers: `earth`, `roads` (kind, name), `pois` (kind, name), `places` (kind, name).

Invariants: the file in use is replaced atomically (written beside it, then renamed); a file that is not PMTiles v3
is refused; tiles are gzip-compressed MVT.
"""

from __future__ import annotations

import gzip
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from vigil.lib.errors import VigilError

FILE_NAME = "city.pmtiles"
MIN_ZOOM = 12
MAX_ZOOM = 16
EXTENT = 4096
BUFFER = 64 / EXTENT  # a margin around each tile, so lines and labels do not stop at its edge
MAGIC = b"PMTiles\x03"


def path() -> Path:
    return Path(settings.DATA_DIR) / "basemap" / FILE_NAME


def available() -> bool:
    return path().is_file()


def install(source: Path) -> Path:
    """Put a PMTiles v3 file in place of the current basemap (atomically); VigilError if it is not one."""
    with source.open("rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise VigilError("not a PMTiles version 3 file", code="not_pmtiles")
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".basemap-", suffix=".pmtiles")
    os.close(fd)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


# --- building one from the gazetteer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Feature:
    layer: str  # earth | roads | pois | places
    geometry: Any  # shapely geometry in lon/lat
    properties: dict[str, Any]


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """Lon/lat to the unit square of Web Mercator (x east, y south), as tiles are cut."""
    x = (lon + 180.0) / 360.0
    s = math.sin(math.radians(max(min(lat, 85.0511), -85.0511)))
    y = 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
    return x, y


def _tiles(bounds: tuple[float, float, float, float], zoom: int) -> Iterator[tuple[int, int]]:
    west, south, east, north = bounds
    x0, y0 = _mercator(west, north)
    x1, y1 = _mercator(east, south)
    n = 2**zoom
    for x in range(int(x0 * n), int(x1 * n) + 1):
        for y in range(int(y0 * n), int(y1 * n) + 1):
            yield x, y


def _encode_tile(features: Iterable[tuple[str, Any, dict[str, Any]]], z: int, x: int, y: int) -> bytes:
    """One tile as MVT: features already projected to the unit square, clipped here to the tile and its margin."""
    import mapbox_vector_tile
    from shapely.affinity import affine_transform
    from shapely.geometry import box

    n = 2**z
    clip = box((x - BUFFER) / n, (y - BUFFER) / n, (x + 1 + BUFFER) / n, (y + 1 + BUFFER) / n)
    layers: dict[str, list[dict[str, Any]]] = {}
    for layer, geometry, props in features:
        if not geometry.intersects(clip):
            continue
        part = geometry.intersection(clip)
        if part.is_empty:
            continue
        # unit square -> tile coordinates (0..EXTENT, y up as mapbox_vector_tile expects before its own flip)
        local = affine_transform(part, [n * EXTENT, 0, 0, -n * EXTENT, -x * EXTENT, (y + 1) * EXTENT])
        layers.setdefault(layer, []).append({"geometry": local, "properties": props})
    if not layers:
        return b""
    data = mapbox_vector_tile.encode(
        [{"name": name, "features": found} for name, found in layers.items()],
        default_options={"extents": EXTENT, "y_coord_down": False},
    )
    return bytes(data)


def build_from_gazetteer(target: Path | None = None) -> tuple[Path, int]:
    """Write a PMTiles basemap of the gazetteer's streets, landmarks and neighbourhoods; returns (path, tiles)."""
    import shapely
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer
    from shapely.geometry import LineString, MultiPoint, Point, box

    from vigil.places.models import AddressPoint, NamedPlace, StreetSegment

    lonlat: list[Feature] = []
    for name, coords, kind in StreetSegment.objects.values_list("name", "coords", "name_key").iterator():
        lonlat.append(Feature("roads", LineString(coords), {"kind": "minor_road", "name": name, "min_zoom": 12}))
        del kind
    for name, kind, lat, lon in NamedPlace.objects.values_list("name", "kind", "lat", "lon"):
        lonlat.append(Feature("pois", Point(lon, lat), {"kind": kind or "attraction", "name": name, "min_zoom": 13}))
    hoods: dict[str, list[tuple[float, float]]] = {}
    for hood, lat, lon in StreetSegment.objects.exclude(neighbourhood="").values_list("neighbourhood", "lat", "lon"):
        hoods.setdefault(hood, []).append((lon, lat))
    for hood, points in hoods.items():
        centre = MultiPoint(points).centroid
        lonlat.append(Feature("places", centre, {"kind": "neighbourhood", "name": hood, "min_zoom": 12}))
    if not lonlat:
        raise VigilError("the gazetteer is empty: import streets first (manage.py import_places)", code="empty")
    if not AddressPoint.objects.exists() and not StreetSegment.objects.exists():
        raise VigilError("the gazetteer has no streets", code="empty")
    west, south, east, north = _bounds(f.geometry for f in lonlat)
    margin = 0.01
    bounds = (west - margin, south - margin, east + margin, north + margin)
    lonlat.append(Feature("earth", box(*bounds), {"kind": "earth"}))
    projected = [(f.layer, shapely.transform(f.geometry, _mercator_coords), f.properties) for f in lonlat]

    target = target or path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".basemap-", suffix=".pmtiles")
    os.close(fd)
    count = 0
    try:
        with open(temporary, "wb") as handle:
            writer = Writer(handle)  # type: ignore[no-untyped-call]
            tiles = []
            for z in range(MIN_ZOOM, MAX_ZOOM + 1):
                for x, y in _tiles(bounds, z):
                    data = _encode_tile(projected, z, x, y)
                    if data:
                        tiles.append((zxy_to_tileid(z, x, y), gzip.compress(data, mtime=0)))
            for tile_id, data in sorted(tiles):
                writer.write_tile(tile_id, data)  # type: ignore[no-untyped-call]
                count += 1
            centre_lon, centre_lat = (west + east) / 2, (south + north) / 2
            writer.finalize(  # type: ignore[no-untyped-call]
                {
                    "tile_type": TileType.MVT,
                    "tile_compression": Compression.GZIP,
                    "min_lon_e7": int(bounds[0] * 1e7),
                    "min_lat_e7": int(bounds[1] * 1e7),
                    "max_lon_e7": int(bounds[2] * 1e7),
                    "max_lat_e7": int(bounds[3] * 1e7),
                    "center_zoom": 14,
                    "center_lon_e7": int(centre_lon * 1e7),
                    "center_lat_e7": int(centre_lat * 1e7),
                },
                {
                    "name": "Vigil basemap (from the gazetteer)",
                    "attribution": "Vigil gazetteer",
                    "vector_layers": [
                        {"id": layer, "fields": {}} for layer in ("earth", "roads", "pois", "places")
                    ],
                },
            )
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target, count


def _mercator_coords(coords: Any) -> list[tuple[float, float]]:
    """shapely.transform's callback: an (N, 2) array of lon/lat to Web Mercator's unit square."""
    return [_mercator(float(x), float(y)) for x, y in coords]


def _bounds(geometries: Iterable[Any]) -> tuple[float, float, float, float]:
    west = south = math.inf
    east = north = -math.inf
    for geometry in geometries:
        a, b, c, d = geometry.bounds
        west, south, east, north = min(west, a), min(south, b), max(east, c), max(north, d)
    return west, south, east, north
