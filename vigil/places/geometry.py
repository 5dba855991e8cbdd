"""Zone geometry: turn what a coordinator gives (GeoJSON, a list of H3 cells, a centre and radius) into H3 cells at
settings.VIGIL_H3_RES_ZONE, and turn a zone's cells back into GeoJSON.

Pure functions over h3 and shapely; nothing here touches the database. Every refusal is a ZoneShapeError whose
message is translated and says what to fix.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import h3
from django.conf import settings
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.validation import explain_validity

from vigil.lib.errors import VigilError

# A zone at resolution 8 (~0.74 km² a cell) of 5,000 cells covers ~3,700 km²: more than any group's patch.
MAX_ZONE_CELLS = 5000
MAX_GEOJSON_BYTES = 2 * 1024 * 1024
MAX_RADIUS_METERS = 20_000

_POLYGONAL = ("Polygon", "MultiPolygon")
_CELL_SPLIT = re.compile(r"[\s,;]+")


class ZoneShapeError(VigilError):
    """The coordinator's input does not describe a usable set of cells; the message says why."""

    code = "bad_zone_shape"


def resolution() -> int:
    return int(settings.VIGIL_H3_RES_ZONE)


# --- GeoJSON in ----------------------------------------------------------------------------------------------------


def cells_from_geojson(raw: str | bytes) -> set[str]:
    """Cells whose centres fall inside the Polygon/MultiPolygon(s) of a GeoJSON geometry, Feature or collection."""
    if len(raw) > MAX_GEOJSON_BYTES:
        raise ZoneShapeError(_("The GeoJSON is larger than 2 MB. Simplify the shape first."))
    try:
        data = json.loads(raw)
        geometries = _polygonal_geometries(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ZoneShapeError(
            _("This is not valid JSON: %(error)s.") % {"error": getattr(exc, "msg", str(exc))}
        ) from None
    except RecursionError:  # arrays or objects nested thousands deep: no shape is
        raise ZoneShapeError(_("The GeoJSON is nested too deeply to be a shape.")) from None
    if not geometries:
        raise ZoneShapeError(_("The GeoJSON holds no Polygon or MultiPolygon."))
    cells: set[str] = set()
    for label, geometry in geometries:
        shp = _to_shape(label, geometry)
        _refuse_if_too_large(shp)
        cells |= set(h3.geo_to_cells(shp, resolution()))
        _refuse_too_many(cells)
    if not cells:
        raise ZoneShapeError(
            _(
                "The shape is too small: no H3 cell centre (cells are about 1 km across) falls inside it. "
                "Draw a larger area, or use a centre and radius."
            )
        )
    return cells


def _polygonal_geometries(data: object) -> list[tuple[str, Mapping[str, Any]]]:
    """(label for messages, geometry) for every polygonal geometry; refuse anything else with a clear message."""
    if not isinstance(data, dict):
        raise ZoneShapeError(_('GeoJSON must be an object with a "type".'))
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise ZoneShapeError(_('A FeatureCollection needs a "features" list.'))
        found: list[tuple[str, Mapping[str, Any]]] = []
        for number, feature in enumerate(features, start=1):
            found.extend(_feature_geometry(feature, _("feature %(number)s") % {"number": number}))
        return found
    if kind == "Feature":
        return _feature_geometry(data, _("the feature"))
    if kind in _POLYGONAL:
        return [(_("the shape"), data)]
    if kind == "GeometryCollection":
        raise ZoneShapeError(_("GeometryCollection is not supported: use a FeatureCollection of polygons."))
    if isinstance(kind, str) and kind:
        raise ZoneShapeError(
            _("The GeoJSON is a %(kind)s; a zone needs a Polygon or MultiPolygon.") % {"kind": kind[:40]}
        )
    raise ZoneShapeError(_('GeoJSON must be an object with a "type".'))


def _feature_geometry(feature: object, label: str) -> list[tuple[str, Mapping[str, Any]]]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ZoneShapeError(_("%(label)s is not a GeoJSON Feature.") % {"label": label})
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise ZoneShapeError(_("%(label)s has no geometry.") % {"label": label})
    kind = geometry.get("type")
    if kind not in _POLYGONAL:
        raise ZoneShapeError(
            _("%(label)s is a %(kind)s; a zone needs a Polygon or MultiPolygon.")
            % {"label": label, "kind": str(kind)[:40]}
        )
    return [(label, geometry)]


def _check_ring(label: str, ring: object) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ZoneShapeError(_("%(label)s has a ring with fewer than four positions.") % {"label": label})
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) not in (2, 3)
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
        ):
            raise ZoneShapeError(_("%(label)s has a position that is not [longitude, latitude].") % {"label": label})
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not (math.isfinite(lon) and math.isfinite(lat)):
            raise ZoneShapeError(
                _("%(label)s has a position outside the Earth: [%(lon)s, %(lat)s] (GeoJSON is longitude first).")
                % {"label": label, "lon": lon, "lat": lat}
            )
    if ring[0][:2] != ring[-1][:2]:
        raise ZoneShapeError(
            _("%(label)s has a ring that is not closed: the last position must repeat the first.") % {"label": label}
        )


