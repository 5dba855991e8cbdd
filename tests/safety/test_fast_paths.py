"""The guard's fast paths decide exactly as the slow ones: the prefilter of necessary literals never skips a pattern
that would match, and the model's direct score equals the score of the features it was trained on."""

from __future__ import annotations

import re

import numpy as np
import pytest

from vigil.safety import statistical, textguard, train
from vigil.safety._prefilter import Gated, Gates, necessary
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
        linear, net = train._logits(model.weights, model.intercept, model.layers, statistical.features([prepared]))
        z = 0.5 * float(linear[0]) / model.scales[0] + 0.5 * float(net[0]) / model.scales[1]
        assert model.score(prepared) == pytest.approx(float(1.0 / (1.0 + np.exp(-z))), abs=1e-5)


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


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        (r"\b(?:kill|shoot) him", {"k", "s"}),
        (r"\b[a-c]x|\bdy", {"a", "b", "c", "d"}),
        (r"\b(?:a+|bc)", {"a", "b"}),
        (r"\b(?:the )?agent", {"t", "a"}),  # an optional start: its first characters or the next part's
        (r"\b(?:(?<=guy )called|named)", {"c", "n"}),  # a look-behind takes no character
        (r"(?:^|[.!?] ?)kill", {".", "!", "?", "k"}),
        (r"(?:ab)?", None),  # may match nothing: every position can start a match
        (r"\b\w+ agent", None),
        (r"[^a]b", None),
        (r"(?i:abc)", None),
    ],
)
def test_the_characters_a_match_starts_with(pattern: str, first: set[str] | None) -> None:
    from vigil.safety._prefilter import first_chars

    assert first_chars(pattern) == (None if first is None else frozenset(first))


def test_the_look_ahead_changes_no_match() -> None:
    from vigil.safety._prefilter import led

    pattern = r"\b(?:kill|shoot|stab) (?:him|her)\b"
    assert led(pattern) == "(?=[ks])" + pattern  # "shoot" and "stab" share their first letter
    text = "skill him, kill him; shoot her. stab hers, unshoot him stab her"
    assert [m.span() for m in re.finditer(led(pattern), text)] == [m.span() for m in re.finditer(pattern, text)]
    assert len(re.findall(pattern, text)) == 3
    assert led(r"x\b(?:a|b)") == r"x\b(?:a|b)"  # a pattern that does not start at a word boundary is left alone


def test_folding_treats_every_white_space_as_before() -> None:
    spaces = " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000"
    text = f"{spaces}agent{spaces}at the{spaces[::-1]}corner{spaces}"
    assert fold_lower(text) == re.sub(r"\s+", " ", fold_lower("agent at the corner")).strip()
    assert fold_lower(text) == "agent at the corner"


def test_a_long_text_is_respelt_word_for_word_as_a_short_one() -> None:
    from vigil.safety import spelling

    short = "u r gonna k1ll the agnet, q pasa xq, killll them, matarloss"
    long = " ".join([short] * 40)
    assert spelling.respell(fold_lower(long)) == " ".join([spelling.respell(fold_lower(short))] * 40)
    assert "you are" in spelling.respell(fold_lower(short)) and "matarlos" in spelling.respell(fold_lower(short))


def test_only_whole_words_are_respelt_and_unswapped() -> None:
    from vigil.safety import spelling

    # A word for respelling has no letter, digit or underscore beside it; for unswapping, no ASCII letter.
    assert spelling.respell("u_u u2 (u) ¿u? kil kil_ ur añu") == "u_u u2 (you) ¿you? kill kil_ your añu"
    assert spelling.unswap("agnet_x 1agnet xagnet AgNeT agnets agnet.") == "agent_x 1agent xagnet AgeNT agents agent."


