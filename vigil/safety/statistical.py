"""The guard's statistical layer: a linear model over hashed character and word n-grams.

The features are stateless (scikit-learn's `HashingVectorizer`: nothing is learnt but the weights), so the model is
only a weight vector, an intercept and two thresholds, shipped as `model/guard.npz` (float32, no pickle) and rebuilt
bit for bit by `python -m vigil.safety.train` from tests/safety/guard_corpus.jsonl. Nothing is downloaded at run time.

Invariants:
- `features()` is the one place text becomes numbers; training and checking both call it.
- `score()` is the probability that a text must be refused; `REVIEW_AT <= score < REFUSE_AT` is the review band.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer

if TYPE_CHECKING:
    from collections.abc import Sequence

    import scipy.sparse
    from numpy.typing import NDArray

MODEL = Path(__file__).resolve().parent / "model" / "guard.npz"
BITS = 18  # 2**18 buckets for character n-grams and as many for word n-grams
_DIGITS = re.compile(r"\d")

_CHARS = HashingVectorizer(
    analyzer="char_wb",
    ngram_range=(3, 5),
    n_features=2**BITS,
    alternate_sign=False,
    norm=None,
    lowercase=False,
    dtype=np.float32,
)
_WORDS = HashingVectorizer(
    analyzer="word",
    ngram_range=(1, 2),
    n_features=2**BITS,
    alternate_sign=False,
    norm=None,
    lowercase=False,
    token_pattern=r"(?u)\b\w+\b",  # noqa: S106 - a regular expression, not a password
    dtype=np.float32,
)


# Scoring one text reads the same features as `features()` (checked by tests/safety/test_statistical.py), faster: the
# character n-grams of `char_wb` never cross a word, so a text's are the sum of its words', and each word's buckets
# are computed once per process (`_WORD_BUCKETS`, bounded) and hashed by the same FeatureHasher the vectorizers use.
_HASHER = FeatureHasher(n_features=2**BITS, input_type="string", alternate_sign=False, dtype=np.float32)
_TOKEN = re.compile(r"(?u)\b\w+\b")
_WORD_BUCKETS: dict[str, tuple[NDArray[np.int32], NDArray[np.float32]]] = {}
_WORD_BUCKETS_MAX = 50_000


def _char_wb_ngrams(word: str) -> list[str]:
    """scikit-learn's `char_wb` 3-5-grams of one word (padded with a space each side)."""
    padded = " " + word + " "
    length = len(padded)
    grams: list[str] = []
    for n in (3, 4, 5):
        grams.append(padded[:n])
        grams.extend(padded[i : i + n] for i in range(1, length - n + 1))
        if length <= n:
            break
    return grams


def _char_buckets(words: list[str]) -> tuple[NDArray[np.int32], NDArray[np.float32]]:
    cold = [w for w in dict.fromkeys(words) if w not in _WORD_BUCKETS]
    if cold:
        if len(_WORD_BUCKETS) + len(cold) > _WORD_BUCKETS_MAX:
            _WORD_BUCKETS.clear()
        rows = _HASHER.transform([_char_wb_ngrams(w) for w in cold])
        for i, word in enumerate(cold):
            lo, hi = rows.indptr[i], rows.indptr[i + 1]
            _WORD_BUCKETS[word] = (rows.indices[lo:hi].astype(np.int32), rows.data[lo:hi])
    if not words:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    parts = [_WORD_BUCKETS[w] for w in words]
    indices = np.concatenate([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts])
    buckets, where = np.unique(indices, return_inverse=True)
    return buckets, np.bincount(where, weights=counts).astype(np.float32)


def prepare(folded_lower: str) -> str:
    """What the model reads: the guard's folded, lower-cased text with every digit written as 0."""
    return _DIGITS.sub("0", folded_lower)


def features(prepared: Sequence[str]) -> scipy.sparse.csr_matrix:
    """Counts of character 3-5-grams (inside word boundaries) then word 1-2-grams, each row scaled to unit length."""
    import scipy.sparse

    matrix = scipy.sparse.hstack([_CHARS.transform(prepared), _WORDS.transform(prepared)], format="csr")
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scaled: scipy.sparse.csr_matrix = scipy.sparse.diags((1.0 / norms).astype(np.float32)) @ matrix
    return scaled.tocsr()


@dataclass(frozen=True)
class Model:
    weights: NDArray[np.float32]  # one per feature bucket
    intercept: float
    refuse_at: float
    review_at: float

    def score(self, prepared: str) -> float:
        """The same number as `features()` then the linear model, without building the sparse row: the two
        hashings fill disjoint halves of the buckets, so the row's length and dot product are sums of the two."""
        buckets, counts = _char_buckets(prepared.split())
        tokens = _TOKEN.findall(prepared)
        words = _HASHER.transform([tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]])
        squares = float(counts @ counts) + float(words.data @ words.data)
        dot = float(counts @ self.weights[buckets]) + float(words.data @ self.weights[words.indices + 2**BITS])
        z = (dot / np.sqrt(squares) if squares else 0.0) + self.intercept
        return float(1.0 / (1.0 + np.exp(-z)))

    def save(self, path: Path = MODEL) -> None:
        nonzero = np.flatnonzero(self.weights).astype(np.uint32)
        with path.open("wb") as out:
            np.savez_compressed(
                out,
                indices=nonzero,
                values=self.weights[nonzero],
                meta=np.array([self.intercept, self.refuse_at, self.review_at], dtype=np.float32),
                bits=np.array([BITS], dtype=np.uint32),
            )


def read(path: Path = MODEL) -> Model:
    with np.load(path, allow_pickle=False) as data:
        if int(data["bits"][0]) != BITS:
            raise ValueError(f"{path} was trained for {int(data['bits'][0])} bits, not {BITS}")
        weights = np.zeros(2 * 2**BITS, dtype=np.float32)
        weights[data["indices"]] = data["values"]
        intercept, refuse_at, review_at = (float(x) for x in data["meta"])
    return Model(weights=weights, intercept=intercept, refuse_at=refuse_at, review_at=review_at)


@functools.cache
def shipped() -> Model:
    """The model in the repository, read once per process."""
    return read(MODEL)
