"""Record the text guard's decisions, or check that they have not changed: a change meant only to make the guard
faster must leave every decision, reason and score as it was.

    .venv/bin/python bench/guard_same.py record decisions.json [more.jsonl ...]
    .venv/bin/python bench/guard_same.py check decisions.json [more.jsonl ...]

The texts read are the corpus (tests/safety/guard_corpus.jsonl), vigil/safety/data/independent_train.jsonl when it is
present, any further JSON-lines files given (one object with a "text" a line), and the 4,000-char texts of
bench/guard_speed.py. For each text the record holds the decision, the reasons, the model's score, and the readings
the rules and the model see (`plain`, `model_reading`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from vigil.safety import textguard  # noqa: E402
from vigil.safety.corpus import load  # noqa: E402

_INDEPENDENT = Path(__file__).resolve().parents[1] / "vigil" / "safety" / "data" / "independent_train.jsonl"


def texts(extra: Sequence[Path]) -> list[str]:
    corpus = [e.text for e in load()]
    found = list(corpus)
    for path in ([_INDEPENDENT] if _INDEPENDENT.exists() else []) + list(extra):
        found += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    # The 4,000-char texts bench/guard_speed.py times.
    joined = " ".join(corpus)
    found += [joined[i : i + 4000] for i in range(0, 4000 * 40, 4000)]
    found += [(f * 4000)[:4000] for f in ("the agent the agent's ", "1 2 3 4 5 ", "vive en su casa ")]
    lawful = " ".join(e.text for e in load() if not e.refuse)
    found += [lawful[i : i + 4000] for i in range(0, 4000 * 20, 4000)]
    # Sentence-sized windows of the long texts, so rules that read around a cue are tried at other edges.
    found += [joined[i : i + 300] for i in range(0, len(joined), 997)]
    return found


def decide(text: str) -> dict[str, object]:
    result = textguard.check(text)
    return {
        "decision": result.decision.value if result.decision else None,
        "reasons": [r.value for r in result.reasons],
        "score": result.score,
        "plain": hashlib.sha256(textguard.plain(text).encode()).hexdigest()[:16],
        "reading": hashlib.sha256(textguard.model_reading(text).encode()).hexdigest()[:16],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("record", "check"))
    parser.add_argument("file", type=Path)
    parser.add_argument("extra", type=Path, nargs="*")
    args = parser.parse_args(argv)
    now = [{"text": hashlib.sha256(t.encode()).hexdigest()[:16], **decide(t)} for t in texts(args.extra)]
    if args.mode == "record":
        args.file.write_text(json.dumps(now), encoding="utf-8")
        print(f"recorded {len(now)} decisions in {args.file}")
        return 0
    before = json.loads(args.file.read_text(encoding="utf-8"))
    if len(before) != len(now):
        print(f"{len(before)} texts recorded, {len(now)} now: record again with the same inputs")
        return 1
    changed = [(b, n) for b, n in zip(before, now, strict=True) if b != n]
    for b, n in changed[:20]:
        print(f"changed: {b}\n    now: {n}")
    print(f"{len(now)} texts, {len(changed)} changed")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
