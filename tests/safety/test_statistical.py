"""The statistical layer's features (`statistical.row`): what the model reads of a text."""

from __future__ import annotations

import math

import numpy as np

from vigil.safety import statistical


def test_each_block_is_distinct_sorted_buckets_of_unit_length() -> None:
    indices, values = statistical.row(statistical.prepare("they won't make it home tonight, they won't"))
    chars, words = indices < 2**statistical.BITS, indices >= 2**statistical.BITS
    assert chars.any() and words.any()
    for block in (chars, words):
        assert np.all(np.diff(indices[block]) > 0)
        assert math.isclose(float(values[block] @ values[block]), 1.0, rel_tol=1e-5)


def test_character_ngrams_read_across_words() -> None:
    """The same words in another order give the same word unigrams but other phrases."""
    a, _ = statistical.row("make it home")
    b, _ = statistical.row("home it make")
    assert set(a) != set(b)


def test_texts_nothing_else_handles_are_scored() -> None:
    model = statistical.shipped()
    for text in ("", " ", "a", "\ud800 lone surrogate", "😀" * 50, "0" * 4000):
        assert 0.0 <= model.score(statistical.prepare(text)) <= 1.0
    assert statistical.features(["", "a b"]).shape == (2, 2 * 2**statistical.BITS)
