"""The local geocoder: a place in words → ranked matches from the imported gazetteer, in the database Vigil runs on.

What it understands (English and Spanish, typos tolerated):
- addresses: "1200 Lake St", "Calle Lake 1200", "1200 lake street, Northside";
- cross streets: "Lake & 5th", "Lake St and 5th Ave", "esquina de Lake y la 5", "Lake y la 5", "5th at Lake"
  (crossings found from centrelines, or estimated from address points: kind "estimated crossing", label "≈ …",
  confidence times ESTIMATED; one found from centrelines within SAME_SPOT_METRES of it is kept instead);
- landmarks: "the Cub Foods on Lake", "la escuela Roosevelt" (names and aliases; kind words in either language).

Steps of `geocode(q)`:
(1) fold the text (names.fold), drop what is in parentheses, keep what follows a comma as context (a neighbourhood);
(2) read it every way it can be read (address, cross streets, landmark, a street alone);
(3) find candidate names through the database's text index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL), an
    exact key first, and score them with rapidfuzz;
(4) turn names into places (address points, intersections, landmarks, street middles) with a confidence in [0, 1];
(5) merge matches that are the same spot, rank, and say whether one is confident: it scores at least
    CONFIDENT and no other match elsewhere comes within MARGIN of it. Two "Main St & 1st" in different
    neighbourhoods are two suggestions, never a silent pick. Nothing found is an empty list.

A street alone is never confident: a whole street is not a place to send anyone to.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from django.db import connection
from rapidfuzz import fuzz

from vigil.places import names
from vigil.places.match import Match
from vigil.places.models import GazetteerName, StreetSegment

CONFIDENT = 0.85
MARGIN = 0.1
SAME_SPOT_METRES = 150.0
STREET_ALONE_CAP = 0.5
FUZZY_FLOOR = 72.0  # rapidfuzz score (0 to 100) below which a name is not a candidate
CANDIDATES = 60
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Geocoding:
    query: str
    matches: tuple[Match, ...]

    @property
    def confident(self) -> Match | None:
        """The one match good enough to place a report by without a person looking, if there is one."""
        if not self.matches or self.matches[0].confidence < CONFIDENT or self.matches[0].kind == "street":
            return None
        best = self.matches[0]
        for other in self.matches[1:]:
            if other.confidence >= best.confidence - MARGIN:
                return None
        return best


_CROSS = re.compile(r"\s*(?:&|@|/|\band\b|\bat\b|\by\b|\bcon\b)\s*")
_CORNER = re.compile(
    r"^(?:(?:on |at |in |en )?(?:the |la )?(?:corner of|esquina de|esquina|esq|cruce de|interseccion de))\s+"
)
_NEAR = re.compile(r"\s+(?:on|en|at|por|near|cerca de|sobre|in)\s+(?:la calle |calle |the )?")
_NUMBER_FIRST = re.compile(r"^(\d+[a-z]?)\s+(.+)$")
_NUMBER_LAST = re.compile(r"^(.+?)\s+(?:#|no|num|numero|n)?\s*(\d+[a-z]?)$")


def geocode(query: str, *, lang: str = "en", limit: int = 8) -> Geocoding:
    """Ranked matches for a place in words; `lang` only breaks ties in reading ("y" is "and" either way)."""
    text = query[:MAX_QUERY_CHARS]
    folded = names.fold(text.split(",")[0])
    context = names.fold(" ".join(text.split(",")[1:]))
    if not folded:
        return Geocoding(query=query, matches=())
    token = _STREETS.set({})
    try:
        matches = _readings(folded)
    finally:
        _STREETS.reset(token)
    ranked = _rank(matches, context)
    if not ranked:
        ranked = _remote(text, lang=lang)
    return Geocoding(query=query, matches=tuple(ranked[:limit]))


def _remote(text: str, *, lang: str) -> list[Match]:
    """The network's own Nominatim or Photon, if one is configured (vigil.places.remote); suggestions only."""
    from vigil.places import remote

    if not remote.configured():
        return []
    try:
        return remote.search(text, lang=lang)
    except remote.RemoteFailed:
        return []


# Street look-ups of the query being read: "Lake" is looked up once whether read as an address, a crossing or alone.
_STREETS: ContextVar[dict[str, list[tuple[str, float]]] | None] = ContextVar("geocoder_streets", default=None)


def _readings(folded: str) -> list[Match]:
    matches: list[Match] = []
    matches += _addresses(folded)
    matches += _crossings(folded)
    # An address or a crossing read at full confidence is what was meant; a landmark reading would only add noise.
    if not any(m.confidence >= 1.0 for m in matches):
        matches += _places(folded)
    if not matches:
        matches += _streets_alone(folded)
    return matches


# --- readings ------------------------------------------------------------------------------------------------------


_BEFORE_NUMBER = re.compile(r"^(?:at|on|in|en|near|cerca de|frente al?)\s+(?=\d)")


