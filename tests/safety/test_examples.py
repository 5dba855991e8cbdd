"""The corpus drives the guard's precision and recall; the floors sit just under what it reaches on the held-out
families (see docs/text-guard.md for the figures and for what is still short of the issue's targets)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from vigil.safety._families import ACCEPT_KINDS, REFUSE_KINDS
from vigil.safety.corpus import CORPUS, KINDS, build, dumps, load
from vigil.safety.report import score

EXAMPLES = load()
HELD_OUT = [e for e in EXAMPLES if e.split == "heldout"]

# (precision, recall, largest share of legitimate texts held for review) per language on the held-out families.
# The third round (held out whole, written before the rules were changed for it) lowered them to what it measured;
# the independent texts' held-out quarters and the thresholds the grouped CV chose (fewer held, fewer refused by the
# model alone) lowered recall again and raised precision; the later rounds of outside texts, and the network blended
# with the linear model, raised recall; rounds 16 to 19 trained on, and thresholds chosen for the precision target
# rather than for a share of lawful texts refused, raised recall and lowered precision; rounds 20 to 22 (the last the
# desks' own notes) and the desks' short notes and group messages trained on raised precision again (0.974) and left
# recall near 0.95 (English 0.947); rounds 23, 24 and 26 (new voices, whose held-out quarters are harder) and
# thresholds chosen on one model's scores left recall near 0.95 and English precision at 0.968.
FLOORS = {"en": (0.965, 0.945, 0.032), "es": (0.97, 0.95, 0.029), "mixed": (0.97, 0.955, 0.029)}
# The same on the independent texts' held-out quarters alone (written by people who never saw the rules or corpus).
INDEPENDENT_FLOOR = (0.965, 0.945, 0.029)


def test_the_file_is_what_the_families_build() -> None:
    assert CORPUS.read_text(encoding="utf-8") == dumps(build())


def test_there_are_at_least_2000_examples_in_each_language_and_kind() -> None:
    assert len(EXAMPLES) >= 2000
    languages = Counter(e.language for e in EXAMPLES)
    assert languages["en"] >= 500 and languages["es"] >= 500 and languages["mixed"] >= 200
    for kind in KINDS:
        for language in ("en", "es"):
            assert any(e.kind == kind and e.language == language for e in EXAMPLES), (kind, language)


def test_ids_are_unique_and_labels_follow_kinds() -> None:
    assert len({e.id for e in EXAMPLES}) == len(EXAMPLES)
    for example in EXAMPLES:
        assert example.refuse == (example.kind in REFUSE_KINDS), example.id
        assert example.refuse != (example.kind in ACCEPT_KINDS), example.id


def test_a_family_is_never_split_between_train_and_held_out() -> None:
    splits: dict[str, set[str]] = {}
    for example in EXAMPLES:
        splits.setdefault(example.family, set()).add(example.split)
    assert all(len(found) == 1 for found in splits.values())


def test_every_kind_has_held_out_families_and_hand_written_ones_are_held_out_too() -> None:
    for kind in KINDS:
        assert any(e.kind == kind for e in HELD_OUT), kind
    sources = Counter(e.source for e in HELD_OUT)
    assert sources["hand"] >= 30 and sources["legacy"] >= 50 and sources["template"] >= 300
    assert 0.2 <= len(HELD_OUT) / len(EXAMPLES) <= 0.35


# What is written like a phone number but is not one: a government plate ("GSA 11-88203", "placa federal G40-1126"),
# a date ("2026-11-30"), two digits then five (the GSA series).
_NOT_A_PHONE = re.compile(
    r"(?:gsa|g-?plate|govt|gov|federal|[( ]g|^g)[ -]?$|^\d{4}-\d\d-\d\d$|^\d\d-\d{4,5}$"
    r"|\ba ?# ?$|\ba-$",  # an A-number ("A# 219-006-442"), an identity number the guard refuses as one
    re.IGNORECASE,
)


def test_phone_numbers_in_the_corpus_are_fictional() -> None:
    for example in EXAMPLES:
        for found in re.finditer(r"\+?[\d(][\d ().-]{6,}\d", example.text):
            number = found.group(0)
            digits = re.sub(r"\D", "", number)
            block_range = re.fullmatch(r"(\d{4})-(\d{4})", number)
            if ")." in number or ". " in number:  # a plate in brackets, then a time: two things, not a number
                continue
            before = example.text[max(0, found.start() - 12) : found.start()]
            if _NOT_A_PHONE.search(before) or _NOT_A_PHONE.search(number):
                continue
            if len(digits) >= 7 and not re.fullmatch(r"\d{3}-\d{2}-\d{4}", number) and not block_range:
                assert "5550" in digits or digits.startswith("555"), (example.id, number)


@pytest.mark.parametrize("language", ["en", "es", "mixed"])
def test_each_language_stays_above_its_floor_on_the_held_out_families(language: str) -> None:
    scores = score([e for e in HELD_OUT if e.language == language])
    precision, recall, review = FLOORS[language]
    assert scores.precision >= precision, scores.line(language)
    assert scores.recall >= recall, scores.line(language)
    assert scores.review_share <= review, scores.line(language)


def test_less_than_3_percent_of_legitimate_held_out_texts_are_held_for_review() -> None:
    legitimate = [e for e in HELD_OUT if not e.refuse]
    from vigil.safety.textguard import check

    held = [e for e in legitimate if check(e.text).held]
    assert len(held) / len(legitimate) < 0.03, [e.text for e in held]


def test_the_independent_held_out_quarter_stays_above_its_floor() -> None:
    independent = [e for e in HELD_OUT if e.source == "independent"]
    assert len(independent) >= 400
    scores = score(independent)
    precision, recall, review = INDEPENDENT_FLOOR
    assert scores.precision >= precision, scores.line("independent")
    assert scores.recall >= recall, scores.line("independent")
    assert scores.review_share <= review, scores.line("independent")


def test_the_training_split_is_learnt() -> None:
    scores = score([e for e in EXAMPLES if e.split == "train"])
    assert scores.precision >= 0.98 and scores.recall >= 0.93, scores.line("train")
