"""Train the guard's statistical layer from the corpus, reproducibly.

    python -m vigil.safety.train           # rewrite vigil/safety/model/guard.npz from the train split
    python -m vigil.safety.train --check   # exit 1 unless a fresh training equals the shipped file
    python -m vigil.safety.train --choose-thresholds   # print the thresholds the train split's grouped CV gives

Only the train split is read; the held-out families never reach the model. Both models are deterministic for a fixed
seed and row order (liblinear for the linear model; Adam from seeded weights, in seeded batches, for the network), the
rows are in corpus order, and the weights are stored as float32 (the network's first layer as float16), so the same
corpus gives the same file on the same machine; on a machine with other vector instructions, numpy's float32 logarithms
(the features) and both fits' floating point may differ in the last bits, and `--check` allows each weight to differ by
`TOLERANCE` (tests/safety/test_train.py also checks that every held-out decision is the same). The thresholds are fixed
here, chosen on the train split's cross-validated scores (see docs/text-guard.md and `choose_thresholds`), never on the
held-out split.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from vigil.safety.corpus import CORPUS, Example, load
from vigil.safety.statistical import _FOLD, HIDDEN, HIDDEN_BITS, MODEL, Model, blend, features, prepare, read
from vigil.safety.textguard import (
    _LAWFUL_CHANNEL,
    _MODEL_MIN_WORDS,
    fold_lower,
    model_reading,
    overrulable,
    rule_reasons,
)

if TYPE_CHECKING:
    import scipy.sparse

C = 20.0
SEED = 0
# The network: three passes over the train split in batches of 64, Adam at 3e-3, a light L2 penalty. Chosen on an
# inner split of the train families (a fifth held out by hash), not on the held-out split.
NET_EPOCHS = 3
NET_ALPHA = 1e-4
NET_RATE = 3e-3
NET_BATCH = 64
TOLERANCE = 1e-3  # the largest difference of a weight between two machines' trainings that --check allows
REFUSE_AT = 0.55  # all three from `--choose-thresholds` (grouped CV of the train split)
REVIEW_AT = 0.53
OVERRULE_BELOW = 0.40
FOLDS = 5
REPEATS = 3
HELD_AT_MOST = 0.025  # the share of legitimate texts the review band may hold (the target is < 3 %)
# The refusal precision (rules and model together, held counted as not refused) the thresholds must keep on the
# cross-validated independent texts: the target is 0.97 on text nobody here wrote, and this is a margin above
# it. Not on the template families: each is 16 to 28 near-identical look-alikes, written to sit on the line.
PRECISION_AT_LEAST = 0.975
OVERRULE_AT_MOST = 0.6  # the blend's scores of lawful texts sit near 0.3, not near 0: the grid reaches past them
OVERRULED_BAD_AT_MOST = 0.003  # the share of texts to refuse that a rule refuses and the overrule only holds
OVERRULED_GOOD_AT_MOST = 0.02  # the share of legitimate texts the overrule may hold: the rest of the band's share
# is left to the model's doubt, which catches texts to refuse (the overrule only spares lawful ones)


def _classifier() -> LogisticRegression:
    return LogisticRegression(solver="liblinear", C=C, class_weight="balanced", random_state=SEED, max_iter=1000)


def _network() -> MLPClassifier:
    return MLPClassifier(
        hidden_layer_sizes=HIDDEN,
        alpha=NET_ALPHA,
        batch_size=NET_BATCH,
        learning_rate_init=NET_RATE,
        max_iter=NET_EPOCHS,
        random_state=SEED,
        tol=0.0,
        n_iter_no_change=NET_EPOCHS + 1,
    )


def _folded(matrix: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
    """The feature matrix as the network reads it: each bucket's top HIDDEN_BITS bits (`statistical._FOLD`)."""
    import scipy.sparse

    coo = matrix.tocoo()
    folded = scipy.sparse.csr_matrix(
        (coo.data, (coo.row, coo.col >> _FOLD)), shape=(matrix.shape[0], 2 << HIDDEN_BITS), dtype=np.float32
    )
    folded.sum_duplicates()
    return folded


