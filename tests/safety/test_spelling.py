"""Misspellings are undone before the threat rules and the model read a text; what was not a word of harm never
becomes one."""

from __future__ import annotations

import pytest

from vigil.safety.spelling import unswap
from vigil.safety.textguard import Reason, check, fold_lower, plain


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("save a life, k1ll an ICE", "save a life, kill an ice"),
        ("KILLLL them", "kill them"),
        ("s h o o t them", "shoot them"),
        ("b3at the d3puty", "beat the deputy"),
        ("hay q matarloss", "hay que matarlos"),
        ("maaaatenlos ya", "matenlos ya"),
        ("m4t3n al migra", "maten al migra"),
        ("kil them all", "kill them all"),
    ],
)
def test_it_undoes_leetspeak_repeats_spacing_and_sms(typed: str, read: str) -> None:
    assert plain(typed) == read


@pytest.mark.parametrize(
    "text",
    [
        "the officer shot him in the leg",
        "plate 4KJ 229 at 5am",
        "van 7KLM204 left at 1st and Oak",
        "ok, I bet they left",
    ],
)
def test_it_leaves_plates_times_and_real_words_alone(text: str) -> None:
    assert plain(text) == text.lower()


@pytest.mark.parametrize(
    "text",
    ["k1ll the agents at the laundromat tonight", "lets sh00t them all", "hay q matarloss a todos", "m4tenlos ya"],
)
def test_misspelt_threats_are_refused_as_threats(text: str) -> None:
    assert check(text).reasons == (Reason.THREAT,)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("the agnet livse at 12 Oak", "the agent lives at 12 Oak"),
        ("la camioneta del sopoln", "la camioneta del soplon"),
        ("bring orcks", "bring rocks"),
    ],
)
def test_two_swapped_letters_are_put_back_in_cue_words(typed: str, read: str) -> None:
    assert unswap(typed) == read


def test_other_words_keep_their_letters() -> None:
    assert unswap("There were Three vans, form lines") == "There were Three vans, form lines"


@pytest.mark.parametrize(
    "text",
    ["the agnet livse at 741 Wrenfield Rd", "el agente rneta un cuarto en la calle Alamillo 3120"],
)
def test_a_swapped_typo_does_not_hide_a_home(text: str) -> None:
    assert Reason.PRIVATE_ADDRESS in check(text).reasons


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("#HuntICE tonight", "#hunt ice tonight"),
        ("#DeadICEisGoodICE", "#dead ice is good ice"),
        ("#ICEnoVuelveACasa", "#ice no vuelve a casa"),
        ("#kill_ICE_now", "#kill ice now"),
        ("#AbolishICE, see you at the council", "#abolish ice, see you at the council"),
    ],
)
def test_it_parts_a_hashtag_into_its_words(typed: str, read: str) -> None:
    assert plain(typed) == read


@pytest.mark.parametrize("text", ["#huntice", "#MátenlosYa", "C#Sharp notes", "issue #12", "var snake_case_name"])
def test_a_tag_it_cannot_part_is_read_as_written(text: str) -> None:
    """All small letters (no word boundary to see), letters the pattern does not know, no tag: nothing is dropped."""
    assert plain(text).replace("#", "") == fold_lower(text).replace("#", "")
