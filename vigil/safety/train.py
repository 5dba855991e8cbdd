"""Train the guard's statistical layer from the corpus, reproducibly.

    python -m vigil.safety.train           # rewrite vigil/safety/model/guard.npz from the train split
    python -m vigil.safety.train --check   # exit 1 unless a fresh training equals the shipped file
    python -m vigil.safety.train --choose-thresholds   # print the thresholds the train split's grouped CV gives

Only the train split is read; the held-out families never reach the model. The solver (liblinear) is deterministic
for a fixed seed and row order, the rows are in corpus order, and the weights are stored as float32, so the same corpus
gives the same file. The thresholds are fixed here, chosen on the train split's cross-validated scores (see
docs/text-guard.md and `choose_thresholds`), never on the held-out split.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from vigil.safety.corpus import CORPUS, Example, load
from vigil.safety.statistical import MODEL, Model, features, prepare, read
from vigil.safety.textguard import _LAWFUL_CHANNEL, _MODEL_MIN_WORDS, check, fold_lower, model_reading

C = 20.0
SEED = 0
REFUSE_AT = 0.87  # both from `--choose-thresholds` (grouped CV of the train split)
REVIEW_AT = 0.58
FOLDS = 5
HELD_AT_MOST = 0.025  # the share of legitimate texts the review band may hold (the target is < 3 %)
WRONGLY_REFUSED_AT_MOST = 0.01  # the share of legitimate texts the model alone may refuse


def _classifier() -> LogisticRegression:
    return LogisticRegression(solver="liblinear", C=C, class_weight="balanced", random_state=SEED, max_iter=1000)


def train(examples: Sequence[Example]) -> Model:
    chosen = [e for e in examples if e.split == "train"]
    matrix = features([prepare(model_reading(e.text)) for e in chosen])
    labels = np.array([e.refuse for e in chosen], dtype=np.int8)
    classifier = _classifier()
    classifier.fit(matrix, labels)
    return Model(
        weights=classifier.coef_.ravel().astype(np.float32),
        intercept=float(np.float32(classifier.intercept_[0])),
        refuse_at=float(np.float32(REFUSE_AT)),
        review_at=float(np.float32(REVIEW_AT)),
    )


@dataclass(frozen=True)
class Seen:
    """One train text as the thresholds see it: its label, whether a rule refuses it, its cross-validated score."""

    refuse: bool
    by_rule: bool
    score: float
    may_refuse: bool  # long enough for the model to refuse it alone
    lawful: bool  # names a lawful channel: the model's doubt does not hold it
    independent: bool


def _cross_validated(examples: Sequence[Example]) -> list[Seen]:
    """Each train text scored by a model trained on the other folds, whole families kept in one fold."""
    from sklearn.model_selection import GroupKFold

    chosen = [e for e in examples if e.split == "train"]
    matrix = features([prepare(model_reading(e.text)) for e in chosen])
    labels = np.array([e.refuse for e in chosen], dtype=np.int8)
    scores = np.zeros(len(chosen))
    for fit, out in GroupKFold(n_splits=FOLDS).split(matrix, labels, groups=[e.family for e in chosen]):
        classifier = _classifier()
        classifier.fit(matrix[fit], labels[fit])
        scores[out] = classifier.predict_proba(matrix[out])[:, 1]
    seen = []
    for example, value in zip(chosen, scores, strict=True):
        result = check(example.text)
        low = fold_lower(example.text)
        seen.append(
            Seen(
                refuse=example.refuse,
                by_rule=not result.ok and result.score is None,
                score=float(value),
                may_refuse=len(low.split()) >= _MODEL_MIN_WORDS,
                lawful=_LAWFUL_CHANNEL.search(low) is not None,
                independent=example.source == "independent",
            )
        )
    return seen


def _outcome(seen: Sequence[Seen], review_at: float, refuse_at: float) -> tuple[float, float, float]:
    """(share of legitimate texts held, share of legitimate texts refused by the model, recall refused-or-held)."""
    good = [s for s in seen if not s.refuse]
    bad = [s for s in seen if s.refuse]

    def refused(s: Seen) -> bool:
        return s.by_rule or (s.score >= refuse_at and s.may_refuse)

    def held(s: Seen) -> bool:
        return not refused(s) and s.score >= review_at and not s.lawful

    return (
        sum(held(s) for s in good) / len(good),
        sum(refused(s) and not s.by_rule for s in good) / len(good),
        sum(refused(s) or held(s) for s in bad) / len(bad),
    )


def choose_thresholds(examples: Sequence[Example]) -> tuple[float, float, list[str]]:
    """The (review_at, refuse_at) pair with the highest refused-or-held recall on the train split's grouped
    cross-validation such that, on all train texts and on the independent ones alone, at most HELD_AT_MOST of the
    legitimate texts are held and at most WRONGLY_REFUSED_AT_MOST refused by the model; ties go to the higher pair."""
    seen = _cross_validated(examples)
    review_at, refuse_at = best_pair(seen)
    lines = []
    for name, part in _parts(seen).items():
        if part:
            held, wrong, recall = _outcome(part, review_at, refuse_at)
            lines.append(
                f"{name:<12} n={len(part):<5} legitimate held={held:.3f} refused by the model={wrong:.3f} "
                f"refused-or-held recall={recall:.3f}"
            )
    return review_at, refuse_at, lines


def _parts(seen: Sequence[Seen]) -> dict[str, list[Seen]]:
    return {"all": list(seen), "independent": [s for s in seen if s.independent]}


def best_pair(seen: Sequence[Seen]) -> tuple[float, float]:
    """The (review_at, refuse_at) the limits allow with the highest refused-or-held recall (see choose_thresholds)."""
    parts = _parts(seen)
    best: tuple[float, float, float] | None = None
    grid = [round(x, 2) for x in np.arange(0.30, 0.995, 0.01)]
    for refuse_at in grid:
        for review_at in (x for x in grid if x <= refuse_at):
            outcomes = [_outcome(part, review_at, refuse_at) for part in parts.values() if part]
            if all(h <= HELD_AT_MOST and r <= WRONGLY_REFUSED_AT_MOST for h, r, _ in outcomes):
                recall = min(o[2] for o in outcomes)
                if best is None or (recall, review_at, refuse_at) >= best:
                    best = (recall, review_at, refuse_at)
    if best is None:
        raise ValueError("no thresholds meet the limits")
    return best[1], best[2]


def same(a: Model, b: Model) -> bool:
    return np.array_equal(a.weights, b.weights) and (a.intercept, a.refuse_at, a.review_at) == (
        b.intercept,
        b.refuse_at,
        b.review_at,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--check", action="store_true", help="compare a fresh training with the shipped model")
    parser.add_argument("--choose-thresholds", action="store_true", help="print what the grouped CV chooses")
    args = parser.parse_args(argv)
    if args.choose_thresholds:
        review_at, refuse_at, lines = choose_thresholds(load(args.corpus))
        print(f"grouped {FOLDS}-fold cross-validation of the train split: REVIEW_AT={review_at} REFUSE_AT={refuse_at}")
        print("\n".join(lines))
        return 0
    model = train(load(args.corpus))
    if args.check:
        ok = args.out.exists() and same(model, read(args.out))
        print("the shipped model is what the corpus trains" if ok else f"{args.out} differs from a fresh training")
        return 0 if ok else 1
    model.save(args.out)
    print(f"wrote {args.out} ({np.count_nonzero(model.weights)} weights, {args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
