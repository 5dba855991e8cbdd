"""The outside test sets (vigil/safety/data/independent_test*.jsonl): scored by `report --test-set`, never trained."""

from __future__ import annotations

import re

import pytest

from vigil.safety.corpus import CORPUS, independent_test, load
from vigil.safety.report import main


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_no_text_of_the_test_set_is_in_the_corpus_nor_a_near_copy_of_a_trained_one() -> None:
    tested = independent_test()
    assert len(tested) == 360 + 299 + 292 + 316 + 312 + 319 and {e.split for e in tested} == {"heldout"}
    trained = [_words(e.text) for e in load(CORPUS) if e.split == "train" and e.source == "independent"]
    for example in tested:
        words = _words(example.text)
        closest = max(len(words & other) / len(words | other) for other in trained)
        assert closest <= 0.6, example.id


def test_the_report_scores_the_test_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--test-set"]) == 0
    out = capsys.readouterr().out
    assert "independent_test.jsonl: 360 texts, never trained on" in out and "language es" in out
    assert "independent_test_2.jsonl: 299 texts" in out and "independent_test_3.jsonl: 292 texts" in out
    assert "independent_test_4.jsonl: 316 texts" in out and "independent_test_5.jsonl: 312 texts" in out
    assert "independent_test_6.jsonl: 319 texts" in out and "together: 1898 texts" in out
