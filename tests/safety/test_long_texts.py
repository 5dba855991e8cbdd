"""The longest text intake accepts gets a decision whatever it holds: repeated fragments that start what a rule looks
for (numbers, names, e-mails, "lives at") neither raise nor come back without a decision. How long they take is
measured in bench/guard_speed.py, not here."""

from __future__ import annotations

import pytest
from django.conf import settings

from vigil.safety.textguard import Decision, check

FRAGMENTS = [
    "1 2 3 4 5 6 7 8 9 0 ",
    "12-34-56-78-",
    "the agent the agent's ",
    "@@ a@b.c@d.e ",
    "vive en vive en su casa es ",
    "ICE agents knocking on doors at 3120 Chicago Ave, tenants not opening. ",
]


def _repeated(fragment: str, length: int) -> str:
    return (fragment * (length // len(fragment) + 1))[:length]


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_the_longest_accepted_text_gets_a_decision(fragment: str) -> None:
    text = _repeated(fragment, settings.VIGIL_MAX_TEXT_CHARS)
    result = check(text)
    assert check(text) == result
    assert result.ok == (result.decision is not Decision.REFUSE)
    assert bool(result.reasons) <= (result.decision is Decision.REFUSE)


def test_an_exposure_at_the_end_of_the_longest_text_is_still_found() -> None:
    # Refused, or (the rest reads as an ordinary report, so the model overrules the rule) held for an operator with
    # the rule's reason named: either way it reaches nobody else.
    tail = " The agent lives at 12 Oak St, his number is 555-0132."
    filler = "ICE agents knocking on doors at 3120 Chicago Ave, tenants not opening. "
    text = _repeated(filler, settings.VIGIL_MAX_TEXT_CHARS - len(tail)) + tail
    result = check(text)
    found = result.reasons if result.decision is Decision.REFUSE else result.overruled
    assert not result.ok or result.held
    assert {r.value for r in found} >= {"private_address"}