@dataclass(frozen=True)
class _Fitted:
    """The two models fitted on some rows, and what the blend needs of them."""

    weights: np.ndarray
    intercept: float
    layers: tuple[np.ndarray, ...]
    scales: tuple[float, float]

    def model(self, thresholds: Thresholds) -> Model:
        return Model(
            weights=self.weights,
            intercept=self.intercept,
            layers=self.layers,
            scales=self.scales,
            refuse_at=float(np.float32(thresholds.refuse_at)),  # as the model file stores them
            review_at=float(np.float32(thresholds.review_at)),
            overrule_below=float(np.float32(thresholds.overrule_below)),
        )

    def scores(self, matrix: scipy.sparse.csr_matrix) -> np.ndarray:
        """`Model.score` of each row of `matrix` at once."""
        return blend(*_logits(self.weights, self.intercept, self.layers, matrix), self.scales)


def _logits(
    weights: np.ndarray, intercept: float, layers: Sequence[np.ndarray], matrix: scipy.sparse.csr_matrix
) -> tuple[np.ndarray, np.ndarray]:
    """`Model.logits` of each row of `matrix` at once."""
    linear = matrix @ weights.astype(np.float64) + intercept
    hidden = _folded(matrix) @ layers[0].astype(np.float64) + layers[1]
    for w, b in zip(layers[2::2], layers[3::2], strict=True):
        hidden = np.maximum(hidden, 0.0) @ w + b
    return np.asarray(linear).ravel(), np.asarray(hidden).ravel()


def _fit(matrix: scipy.sparse.csr_matrix, labels: np.ndarray) -> _Fitted:
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    classifier = _classifier()
    classifier.fit(matrix, labels)
    weights = classifier.coef_.ravel().astype(np.float32)
    intercept = float(np.float32(classifier.intercept_[0]))
    network = _network()
    folded = _folded(matrix)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of passes, on purpose
        network.fit(folded, labels)
    layers: list[np.ndarray] = []
    for weights_, biases in zip(network.coefs_, network.intercepts_, strict=True):
        layers += [weights_.astype(np.float32), biases.astype(np.float32)]
    layers[0] = layers[0].astype(np.float16).astype(np.float32)  # as the model file stores it
    linear, net = _logits(weights, intercept, layers, matrix)
    scales = (float(np.float32(np.std(linear))), float(np.float32(np.std(net))))
    return _Fitted(weights=weights, intercept=intercept, layers=tuple(layers), scales=scales)


def train(examples: Sequence[Example]) -> Model:
    chosen = [e for e in examples if e.split == "train"]
    matrix = features([prepare(model_reading(e.text)) for e in chosen])
    labels = np.array([e.refuse for e in chosen], dtype=np.int8)
    return _fit(matrix, labels).model(Thresholds(REVIEW_AT, REFUSE_AT, OVERRULE_BELOW))


@dataclass(frozen=True)
class Seen:
    """One train text as the thresholds see it: its label, whether a rule refuses it, its cross-validated score."""

    refuse: bool
    by_rule: bool
    score: float
    may_refuse: bool  # long enough for the model to refuse it alone
    may_overrule: bool  # long enough for the model to overrule a rule's refusal
    lawful: bool  # names a lawful channel: the model's doubt does not hold it
    independent: bool


def _cross_validated(examples: Sequence[Example]) -> list[Seen]:
    """Each train text scored by models trained on the other folds, whole families kept in one fold, once for each of
    REPEATS shuffles of the families into folds (so that which family falls in which fold moves the thresholds
    little): each score is one model's, as the shipped model's is. The mean of the shuffles' scores was used until
    round 26: it is less spread than one model's score, fewer lawful texts crossed a threshold in the CV than in use,
    and the precision the CV promised (0.977) was a point above the writers' held-out quarters'."""
    from sklearn.model_selection import GroupKFold

    chosen = [e for e in examples if e.split == "train"]
    matrix = features([prepare(model_reading(e.text)) for e in chosen])
    labels = np.array([e.refuse for e in chosen], dtype=np.int8)
    scores = np.zeros((REPEATS, len(chosen)))
    groups = [e.family for e in chosen]
    for repeat in range(REPEATS):
        folds = GroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED + repeat)
        for fit, out in folds.split(matrix, labels, groups=groups):
            scores[repeat, out] = _fit(matrix[fit], labels[fit]).scores(matrix[out])
    seen: list[Seen] = []
    for i, example in enumerate(chosen):
        low = fold_lower(example.text)
        words = len(low.split())
        one = Seen(
            refuse=example.refuse,
            by_rule=bool(rule_reasons(example.text)),
            score=0.0,
            may_refuse=words >= _MODEL_MIN_WORDS,
            may_overrule=overrulable(low, words),
            lawful=_LAWFUL_CHANNEL.search(low) is not None,
            independent=example.source == "independent",
        )
        seen.extend(replace(one, score=float(value)) for value in scores[:, i])
    return seen