def _addresses(folded: str) -> list[Match]:
    folded = _BEFORE_NUMBER.sub("", folded)  # "at 148 Lake St", "en 120 Lake"
    readings: list[tuple[str, str]] = []
    first = _NUMBER_FIRST.match(folded)
    if first and not re.match(r"^\d+(st|nd|rd|th)\b", folded):
        readings.append((first.group(1), first.group(2)))
    last = _NUMBER_LAST.match(folded)
    if last and not first:
        readings.append((last.group(2), last.group(1)))
    found: list[Match] = []
    for number, street in readings:
        if _CROSS.search(f" {street} ") and len(_split_cross(street)) == 2:
            continue
        for key, score in _street_candidates(street):
            rows = _rows(
                "SELECT number, street, lat, lon, neighbourhood FROM places_addresspoint "
                "WHERE street_key = %s AND number = %s LIMIT 10",
                [key, number],
            )
            for row_number, row_street, lat, lon, hood in rows:
                found.append(Match(f"{row_number} {row_street}", "address", lat, lon, score, hood))
    return found


def _split_cross(text: str) -> list[str]:
    text = _CORNER.sub("", text)
    parts = [p for p in _CROSS.split(text) if p and p.strip()]
    return parts


def _crossings(folded: str) -> list[Match]:
    parts = _split_cross(folded)
    if len(parts) < 2:
        return []
    found: list[Match] = []
    # "officers at Lake & 5th": of more than two parts, each pair of neighbours is a reading.
    for first, second in pairwise(parts):
        found += _crossing(first, second)
    return found


def _crossing(first: str, second: str) -> list[Match]:
    found: list[Match] = []
    for a_key, a_score in _trimmed_street_candidates(first, keep_end=True):
        for b_key, b_score in _trimmed_street_candidates(second, keep_end=False):
            if a_key == b_key:
                continue
            low, high = sorted((a_key, b_key))
            rows = _rows(
                "SELECT a_name, b_name, lat, lon, neighbourhood, estimated FROM places_intersection "
                "WHERE a_key = %s AND b_key = %s ORDER BY estimated, id LIMIT 10",
                [low, high],
            )
            for a_name, b_name, lat, lon, hood, estimated in rows:
                if estimated:
                    label = f"{ESTIMATED_MARK} {a_name} & {b_name}"
                    score = a_score * b_score * ESTIMATED
                    found.append(Match(label, "estimated crossing", lat, lon, score, hood))
                else:
                    found.append(Match(f"{a_name} & {b_name}", "intersection", lat, lon, a_score * b_score, hood))
    return found


# A crossing estimated from address points (vigil.places.gazetteer, invariant 5) is a little less sure than one
# found from centrelines; the mark stays in the label, which is what staff see wherever a placement is shown.
ESTIMATED = 0.9
ESTIMATED_MARK = "≈"


TRIMMED = 0.95  # a street read after dropping words around it ("5th stopping people" → "5th")


def _trimmed_street_candidates(phrase: str, *, keep_end: bool) -> list[tuple[str, float]]:
    """Streets the phrase names, or else the words nearest the crossing do (the end of the first part, the start
    of the second): messages run on ("Lake & 5th stopping people")."""
    found = _street_candidates(phrase)
    if found:
        return found
    words = phrase.split()
    for count in range(min(3, len(words) - 1), 0, -1):
        part = " ".join(words[-count:] if keep_end else words[:count])
        found = _street_candidates(part)
        if found:
            return [(key, score * TRIMMED) for key, score in found]
    return []


def _places(folded: str) -> list[Match]:
    name_part, street_part = folded, ""
    near = _NEAR.search(folded)
    if near:
        name_part, street_part = folded[: near.start()], folded[near.end() :]
    key, kind = names.place_parts(name_part)
    if not key:
        return []
    street_keys = {k: s for k, s in _street_candidates(street_part)} if street_part else {}
    found: list[Match] = []
    best: dict[int, float] = {}
    for name_key, place_id in _candidates(GazetteerName.Kind.PLACE, key):
        score = _name_score(key, name_key)
        if score < FUZZY_FLOOR or place_id is None:
            continue
        best[place_id] = max(best.get(place_id, 0.0), score / 100)
    if not best:
        return []
    marks = ", ".join(["%s"] * len(best))
    select = "SELECT id, name, kind, street, street_key, lat, lon, neighbourhood FROM places_namedplace WHERE id IN "
    rows = _rows(select + f"({marks})", list(best))  # only placeholders are formatted in
    for pk, name, place_kind, street, place_street_key, lat, lon, hood in rows:
        confidence = best[pk]
        if kind and place_kind and kind != place_kind:
            confidence *= 0.8
        if street_part:
            confidence *= street_keys.get(place_street_key, 0.7)
        found.append(Match(name + (f", {street}" if street else ""), "place", lat, lon, confidence, hood))
    return found


