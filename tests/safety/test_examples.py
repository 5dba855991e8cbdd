"""The labelled examples drive the guard's precision and recall; the floors sit just under what it reaches.

The held-out split was written before any rule and is never tuned on, so its floors are the honest ones.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from vigil.safety.report import Example, load, score
from vigil.safety.textguard import Reason

EXAMPLES = load()

FLOORS = {
    # split: (precision, recall) over both languages. Held-out at first look, before anything was changed because of
    # it: 0.974 / 0.974. One rule was fixed afterwards for a bug h005 revealed (see docs/text-guard.md), so today's
    # held-out figure is no longer blind; the floors stay at the first-look level.
    "heldout": (0.95, 0.95),
    "dev": (0.98, 0.98),
}
LANGUAGE_FLOOR = 0.95  # each language within each split, for both measures


def _chosen(split: str, language: str | None = None) -> list[Example]:
    return [e for e in EXAMPLES if e.split == split and (language is None or e.language == language)]


def test_the_set_has_at_least_200_examples_in_english_and_in_spanish() -> None:
    languages = Counter(e.language for e in EXAMPLES)
    assert len(EXAMPLES) >= 200
    assert languages["en"] >= 100
    assert languages["es"] >= 100


def test_a_quarter_of_the_set_is_held_out() -> None:
    held_out = len(_chosen("heldout"))
    assert 0.2 <= held_out / len(EXAMPLES) <= 0.35
    assert {e.split for e in EXAMPLES} == {"heldout", "dev"}


def test_about_45_percent_should_pass() -> None:
    passing = sum(not e.expected_refusal for e in EXAMPLES) / len(EXAMPLES)
    assert 0.40 <= passing <= 0.50


def test_every_example_is_labelled_with_known_reasons_and_a_unique_id() -> None:
    assert len({e.id for e in EXAMPLES}) == len(EXAMPLES)
    names = {reason.name for reason in Reason}
    for example in EXAMPLES:
        assert example.text.strip()
        assert set(example.reasons) <= names, example.id
        assert bool(example.reasons) == example.expected_refusal, example.id


def test_every_reason_is_represented_in_both_languages() -> None:
    for reason in Reason:
        for language in ("en", "es"):
            assert any(e.reasons and e.reasons[0] == reason.name and e.language == language for e in EXAMPLES), (
                reason,
                language,
            )


def test_phone_numbers_in_the_set_are_fictional() -> None:
    for example in EXAMPLES:
        for number in re.findall(r"\+?[\d(][\d\s().-]{6,}\d", example.text):
            digits = re.sub(r"\D", "", number)
            block_range = re.fullmatch(r"(\d{4})-(\d{4})", number)  # "1200-1300 Lake St"
            if len(digits) >= 7 and not re.fullmatch(r"\d{3}-\d{2}-\d{4}", number) and not block_range:
                assert "5550" in digits or digits.startswith("555"), (example.id, number)


@pytest.mark.parametrize("split", ["heldout", "dev"])
def test_precision_and_recall_stay_above_their_floors(split: str) -> None:
    scores = score(_chosen(split))
    precision_floor, recall_floor = FLOORS[split]
    assert scores.precision >= precision_floor, scores.line(split)
    assert scores.recall >= recall_floor, scores.line(split)


@pytest.mark.parametrize("split", ["heldout", "dev"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_each_language_stays_above_its_floor(split: str, language: str) -> None:
    scores = score(_chosen(split, language))
    assert scores.precision >= LANGUAGE_FLOOR, scores.line(f"{split}/{language}")
    assert scores.recall >= LANGUAGE_FLOOR, scores.line(f"{split}/{language}")


def test_refusals_give_the_expected_reason() -> None:
    scores = score(EXAMPLES)
    assert scores.reason_agreement >= 0.95 * scores.true_pos