@dataclass(frozen=True)
class Thresholds:
    review_at: float
    refuse_at: float
    overrule_below: float


def _overruled(s: Seen, overrule_below: float) -> bool:
    return s.by_rule and s.may_overrule and s.score < overrule_below


def _refused(s: Seen, chosen: Thresholds) -> bool:
    """Whether the guard refuses the text: a rule (unless overruled), or the model alone on a long enough text."""
    by_rule = s.by_rule and not _overruled(s, chosen.overrule_below)
    return by_rule or (s.score >= chosen.refuse_at and s.may_refuse)


def _outcome(seen: Sequence[Seen], chosen: Thresholds) -> tuple[float, float, float]:
    """(share of legitimate texts held, share of legitimate texts refused by the model alone, recall
    refused-or-held)."""
    good = [s for s in seen if not s.refuse]
    bad = [s for s in seen if s.refuse]

    def held(s: Seen) -> bool:
        if _refused(s, chosen):
            return False
        return _overruled(s, chosen.overrule_below) or (s.score >= chosen.review_at and not s.lawful)

    return (
        sum(held(s) for s in good) / len(good),
        sum(_refused(s, chosen) and not s.by_rule for s in good) / len(good),
        sum(_refused(s, chosen) or held(s) for s in bad) / len(bad),
    )


def _refusals(seen: Sequence[Seen], chosen: Thresholds) -> tuple[float, float]:
    """(precision, recall) of refusal alone, rules and model together, as `report` counts them: held is not
    refused."""
    refused = [_refused(s, chosen) for s in seen]
    right = sum(r and s.refuse for r, s in zip(refused, seen, strict=True))
    bad = sum(s.refuse for s in seen)
    return (right / sum(refused) if any(refused) else 1.0), (right / bad if bad else 1.0)


def choose_thresholds(examples: Sequence[Example]) -> tuple[Thresholds, list[str]]:
    """Chosen on the train split's grouped cross-validation, on all train texts and on the independent ones alone:
    first `overrule_below`, the highest (grid of 0.01, at most OVERRULE_AT_MOST) at which at most
    OVERRULED_BAD_AT_MOST of the texts to refuse are ones a rule refuses and the overrule would only hold, and at most
    OVERRULED_GOOD_AT_MOST of the legitimate texts are held by it; then the (review_at, refuse_at) pair
    with the highest refused-or-held recall such that at most HELD_AT_MOST of the legitimate texts are held (the
    overruled ones included), on all and on the independent texts, and refusal precision on the independent texts
    (on all texts when there are none) is at least PRECISION_AT_LEAST; ties go to the higher pair."""
    seen = _cross_validated(examples)
    chosen = best_thresholds(seen)
    lines = []
    for name, part in _parts(seen).items():
        if part:
            held, wrong, recall = _outcome(part, chosen)
            good = [s for s in part if not s.refuse]
            overruled = sum(_overruled(s, chosen.overrule_below) for s in good) / len(good)
            precision, refused = _refusals(part, chosen)
            lines.append(
                f"{name:<12} n={len(part):<5} legitimate held={held:.3f} (overruled rule {overruled:.3f}) "
                f"refused by the model={wrong:.3f} refused-or-held recall={recall:.3f} "
                f"refusal precision={precision:.3f} recall={refused:.3f}"
            )
    return chosen, lines


