"""Keyed blind indexes: how a sealed name or A-number is found again without storing it in the clear.

A lookup value is reduced to up to three forms and each form is stored only as HMAC-SHA256 under a blind-index key:

- `exact`: the value as typed, trimmed and lower-cased (Unicode casefold);
- `norm`: casefolded, accents stripped (NFKD, combining marks dropped), punctuation removed, spaces collapsed, and the
  words sorted, so "García-López, María" and "maria garcia lopez" meet;
- `sound`: the words' phonetic keys (jellyfish's Metaphone, pinned in pyproject.toml) sorted and joined, so
  "Jon Smyth" and "John Smith" meet.

The key is derived with HKDF-SHA256 from the vault master key under a fixed purpose label, so it lives wherever the
master key lives and a database dump alone cannot be searched by guessing names: without the key, a digest says
nothing. Changing the label or the algorithm changes every digest: re-index (`reindex_case`) if you ever do.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import unicodedata

import jellyfish
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vigil.vault.keyfile import master_key_id, read_master_key

PURPOSE_LABEL = b"vigil-cases-blind-index-v1"

EXACT = "exact"
NORM = "norm"
SOUND = "sound"
FORMS = (EXACT, NORM, SOUND)

_lock = threading.Lock()
_keys: dict[str, bytes] = {}


def _key() -> bytes:
    master = read_master_key()
    mid = master_key_id(master)
    with _lock:
        key = _keys.get(mid)
        if key is None:
            key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE_LABEL).derive(master)
            _keys.clear()
            _keys[mid] = key
    return key


def forget_key() -> None:
    with _lock:
        _keys.clear()


def exact_form(value: str) -> str:
    return " ".join(value.split()).casefold()


def _words(value: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    kept = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        cat = unicodedata.category(ch)
        kept.append(ch if cat[0] in "LN" else " ")
    return "".join(kept).split()


def normal_form(value: str) -> str:
    return " ".join(sorted(_words(value)))


def sound_form(value: str) -> str:
    keys = [jellyfish.metaphone(w) or w for w in _words(value)]
    return " ".join(sorted(k.upper() for k in keys if k))


def digest(form: str, text: str) -> str:
    """HMAC-SHA256 of one form of a value, hex. `form` is part of the message, so forms never collide."""
    return hmac.new(_key(), f"{form}\x00{text}".encode(), hashlib.sha256).hexdigest()


def name_digests(value: str) -> dict[str, str]:
    """The blind-index digests of a name, by form (a form that comes out empty is left out)."""
    out = {}
    for form, text in ((EXACT, exact_form(value)), (NORM, normal_form(value)), (SOUND, sound_form(value))):
        if text:
            out[form] = digest(form, text)
    return out


def a_number_digest(a_number: str) -> str:
    return digest("a-number", a_number)