def _to_shape(label: str, geometry: Mapping[str, Any]) -> Polygon | MultiPolygon:
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry.get("type") == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise ZoneShapeError(_("%(label)s has no coordinates.") % {"label": label})
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ZoneShapeError(_("%(label)s has a polygon without rings.") % {"label": label})
        for ring in polygon:
            _check_ring(label, ring)
    shp = shape(geometry)
    if not isinstance(shp, Polygon | MultiPolygon):  # pragma: no cover - guarded by the type check above
        raise ZoneShapeError(_("%(label)s is not a polygon.") % {"label": label})
    if not shp.is_valid:
        raise ZoneShapeError(
            _("%(label)s is not a valid polygon (%(reason)s). Fix the outline so its edges do not cross.")
            % {"label": label, "reason": explain_validity(shp)}
        )
    if shp.is_empty or shp.area == 0:
        raise ZoneShapeError(_("%(label)s has no area.") % {"label": label})
    return shp


def _refuse_if_too_large(shp: Polygon | MultiPolygon) -> None:
    """Estimate the cell count from the area before asking h3 to enumerate (a continent would take minutes)."""
    lat = shp.centroid.y
    km2 = shp.area * (111.32**2) * max(math.cos(math.radians(lat)), 0.01)
    estimate = km2 / h3.average_hexagon_area(resolution(), "km^2")
    if estimate > MAX_ZONE_CELLS * 1.5:
        raise ZoneShapeError(
            _("The shape covers about %(estimate)s cells; a zone holds at most %(max)s. Split it into smaller zones.")
            % {"estimate": f"{int(estimate):,}", "max": f"{MAX_ZONE_CELLS:,}"}
        )


def _refuse_too_many(cells: set[str]) -> None:
    if len(cells) > MAX_ZONE_CELLS:
        raise ZoneShapeError(
            _("The shape covers %(count)s cells; a zone holds at most %(max)s. Split it into smaller zones.")
            % {"count": f"{len(cells):,}", "max": f"{MAX_ZONE_CELLS:,}"}
        )


# --- cell lists and circles ----------------------------------------------------------------------------------------


def cells_from_list(raw: str) -> set[str]:
    """H3 cells typed or pasted (separated by spaces, commas or new lines), all at the zone resolution."""
    tokens = [t.strip().lower() for t in _CELL_SPLIT.split(raw) if t.strip()]
    if not tokens:
        raise ZoneShapeError(_("Give at least one H3 cell."))
    if len(tokens) > MAX_ZONE_CELLS:
        _refuse_too_many(set(tokens))
    cells: set[str] = set()
    for token in tokens:
        if len(token) > 16 or not h3.is_valid_cell(token):
            raise ZoneShapeError(_("“%(cell)s” is not an H3 cell.") % {"cell": token[:20]})
        res = h3.get_resolution(token)
        if res != resolution():
            raise ZoneShapeError(
                _("Cell %(cell)s is at resolution %(res)s; zones use resolution %(zone_res)s.")
                % {"cell": token, "res": res, "zone_res": resolution()}
            )
        cells.add(token)
    _refuse_too_many(cells)
    return cells


def cells_around(lat: float, lon: float, radius_m: float) -> set[str]:
    """Cells whose centres lie within `radius_m` of the point (always at least the point's own cell)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not (math.isfinite(lat) and math.isfinite(lon)):
        raise ZoneShapeError(
            _("The centre must be a latitude between -90 and 90 and a longitude between -180 and 180.")
        )
    if not (0 <= radius_m <= MAX_RADIUS_METERS) or not math.isfinite(radius_m):
        raise ZoneShapeError(_("The radius must be between 0 and %(max)s metres.") % {"max": f"{MAX_RADIUS_METERS:,}"})
    origin = h3.latlng_to_cell(lat, lon, resolution())
    # Neighbouring cell centres are ~1.73 edge lengths apart; one more ring covers the circle's edge.
    spacing = h3.average_hexagon_edge_length(resolution(), "m") * math.sqrt(3)
    k = int(radius_m // spacing) + 1
    cells = {
        cell
        for cell in h3.grid_disk(origin, k)
        if h3.great_circle_distance((lat, lon), h3.cell_to_latlng(cell), "m") <= radius_m
    }
    cells.add(origin)
    _refuse_too_many(cells)
    return cells


# --- GeoJSON out ---------------------------------------------------------------------------------------------------


def cell_polygon(cell: str) -> dict[str, Any]:
    """One cell as a GeoJSON Polygon (longitude first, closed ring)."""
    ring = [[round(lng, 7), round(lat, 7)] for lat, lng in h3.cell_to_boundary(cell)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def cells_to_feature_collection(
    cells: Iterable[str], *, properties: Mapping[str, object] | None = None
) -> dict[str, Any]:
    """A FeatureCollection with one hexagon per cell; it imports back into exactly the same cells."""
    base = dict(properties or {})
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {**base, "cell": cell}, "geometry": cell_polygon(cell)}
            for cell in sorted(cells)
        ],
    }


def bounds(cells: Sequence[str]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """((south, west), (north, east)) around the cells, for centring a map; None without cells."""
    if not cells:
        return None
    points = [pt for cell in cells for pt in h3.cell_to_boundary(cell)]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return (min(lats), min(lons)), (max(lats), max(lons))
