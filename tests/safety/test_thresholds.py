"""The thresholds come from cross-validated scores of the train split under fixed limits (vigil.safety.train)."""

from __future__ import annotations

import pytest

from vigil.safety import train
from vigil.safety.train import Seen, best_overrule, best_thresholds


def _seen(refuse: bool, score: float, *, by_rule: bool = False, independent: bool = False, long: bool = True) -> Seen:
    return Seen(
        refuse=refuse,
        by_rule=by_rule,
        score=score,
        may_refuse=True,
        may_overrule=long,
        lawful=False,
        independent=independent,
    )


def test_the_band_holds_no_more_legitimate_texts_than_the_limit_allows() -> None:
    # 100 legitimate texts, two of them scored high; 10 to refuse, scored from 0.5 up.
    seen = [_seen(False, 0.1) for _ in range(98)] + [_seen(False, 0.72), _seen(False, 0.96)]
    seen += [_seen(True, 0.5 + i / 20) for i in range(10)]
    chosen = best_thresholds(seen)
    held, _, recall = train._outcome(seen, chosen)
    assert held <= train.HELD_AT_MOST and train._refusals(seen, chosen)[0] >= train.PRECISION_AT_LEAST
    assert chosen.refuse_at >= chosen.review_at
    # Holding the 0.72 text too would still be within 2.5 %; the pair reaches down to catch texts to refuse that
    # score above 0.5.
    assert recall >= 0.9


def test_the_independent_texts_must_meet_the_limits_on_their_own() -> None:
    # Legitimate independent texts score higher: a band that suits the others would hold too many of them.
    others = [_seen(False, 0.1) for _ in range(200)] + [_seen(True, 0.8) for _ in range(20)]
    independent = [_seen(False, 0.1, independent=True) for _ in range(18)]
    independent += [_seen(False, 0.7, independent=True), _seen(False, 0.75, independent=True)]
    independent += [_seen(True, 0.8, independent=True) for _ in range(5)]
    assert best_thresholds(others + independent).review_at > 0.75


def test_the_refusal_threshold_stops_where_precision_would_fall_under_the_limit() -> None:
    # 40 texts to refuse scored 0.6 to 0.99; lawful independent texts at 0.70 and 0.80. Refusing from 0.71 takes
    # one lawful text among 30 refusals (precision 0.967, under the limit), from 0.70 two: it starts above 0.80
    # (the band may hold the rest: the limit on the share held allows it).
    bad = [_seen(True, 0.6 + i / 100, independent=True) for i in range(40)]
    good = [_seen(False, 0.1, independent=True) for _ in range(400)]
    good += [_seen(False, 0.70, independent=True), _seen(False, 0.80, independent=True)]
    chosen = best_thresholds(bad + good)
    assert chosen.refuse_at > 0.80 and train._refusals(bad + good, chosen)[0] == 1.0
    assert train._refusals(bad + good, train.Thresholds(0.71, 0.71, 0.0))[0] < train.PRECISION_AT_LEAST
    # Template families' look-alikes (not independent) do not set the limit when independent texts exist.
    looks_alike = [_seen(False, 0.9) for _ in range(3)]
    assert best_thresholds(bad + good + looks_alike).refuse_at == chosen.refuse_at


def test_no_pair_meets_impossible_limits() -> None:
    seen = [_seen(False, 0.99) for _ in range(10)] + [_seen(True, 0.99)]
    with pytest.raises(ValueError, match="no thresholds"):
        best_thresholds(seen)


def test_the_overrule_stops_below_the_first_text_to_refuse_it_would_only_hold() -> None:
    # 1,000 texts to refuse, all refused by a rule: one scores 0.05, two 0.12. 0.3 % of them may be only held.
    bad = [_seen(True, 0.9, by_rule=True) for _ in range(997)]
    bad += [_seen(True, 0.05, by_rule=True), _seen(True, 0.12, by_rule=True), _seen(True, 0.12, by_rule=True)]
    good = [_seen(False, 0.02, by_rule=True) for _ in range(5)] + [_seen(False, 0.01) for _ in range(500)]
    assert best_overrule(bad + good) == train.OVERRULE_AT_MOST  # three of 1,000 held: within 0.3 %
    fourth = [_seen(True, 0.2, by_rule=True)]
    assert best_overrule(bad[1:] + fourth + good) == 0.2  # a fourth at 0.2: the overrule stops below it
    # A short text is never overruled, whatever its score.
    assert best_overrule(bad[1:] + fourth + [_seen(True, 0.01, by_rule=True, long=False)] + good) == 0.2


def test_an_overruled_legitimate_text_is_held_not_refused() -> None:
    seen = [_seen(False, 0.02, by_rule=True)] + [_seen(False, 0.01) for _ in range(99)] + [_seen(True, 0.95)]
    held, _, _ = train._outcome(seen, train.Thresholds(review_at=0.9, refuse_at=0.9, overrule_below=0.05))
    assert held == pytest.approx(0.01)
    held, _, _ = train._outcome(seen, train.Thresholds(review_at=0.9, refuse_at=0.9, overrule_below=0.0))
    assert held == 0.0


def test_the_overrule_leaves_most_of_the_band_to_the_models_doubt() -> None:
    # 1,000 texts to refuse, none of them low; 100 lawful texts a rule refuses, scored 0.01 to 0.30.
    bad = [_seen(True, 0.9, by_rule=True) for _ in range(1000)]
    good = [_seen(False, (i % 30 + 1) / 100, by_rule=True) for i in range(100)] + [_seen(False, 0.01)] * 900
    chosen = best_overrule(bad + good)
    held = sum(train._overruled(s, chosen) for s in good) / len(good)
    assert held <= train.OVERRULED_GOOD_AT_MOST < sum(train._overruled(s, chosen + 0.01) for s in good) / len(good)


def test_refusal_precision_and_recall_count_a_held_text_as_not_refused() -> None:
    # Rule-refused and overruled (held), scored over the refusal threshold, under it: as `report` counts them.
    seen = [_seen(True, 0.02, by_rule=True), _seen(True, 0.95), _seen(True, 0.6), _seen(False, 0.9)]
    seen += [_seen(False, 0.1) for _ in range(6)]
    precision, recall = train._refusals(seen, train.Thresholds(review_at=0.5, refuse_at=0.8, overrule_below=0.05))
    assert precision == pytest.approx(1 / 2) and recall == pytest.approx(1 / 3)
    precision, recall = train._refusals(seen, train.Thresholds(review_at=0.5, refuse_at=0.8, overrule_below=0.0))
    assert precision == pytest.approx(2 / 3) and recall == pytest.approx(2 / 3)