def _streets_alone(folded: str) -> list[Match]:
    found: list[Match] = []
    for key, score in _street_candidates(folded)[:3]:
        for segment in StreetSegment.objects.filter(name_key=key)[:5]:
            found.append(
                Match(
                    label=segment.name,
                    kind="street",
                    lat=segment.lat,
                    lon=segment.lon,
                    confidence=min(score, 1.0) * STREET_ALONE_CAP,
                    neighbourhood=segment.neighbourhood,
                )
            )
    return found


# --- names ---------------------------------------------------------------------------------------------------------


def _name_score(query_key: str, name_key: str) -> float:
    """0 to 100: how well a typed name matches a stored one; a typed part of a longer name still scores well."""
    whole = fuzz.ratio(query_key, name_key)
    if len(query_key) >= 4 and len(query_key.split()) < len(name_key.split()):
        return max(whole, fuzz.token_set_ratio(query_key, name_key) * 0.95)
    return whole


def _street_candidates(phrase: str) -> list[tuple[str, float]]:
    """Street keys the phrase may name, with a score in [0, 1], best first (remembered for the current query)."""
    key, _type = names.street_parts(phrase)
    if not key:
        return []
    memo = _STREETS.get()
    if memo is not None and key in memo:
        return memo[key]
    found = _street_candidates_uncached(key)
    if memo is not None:
        memo[key] = found
    return found


def _street_candidates_uncached(key: str) -> list[tuple[str, float]]:
    near = _near_names(GazetteerName.Kind.STREET, key)
    if any(name_key == key for name_key, _place in near):
        return [(key, 1.0)]
    if key.isdigit() or len(key) < 3:
        return []
    scored: dict[str, float] = {}
    for name_key, _place in near + _indexed_names(GazetteerName.Kind.STREET, key):
        score = fuzz.ratio(key, name_key)
        if score >= FUZZY_FLOOR:
            scored[name_key] = max(scored.get(name_key, 0.0), score / 100)
    return sorted(scored.items(), key=lambda item: -item[1])[:5]


def _candidates(kind: str, key: str) -> list[tuple[str, int | None]]:
    """(key, place id) of names of this kind like `key`: same key or letters first, then from the text index."""
    return _near_names(kind, key) + _indexed_names(kind, key)


def _near_names(kind: str, key: str) -> list[tuple[str, int | None]]:
    """Names with exactly this key, or with the same letters in another order (a swapped pair: "laek")."""
    rows = _rows(
        "SELECT key, place_id FROM places_gazetteername WHERE kind = %s AND key = %s "
        "UNION ALL SELECT key, place_id FROM places_gazetteername WHERE letters = %s AND kind = %s "
        "LIMIT %s",
        [kind, key, names.letters(key), kind, CANDIDATES],
    )
    return [(str(k), p) for k, p in rows]


def _indexed_names(kind: str, key: str) -> list[tuple[str, int | None]]:
    if connection.vendor == "postgresql":
        return _postgres_rows(kind, key)
    if connection.vendor == "sqlite":
        return _sqlite_rows(kind, key)
    return list(  # pragma: no cover - another database: names that start the same way
        GazetteerName.objects.filter(kind=kind, key__startswith=key[:3]).values_list("key", "place_id")[:CANDIDATES]
    )


def _rows(sql: str, params: Sequence[str | int | float]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _sqlite_rows(kind: str, key: str) -> list[tuple[str, int | None]]:
    pieces = names.trigrams(key)
    if not pieces:
        return []
    match = " OR ".join('"' + piece.replace('"', "") + '"' for piece in pieces)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.key, g.place_id FROM places_name_fts f JOIN places_gazetteername g ON g.id = f.rowid "
            "WHERE places_name_fts MATCH %s AND g.kind = %s ORDER BY f.rank LIMIT %s",
            [match, kind, CANDIDATES],
        )
        return [(str(row[0]), row[1]) for row in cursor.fetchall()]


def _postgres_rows(kind: str, key: str) -> list[tuple[str, int | None]]:
    """Names whose words are like `key` (pg_trgm `<%`, nearest first), always through the trigram index: left to
    itself the planner reads every name of the (small) table and scores each one (migration 0004)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, place_id FROM places_similar_names(%s, %s, %s)", [kind, key, CANDIDATES])
        return [(str(row[0]), row[1]) for row in cursor.fetchall()]


# --- ranking -------------------------------------------------------------------------------------------------------


def _rank(matches: Sequence[Match], context: str) -> list[Match]:
    boosted = []
    for match in matches:
        confidence = match.confidence
        if context and match.neighbourhood:
            hood = names.fold(match.neighbourhood)
            if fuzz.token_set_ratio(context, hood) >= 85:
                confidence = min(1.0, confidence + 0.1)
            else:
                confidence *= 0.85
        boosted.append(replace(match, confidence=round(min(confidence, 1.0), 3)))
    boosted.sort(key=lambda m: (-m.confidence, m.kind != "address", m.label))
    kept: list[Match] = []
    for match in boosted:
        if any(_metres(match, other) < SAME_SPOT_METRES for other in kept):
            continue
        kept.append(match)
    return kept


def _metres(a: Match, b: Match) -> float:
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6_371_000.0 * math.hypot(x, y)
