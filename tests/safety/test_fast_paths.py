"""The guard's fast paths decide exactly as the slow ones: the prefilter of necessary literals never skips a pattern
that would match, and the model's direct score equals the score of the features it was trained on."""

from __future__ import annotations

import re

import numpy as np
import pytest

from vigil.safety import statistical, textguard
from vigil.safety._prefilter import Gated, necessary
from vigil.safety.corpus import load
from vigil.safety.textguard import fold_lower


@pytest.fixture(scope="module")
def texts() -> list[str]:
    lows = [fold_lower(example.text) for example in load()]
    joined = " ".join(lows)
    return lows + [joined[i : i + 4000] for i in range(0, 4000 * 10, 4000)]


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\bdeath to\b", {"death to"}),
        (r"\b(?:kill|shoot) (?:\w+ )?agents?\b", {"agent"}),  # the most selective part
        (r"\b(?:a|b\w)", {"a", "b"}),
        (r"x?(?:\w+ )*", None),
        (r"(?i:abc)", None),
        (r"x(?i:abc)yz", {"yz"}),
    ],
)
def test_necessary_literals(pattern: str, literals: set[str] | None) -> None:
    assert necessary(pattern) == (None if literals is None else frozenset(literals))


def _gated_patterns() -> list[Gated]:
    found = [value for value in vars(textguard).values() if isinstance(value, Gated)]
    for value in vars(textguard).values():
        if isinstance(value, tuple):
            found += [item for item in value if isinstance(item, Gated)]
            found += [item[1] for item in value if isinstance(item, tuple) and isinstance(item[-1], Gated)]
    return found


def test_every_gated_pattern_finds_what_the_plain_pattern_finds(texts: list[str]) -> None:
    patterns = _gated_patterns()
    assert len(patterns) > 60
    for gated in patterns:
        plain = re.compile(gated.pattern)
        for text in texts:
            assert [m.span() for m in gated.finditer(text)] == [m.span() for m in plain.finditer(text)], gated.pattern


def test_the_direct_score_equals_the_trained_features(texts: list[str]) -> None:
    model = statistical.shipped()
    for text in texts:
        prepared = statistical.prepare(text)
        row = statistical.features([prepared])
        z = float(row.data @ model.weights[row.indices]) + model.intercept
        assert model.score(prepared) == pytest.approx(float(1.0 / (1.0 + np.exp(-z))), abs=1e-6)


@pytest.mark.parametrize(
    ("pattern", "written"),
    [
        (r"\bab|\bc(?:d|e)|\b[x|y]", r"\b(?:ab|c(?:d|e)|[x|y])"),
        (r"\bab|c", r"\bab|c"),  # not every alternative starts at a word boundary
        (r"\b(?:a|b)", r"\b(?:a|b)"),  # one alternative only
    ],
)
def test_a_word_boundary_common_to_every_alternative_is_tested_once(pattern: str, written: str) -> None:
    from vigil.safety._prefilter import factored

    assert factored(pattern) == written
