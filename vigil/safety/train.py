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
from vigil.safety.textguard import (
    _LAWFUL_CHANNEL,
    _MODEL_MIN_WORDS,
    _OVERRULE_MIN_WORDS,
    fold_lower,
    model_reading,
    rule_reasons,
)

C = 20.0
SEED = 0
REFUSE_AT = 0.81  # all three from `--choose-thresholds` (grouped CV of the train split)
REVIEW_AT = 0.69
OVERRULE_BELOW = 0.08
FOLDS = 5
REPEATS = 3
HELD_AT_MOST = 0.025  # the share of legitimate texts the review band may hold (the target is < 3 %)
WRONGLY_REFUSED_AT_MOST = 0.015  # the share of legitimate texts the model alone may refuse
OVERRULED_BAD_AT_MOST = 0.003  # the share of texts to refuse that a rule refuses and the overrule only holds
OVERRULED_GOOD_AT_MOST = 0.02  # the share of legitimate texts the overrule may hold: the rest of the band's share
# is left to the model's doubt, which catches texts to refuse (the overrule only spares lawful ones)


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
        overrule_below=float(np.float32(OVERRULE_BELOW)),
    )


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
    """Each train text scored by models trained on the other folds, whole families kept in one fold: the mean over
    REPEATS shuffles of the families into folds, so that which family falls in which fold moves the thresholds
    little."""
    from sklearn.model_selection import GroupKFold

    chosen = [e for e in examples if e.split == "train"]
    matrix = features([prepare(model_reading(e.text)) for e in chosen])
    labels = np.array([e.refuse for e in chosen], dtype=np.int8)
    scores = np.zeros(len(chosen))
    groups = [e.family for e in chosen]
    for repeat in range(REPEATS):
        folds = GroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED + repeat)
        for fit, out in folds.split(matrix, labels, groups=groups):
            classifier = _classifier()
            classifier.fit(matrix[fit], labels[fit])
            scores[out] += classifier.predict_proba(matrix[out])[:, 1] / REPEATS
    seen = []
    for example, value in zip(chosen, scores, strict=True):
        low = fold_lower(example.text)
        seen.append(
            Seen(
                refuse=example.refuse,
                by_rule=bool(rule_reasons(example.text)),
                score=float(value),
                may_refuse=len(low.split()) >= _MODEL_MIN_WORDS,
                may_overrule=len(low.split()) >= _OVERRULE_MIN_WORDS,
                lawful=_LAWFUL_CHANNEL.search(low) is not None,
                independent=example.source == "independent",
            )
        )
    return seen


@dataclass(frozen=True)
class Thresholds:
    review_at: float
    refuse_at: float
    overrule_below: float


def _overruled(s: Seen, overrule_below: float) -> bool:
    return s.by_rule and s.may_overrule and s.score < overrule_below


def _outcome(seen: Sequence[Seen], chosen: Thresholds) -> tuple[float, float, float]:
    """(share of legitimate texts held, share of legitimate texts refused by the model, recall refused-or-held)."""
    good = [s for s in seen if not s.refuse]
    bad = [s for s in seen if s.refuse]

    def refused(s: Seen) -> bool:
        by_rule = s.by_rule and not _overruled(s, chosen.overrule_below)
        return by_rule or (s.score >= chosen.refuse_at and s.may_refuse)

    def held(s: Seen) -> bool:
        if refused(s):
            return False
        return _overruled(s, chosen.overrule_below) or (s.score >= chosen.review_at and not s.lawful)

    return (
        sum(held(s) for s in good) / len(good),
        sum(refused(s) and not s.by_rule for s in good) / len(good),
        sum(refused(s) or held(s) for s in bad) / len(bad),
    )


def choose_thresholds(examples: Sequence[Example]) -> tuple[Thresholds, list[str]]:
    """Chosen on the train split's grouped cross-validation, on all train texts and on the independent ones alone:
    first `overrule_below`, the highest (grid of 0.01, at most 0.30) at which at most OVERRULED_BAD_AT_MOST of the
    texts to refuse are ones a rule refuses and the overrule would only hold, and at most OVERRULED_GOOD_AT_MOST of
    the legitimate texts are held by it; then the (review_at, refuse_at) pair
    with the highest refused-or-held recall such that at most HELD_AT_MOST of the legitimate texts are held (the
    overruled ones included) and at most WRONGLY_REFUSED_AT_MOST refused by the model; ties go to the higher pair."""
    seen = _cross_validated(examples)
    chosen = best_thresholds(seen)
    lines = []
    for name, part in _parts(seen).items():
        if part:
            held, wrong, recall = _outcome(part, chosen)
            good = [s for s in part if not s.refuse]
            overruled = sum(_overruled(s, chosen.overrule_below) for s in good) / len(good)
            lines.append(
                f"{name:<12} n={len(part):<5} legitimate held={held:.3f} (overruled rule {overruled:.3f}) "
                f"refused by the model={wrong:.3f} refused-or-held recall={recall:.3f}"
            )
    return chosen, lines


def _parts(seen: Sequence[Seen]) -> dict[str, list[Seen]]:
    return {"all": list(seen), "independent": [s for s in seen if s.independent]}


def best_overrule(seen: Sequence[Seen]) -> float:
    """The highest `overrule_below` the limit allows (see choose_thresholds); 0.0 turns the overrule off."""
    best = 0.0
    for overrule_below in (round(x, 2) for x in np.arange(0.01, 0.305, 0.01)):
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
    parts = _parts(seen)
    best: tuple[float, float, float] | None = None
    grid = [round(x, 2) for x in np.arange(0.30, 0.995, 0.01)]
    for refuse_at in grid:
        for review_at in (x for x in grid if x <= refuse_at):
            chosen = Thresholds(review_at, refuse_at, overrule_below)
            outcomes = [_outcome(part, chosen) for part in parts.values() if part]
            if all(h <= HELD_AT_MOST and r <= WRONGLY_REFUSED_AT_MOST for h, r, _ in outcomes):
                recall = min(o[2] for o in outcomes)
                if best is None or (recall, review_at, refuse_at) >= best:
                    best = (recall, review_at, refuse_at)
    if best is None:
        raise ValueError("no thresholds meet the limits")
    return Thresholds(best[1], best[2], overrule_below)


def same(a: Model, b: Model) -> bool:
    numbers = ("intercept", "refuse_at", "review_at", "overrule_below")
    return np.array_equal(a.weights, b.weights) and all(getattr(a, n) == getattr(b, n) for n in numbers)


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
        ok = args.out.exists() and same(model, read(args.out))
        print("the shipped model is what the corpus trains" if ok else f"{args.out} differs from a fresh training")
        return 0 if ok else 1
    model.save(args.out)
    print(f"wrote {args.out} ({np.count_nonzero(model.weights)} weights, {args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
