"""The shipped model is what `python -m vigil.safety.train` makes from the corpus: nothing in the repository is a
binary nobody can rebuild."""

from __future__ import annotations

import numpy as np

from vigil.safety import statistical
from vigil.safety.corpus import load
from vigil.safety.train import main, same, train


def test_a_fresh_training_equals_the_shipped_model() -> None:
    fresh = train(load())
    shipped = statistical.read()
    held_out = [statistical.prepare(e.text.lower()) for e in load() if e.split == "heldout"]
    # The same decisions on every held-out text whatever the floating point of this machine, and on the machine the
    # model was trained on, the same bits.
    assert [fresh.score(t) >= fresh.refuse_at for t in held_out] == [
        shipped.score(t) >= shipped.refuse_at for t in held_out
    ]
    assert np.allclose(fresh.weights, shipped.weights, atol=1e-5)
    assert same(fresh, shipped)
    assert main(["--check"]) == 0


def test_the_model_file_holds_no_pickle(tmp_path: object) -> None:
    with np.load(statistical.MODEL, allow_pickle=False) as data:
        assert set(data.files) == {"indices", "values", "meta", "bits"}
        assert data["values"].dtype == np.float32
