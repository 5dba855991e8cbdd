"""An optional geocoder a network runs itself: Nominatim or Photon, asked only when the local gazetteer finds nothing.

Off unless VIGIL_GEOCODER_URL is set (with VIGIL_GEOCODER_KIND = nominatim or photon). Point it only at a server the
network runs: the words of a reporter's place are sent to it. Response formats, as documented:
- Nominatim `GET /search?q=…&format=jsonv2&limit=…`: a JSON list of places, each with `lat` and `lon` as strings,
  `display_name`, `name`, `category`, `type`, `importance`.
- Photon `GET /api?q=…&limit=…&lang=…`: a GeoJSON FeatureCollection; each feature a Point ([lon, lat]) with
  `properties` such as `name`, `housenumber`, `street`, `district`, `city`, `osm_key`, `osm_value`.

Their scores do not say how sure a match is, so a remote match is a suggestion for an operator, never a confident
placement: its confidence is at most REMOTE_CAP (below geocoder.CONFIDENT).
"""

from __future__ import annotations

import json
import math
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from vigil.places.match import Match

REMOTE_CAP = 0.6
TIMEOUT_SECONDS = 2.0
KINDS = ("nominatim", "photon")


class RemoteFailed(Exception):
    """The configured geocoder did not answer in time or answered something else than its documented format."""


def configured() -> bool:
    return bool(settings.VIGIL_GEOCODER_URL) and settings.VIGIL_GEOCODER_KIND in KINDS


def search(query: str, *, lang: str = "en", limit: int = 5) -> list[Match]:
    """Matches from the configured server, best first; [] when none is configured. Raises RemoteFailed."""
    if not configured():
        return []
    base = settings.VIGIL_GEOCODER_URL.rstrip("/")
    if settings.VIGIL_GEOCODER_KIND == "nominatim":
        url = f"{base}/search?" + urllib.parse.urlencode(
            {"q": query, "format": "jsonv2", "limit": limit, "accept-language": lang}
        )
        return parse_nominatim(_get(url))[:limit]
    url = f"{base}/api?" + urllib.parse.urlencode({"q": query, "limit": limit, "lang": lang})
    return parse_photon(_get(url))[:limit]


def _get(url: str) -> Any:
    if not url.startswith(("http://", "https://")):
        raise RemoteFailed("VIGIL_GEOCODER_URL must be an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "Vigil"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked
            return json.loads(response.read(1 << 20))
    except (OSError, ValueError) as exc:
        raise RemoteFailed(str(exc)) from exc


def _number(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _rank(position: int) -> float:
    """A confidence from the server's own order: the first answer a little above the next ones, all below the cap."""
    return round(REMOTE_CAP * (0.9**position), 3)


def parse_nominatim(body: Any) -> list[Match]:
    if not isinstance(body, list):
        raise RemoteFailed("Nominatim answered something other than a list")
    found = []
    for position, place in enumerate(p for p in body if isinstance(p, dict)):
        try:
            lat, lon = _number(place["lat"]), _number(place["lon"])
        except (KeyError, TypeError, ValueError):
            continue
        label = str(place.get("display_name") or place.get("name") or "")[:200]
        kind = "address" if place.get("category") in ("building", "place") and place.get("type") == "house" else "place"
        found.append(Match(label=label, kind=kind, lat=lat, lon=lon, confidence=_rank(position)))
    return found


def parse_photon(body: Any) -> list[Match]:
    if not isinstance(body, dict) or not isinstance(body.get("features"), list):
        raise RemoteFailed("Photon answered something other than a FeatureCollection")
    found = []
    for position, feature in enumerate(f for f in body["features"] if isinstance(f, dict)):
        geometry = feature.get("geometry") or {}
        props = feature.get("properties") or {}
        try:
            lon, lat = (_number(v) for v in geometry["coordinates"][:2])
        except (KeyError, TypeError, ValueError):
            continue
        street = " ".join(str(props[k]) for k in ("housenumber", "street") if props.get(k))
        label = ", ".join(str(x) for x in (props.get("name"), street, props.get("city")) if x)[:200]
        kind = "address" if props.get("housenumber") else "place"
        found.append(
            Match(
                label=label, kind=kind, lat=lat, lon=lon, confidence=_rank(position),
                neighbourhood=str(props.get("district") or ""),
            )
        )  # fmt: skip
    return found
