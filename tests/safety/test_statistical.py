"""The statistical layer's features (`statistical.row`): what the model reads of a text."""

from __future__ import annotations

import dataclasses
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


def test_the_score_blends_the_two_models_logits_over_their_spread() -> None:
    model = statistical.shipped()
    text = statistical.prepare("we know where you park, agent. see you tonight")
    linear, net = model.logits(text)
    z = 0.5 * linear / model.scales[0] + 0.5 * net / model.scales[1]
    assert math.isclose(model.score(text), 1 / (1 + math.exp(-z)), rel_tol=1e-6)
    # The network reads the text too: without it the score would be another.
    first, *rest = model.layers
    blind = dataclasses.replace(model, layers=(np.zeros_like(first), *(np.zeros_like(r) for r in rest)))
    assert blind.logits(text)[1] == 0.0 and not math.isclose(blind.score(text), model.score(text))


def test_the_network_reads_each_ngram_in_the_same_bucket_its_table_folds_it_to() -> None:
    """A bucket's top bits name its row in the network's table, the word block staying the word block."""
    indices, _ = statistical.row(statistical.prepare("la migra se llevo a mi tio"))
    folded = indices >> (statistical.BITS - statistical.HIDDEN_BITS)
    words = indices >= 2**statistical.BITS
    assert np.all(folded[words] >= 2**statistical.HIDDEN_BITS) and np.all(folded[~words] < 2**statistical.HIDDEN_BITS)
    assert statistical.shipped().layers[0].shape == (2 * 2**statistical.HIDDEN_BITS, statistical.HIDDEN[0])
