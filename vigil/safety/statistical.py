"""The guard's statistical layer: two models over the same hashed character and word n-grams, their logits blended.

- a linear model (logistic regression) over 2 x 2**BITS buckets: one weight per n-gram;
- a small neural network (ReLU, 16 then 64 units) over the same buckets folded to 2 x 2**HIDDEN_BITS: its first layer
  is an embedding of each n-gram, summed, so it can weigh n-grams together ("see you" and "tonight" and "his car"),
  which a linear model cannot. Trained alone it scores about the same as the linear model; blended, the two catch
  more than either at the same share of lawful texts refused (docs/text-guard.md, "How it works").

The score is the logistic of the mean of the two logits, each divided by its spread over the train split
(`scales`), so neither dominates by its scale alone. The features are stateless hashes (nothing is learnt but the
weights), so the model is weights, two scales and three thresholds, shipped as `model/guard.npz` (no pickle; the
network's first layer as float16) and rebuilt by `python -m vigil.safety.train` from tests/safety/guard_corpus.jsonl.
Nothing is downloaded at run time, and scoring needs numpy alone.

What the model reads of a text (`row`):
- character 3-, 4- and 5-grams over the whole text, across word boundaries ("e home to" reads a phrase, not only its
  words), each hashed into one of 2**BITS buckets;
- word 1- and 2-grams, hashed into another 2**BITS buckets;
- per bucket log(1 + count), each of the two blocks scaled to unit length on its own, so that a long text's many
  character n-grams do not drown its words.

Invariants:
- `row()` is the one place text becomes numbers; training (`features()`) and scoring (`Model.score`) both call it.
- The hashes are fixed arithmetic on Unicode code points and CRC-32 of the words' UTF-8, the same on every machine.
- `score()` is the blended probability that a text must be refused; `REVIEW_AT <= score < REFUSE_AT` is the review
  band, and a text a rule refuses but that scores below `OVERRULE_BELOW` is held for review instead (see
  `textguard.check`).
"""

from __future__ import annotations

import functools
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    import scipy.sparse
    from numpy.typing import NDArray

MODEL = Path(__file__).resolve().parent / "model" / "guard.npz"
BITS = 18  # 2**18 buckets for character n-grams and as many for word n-grams
HIDDEN_BITS = 16  # the network reads the same buckets, 2**16 per block: a bucket's top bits
HIDDEN = (16, 64)  # the network's hidden layers
# Stored in the model file: a model trained on other features, or with other numbers in `meta`, is refused when read.
FEATURES = (
    "chars3-5+words1-2/log/blocks; linear + relu net 16-64 on buckets >> 2, logits over their train spread, averaged;"
    " meta: intercept refuse_at review_at overrule_below linear_scale net_scale"
)
T = TypeVar("T", float, "NDArray[np.float64]")
_FOLD = BITS - HIDDEN_BITS  # bucket >> _FOLD: the same n-gram's bucket in the network's table (word block included)
_CHAR_NGRAMS = (3, 4, 5)
_DIGITS = re.compile(r"\d")
_TOKEN = re.compile(r"(?u)\b\w+\b")
_MULTIPLIER = np.uint32(0x01000193)
_SEEDS = tuple(np.uint32(s) for s in (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1, 0xD3A2646C))
_SHIFT = np.uint32(32 - BITS)
_WORD_OFFSET = 1 << BITS


