"""The shipped model is what `python -m vigil.safety.train` makes from the corpus: nothing in the repository is a
binary nobody can rebuild."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from vigil.safety import statistical
from vigil.safety.corpus import load
from vigil.safety.train import TOLERANCE, main, same, train


def test_a_fresh_training_equals_the_shipped_model() -> None:
    fresh = train(load())
    shipped = statistical.read()
    held_out = [statistical.prepare(e.text.lower()) for e in load() if e.split == "heldout"]
    # The same decisions on every held-out text whatever the floating point of this machine, and every weight within
    # what another machine's vector instructions may move it.
    assert [fresh.score(t) >= fresh.refuse_at for t in held_out] == [
        shipped.score(t) >= shipped.refuse_at for t in held_out
    ]
    assert same(fresh, shipped, tolerance=TOLERANCE)
    assert main(["--check"]) == 0


def test_the_check_tells_a_model_changed_beyond_the_tolerance() -> None:
    shipped = statistical.read()
    first, *rest = shipped.layers
    moved = dataclasses.replace(shipped, layers=(first + 2 * TOLERANCE, *rest))
    assert same(shipped, shipped) and same(shipped, moved, tolerance=3 * TOLERANCE)
    assert not same(shipped, moved, tolerance=TOLERANCE)
    linear = dataclasses.replace(shipped, weights=shipped.weights + 2 * TOLERANCE)
    assert same(shipped, linear, tolerance=3 * TOLERANCE) and not same(shipped, linear, tolerance=TOLERANCE)
    assert not same(shipped, dataclasses.replace(shipped, refuse_at=shipped.refuse_at + 1e-6), tolerance=TOLERANCE)
    assert not same(shipped, dataclasses.replace(shipped, scales=(shipped.scales[0] * 1.01, shipped.scales[1])))


def test_the_model_file_holds_no_pickle(tmp_path: object) -> None:
    with np.load(statistical.MODEL, allow_pickle=False) as data:
        assert set(data.files) == {
            "indices",
            "values",
            "first",
            *(f"layer{n}" for n in range(1, 6)),
            "meta",
            "bits",
            "features",
        }
        assert data["values"].dtype == np.float32 and data["first"].dtype == np.float16


def test_a_model_trained_on_other_features_is_refused(tmp_path: Path) -> None:
    """A model file from an earlier feature set (or another hash width) would score nonsense: reading it fails."""
    with np.load(statistical.MODEL, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    for changed, message in (
        ({"features": np.array("chars3-5/words1-2")}, "chars3-5/words1-2"),
        ({"bits": np.array([20], dtype=np.uint32)}, "20 bits"),
    ):
        path = tmp_path / "other.npz"
        with path.open("wb") as out:
            np.savez_compressed(out, **{**arrays, **changed})
        with pytest.raises(ValueError, match=message):
            statistical.read(path)
    without = {name: value for name, value in arrays.items() if name != "features"}
    path = tmp_path / "earlier.npz"
    with path.open("wb") as out:
        np.savez_compressed(out, **without)
    with pytest.raises(ValueError, match="an earlier feature set"):
        statistical.read(path)