def _parts(seen: Sequence[Seen]) -> dict[str, list[Seen]]:
    return {"all": list(seen), "independent": [s for s in seen if s.independent]}


def best_overrule(seen: Sequence[Seen]) -> float:
    """The highest `overrule_below` the limit allows (see choose_thresholds); 0.0 turns the overrule off."""
    best = 0.0
    for overrule_below in (round(x, 2) for x in np.arange(0.01, OVERRULE_AT_MOST + 0.005, 0.01)):
        within = True
        for part in _parts(seen).values():
            bad = [s for s in part if s.refuse]
            good = [s for s in part if not s.refuse]
            if bad and sum(_overruled(s, overrule_below) for s in bad) > OVERRULED_BAD_AT_MOST * len(bad):
                within = False
            if good and sum(_overruled(s, overrule_below) for s in good) > OVERRULED_GOOD_AT_MOST * len(good):
                within = False
        if within:
            best = overrule_below
    return best


def best_thresholds(seen: Sequence[Seen]) -> Thresholds:
    """The overrule, then the (review_at, refuse_at) pair the limits allow (see choose_thresholds)."""
    overrule_below = best_overrule(seen)
    parts = [part for part in _parts(seen).values() if part]
    like_intake = [s for s in seen if s.independent] or list(seen)
    best: tuple[float, float, float] | None = None
    grid = [round(x, 2) for x in np.arange(0.30, 0.995, 0.01)]
    for refuse_at in grid:
        if _refusals(like_intake, Thresholds(refuse_at, refuse_at, overrule_below))[0] < PRECISION_AT_LEAST:
            continue  # review_at does not move refusals
        for review_at in (x for x in grid if x <= refuse_at):
            chosen = Thresholds(review_at, refuse_at, overrule_below)
            outcomes = [_outcome(part, chosen) for part in parts]
            if all(held <= HELD_AT_MOST for held, _, _ in outcomes):
                recall = min(o[2] for o in outcomes)
                if best is None or (recall, review_at, refuse_at) >= best:
                    best = (recall, review_at, refuse_at)
    if best is None:
        raise ValueError("no thresholds meet the limits")
    return Thresholds(best[1], best[2], overrule_below)


def same(a: Model, b: Model, *, tolerance: float = 0.0) -> bool:
    """The same thresholds, and every weight, intercept and spread within `tolerance` (bit for bit at 0.0)."""
    thresholds = ("refuse_at", "review_at", "overrule_below")
    return bool(
        all(getattr(a, n) == getattr(b, n) for n in thresholds)
        and np.allclose(a.weights, b.weights, rtol=0, atol=tolerance)
        and abs(a.intercept - b.intercept) <= tolerance
        and len(a.layers) == len(b.layers)
        and all(
            x.shape == y.shape and np.allclose(x, y, rtol=0, atol=tolerance)
            for x, y in zip(a.layers, b.layers, strict=True)
        )
        and np.allclose(a.scales, b.scales, rtol=tolerance, atol=0)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--check", action="store_true", help="compare a fresh training with the shipped model")
    parser.add_argument("--choose-thresholds", action="store_true", help="print what the grouped CV chooses")
    args = parser.parse_args(argv)
    if args.choose_thresholds:
        chosen, lines = choose_thresholds(load(args.corpus))
        print(
            f"grouped {FOLDS}-fold cross-validation of the train split ({REPEATS} shuffles): "
            f"REVIEW_AT={chosen.review_at} REFUSE_AT={chosen.refuse_at} OVERRULE_BELOW={chosen.overrule_below}"
        )
        print("\n".join(lines))
        return 0
    model = train(load(args.corpus))
    if args.check:
        ok = args.out.exists() and same(model, read(args.out), tolerance=TOLERANCE)
        print("the shipped model is what the corpus trains" if ok else f"{args.out} differs from a fresh training")
        return 0 if ok else 1
    model.save(args.out)
    network = sum(layer.size for layer in model.layers)
    print(
        f"wrote {args.out} ({np.count_nonzero(model.weights)} linear weights, {network} network weights, "
        f"{args.out.stat().st_size} bytes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
