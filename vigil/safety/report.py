"""Precision and recall of the text guard on the labelled examples, per split and language, and its speed.

    python -m vigil.safety.report [--examples tests/safety/guard_examples.jsonl] [--show-errors]

Refusal is the positive class: precision = refused rightly / all refused, recall = refused rightly / all that should
be refused. The "heldout" split was written before any rule and is never tuned on; "dev" is what the rules were
written against. Reason agreement counts rightly refused examples whose first expected reason is among those found.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vigil.safety.textguard import check

DEFAULT_EXAMPLES = Path(__file__).resolve().parents[2] / "tests" / "safety" / "guard_examples.jsonl"


@dataclass(frozen=True)
class Example:
    id: str
    split: str
    language: str
    expected_refusal: bool
    reasons: tuple[str, ...]
    text: str
    note: str


@dataclass(frozen=True)
class Scores:
    examples: int
    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int
    reason_agreement: int

    @property
    def precision(self) -> float:
        refused = self.true_pos + self.false_pos
        return self.true_pos / refused if refused else 1.0

    @property
    def recall(self) -> float:
        positives = self.true_pos + self.false_neg
        return self.true_pos / positives if positives else 1.0

    def line(self, label: str) -> str:
        return (
            f"{label:<16} n={self.examples:<4} precision={self.precision:.3f} recall={self.recall:.3f} "
            f"(tp={self.true_pos} fp={self.false_pos} fn={self.false_neg} tn={self.true_neg}; "
            f"reason agrees on {self.reason_agreement}/{self.true_pos})"
        )


def load(path: Path = DEFAULT_EXAMPLES) -> list[Example]:
    examples = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        row = json.loads(raw)
        if row["expected"] not in ("pass", "refuse") or row["language"] not in ("en", "es"):
            raise ValueError(f"{path}:{number}: expected must be pass/refuse and language en/es")
        examples.append(
            Example(
                id=row["id"],
                split=row["split"],
                language=row["language"],
                expected_refusal=row["expected"] == "refuse",
                reasons=tuple(row["reasons"]),
                text=row["text"],
                note=row.get("note", ""),
            )
        )
    return examples


def score(examples: Iterable[Example]) -> Scores:
    tp = fp = fn = tn = agree = n = 0
    for example in examples:
        n += 1
        result = check(example.text, language=example.language)
        refused = not result.ok
        if refused and example.expected_refusal:
            tp += 1
            found = {reason.name for reason in result.reasons}
            agree += not example.reasons or example.reasons[0] in found
        elif refused:
            fp += 1
        elif example.expected_refusal:
            fn += 1
        else:
            tn += 1
    return Scores(n, tp, fp, fn, tn, agree)


def errors(examples: Iterable[Example]) -> list[str]:
    lines = []
    for example in examples:
        result = check(example.text, language=example.language)
        if result.ok == example.expected_refusal:
            kind = "missed" if example.expected_refusal else "wrongly refused"
            found = ",".join(reason.name for reason in result.reasons) or "-"
            lines.append(f"  {example.id} {example.language} {kind} [{found}]: {example.text}")
    return lines


def timing(texts: Sequence[str], rounds: int = 7) -> tuple[float, float]:
    """Median and 99th-percentile over the texts of the time of one check, in microseconds. Each text's time is its
    fastest of `rounds` runs, so that other processes on a shared machine do not pass for the guard's cost."""
    samples = []
    for text in texts:
        best = float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            check(text)
            best = min(best, time.perf_counter() - start)
        samples.append(best * 1e6)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=DEFAULT_EXAMPLES)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    examples = load(args.examples)
    print(f"text guard on {args.examples.name}: {len(examples)} examples (refusal is the positive class)")
    for split in ("heldout", "dev"):
        for language in ("en", "es", None):
            chosen = [e for e in examples if e.split == split and (language is None or e.language == language)]
            print(score(chosen).line(f"{split}/{language or 'all'}"))
    print(score(examples).line("all/all"))
    median, p99 = timing([e.text for e in examples])
    longest = max(len(e.text) for e in examples)
    print(f"speed: median {median:.0f} µs, p99 {p99:.0f} µs per check ({len(examples)} texts, up to {longest} chars)")
    if args.show_errors:
        for split in ("heldout", "dev"):
            print(f"errors in {split}:")
            print("\n".join(errors(e for e in examples if e.split == split)) or "  none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
