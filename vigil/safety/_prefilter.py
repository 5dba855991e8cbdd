"""Fast paths for the guard's regular expressions: each gives the pattern's own answers, never more or fewer.

- `necessary(pattern)` reads the parsed pattern and returns a set of strings such that every match contains at least
  one of them (or None when no such set is found). `Gated` runs the pattern only when one of its literals is in the
  text: one Aho-Corasick pass over the text finds every literal of every pattern at once, and each pattern asks it.
- In a long text, RE2 (a linear automaton) first looks for `relaxed(pattern)`, which matches wherever the pattern
  does; Python's engine, which tries every alternative at every place, then starts where RE2 found a match, or not
  at all. Patterns RE2 cannot run, and texts with letters RE2's `\\b` does not know, are left to Python alone.
- `factored` and `led` rewrite a pattern so that Python's engine leaves a place that cannot start a match at once.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterator
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick
import re2

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


def _selectivity(found: frozenset[str]) -> float:
    return min(len(x) for x in found) - 0.01 * len(found)


def _necessary(items: Any) -> frozenset[str] | None:
    candidates: list[frozenset[str] | None] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is sre.SUBPATTERN:
            candidates.append(None if av[1] & re.IGNORECASE else _necessary(av[-1]))
        elif op is sre.BRANCH:
            branches = [_necessary(branch) for branch in av[1]]
            candidates.append(None if any(b is None for b in branches) else frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in _REPEATS:
            low, _high, body = av
            candidates.append(_necessary(body) if low >= 1 else None)
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            candidates.append(_necessary(av))
        # anything else (classes, any character, positions, lookarounds) guarantees no literal
    flush()
    best: frozenset[str] | None = None
    for found in candidates:
        if found and (best is None or _selectivity(found) > _selectivity(best)):
            best = found
    return best


def necessary(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` contains (case-sensitive patterns only), or None."""
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _necessary(list(parsed))


def _syntax(pattern: str) -> list[bool]:
    """For each character of `pattern`, whether it is syntax: neither escaped nor inside a character class."""
    flags: list[bool] = []
    escaped, in_class = False, False
    for ch in pattern:
        flags.append(not (escaped or in_class or ch in "\\["))
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
    return flags


def top_branches(pattern: str) -> list[str]:
    """The pattern's top-level alternatives, as written."""
    syntax = _syntax(pattern)
    branches: list[str] = []
    start, depth = 0, 0
    for i, ch in enumerate(pattern):
        if not syntax[i]:
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
    branches.append(pattern[start:])
    return branches


def factored(pattern: str) -> str:
    """`\\ba|\\bb|\\bc` written `\\b(?:a|b|c)`: the same matches in the same order (a word boundary takes no
    characters), but the boundary is tested once at each position instead of once per alternative."""
    branches = top_branches(pattern)
    if len(branches) < 2 or not all(b.startswith("\\b") for b in branches):
        return pattern
    return "\\b(?:" + "|".join(b[2:] for b in branches) + ")"


_LONG = 400  # from this length on, RE2 scouts where a pattern can first match

# Every Gated pattern's literals, in one Aho-Corasick automaton (pyahocorasick, C): one pass over a text finds all of
# them, where a substring search per literal reads the text about a thousand times (a third of a short text's check,
# the whole text for a long one). Built on first use, rebuilt when a pattern made later adds literals. One character
# literals are left to `in`, which stops at the first.
_ALL_LITERALS: set[str] = set()
_SECOND = operator.itemgetter(1)
_NOT_SCOUTABLE = re.compile(r"[^\W\x00-\x7f]|[^\S \t\n\f\r]")  # a letter or digit not ASCII, a space not RE2's
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
_STAND_IN = "\x1a"  # what RE2 reads for a character that is not ASCII (and neither a letter nor a space)
_automaton: tuple[int, Any] = (0, None)


def _literal_finder() -> Any:
    global _automaton
    size, automaton = _automaton
    if automaton is None or size != len(_ALL_LITERALS):
        literals = sorted(_ALL_LITERALS)
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for literal in literals:
            if len(literal) > 1:
                automaton.add_word(literal, literal)
        automaton.make_automaton()
        _automaton = (len(literals), automaton)
    return automaton


