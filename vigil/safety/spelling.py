"""Undo the ways people misspell, on purpose or not, before the threat rules and the model read a text.

`textguard.plain(text)` is the guard's folded, lower-cased reading of a raw text (`textguard.fold_lower`) with, in
this order (`join_spaced` and `split_hashtags` do the first on the raw text, `respell` the others):

1. letters typed one by one joined again ("k i l l" -> "kill"; a run of three or more single letters, each followed
   by one space; several spaces still part words), and hashtags parted into their words at capitals and
   underscores ("#HuntICE" -> "#Hunt ICE", "#DeadICEisGoodICE" -> "#Dead ICE is Good ICE", "#ice_out" -> "#ice out"),
   so that the rules and the model read the words a tag runs together;
2. digits typed for letters inside a word read as letters ("k1ll", "m4t3n", "b3at": 0 o, 1 i or l, 3 e, 4 a, 5 s,
   7 t; only after a letter, so "4KJ 229", "5am" and "1st" are left alone);
3. a letter repeated three times or more written twice ("killll" -> "kill", "shoooot" -> "shoot");
4. common SMS abbreviations written out ("q", "ke" -> "que", "xq", "pq" -> "porque", "u" -> "you", "r" -> "are");
5. a word that is a misspelt form of a word of harm, by its skeleton (no letter doubled, "z" read as "s"), written
   as that word ("kil" -> "kill", "matarloss" -> "matarlos", "maatenlos" -> "matenlos"); real words that share a
   skeleton with one ("shot", "bet") are never changed.

Before all of these, `unswap` (which keeps the length, so every rule reads its result) puts back two swapped letters
in the rules' cue words and words of harm ("agnet" -> "agent", "livse" -> "lives").

Invariant: these passes only ever rewrite words; they never add a word of harm that was not spelt, however badly.
What is left (syllables spaced apart, other typos) is for the model's character n-grams.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable

from vigil.safety._prefilter import Gated

_SPACED = re.compile(r"(?<![^\W\d_])[^\W\d_](?: [^\W\d_]){2,}(?![^\W\d_])")
# Cheap first looks (a pattern that starts with a literal or a class is scanned for it in C): the full patterns run
# only on texts they may change.
_SPACED_HINT = re.compile(r" [^\W\d_] [^\W\d_]\b")
_LEET_HINT = re.compile(r"[013457](?<=[a-z][013457])")
_LEET_WORD = re.compile(r"\b[a-z][a-z0-9]*[013457][a-z0-9]*\b")
_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t"}
_RUNS = re.compile(r"([a-z])\1{2,}")

_SMS = {
    "q": "que",
    "ke": "que",
    "xq": "porque",
    "pq": "porque",
    "xk": "porque",
    "u": "you",
    "r": "are",
    "ur": "your",
    "w": "with",
    "ppl": "people",
    "pls": "please",
    "plz": "please",
    "tmb": "tambien",
    "tb": "tambien",
    "cuz": "because",
    "bc": "because",
    "b4": "before",
    "2nite": "tonight",
    "tonite": "tonight",
}

_HARM_EN = (
    "kill killed killing kills murder murdered shoot shooting stab stabbed beat beating burn burning hang hanged"
    " lynch poison poisoned bomb bullet bullets dead die"
)
_HARM_ES_STEMS = (
    "mat",
    "quem",
    "golpe",
    "madre",
    "atropell",
    "envenen",
    "apedre",
    "balace",
    "linch",
    "ahorqu",
    "acuchill",
    "apunal",
    "dispar",
    "chingu",
)
_HARM_ES_ENDINGS = ("en", "an", "a", "ar", "e", "emos", "enle", "enles")
_CLITICS = ("", "lo", "la", "los", "las", "le", "les", "selos", "selas")
_REAL_WORDS = frozenset(
    "shot shots bet bat bats hang die dies diet did dad mate mata matas matan mato made made madres bomba beet burro"
    " stabs".split()
)


# Words whose two letters swapped ("agnet", "livse", "sopoln", "orcks") are read as the word: the cue words of the rules
# (people, where they live or stay, plates, schools) and the words of harm. Only a word of at least five letters that
# is not itself one of them is changed, and only into one of them.
_CUES = (
    "agent agents agente agentes officer officers oficial deputy sheriff migra snitch snitches soplon soplona chivato"
    " informer informant called reported denuncio lives lived living stays staying sleeps sleeping rents renta rentan"
    " vive viven vivia duerme hotel motel plate plates placa placas license tags school escuela church iglesia rocks"
    " bricks stones piedras bates knife knives guns pistola pistolas armas poison veneno throw bring traigan quememos"
    " quemen quemar matar maten matenlos matarlos golpear golpeen golpeenlo atropellar atropellen kill killed shoot"
    " murder stab beat burn hang lynch daughter husband children family familia esposa hijos address direccion"
    " yelled shouted screamed warned threatened court corte judge lawyer abogado hearing audiencia"
)


def _swapped(word: str, i: int) -> str:
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


@functools.cache
def _unswaps() -> dict[str, str]:
    """Every word of five letters or more that two swapped letters make of a cue word or a word of harm, and not itself
    one, with the word it is read as: the first, from the left, of the swaps that make one."""
    cues = frozenset(_CUES.split()) | frozenset(_harm_words().values())
    typos = {_swapped(cue, i) for cue in cues for i in range(len(cue) - 1)} - cues
    return {
        typo: next(right for i in range(len(typo) - 1) if (right := _swapped(typo, i)) in cues)
        for typo in typos
        if len(typo) >= 5
    }


def _is_letter(c: str) -> bool:
    return "a" <= c <= "z" or "A" <= c <= "Z"


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"  # what `\w` matches in a `str` pattern


_NOT_LETTERS = re.compile(r"[^A-Za-z]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _distinct_words(text: str, whole: Callable[[str], bool], cut: re.Pattern[str]) -> set[str]:
    """The distinct words of `text`, from its distinct white-space tokens: a token for which `whole` holds is one
    word, any other is cut into pieces by `cut`."""
    words: set[str] = set()
    for token in set(text.split()):
        if whole(token):
            words.add(token)
        else:
            words.update(cut.split(token))
    return words


def _ascii_letters(token: str) -> bool:
    return token.isascii() and token.isalpha()


def _replaced(text: str, changed: dict[str, str], is_part: Callable[[str], bool]) -> str:
    """`text` with every whole occurrence of each key of `changed` replaced by its value: whole, that is with no
    character on either side for which `is_part` holds. The keys are whole words, so their places never overlap."""
    places: list[tuple[int, str, str]] = []
    for word, new in changed.items():
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            if not (at and is_part(text[at - 1])) and not (end < len(text) and is_part(text[end])):
                places.append((at, word, new))
            at = text.find(word, end)
    if not places:
        return text
    out: list[str] = []
    done = 0
    for at, word, new in sorted(places):
        out += (text[done:at], new)
        done = at + len(word)
    out.append(text[done:])
    return "".join(out)


def unswap(folded: str) -> str:
    """The folded text (case kept) with two swapped letters put back in the cue words and words of harm; the length
    never changes, so every rule, and the cased copy names are read from, can read it. A word here is a run of five
    ASCII letters or more."""
    unswaps, changed = _unswaps(), {}
    # The distinct runs of ASCII letters, each as long as it goes.
    for word in _distinct_words(folded, _ascii_letters, _NOT_LETTERS):
        right = unswaps.get(word.lower())
        if right is not None:
            i = next(j for j in range(len(word)) if word[j].lower() != right[j])
            changed[word] = _swapped(word, i)
    return _replaced(folded, changed, _is_letter) if changed else folded


def _skeleton(word: str) -> str:
    word = word.replace("z", "s")
    return re.sub(r"([a-z])\1+", r"\1", word)


@functools.cache
def _harm_words() -> dict[str, str]:
    words = set(_HARM_EN.split())
    for stem in _HARM_ES_STEMS:
        for ending in _HARM_ES_ENDINGS:
            for clitic in _CLITICS:
                if ending in ("enle", "enles") and clitic:
                    continue
                words.add(stem + ending + clitic)
    words.update(("matarlo", "matarla", "matarlos", "matarlas", "muerte", "muerto", "muertos"))
    by_skeleton: dict[str, str] = {}
    for word in sorted(words):
        by_skeleton.setdefault(_skeleton(word), word)
    return by_skeleton


def _unleet(m: re.Match[str]) -> str:
    out: list[str] = []
    for c in m.group(0):
        if c == "1":
            out.append("l" if out and out[-1] in "il" else "i")
        elif c in _LEET and out and out[-1].isalpha():
            out.append(_LEET[c])
        else:
            out.append(c)
    return "".join(out)


@functools.lru_cache(maxsize=20_000)
def _respelt(word: str) -> str:
    short = _SMS.get(word)
    if short is not None:
        return short
    if len(word) < 3 or word in _REAL_WORDS:
        return word
    harm = _harm_words()
    if word in harm.values():
        return word
    return harm.get(_skeleton(word), word)


def join_spaced(text: str) -> str | None:
    """Step 1 on the raw text: letters typed one by one joined again, or None when the text has none."""
    if _SPACED_HINT.search(text) is None or _SPACED.search(text) is None:
        return None
    return _SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)


_HASHTAG = re.compile(r"#([^\W_]\w*(?:[A-Z]|_[^\W_])\w*)")
# The words of a tag: an agency's name first ("ICE|is"), a run of capitals before a capitalised word ("ICE|Belongs",
# "A|Casa"), a capitalised or small word, a run of capitals, digits.
_TAG_WORD = re.compile(r"ICE|CBP|DHS|HSI|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def _parted(m: re.Match[str]) -> str:
    words: list[str] = []
    for piece in m.group(1).split("_"):
        found = _TAG_WORD.findall(piece)
        # A piece with letters the pattern does not know ("MátenlosYa") is kept whole: nothing is ever dropped.
        words += found if "".join(found) == piece else [piece]
    return "#" + " ".join(word for word in words if word)


def split_hashtags(text: str) -> str | None:
    """Step 1 on the raw text: each hashtag with capitals or underscores inside parted into its words, or None when
    there is none."""
    if "#" not in text or _HASHTAG.search(text) is None:
        return None
    return _HASHTAG.sub(_parted, text)


_DIGIT_WORDS = frozenset(("b4", "2nite"))
_TRIPLED = Gated("|".join(c * 3 for c in string.ascii_lowercase))


def respell(low: str) -> str:
    """Steps 2 to 5 on the guard's folded, lower-cased text."""
    if _LEET_HINT.search(low):
        low = _LEET_WORD.sub(_unleet, low)
    if _TRIPLED.search(low):
        low = _RUNS.sub(r"\1\1", low)
    # Most words stay as they are: look each distinct word up once (cached), and rewrite only the ones that change.
    # A word is a run of ASCII letters, or "b4" or "2nite", with no letter, digit or underscore on either side
    # (`\b(?:b4|2nite|[a-z]+)\b`): each is a token of letters and digits or a piece of another token cut at the rest.
    changed = {
        w: new
        for w in _distinct_words(low, str.isalnum, _NOT_ALNUM)
        if (new := _respelt(w)) != w and (_ascii_letters(w) or w in _DIGIT_WORDS)
    }
    return _replaced(low, changed, _is_word_char) if changed else low