def _mix(h: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """MurmurHash3's finaliser: every input bit reaches every output bit, so the top BITS bits make a good bucket."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _block(buckets: NDArray[np.uint32], offset: int) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    found, counts = np.unique(buckets, return_counts=True)
    values = np.log1p(counts.astype(np.float32))
    values /= np.sqrt(values @ values)
    return found.astype(np.int64) + offset, values


def row(prepared: str) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """The text's feature buckets (sorted, distinct) and their values: see the module's docstring."""
    points = np.frombuffer((" " + prepared + " ").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    blocks = []
    with np.errstate(over="ignore"):  # the hashes are arithmetic modulo 2**32 on purpose
        rolling, grams = points, []
        for n in range(2, _CHAR_NGRAMS[-1] + 1):
            rolling = rolling[:-1] * _MULTIPLIER + points[n - 1 :]  # the polynomial hash of each n-gram
            if n in _CHAR_NGRAMS:
                grams.append(_mix(rolling ^ _SEEDS[n]) >> _SHIFT)
        chars = np.concatenate(grams)
        if chars.size:
            blocks.append(_block(chars, 0))
        tokens = np.array(
            [zlib.crc32(token.encode("utf-8", "surrogatepass")) for token in _TOKEN.findall(prepared)], dtype=np.uint32
        )
        if tokens.size:
            pairs = _mix(tokens[:-1] * _MULTIPLIER ^ _mix(tokens[1:] ^ _SEEDS[1]))
            blocks.append(_block(np.concatenate([_mix(tokens ^ _SEEDS[0]), pairs]) >> _SHIFT, _WORD_OFFSET))
    if not blocks:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks])


def prepare(folded_lower: str) -> str:
    """What the model reads: the guard's folded, lower-cased text with every digit written as 0."""
    return _DIGITS.sub("0", folded_lower)


def features(prepared: Sequence[str]) -> scipy.sparse.csr_matrix:
    """One `row()` per text, as the sparse matrix training fits."""
    import scipy.sparse

    rows = [row(text) for text in prepared]
    pointers = np.cumsum([0] + [len(indices) for indices, _ in rows])
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    indices = np.concatenate([r[0] for r in rows] or [empty[0]])
    values = np.concatenate([r[1] for r in rows] or [empty[1]])
    return scipy.sparse.csr_matrix((values, indices, pointers), shape=(len(rows), 2 * _WORD_OFFSET))


def blend(linear: T, net: T, scales: tuple[float, float]) -> T:
    """The score from the two logits (numbers or arrays): the logistic of their mean, each over its spread."""
    return 1.0 / (1.0 + np.exp(-(0.5 * linear / scales[0] + 0.5 * net / scales[1])))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Model:
    weights: NDArray[np.float32]  # the linear model: one per feature bucket
    intercept: float
    layers: tuple[NDArray[np.float32], ...]  # the network: (weights, biases) of each layer in turn, input first
    scales: tuple[float, float]  # the spread of the linear model's and the network's logits over the train split
    refuse_at: float
    review_at: float
    overrule_below: float  # a rule's refusal of a text scored below this is held for a person instead

    def logits(self, prepared: str) -> tuple[float, float]:
        """The linear model's and the network's logits of one text."""
        indices, values = row(prepared)
        linear = float(values @ self.weights[indices]) + self.intercept
        first, first_bias, *rest = self.layers
        hidden = np.maximum(values @ first[indices >> _FOLD] + first_bias, 0.0)
        for weights, biases in zip(rest[0:-2:2], rest[1:-2:2], strict=True):
            hidden = np.maximum(hidden @ weights + biases, 0.0)
        net = float(hidden @ rest[-2][:, 0]) + float(rest[-1][0])
        return linear, net

    def score(self, prepared: str) -> float:
        return float(blend(*self.logits(prepared), self.scales))

    def save(self, path: Path = MODEL) -> None:
        nonzero = np.flatnonzero(self.weights).astype(np.uint32)
        first, *rest = self.layers
        meta = [self.intercept, self.refuse_at, self.review_at, self.overrule_below, *self.scales]
        arrays: dict[str, NDArray[np.generic]] = {
            "indices": nonzero,
            "values": self.weights[nonzero],
            "first": first.astype(np.float16),
            **{f"layer{n}": layer for n, layer in enumerate(rest, start=1)},
            "meta": np.array(meta, dtype=np.float32),
            "bits": np.array([BITS], dtype=np.uint32),
            "features": np.array(FEATURES),
        }
        with path.open("wb") as out:
            np.savez_compressed(out, allow_pickle=False, **arrays)


def read(path: Path = MODEL) -> Model:
    """The model in `path`; refused (ValueError) unless it was trained on the features this code computes."""
    with np.load(path, allow_pickle=False) as data:
        bits = int(data["bits"][0])
        features_read = str(data["features"]) if "features" in data else "an earlier feature set"
        if bits != BITS or features_read != FEATURES:
            raise ValueError(f"{path} was trained on {features_read} with {bits} bits, not {FEATURES} with {BITS}")
        weights = np.zeros(2 * _WORD_OFFSET, dtype=np.float32)
        weights[data["indices"]] = data["values"]
        rest = [data[f"layer{n}"] for n in range(1, 2 * len(HIDDEN) + 2)]
        layers = (data["first"].astype(np.float32), *rest)
        intercept, refuse_at, review_at, overrule_below, linear_scale, net_scale = (float(x) for x in data["meta"])
    return Model(
        weights=weights,
        intercept=intercept,
        layers=layers,
        scales=(linear_scale, net_scale),
        refuse_at=refuse_at,
        review_at=review_at,
        overrule_below=overrule_below,
    )


@functools.cache
def shipped() -> Model:
    """The model in the repository, read once per process."""
    return read(MODEL)
