"""Train the guard's statistical layer from the corpus, reproducibly.

    python -m vigil.safety.train           # rewrite vigil/safety/model/guard.npz from the train split
    python -m vigil.safety.train --check   # exit 1 unless a fresh training equals the shipped file

Only the train split is read; the held-out families never reach the model. The solver (liblinear) is deterministic
for a fixed seed and row order, the rows are in corpus order, and the weights are stored as float32, so the same corpus
gives the same file. The thresholds are fixed here, chosen on the train split's cross-validated scores (see
docs/text-guard.md), never on the held-out split.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from vigil.safety.corpus import CORPUS, Example, load
from vigil.safety.statistical import MODEL, Model, features, prepare, read
from vigil.safety.textguard import model_reading

C = 20.0
SEED = 0
REFUSE_AT = 0.9
REVIEW_AT = 0.6


def train(examples: Sequence[Example]) -> Model:
    chosen = [e for e in examples if e.split == "train"]
    matrix = features([prepare(model_reading(e.text)) for e in chosen])
    labels = np.array([e.refuse for e in chosen], dtype=np.int8)
    classifier = LogisticRegression(solver="liblinear", C=C, class_weight="balanced", random_state=SEED, max_iter=1000)
    classifier.fit(matrix, labels)
    return Model(
        weights=classifier.coef_.ravel().astype(np.float32),
        intercept=float(np.float32(classifier.intercept_[0])),
        refuse_at=float(np.float32(REFUSE_AT)),
        review_at=float(np.float32(REVIEW_AT)),
    )


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
    args = parser.parse_args(argv)
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
