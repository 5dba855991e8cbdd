"""Precision, recall and review share of the text guard on the corpus's held-out families, per kind and per language.

    python -m vigil.safety.report [--split heldout|train|all] [--source independent] [--corpus PATH] [--show-errors]

`--source independent` shows the texts written by people who never saw the rules or the corpus alone (their
held-out quarter by default: the honest figure).

Refusal is the positive class: precision = refused rightly / all refused, recall = refused rightly / all that should
be refused. A text held for review is *not* refused (it is stored, then an operator decides), so it counts as accepted
here; "review" is the share of the legitimate texts that land in the review band (the operators' extra work), and
"held bad" the share of texts that must be refused but were only held (caught by a person, not by the guard).
The held-out families were chosen by a hash of their id before the model was trained and are never trained on.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vigil.safety.corpus import CORPUS, INDEPENDENT_TESTS, KINDS, LANGUAGES, Example, independent_test, load
from vigil.safety.textguard import Decision, GuardResult, check


@dataclass(frozen=True)
class Scores:
    examples: int
    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int
    held_good: int  # legitimate texts held for review
    held_bad: int  # texts to refuse that were held instead

    @property
    def precision(self) -> float:
        refused = self.true_pos + self.false_pos
        return self.true_pos / refused if refused else 1.0

    @property
    def recall(self) -> float:
        positives = self.true_pos + self.false_neg
        return self.true_pos / positives if positives else 1.0

    @property
    def review_share(self) -> float:
        legitimate = self.false_pos + self.true_neg
        return self.held_good / legitimate if legitimate else 0.0

    def line(self, label: str) -> str:
        return (
            f"{label:<22} n={self.examples:<5} precision={self.precision:.3f} recall={self.recall:.3f} "
            f"review={self.review_share:.3f}  (tp={self.true_pos} fp={self.false_pos} fn={self.false_neg} "
            f"tn={self.true_neg} held: {self.held_good} legitimate, {self.held_bad} bad)"
        )


def score(examples: Iterable[Example], results: dict[str, GuardResult] | None = None) -> Scores:
    tp = fp = fn = tn = held_good = held_bad = n = 0
    for example in examples:
        n += 1
        result = results[example.id] if results is not None else check(example.text)
        refused = not result.ok
        if example.refuse:
            tp += refused
            fn += not refused
            held_bad += result.held
        else:
            fp += refused
            tn += not refused
            held_good += result.held
    return Scores(n, tp, fp, fn, tn, held_good, held_bad)


def _layer(result: GuardResult) -> str:
    if result.decision is Decision.REFUSE:
        return "model" if result.score is not None else "rules"
    return "review" if result.held else "accept"


def table(examples: Sequence[Example]) -> list[str]:
    results = {e.id: check(e.text) for e in examples}
    lines = [score(examples, results).line("all")]
    for language in LANGUAGES:
        lines.append(score([e for e in examples if e.language == language], results).line(f"language {language}"))
    for source in ("template", "hand", "legacy", "independent"):
        lines.append(score([e for e in examples if e.source == source], results).line(f"source {source}"))
    lines.append("per kind (refuse kinds: recall is what counts; ok_ kinds: precision and review):")
    for kind in KINDS:
        chosen = [e for e in examples if e.kind == kind]
        if not chosen:
            continue
        lines.append(score(chosen, results).line(f"  {kind}"))
        for language in LANGUAGES:
            of_language = [e for e in chosen if e.language == language]
            if of_language:
                lines.append(score(of_language, results).line(f"    {language}"))
    refused = [r for r in results.values() if not r.ok]
    by_model = sum(_layer(r) == "model" for r in refused)
    lines.append(
        f"refusals: {len(refused) - by_model} by a rule with its precise reason, {by_model} by the model alone"
    )
    return lines


def errors(examples: Iterable[Example]) -> list[str]:
    lines = []
    for example in examples:
        result = check(example.text)
        if result.ok == example.refuse or result.held:
            what = "held" if result.held else ("missed" if example.refuse else "wrongly refused")
            found = ",".join(reason.name for reason in result.reasons) or "-"
            score_text = f"{result.score:.2f}" if result.score is not None else "rule"
            lines.append(f"  {example.id} {example.language} {what} [{found} {score_text}]: {example.text}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--split", choices=("heldout", "train", "all"), default="heldout")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--source", choices=("template", "hand", "legacy", "independent"), default=None)
    parser.add_argument("--round", metavar="PREFIX", default="", help="only families whose id starts so (r3-: blind)")
    parser.add_argument(
        "--test-set", action="store_true", help="the outside test sets instead (data/independent_test*)"
    )
    args = parser.parse_args(argv)
    if args.test_set:
        for path in INDEPENDENT_TESTS:
            tested = independent_test((path,))
            print(f"text guard on the outside test set {path.name}: {len(tested)} texts, never trained on")
            print("\n".join(table(tested)))
        tested = independent_test()
        print(f"text guard on the outside test sets together: {len(tested)} texts, never trained on")
        print("\n".join(table(tested)))
        return 0
    examples = [
        e
        for e in load(args.corpus)
        if (args.split == "all" or e.split == args.split)
        and e.family.startswith(args.round)
        and (args.source is None or e.source == args.source)
    ]
    families = len({e.family for e in examples})
    chosen = f" (families {args.round}*)" if args.round else ""
    chosen += f" (source {args.source})" if args.source else ""
    where = f"the {args.split} split of {args.corpus.name}{chosen}"
    print(f"text guard on {where}: {len(examples)} texts in {families} families")
    print("\n".join(table(examples)))
    if args.show_errors:
        print("errors and held texts:")
        print("\n".join(errors(examples)) or "  none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
