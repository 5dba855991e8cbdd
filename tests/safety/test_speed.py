"""The guard runs on every report, so it must stay cheap: well under a millisecond for a typical report and linear
(no catastrophic backtracking) up to the longest text intake accepts."""

from __future__ import annotations

import time

from django.conf import settings

from vigil.safety.textguard import check

TYPICAL = [
    "ICE agents knocking on doors at the apartment building at 3120 Chicago Ave right now, tenants not opening",
    "Hay como 6 agentes de ICE en la esquina de Lake y Bloomington ahorita, con chalecos, 2 camionetas",
    "The agent's name is John Doe and he lives at 12 Oak St, his number is 555-0132",
]
HOSTILE = [
    "1 2 3 4 5 6 7 8 9 0 ",
    "12-34-56-78-",
    "let's go go go go go ",
    "the agent the agent's ",
    "Agent Officer Agent ",
    "@@ a@b.c@d.e ",
    "plate # number is ",
    "a",
    "where the the the ",
    "vive en vive en su casa es ",
]


def _fastest(text: str, rounds: int = 7) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        check(text)
        best = min(best, time.perf_counter() - start)
    return best


def test_a_typical_report_takes_well_under_a_millisecond() -> None:
    for text in TYPICAL:
        assert _fastest(text) < 0.001, text


def test_the_longest_accepted_text_stays_cheap_whatever_it_holds() -> None:
    longest = settings.VIGIL_MAX_TEXT_CHARS
    for pattern in HOSTILE:
        text = (pattern * (longest // len(pattern) + 1))[:longest]
        assert _fastest(text, rounds=3) < 0.05, pattern
