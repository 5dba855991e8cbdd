"""The guard's labelled corpus: built from families of paraphrases, split into train and held-out *by family*.

    python -m vigil.safety.corpus          # rewrite tests/safety/guard_corpus.jsonl from the families
    python -m vigil.safety.corpus --check  # exit 1 if the file is not what the families give

Each row: id, family, text, label ("accept" | "refuse"), kind, language ("en" | "es" | "mixed"), split ("train" |
"heldout"), source ("template" | "hand" | "legacy" | "independent").

Invariants:
- A family is never split: all its variants are in train or all are held out, so a paraphrase of a held-out text is
  never trained on.
- Held-out families are chosen by a hash of the family id, per kind, before any training: about one template family
  in four of every kind, one hand-written family in three, and the legacy examples keep the split they were written
  with (their "heldout" part was written before the first rule). The third round (`_families3.py`) is held out
  whole: it was written before the rules and the model were changed for it; the fourth (`_families4.py`) is trained
  on whole.
- The independent texts (`data/independent_train*.jsonl`, written by people who never saw the rules or the corpus)
  are each their own family, their writers' kinds mapped to the corpus's (`_INDEPENDENT_KIND`); one in four of each
  kind, chosen by a hash of the text's id, is held out (source "independent", `report --source independent`), each
  file on its own (`LATER_INDEPENDENT`: round 2 is trained on whole).
- The build is deterministic (seeded per family); the same families give the same bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from vigil.safety._families import ACCEPT_KINDS, FAMILIES, REFUSE_KINDS, SLOTS, Family
from vigil.safety._families2 import FAMILIES_2
from vigil.safety._families3 import FAMILIES_3
from vigil.safety._families4 import FAMILIES_4

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "safety" / "guard_corpus.jsonl"
LEGACY = ROOT / "tests" / "safety" / "guard_examples.jsonl"
DATA = Path(__file__).resolve().parent / "data"
INDEPENDENT = DATA / "independent_train.jsonl"
# Later rounds of outside texts, each file split on its own, so that adding a round never moves a text of an earlier
# round between train and held-out. Round 2's texts are all trained on: their rule errors were read to fix the rules.
# The held-out quarters of rounds 3 to 26 were written before the model and the rules were changed for them.
# Rounds 16 to 22 were each scored before they were trained on (docs/text-guard.md); two near copies of test texts
# were left out of round 17. Round 22 is the register of the desks (case notes, closing reasons, deadline titles,
# family contacts, sign-up answers, evidence notes, group messages). Round 23 (the same desks by other writers) was
# kept and scored while the model of round 22 was made, then trained on with round 24 (faith and school voices, the
# desks again, workers and their unions, online neighbours and comment threads) and round 26 (English written through
# a translator or in a second language, dictation, drivers and students, Central American and Andean WhatsApp
# Spanish). Round 25 (`independent_train_25.jsonl`: the legal side's paperwork; translated, dictated and regional
# voices) is kept and scored, not trained on: it was written blind to the model of rounds 23 and 24, and its scores
# per writer, in the aggregate, chose round 26's voices.
LATER_INDEPENDENT = (
    (DATA / "independent_train_2.jsonl", False),
    (DATA / "independent_train_3.jsonl", True),
    (DATA / "independent_train_4.jsonl", True),
    (DATA / "independent_train_5.jsonl", True),
    (DATA / "independent_train_6.jsonl", True),
    (DATA / "independent_train_7.jsonl", True),
    (DATA / "independent_train_8.jsonl", True),
    (DATA / "independent_train_9.jsonl", True),
    (DATA / "independent_train_10.jsonl", True),
    (DATA / "independent_train_11.jsonl", True),
    (DATA / "independent_train_12.jsonl", True),
    (DATA / "independent_train_13.jsonl", True),
    (DATA / "independent_train_14.jsonl", True),
    (DATA / "independent_train_15.jsonl", True),
    (DATA / "independent_train_16.jsonl", True),
    (DATA / "independent_train_17.jsonl", True),
    (DATA / "independent_train_18.jsonl", True),
    (DATA / "independent_train_19.jsonl", True),
    (DATA / "independent_train_20.jsonl", True),
    (DATA / "independent_train_21.jsonl", True),
    (DATA / "independent_train_22.jsonl", True),
    (DATA / "independent_train_23.jsonl", True),
    (DATA / "independent_train_24.jsonl", True),
    (DATA / "independent_train_26.jsonl", True),
)
# Test sets written by other outside writers from the policy alone, never trained on, never used to choose a rule or
# a threshold, read in the aggregate only: `python -m vigil.safety.report --test-set` scores them. Not in the corpus.
INDEPENDENT_TEST = DATA / "independent_test.jsonl"
INDEPENDENT_TESTS = (INDEPENDENT_TEST, *(DATA / f"independent_test_{n}.jsonl" for n in (2, 3, 4, 5, 6)))
KINDS = REFUSE_KINDS + ACCEPT_KINDS
LANGUAGES = ("en", "es", "mixed")
VARIANTS = {"accept": 28, "refuse": 16}  # per template family: fewer kinds are accepted, each said more ways

# Legacy examples whose label the new policy changes: an officer's name or a plate seen at the scene is accepted.
_NOW_ACCEPTED = frozenset(
    "h019 h028 h063 d075 d076 d084 d085 d086 d087 d088 d089 d090 d091 d190 d191 d198 d199 d200 d201 d202 d203"
    " d277".split()
)
_LEGACY_KIND = {
    "THREAT": "call_to_harm",
    "PRIVATE_ADDRESS": "home",
    "FAMILY": "family",
    "PRIVATE_PHONE": "contact",
    "PRIVATE_EMAIL": "contact",
    "SOCIAL_MEDIA": "contact",
    "PLATE": "private_vehicle",
    "PERSONAL_DETAILS": "workplace",
}
# The independent writers' kinds, as the corpus names them. Two of theirs cover more than one of ours: a simple cue
# decides (`_independent_kind`).
_INDEPENDENT_KIND = {
    "slogan": "slogan",
    "violence": "call_to_harm",
    "veiled": "veiled_threat",
    "named_private": "private_name",
    "home_stay": "home",
    "routine": "routine",
    "private_vehicle_contact": "private_vehicle",
    "caller_exposed": "informer",
    "two_sentence_exposure": "split_exposure",
    "lawful_anger": "ok_angry",
    "scene_documentation": "ok_activity",
    "quoted_officer": "ok_quoted_threat",
    "relatives_ok": "ok_relatives",
    "ordinary_report": "ok_activity",
    "help_request": "ok_organisation",
}
_CONTACT_CUE = re.compile(
    r"\d{3}[\s.-]?\d{4}|@|\b(?:phone|cell|number|numero|número|celular|tel[eé]fono|e-?mail|correo|whats ?app|"
    r"instagram|insta|facebook|fb|tiktok|twitter|snap(?:chat)?|handle|perfil|profile)\b",
    re.IGNORECASE,
)
_PLATE_CUE = re.compile(r"\b(?:plates?|placas?|tags?|badge|placa)\b", re.IGNORECASE)
_INFORMER_WORDS = re.compile(r"snitch|soplon|soplón|called ice|denunci|llamó a la migra|llamo a la migra|reported")


@dataclass(frozen=True)
class Example:
    id: str
    family: str
    text: str
    label: str
    kind: str
    language: str
    split: str
    source: str

    @property
    def refuse(self) -> bool:
        return self.label == "refuse"


# ---------------------------------------------------------------------------------------------------------------
# Variants: slots filled and the text roughed up the way people type on a phone.

_SLOT = re.compile(r"\{(\w+)\}")
_SMS = (
    (r"\byou\b", "u"),
    (r"\bare\b", "r"),
    (r"\bplease\b", "pls"),
    (r"\bright now\b", "rn"),
    (r"\bque\b", "q"),
    (r"\bporque\b", "xq"),
    (r"\bpor\b", "x"),
    (r"\bthe\b", "da"),
    (r"\bwith\b", "w"),
    (r"\bto\b", "2"),
)
_AROUND = ("omg ", "urgent: ", "urgente ", "hey ", "ayuda ", "pls ", "")
_AFTER = (" !!!", " pls help", " ayuda", " rn", " ahorita", "...", " 🙏", "")
_ACCENTS = (("esta ", "está "), ("mas ", "más "), ("nino", "niño"), ("senor", "señor"), ("calle", "calle"))


def _fill(template: str, rng: random.Random) -> str:
    return _SLOT.sub(lambda m: rng.choice(SLOTS[m.group(1)]), template)


def _rough(text: str, rng: random.Random) -> str:
    if rng.random() < 0.3:
        for pattern, short in _SMS:
            if rng.random() < 0.5:
                text = re.sub(pattern, short, text)
    if rng.random() < 0.25:
        words = text.split(" ")
        long_words = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
        if long_words:
            i = rng.choice(long_words)
            w = words[i]
            j = rng.randrange(len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
            text = " ".join(words)
    if rng.random() < 0.3:
        text = re.sub(r"[.,;:!?'()]", "", text)
    if rng.random() < 0.2:
        for plain, accented in _ACCENTS:
            text = text.replace(plain, accented)
    roll = rng.random()
    if roll < 0.35:
        text = text.lower()
    elif roll < 0.40:
        text = text.upper()
    if rng.random() < 0.2:
        text = rng.choice(_AROUND) + text + rng.choice(_AFTER)
    return re.sub(r"\s+", " ", text).strip()


def _variants(family: Family) -> list[str]:
    seed = int.from_bytes(hashlib.sha256(family.id.encode()).digest()[:8], "big")
    rng = random.Random(seed)  # noqa: S311 - variety of wording, not secrecy
    if not family.template:
        return list(family.texts)
    wanted = VARIANTS["refuse" if family.kind in REFUSE_KINDS else "accept"]
    seen: dict[str, None] = {}
    for i in range(wanted * 3):
        if len(seen) >= wanted:
            break
        text = _fill(family.texts[i % len(family.texts)], rng)
        if i >= len(family.texts):
            text = _rough(text, rng)
        seen.setdefault(text, None)
    return list(seen)


# ---------------------------------------------------------------------------------------------------------------
# Splits: whole families, chosen by a hash of their id.


def _rank(family_id: str) -> str:
    return hashlib.sha256(b"vigil-guard-split:" + family_id.encode()).hexdigest()


def _held_out(families: Sequence[Family]) -> set[str]:
    held: set[str] = set()
    for kind in KINDS:
        of_kind = sorted((f for f in families if f.kind == kind and f.template), key=lambda f: _rank(f.id))
        held.update(f.id for i, f in enumerate(of_kind) if i % 4 == 1)
    hand = sorted((f for f in families if not f.template), key=lambda f: _rank(f.id))
    held.update(f.id for i, f in enumerate(hand) if i % 3 == 1)
    return held


def _legacy(path: Path) -> Iterable[Example]:
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        row = json.loads(raw)
        refuse = row["expected"] == "refuse" and row["id"] not in _NOW_ACCEPTED
        if not refuse:
            kind = "ok_scene_name" if row["id"] in _NOW_ACCEPTED else "ok_activity"
        elif row["reasons"][0] == "IDENTITY":
            kind = "informer" if _INFORMER_WORDS.search(row["text"].lower()) else "private_name"
        else:
            kind = _LEGACY_KIND[row["reasons"][0]]
        yield Example(
            id=f"legacy-{row['id']}",
            family=f"legacy-{row['id']}",
            text=row["text"],
            label="refuse" if refuse else "accept",
            kind=kind,
            language=row["language"],
            split="heldout" if row["split"] == "heldout" else "train",
            source="legacy",
        )


def _independent_kind(kind: str, text: str) -> str:
    mapped = _INDEPENDENT_KIND[kind]
    if kind == "private_vehicle_contact" and _CONTACT_CUE.search(text):
        return "contact"
    if kind == "scene_documentation" and _PLATE_CUE.search(text):
        return "ok_badge_plate"
    return mapped


def independent_test(paths: Sequence[Path] = INDEPENDENT_TESTS) -> list[Example]:
    """The outside test sets (INDEPENDENT_TESTS) as held-out examples of source "independent-test"."""
    return [
        dataclasses.replace(e, id=f"test-{e.id}", family=f"test-{e.family}", split="heldout", source="independent-test")
        for path in paths
        for e in _independent(path)
    ]


def _independent(path: Path, hold_out: bool = True) -> Iterable[Example]:
    """Each text its own family; one in four of each of the writers' kinds held out (unless `hold_out` is False), by
    a hash of the id."""
    rows = [json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines() if raw.strip()]
    held: set[str] = set()
    for kind in sorted({row["kind"] for row in rows} if hold_out else ()):
        of_kind = sorted((row["id"] for row in rows if row["kind"] == kind), key=lambda i: _rank("independent-" + i))
        held.update(i for n, i in enumerate(of_kind) if n % 4 == 1)
    for row in rows:
        if row["kind"] not in _INDEPENDENT_KIND or row["label"] != ("accept" if row["kind"] in _ACCEPTED else "refuse"):
            raise ValueError(f"{path}: {row['id']}: kind {row['kind']!r} does not match label {row['label']!r}")
        yield Example(
            id=f"independent-{row['id']}",
            family=f"independent-{row['id']}",
            text=row["text"],
            label=row["label"],
            kind=_independent_kind(row["kind"], row["text"]),
            language=row["language"],
            split="heldout" if row["id"] in held else "train",
            source="independent",
        )


_ACCEPTED = frozenset(k for k, v in _INDEPENDENT_KIND.items() if v.startswith("ok_"))


def build(
    families: Sequence[Family] = FAMILIES,
    legacy: Path = LEGACY,
    later: Sequence[Family] = FAMILIES_2,
    held_round: Sequence[Family] = FAMILIES_3,
    train_round: Sequence[Family] = FAMILIES_4,
    independent: Path | None = INDEPENDENT,
    later_independent: Sequence[tuple[Path, bool]] = LATER_INDEPENDENT,
) -> list[Example]:
    """Every example. `later` families (a later round) are split among themselves, so adding a round never moves an
    earlier family between train and held-out; every family of `held_round` (written before the rules and model were
    changed for it) is held out, and every family of `train_round` (written after it) is trained on."""
    held = _held_out(families) | _held_out(later) | {f.id for f in held_round}
    examples: list[Example] = []
    for family in [*families, *later, *held_round, *train_round]:
        if family.kind not in KINDS or family.language not in LANGUAGES:
            raise ValueError(f"family {family.id}: unknown kind or language")
        for n, text in enumerate(_variants(family)):
            examples.append(
                Example(
                    id=f"{family.id}-{n:02d}",
                    family=family.id,
                    text=text,
                    label="refuse" if family.kind in REFUSE_KINDS else "accept",
                    kind=family.kind,
                    language=family.language,
                    split="heldout" if family.id in held else "train",
                    source="template" if family.template else "hand",
                )
            )
    examples.extend(_legacy(legacy))
    if independent is not None:
        examples.extend(_independent(independent))
    for path, hold_out in later_independent:
        examples.extend(_independent(path, hold_out))
    return examples


def dumps(examples: Iterable[Example]) -> str:
    return "".join(json.dumps(asdict(e), ensure_ascii=False, sort_keys=True) + "\n" for e in examples)


def load(path: Path = CORPUS) -> list[Example]:
    examples = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        row = json.loads(raw)
        example = Example(**row)
        if example.label not in ("accept", "refuse") or example.language not in LANGUAGES:
            raise ValueError(f"{path}:{number}: label must be accept/refuse and language en/es/mixed")
        if example.kind not in KINDS or (example.kind in REFUSE_KINDS) != example.refuse:
            raise ValueError(f"{path}:{number}: kind {example.kind!r} does not match label {example.label!r}")
        if example.split not in ("train", "heldout"):
            raise ValueError(f"{path}:{number}: split must be train/heldout")
        examples.append(example)
    return examples


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the file")
    parser.add_argument("--out", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    text = dumps(build())
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("corpus is up to date" if same else f"{args.out} differs from the families: rebuild it")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10))} examples to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