@pytest.mark.parametrize(
    ("pattern", "written"),
    [
        (r"\bkill (?!time\b)(\w+)", r"\bkill (?:\w+)"),
        (r"(?<=guy )called|(?<!no )named", r"called|named"),
        (r"\b(?P<verb>said|dijo) (?=['\"])", r"\b(?:said|dijo) "),
        (r"[(?!]x\(?=y\)", r"[(?!]x\(?=y\)"),  # inside a class or escaped, a bracket opens nothing
        (r"a(?:b(?=c(?!d))|e)", r"a(?:b|e)"),  # a look-around inside another goes with it
    ],
)
def test_relaxed_drops_look_arounds_and_captures(pattern: str, written: str) -> None:
    from vigil.safety._prefilter import relaxed

    assert relaxed(pattern) == written


def _long_variants(texts: list[str]) -> list[str]:
    """Long texts RE2 scouts with offsets to convert (emoji, an inverted question mark), and long texts it must
    leave to Python (letters of another script, which RE2's word boundary does not know)."""
    joined = " ".join(texts[:3000])
    plain = [joined[i : i + 4000] for i in range(0, 4000 * 6, 4000)]
    return (
        [f"¿{t[:1500]} 🚨🚨 {t[1500:3000]} ¡ya! {t[3000:]}" for t in plain]
        + [f"{t[:2000]} агент убить {t[2000:]}" for t in plain[:3]]
        + ["the agent ice agent kill him " * 150]
    )


def test_scouted_long_texts_find_what_the_plain_pattern_finds(texts: list[str]) -> None:
    longs = _long_variants(texts)
    for gated in _gated_patterns():
        plain = re.compile(gated.pattern)
        for text in longs:
            assert [m.span() for m in gated.finditer(text)] == [m.span() for m in plain.finditer(text)], gated.pattern
            for pos, endpos in ((0, 1200), (700, 2600), (2999, len(text))):
                found, expected = gated.search(text, pos, endpos), plain.search(text, pos, endpos)
                assert (found and found.span()) == (expected and expected.span()), (gated.pattern, pos, endpos)


def test_rare_spaces_and_a_final_new_line_are_left_to_python() -> None:
    # RE2's \s is ASCII's five spaces and its $ the very end; Python's \s is every space and its $ also holds before
    # a final new line. A long text where they differ is read by Python alone, so no match is lost.
    pattern = Gated(r"\bagents\s+left(?: the corner)?$")
    filler = "the corner was quiet and nobody was taken. " * 12
    endings = ("agents\u00a0left", "agents\x1cleft", "agents left\n", "agents left")
    for text in (filler + ending for ending in endings):
        assert len(text) > 400
        expected = re.search(pattern.pattern, text)
        assert expected is not None
        found = pattern.search(text)
        assert found is not None and found.span() == expected.span(), repr(text[-20:])
    emoji = filler + "🚨 agents left the corner"  # a symbol that is not ASCII: RE2 reads a stand-in, at the same place
    found = pattern.search(emoji)
    assert found is not None and found.span() == re.search(pattern.pattern, emoji).span()  # type: ignore[union-attr]


def test_most_patterns_are_scouted() -> None:
    patterns = _gated_patterns()
    assert sum(p.scout is not None for p in patterns) > 0.8 * len(patterns)


def test_a_pattern_made_later_adds_its_literals_to_the_one_pass() -> None:
    text = "the agents left the corner at noon and nobody was taken. " * 10
    assert len(text) > 400
    assert Gated(r"\bagents left\b").search(text) is not None  # the shared pass is built now, without "zebrafish"
    late = Gated(r"\bzebrafish\b")
    assert late.search(text) is None
    assert late.search(text + " a zebrafish swam") is not None


def test_gates_pass_over_only_patterns_that_cannot_match(texts: list[str]) -> None:
    patterns = (*textguard._THREATS, *textguard._MORE_THREATS, *textguard._LATER_THREATS)
    gates = Gates(patterns)
    for text in [*texts, "q"]:
        possible = gates.possible(text)
        assert possible == [p for p in patterns if p in possible]  # in their order
        assert {id(p) for p in patterns if p.search(text)} <= {id(p) for p in possible}, text
        assert {id(p) for p in patterns if p.possible(text)} == {id(p) for p in possible}, text
