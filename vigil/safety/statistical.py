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
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
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
        row = features([prepared])
        z = float(row.data @ self.weights[row.indices]) + self.intercept
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
