"""How the gazetteer and the geocoder compare names: one normal form for what is stored and what a person types.

No Django here (rapidfuzz for misspelt street types). English and Spanish: "5th Ave", "Avenida 5", "la 5",
"Fifth Avenue" and "quinta avenida" all have the street key "5"; "Lake St", "Calle Lake" and "lake street" have
"lake". The street's type (street, avenue, …) is dropped from the key: people leave it out, and mix languages
("Lake y la 5"). A landmark's key drops articles and the words for its kind ("la escuela Roosevelt" → kind
school, key "roosevelt").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from rapidfuzz.distance import Levenshtein

# Street types, English and Spanish, with their usual abbreviations (folded: lower case, no accents).
STREET_TYPES: frozenset[str] = frozenset(
    """street st str avenue ave av avn avda road rd boulevard blvd bvd drive dr lane ln place pl court ct terrace ter
    terr way parkway pkwy highway hwy row circle cir square sq alley aly trail trl
    calle cll avenida carretera camino bulevar boulevard paseo calzada callejon plaza""".split()
)
ARTICLES: frozenset[str] = frozenset("the la el los las lo de del of a an".split())

_ORDINAL_WORDS: Mapping[str, int] = {
    # English
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    # Spanish (both genders; "la 5" is "la quinta")
    "primera": 1, "primero": 1, "segunda": 2, "segundo": 2, "tercera": 3, "tercero": 3, "cuarta": 4, "cuarto": 4,
    "quinta": 5, "quinto": 5, "sexta": 6, "sexto": 6, "septima": 7, "septimo": 7, "octava": 8, "octavo": 8,
    "novena": 9, "noveno": 9, "decima": 10, "decimo": 10,
    "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
}  # fmt: skip
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|a|o|ra|ro|ta|to|va|vo|na|no|ma|mo)?$")

# The kinds of landmark people name, and the words for them (folded), English and Spanish.
PLACE_KINDS: Mapping[str, frozenset[str]] = {
    "school": frozenset("school escuela colegio elementary primaria secundaria academy academia".split()),
    "church": frozenset("church iglesia parroquia chapel capilla".split()),
    "park": frozenset("park parque playground".split()),
    "shop": frozenset("store shop tienda market mercado supermarket supermercado grocery foods".split()),
    "laundromat": frozenset("laundromat laundry lavanderia".split()),
    "library": frozenset("library biblioteca".split()),
    "clinic": frozenset("clinic clinica hospital".split()),
    "station": frozenset("station estacion".split()),
    "restaurant": frozenset("restaurant restaurante cafe taqueria diner".split()),
    "gas station": frozenset("gas gasolinera".split()),
}
# Words that name a kind but are often part of a brand ("Cub Foods"): they count for the kind but stay in the key.
_KIND_WORDS_KEPT = frozenset({"foods", "market", "mercado"})
_KIND_OF_WORD: Mapping[str, str] = {word: kind for kind, words in PLACE_KINDS.items() for word in words}

_PUNCTUATION = re.compile(r"[^\w&@/#]+", re.UNICODE)
_PARENTHESES = re.compile(r"\([^)]*\)")


def fold(text: str) -> str:
    """Lower case, no accents, punctuation to spaces (keeps & @ / #), single spaces."""
    text = _PARENTHESES.sub(" ", text)
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = plain.replace("º", "o").replace("ª", "a")
    return " ".join(_PUNCTUATION.sub(" ", plain).replace("_", " ").split())


def _ordinal(token: str) -> str:
    if token in _ORDINAL_WORDS:
        return str(_ORDINAL_WORDS[token])
    matched = _ORDINAL.match(token)
    if matched:
        return str(int(matched.group(1)))
    return token


_LONG_TYPES = [t for t in STREET_TYPES if len(t) >= 5]


def _is_street_type(token: str, position: int, count: int) -> bool:
    """A street type, or a misspelt long one ("stret", "avenu") in first or last place of a longer name."""
    if token in STREET_TYPES:
        return True
    if len(token) < 4 or position not in (0, count - 1) or token.isdigit():
        return False
    allowed = 1 if len(token) < 7 else 2
    return any(Levenshtein.distance(token, t, score_cutoff=allowed) <= allowed for t in _LONG_TYPES)


def street_parts(name: str) -> tuple[str, str]:
    """(key, type) of a street name: "5th Ave" → ("5", "ave"), "Calle Lake" → ("lake", "calle")."""
    tokens = fold(name).split()
    kept: list[str] = []
    kind = ""
    for position, token in enumerate(tokens):
        if len(tokens) > 1 and _is_street_type(token, position, len(tokens)):
            kind = kind or token
            continue
        if token in ARTICLES and len(tokens) > 1:
            continue
        kept.append(_ordinal(token))
    if not kept:
        kept = [_ordinal(t) for t in tokens]
    return " ".join(kept), kind


def street_key(name: str) -> str:
    return street_parts(name)[0]


def place_parts(name: str) -> tuple[str, str]:
    """(key, kind) of a landmark's name as written: "la escuela Roosevelt" → ("roosevelt", "school")."""
    tokens = fold(name).split()
    kept: list[str] = []
    kind = ""
    for token in tokens:
        if token in _KIND_OF_WORD:
            kind = kind or _KIND_OF_WORD[token]
            if token not in _KIND_WORDS_KEPT:
                continue
        if token in ARTICLES:
            continue
        kept.append(token)
    if not kept:
        kept = [t for t in tokens if t not in ARTICLES] or tokens
    return " ".join(kept), kind


def place_key(name: str) -> str:
    return place_parts(name)[0]


def kind_of(word_or_kind: str) -> str:
    """The English kind for a kind given in either language ("escuela" → "school"); "" if unknown."""
    folded = fold(word_or_kind)
    if folded in PLACE_KINDS:
        return folded
    return _KIND_OF_WORD.get(folded, "")


def letters(key: str) -> str:
    """The letters of a key in order, without spaces: the same for "lake" and "laek"."""
    return "".join(sorted(key.replace(" ", "")))


def trigrams(text: str) -> list[str]:
    """The distinct three-letter pieces of a key's words, in order (what the text indexes match on)."""
    seen: dict[str, None] = {}
    for word in text.split():
        for i in range(len(word) - 2):
            seen.setdefault(word[i : i + 3], None)
    return list(seen)
