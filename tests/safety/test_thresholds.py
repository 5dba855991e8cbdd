"""The thresholds come from cross-validated scores of the train split under fixed limits (vigil.safety.train)."""

from __future__ import annotations

import pytest

from vigil.safety import train
from vigil.safety.train import Seen, best_pair


def _seen(refuse: bool, score: float, *, by_rule: bool = False, independent: bool = False) -> Seen:
    return Seen(refuse=refuse, by_rule=by_rule, score=score, may_refuse=True, lawful=False, independent=independent)


def test_the_band_holds_no_more_legitimate_texts_than_the_limit_allows() -> None:
    # 100 legitimate texts, two of them scored high; 10 to refuse, scored from 0.5 up.
    seen = [_seen(False, 0.1) for _ in range(98)] + [_seen(False, 0.72), _seen(False, 0.96)]
    seen += [_seen(True, 0.5 + i / 20) for i in range(10)]
    review_at, refuse_at = best_pair(seen)
    held, wrongly_refused, recall = train._outcome(seen, review_at, refuse_at)
    assert held <= train.HELD_AT_MOST and wrongly_refused <= train.WRONGLY_REFUSED_AT_MOST
    assert refuse_at >= review_at
    # Holding the 0.72 text too would still be within 2.5 %; refusing the 0.96 one also within 1 %; the pair
    # reaches down to catch texts to refuse that score above 0.5.
    assert recall >= 0.9


def test_the_independent_texts_must_meet_the_limits_on_their_own() -> None:
    # Legitimate independent texts score higher: a band that suits the others would hold too many of them.
    others = [_seen(False, 0.1) for _ in range(200)] + [_seen(True, 0.8) for _ in range(20)]
    independent = [_seen(False, 0.1, independent=True) for _ in range(18)]
    independent += [_seen(False, 0.7, independent=True), _seen(False, 0.75, independent=True)]
    independent += [_seen(True, 0.8, independent=True) for _ in range(5)]
    review_at, _ = best_pair(others + independent)
    assert review_at > 0.75


def test_no_pair_meets_impossible_limits() -> None:
    seen = [_seen(False, 0.99) for _ in range(10)] + [_seen(True, 0.99)]
    with pytest.raises(ValueError, match="no thresholds"):
        best_pair(seen)
