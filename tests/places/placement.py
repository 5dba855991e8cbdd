"""An honest measure of placement on text: places in words, as people write them, against tests/places/city.py.

Written before the estimated crossings of address-point streets were built (the `points` families failed then), in
families of paraphrases, English and Spanish. Each query names where it is (`spots`: one place, several when the
words are ambiguous, none when nothing should be placed). A match is right when it lies within RIGHT_METRES of a spot.

- top-1: the first match is right (for `nowhere`: nothing is placed);
- in suggestions: some match is right (for `nowhere`: nothing is placed);
- placed: the geocoder is confident (a report would be placed without a person looking); placed wrong: confident
  and not right, or confident when the words are ambiguous or name nowhere. That one must stay at zero.

`bench/placement.py` prints the rates per family; tests/places/test_placement.py holds them to a floor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tests.places import city
from vigil.places.geocoder import Geocoding

RIGHT_METRES = 80.0

Spot = tuple[float, float]
LAKE_5TH: Spot = (city.LAKE_LAT, city.FIFTH_LON)
LAKE_1ST: Spot = (city.LAKE_LAT, city.FIRST_LON)
MAIN_5TH: Spot = (city.NORTH_MAIN_LAT, city.FIFTH_LON)
MAIN_1ST_NORTH: Spot = (city.NORTH_MAIN_LAT, city.FIRST_LON)
MAIN_1ST_SOUTH: Spot = (city.SOUTH_MAIN_LAT, city.FIRST_LON)
CEDAR_OAK: Spot = (city.CEDAR_LAT, city.OAK_LON)
ELM_2ND: Spot = (city.ELM_LAT, city.SECOND_LON)
PINE_2ND_EAST: Spot = (city.PINE_EAST_LAT, city.SECOND_LON)
PINE_2ND_SOUTH: Spot = (city.PINE_SOUTH_LAT, city.SECOND_LON)
CUB_FOODS: Spot = (44.9994, -93.267)
ROOSEVELT: Spot = (45.005, -93.267)
SUNSHINE: Spot = (44.9404, -93.270)
LAKE_120: Spot = (city.LAKE_LAT, city.LAKE_100_LON + 5 * 0.0004)
LAKE_148: Spot = (city.LAKE_LAT, city.LAKE_100_LON + 12 * 0.0004)
CEDAR_104: Spot = (city.CEDAR_LAT + city.SIDE, -93.2495)
OAK_205: Spot = (44.9855, city.OAK_LON + city.SIDE)
MAIN_120_NORTH: Spot = (city.NORTH_MAIN_LAT, -93.274)
MAIN_120_SOUTH: Spot = (city.SOUTH_MAIN_LAT, -93.274)


@dataclass(frozen=True)
class Query:
    family: str
    lang: str
    text: str
    spots: tuple[Spot, ...]  # one: that place; several: ambiguous (each a suggestion, none placed); none: nowhere


def _family(family: str, lang: str, spots: tuple[Spot, ...], *texts: str) -> list[Query]:
    return [Query(family, lang, text, spots) for text in texts]


QUERIES: Sequence[Query] = [
    *_family("address", "en", (LAKE_120,), "120 Lake St", "120 lake street", "Lake St #120", "120 Lake, Northside"),
    *_family("address", "en", (LAKE_148,), "148 Lake Street", "at 148 Lake St"),
    *_family("address", "en", (CEDAR_104,), "104 Cedar St", "104 cedar street"),
    *_family("address", "en", (OAK_205,), "205 Oak Ave", "205 Oak Avenue"),
    *_family("address", "es", (LAKE_120,), "Calle Lake 120", "calle Lake número 120", "Lake 120"),
    *_family("address", "es", (CEDAR_104,), "Calle Cedar 104", "en la calle Cedar 104"),
    *_family("address", "es", (OAK_205,), "Avenida Oak 205"),
    *_family("address typo", "en", (LAKE_120,), "120 Laek St", "Lake Stret 120"),
    *_family("address typo", "en", (CEDAR_104,), "104 Cedr St"),
    *_family("address typo", "es", (OAK_205,), "Avenida Oka 205"),
    *_family(
        "crossing", "en", (LAKE_5TH,), "Lake & 5th", "Lake St and 5th Ave", "5th and Lake", "corner of Lake and 5th"
    ),
    *_family("crossing", "en", (LAKE_5TH,), "ICE at Lake & 5th stopping people", "Lake St / 5th Ave (by the bus stop)"),
    *_family("crossing", "en", (LAKE_1ST,), "Lake and First", "1st Ave & Lake St"),
    *_family("crossing", "en", (MAIN_5TH,), "Main St & 5th Ave"),
    *_family("crossing", "es", (LAKE_5TH,), "esquina de Lake y la 5", "Lake y la 5", "la 5 y Lake", "lake y quinta"),
    *_family("crossing", "es", (LAKE_5TH,), "Calle Lake y Avenida 5", "en la esquina de la calle Lake con la quinta"),
    *_family("crossing", "es", (LAKE_1ST,), "Lake y Primera"),
    *_family("crossing", "es", (MAIN_5TH,), "esquina de la Main y la quinta"),
    *_family("crossing typo", "en", (LAKE_5TH,), "Laek St & 5th", "Lake Stret and 5th Avenue"),
    *_family("crossing typo", "es", (LAKE_5TH,), "esquina de Lakee y la 5"),
    *_family("points crossing", "en", (CEDAR_OAK,), "Cedar & Oak", "Cedar St and Oak Ave", "Oak Ave and Cedar St"),
    *_family("points crossing", "en", (CEDAR_OAK,), "corner of Cedar and Oak", "agents at Cedar and Oak now"),
    *_family("points crossing", "en", (ELM_2ND,), "Elm & 2nd", "2nd Ave at Elm St"),
    *_family("points crossing", "es", (CEDAR_OAK,), "esquina de Cedar y Oak", "Cedar y Oak", "Oak y Cedar"),
    *_family("points crossing", "es", (CEDAR_OAK,), "Avenida Oak con calle Cedar"),
    *_family("points crossing", "es", (ELM_2ND,), "Calle Elm y la 2", "esquina de Elm y Segunda"),
    *_family("points crossing typo", "en", (CEDAR_OAK,), "Cedr & Oak"),
    *_family("points crossing typo", "es", (CEDAR_OAK,), "esquina de Cedar y Oack"),
    *_family("ambiguous", "en", (MAIN_1ST_NORTH, MAIN_1ST_SOUTH), "Main St & 1st", "Main and First"),
    *_family("ambiguous", "es", (MAIN_1ST_NORTH, MAIN_1ST_SOUTH), "Main y la 1", "esquina de Main y Primera"),
    *_family("ambiguous", "en", (PINE_2ND_EAST, PINE_2ND_SOUTH), "Pine & 2nd", "Pine St and 2nd Ave"),
    *_family("ambiguous", "es", (PINE_2ND_EAST, PINE_2ND_SOUTH), "esquina de Pine y la 2"),
    *_family("ambiguous", "en", (MAIN_120_NORTH, MAIN_120_SOUTH), "120 Main St"),
    *_family("settled by neighbourhood", "en", (MAIN_1ST_SOUTH,), "Main St & 1st, Southside"),
    *_family("settled by neighbourhood", "en", (PINE_2ND_SOUTH,), "Pine & 2nd, Southside"),
    *_family("settled by neighbourhood", "es", (PINE_2ND_EAST,), "Pine y la 2, Eastside"),
    *_family("landmark", "en", (CUB_FOODS,), "the Cub Foods on Lake", "Cub Foods"),
    *_family("landmark", "en", (ROOSEVELT,), "Roosevelt High School", "Roosvelt high school"),
    *_family("landmark", "en", (SUNSHINE,), "Sunshine Laundromat", "the Sunshine laundromat on Main"),
    *_family("landmark", "es", (ROOSEVELT,), "la escuela Roosevelt", "escuela Rooseveldt"),
    *_family("landmark", "es", (CUB_FOODS,), "el Cub Foods en la calle Lake"),
    *_family("landmark", "es", (SUNSHINE,), "lavanderia Sunshine", "la lavandería Sunshine en la Main"),
    *_family("nowhere", "en", (), "Elm & Oak", "Ash Ln and Cedar St", "Zzyzx Rd & Qwerty Blvd", "999 Nowhere Lane"),
    *_family("nowhere", "en", (), "121 Lake St", "Lake St"),
    *_family("nowhere", "es", (), "esquina de Elm y Oak", "Ash y Cedar", "la iglesia de Xochimilco"),
]


@dataclass(frozen=True)
class Outcome:
    query: Query
    top1: bool
    suggested: bool
    placed: bool
    placed_wrong: bool
    first: str  # the first match, for the report ("" if none)


def metres(a: Spot, b: Spot) -> float:
    x = math.radians(b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return 6_371_000.0 * math.hypot(x, math.radians(b[0] - a[0]))


def judge(query: Query, result: Geocoding) -> Outcome:
    def right(lat: float, lon: float) -> bool:
        return any(metres((lat, lon), spot) <= RIGHT_METRES for spot in query.spots)

    confident = result.confident
    matches = result.matches
    first = f"{matches[0].label} ({matches[0].kind}, {matches[0].confidence:.2f})" if matches else ""
    if not query.spots:
        quiet = confident is None
        return Outcome(query, quiet, quiet, confident is not None, confident is not None, first)
    if len(query.spots) > 1:
        every = all(any(metres((m.lat, m.lon), spot) <= RIGHT_METRES for m in matches) for spot in query.spots)
        top1 = confident is None and bool(matches) and right(matches[0].lat, matches[0].lon) and every
        return Outcome(query, top1, confident is None and every, confident is not None, confident is not None, first)
    top1 = bool(matches) and right(matches[0].lat, matches[0].lon)
    suggested = any(right(m.lat, m.lon) for m in matches)
    wrong = confident is not None and not right(confident.lat, confident.lon)
    return Outcome(query, top1, suggested, confident is not None, wrong, first)


def measure(geocode: Callable[..., Geocoding]) -> list[Outcome]:
    return [judge(q, geocode(q.text, lang=q.lang)) for q in QUERIES]


@dataclass(frozen=True)
class Rates:
    queries: int
    top1: float
    suggested: float
    placed: float
    placed_wrong: int


def rates(outcomes: Sequence[Outcome]) -> Rates:
    n = len(outcomes)
    return Rates(
        queries=n,
        top1=sum(o.top1 for o in outcomes) / n,
        suggested=sum(o.suggested for o in outcomes) / n,
        placed=sum(o.placed for o in outcomes) / n,
        placed_wrong=sum(o.placed_wrong for o in outcomes),
    )


def table(outcomes: Sequence[Outcome], *, show_misses: bool = False) -> str:
    families = list(dict.fromkeys(f"{o.query.family} [{o.query.lang}]" for o in outcomes))
    lines = [f"{'family':<34} {'n':>3} {'top-1':>6} {'in sugg.':>8} {'placed':>6} {'placed wrong':>12}"]

    def row(name: str, chosen: Sequence[Outcome]) -> str:
        r = rates(chosen)
        return f"{name:<34} {r.queries:>3} {r.top1:>6.0%} {r.suggested:>8.0%} {r.placed:>6.0%} {r.placed_wrong:>12}"

    for family in families:
        lines.append(row(family, [o for o in outcomes if f"{o.query.family} [{o.query.lang}]" == family]))
    lines.append(row("all", outcomes))
    if show_misses:
        for o in outcomes:
            if not o.top1 or o.placed_wrong:
                lines.append(f"  miss: {o.query.family} [{o.query.lang}] {o.query.text!r} -> {o.first or 'nothing'}")
    return "\n".join(lines)