class _Presence:
    """Which literals occur in one text, found in one pass; and, for a long text RE2 scouts, the text as RE2 reads it
    (see `Gated`): every text asks for the first, only long ones for the rest."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: frozenset[str] = frozenset(map(_SECOND, _literal_finder().iter(text))) if text else frozenset()

    @functools.cached_property
    def scouted(self) -> bytes | None:
        """The text as RE2 reads it, or None when RE2 cannot read it as Python does. RE2's `\\b`, `\\w` and `\\s`
        know ASCII alone, Python's every script's, and its `$` is the end of the text alone: a text with a letter or a
        space that is not ASCII, or that ends in a new line, is left to Python. Every other character that is not
        ASCII (a symbol, an emoji) is read as one byte that no pattern names, so that RE2's places are the text's."""
        if _NOT_SCOUTABLE.search(self.text) is not None or self.text.endswith("\n"):
            return None
        readable = self.text if self.text.isascii() else _NOT_ASCII.sub(_STAND_IN, self.text)
        return readable.encode("ascii")


_recent: dict[str, _Presence] = {}
_RECENT_MAX = 8  # the rules read a few versions of one text (lower-cased, misspellings undone, speech blanked)


def _presence(text: str) -> _Presence:
    # The dictionary is replaced whole, never changed in place: threads checking other texts never see it half made.
    global _recent
    recent = _recent
    found = recent.get(text)
    if found is None:
        found = _Presence(text)
        _recent = {**(recent if len(recent) < _RECENT_MAX else {}), text: found}
    return found


def _first_chars(items: Any) -> tuple[set[str] | None, bool]:
    """Every character a match of `items` can start with (None when that is not simply known), and whether `items`
    can match the empty string. Zero-width assertions (word boundaries, look-arounds) take no character: passed over,
    which can only make the set larger, never smaller."""
    found: set[str] = set()
    for op, av in items:
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue
        if op is sre.LITERAL:
            return found | {chr(av)}, False
        if op is sre.IN:
            for kind, value in av:
                if kind is sre.LITERAL:
                    found.add(chr(value))
                elif kind is sre.RANGE and value[1] - value[0] < 64:
                    found.update(chr(c) for c in range(value[0], value[1] + 1))
                else:
                    return None, False  # negated sets, categories (\w, \d), wide ranges
            return found, False
        if op is sre.BRANCH:
            empty = False
            for branch in av[1]:
                first, nullable = _first_chars(list(branch))
                if first is None:
                    return None, False
                found |= first
                empty = empty or nullable
            if not empty:
                return found, False
            continue
        if op is sre.SUBPATTERN and not av[1] and not av[2]:
            first, nullable = _first_chars(list(av[-1]))
        elif op in _REPEATS:
            first, nullable = _first_chars(list(av[2]))
            nullable = nullable or av[0] == 0
        else:
            return None, False
        if first is None:
            return None, False
        found |= first
        if not nullable:
            return found, False
    return found, True


def first_chars(pattern: str) -> frozenset[str] | None:
    """Characters one of which starts every match of `pattern` (case-sensitive patterns only), or None."""
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None
    found, nullable = _first_chars(list(parsed))
    return frozenset(found) if found and not nullable else None


def led(pattern: str) -> str:
    """`pattern` behind a look-ahead for the characters its matches start with, when they are known: the same matches
    (the look-ahead holds wherever a match starts), but a position that cannot start one is left at once, where a
    leading `\\b` otherwise makes the engine try every alternative at every position."""
    first = first_chars(pattern)
    if first is None or not pattern.startswith("\\b"):
        return pattern
    return "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])" + pattern


def _group_end(pattern: str, start: int, syntax: list[bool]) -> int:
    """The index just past the group opened at `pattern[start]`."""
    depth = 0
    for i in range(start, len(pattern)):
        if not syntax[i]:
            continue
        if pattern[i] == "(":
            depth += 1
        elif pattern[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    raise ValueError(f"unbalanced group in {pattern!r}")


def relaxed(pattern: str) -> str:
    """`pattern` without its look-arounds, its groups not capturing: it matches wherever `pattern` matches, starting at
    the same place (a look-around only ever narrows a match), and RE2 can run it."""
    syntax = _syntax(pattern)
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if syntax[i] and pattern[i] == "(":
            if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
                i = _group_end(pattern, i, syntax)
                continue
            if pattern.startswith("(?P<", i):
                out.append("(?:")
                i = pattern.index(">", i) + 1
                continue
            if not pattern.startswith("(?", i):
                out.append("(?:")
                i += 1
                continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _scout(pattern: str) -> Any:
    """RE2's compilation of `relaxed(pattern)`, or None where RE2 cannot run it (then Python's engine alone runs). A
    pattern that names a character that is not ASCII is not scouted: RE2 reads a stand-in for it (`_Presence`)."""
    written = relaxed(pattern)
    if not written.isascii() or _STAND_IN in written:
        return None
    options = re2.Options()
    options.log_errors = False  # a pattern RE2 cannot run is expected, not an error
    try:
        return re2.compile(written.encode(), options)
    except re2.error:
        return None


class Gated:
    """A compiled pattern that first checks its necessary literals. Only `search` and `finditer` are offered."""

    def __init__(self, pattern: str) -> None:
        self.compiled = re.compile(led(factored(pattern)))
        self.pattern = pattern
        found = necessary(pattern)
        # None: no literal every match needs, so the pattern always runs. The one pass answers for the longer literals
        # (`_strings`); a single character is looked for with `in` (`_letters`).
        self.literals: tuple[str, ...] | None = tuple(sorted(found)) if found else None
        _ALL_LITERALS.update(self.literals or ())
        self._letters = tuple(x for x in self.literals or () if len(x) == 1)
        self._strings = frozenset(x for x in self.literals or () if len(x) > 1)
        self._last: tuple[str | None, bool] = (None, True)
        self.scout = _scout(pattern)

    def possible(self, text: str) -> bool:
        if self.literals is None:
            return True
        # Rules ask several times about the same text (windows of it): the answer for the last text is kept. One
        # tuple, replaced whole, so threads sharing a pattern never pair one text with another's answer.
        last_text, last_answer = self._last
        if last_text is text:
            return last_answer
        answer = not self._strings.isdisjoint(_presence(text).found) or any(c in text for c in self._letters)
        self._last = (text, answer)
        return answer

    def _first(self, text: str, pos: int, endpos: int) -> int | None:
        """The earliest place a match can start, or None when there is none. In a long text RE2 (a linear automaton)
        looks for the relaxed pattern first; Python's engine, which tries every alternative at every place, then
        starts where it found one, or not at all."""
        if not self.possible(text):
            return None
        if self.scout is None or len(text) < _LONG:
            return pos
        scouted = _presence(text).scouted
        if scouted is None:
            return pos
        # RE2 reads the text around a window as context ("$" and "\\b" at its end): a window is cut, as Python cuts.
        found = self.scout.search(scouted if endpos >= len(text) else scouted[:endpos], pos)
        return None if found is None else found.start()

    def search(self, text: str, pos: int = 0, endpos: int = 2**62) -> re.Match[str] | None:
        start = self._first(text, pos, endpos)
        return None if start is None else self.compiled.search(text, start, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = 2**62) -> Iterator[re.Match[str]]:
        start = self._first(text, pos, endpos)
        return iter(()) if start is None else self.compiled.finditer(text, start, endpos)


class Gates:
    """Several `Gated` patterns asked about one text, in order: those none of whose literals occur in it are passed
    over at the cost of one set intersection for all of them, not one call each (a rule of a hundred patterns spends
    more on asking than on matching)."""

    def __init__(self, patterns: tuple[Gated, ...]) -> None:
        self.patterns = patterns
        by_literal: dict[str, list[int]] = {}
        always: list[int] = []
        for i, pattern in enumerate(patterns):
            if pattern.literals is None or pattern._letters:
                always.append(i)  # no literal, or a single character: the pattern answers for itself
            for literal in pattern._strings:
                by_literal.setdefault(literal, []).append(i)
        self._always = frozenset(always)
        self._by_literal = {literal: tuple(found) for literal, found in by_literal.items()}
        self._literals = frozenset(by_literal)

    def possible(self, text: str) -> list[Gated]:
        """The patterns that may match `text`, in their order."""
        chosen = set(self._always)
        for literal in _presence(text).found & self._literals:
            chosen.update(self._by_literal[literal])
        return [self.patterns[i] for i in sorted(chosen)]
