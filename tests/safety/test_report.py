"""`python -m vigil.safety.report` prints the figures docs/text-guard.md quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigil.safety.report import load, main, score


def test_it_prints_precision_and_recall_per_split_and_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--show-errors"]) == 0
    out = capsys.readouterr().out
    for label in ("heldout/en", "heldout/es", "heldout/all", "dev/en", "dev/es", "dev/all", "all/all"):
        assert label in out
    assert "precision=" in out and "recall=" in out
    assert "speed:" in out


def test_it_counts_refusal_as_the_positive_class(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "split": "dev", "language": "en", "expected": "refuse", "reasons": ["THREAT"], "text": "he'll pay"},
        {"id": "b", "split": "dev", "language": "en", "expected": "refuse", "reasons": ["PLATE"], "text": "a red car"},
        {"id": "c", "split": "dev", "language": "en", "expected": "pass", "reasons": [], "text": "let's get him"},
        {"id": "d", "split": "dev", "language": "es", "expected": "pass", "reasons": [], "text": "migra en Lake"},
    ]
    path = tmp_path / "examples.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    scores = score(load(path))
    assert (scores.true_pos, scores.false_neg, scores.false_pos, scores.true_neg) == (1, 1, 1, 1)
    assert scores.precision == 0.5
    assert scores.recall == 0.5


def test_it_rejects_a_mislabelled_example(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "split": "dev", "language": "fr", "expected": "maybe", "reasons": [], "text": "t"}\n')
    with pytest.raises(ValueError, match="expected must be"):
        load(path)
