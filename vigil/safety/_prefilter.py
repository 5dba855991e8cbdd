"""Necessary literals of a regular expression: a cheap test that lets a long text skip a pattern it cannot match.

`necessary(pattern)` reads the parsed pattern and returns a set of strings such that every match contains at least
one of them (or None when no such set is found: the pattern then always runs). `Gated` runs the pattern only when one
of its literals is in the text: `literal in text` is a fast substring search, where a pattern that starts with `\\b`
and an alternation is tried at every position of the text. The answers are the pattern's own, never more or fewer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

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


def _top_branches(pattern: str) -> list[str]:
    """The pattern's top-level alternatives, as written."""
    branches: list[str] = []
    current: list[str] = []
    depth, escaped, in_class = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append("".join(current))
            current = []
            continue
        current.append(ch)
    branches.append("".join(current))
    return branches


def factored(pattern: str) -> str:
    """`\\ba|\\bb|\\bc` written `\\b(?:a|b|c)`: the same matches in the same order (a word boundary takes no
    characters), but the boundary is tested once at each position instead of once per alternative."""
    branches = _top_branches(pattern)
    if len(branches) < 2 or not all(b.startswith("\\b") for b in branches):
        return pattern
    return "\\b(?:" + "|".join(b[2:] for b in branches) + ")"


_LONG = 400  # from this length on, each literal is searched once per text and the answer shared by every pattern


class _Presence(dict[str, bool]):
    """Whether each literal asked about occurs in one text: looked up once, then remembered."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def __missing__(self, literal: str) -> bool:
        found = self[literal] = literal in self.text
        return found


_shared: _Presence = _Presence("")


def _presence(text: str) -> _Presence:
    # One object, replaced whole: threads checking other texts never read each other's answers.
    global _shared
    shared = _shared
    if shared.text is not text:
        shared = _shared = _Presence(text)
    return shared


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


class Gated:
    """A compiled pattern that first checks its necessary literals. Only `search` and `finditer` are offered."""

    def __init__(self, pattern: str) -> None:
        self.compiled = re.compile(led(factored(pattern)))
        self.pattern = pattern
        found = necessary(pattern)
        # Shortest first: in a long text, where most patterns may match, the common short literal answers first.
        self.literals: tuple[str, ...] | None = tuple(sorted(found, key=lambda x: (len(x), x))) if found else None
        self._last: tuple[str | None, bool] = (None, True)

    def possible(self, text: str) -> bool:
        if self.literals is None:
            return True
        # Rules ask several times about the same text (windows of it): the answer for the last text is kept. One
        # tuple, replaced whole, so threads sharing a pattern never pair one text with another's answer.
        last_text, last_answer = self._last
        if last_text is text:
            return last_answer
        if len(text) < _LONG:
            answer = any(literal in text for literal in self.literals)
        else:
            answer = any(map(_presence(text).__getitem__, self.literals))
        self._last = (text, answer)
        return answer

    def search(self, text: str, pos: int = 0, endpos: int = 2**62) -> re.Match[str] | None:
        return self.compiled.search(text, pos, endpos) if self.possible(text) else None

    def finditer(self, text: str, pos: int = 0, endpos: int = 2**62) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, pos, endpos) if self.possible(text) else iter(())
