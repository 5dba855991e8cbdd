"""The intake rate limit is a sliding window on the shared cache: never more than the limit accepted in any 60
seconds, a clock minute's boundary included; refused and refunded attempts use up nothing. The clock is moved by
hand (no sleeps)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vigil.hotline import access
from vigil.hotline.access import RATE_SLICE_SECONDS, RATE_WINDOW_SECONDS, refund_rate, within_rate

# A clock minute begins here (1_800_000_000 is a multiple of 60).
MINUTE = 1_800_000_000.0
LIMIT = 6


class Clock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def clock(fresh_rate_limits: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock(MINUTE)
    monkeypatch.setattr(access, "_now", fake)
    yield fake


def _try(clock: Clock, at: float, sender: str = "client-a") -> bool:
    clock.at = at
    return within_rate(sender, scope="report", per_minute=LIMIT)


def test_the_limit_holds_across_a_minute_boundary(clock: Clock) -> None:
    # The whole quota just before the minute turns...
    assert all(_try(clock, MINUTE + 59.9) for _ in range(LIMIT))
    # ...and nothing more just after it (a counter per clock minute accepted six more here).
    assert not _try(clock, MINUTE + 60.1)
    assert not _try(clock, MINUTE + 90)
    assert not _try(clock, MINUTE + 119.5)
    # A full window after the last accepted attempt (plus at most one slice), the client may report again.
    assert _try(clock, MINUTE + 59.9 + RATE_WINDOW_SECONDS + RATE_SLICE_SECONDS)


def test_no_sixty_seconds_ever_see_more_than_the_limit(clock: Clock) -> None:
    accepted = [t for t in (MINUTE + 1.5 * n for n in range(400)) if _try(clock, t)]
    for i, start in enumerate(accepted):
        within = [t for t in accepted[i:] if t < start + RATE_WINDOW_SECONDS]
        assert len(within) <= LIMIT, (start, within)
    # Not stricter than it needs to be: over 10 minutes a steady sender gets at least the limit every 70 s.
    span = 400 * 1.5
    assert len(accepted) >= LIMIT * int(span // (RATE_WINDOW_SECONDS + RATE_SLICE_SECONDS))


def test_refused_attempts_do_not_prolong_the_wait(clock: Clock) -> None:
    assert all(_try(clock, MINUTE + 1) for _ in range(LIMIT))
    for second in range(2, 60):  # a client retrying every second, refused each time
        assert not _try(clock, MINUTE + second)
    assert _try(clock, MINUTE + 1 + RATE_WINDOW_SECONDS + RATE_SLICE_SECONDS)


def test_senders_and_scopes_are_counted_apart(clock: Clock) -> None:
    assert all(_try(clock, MINUTE + 5) for _ in range(LIMIT))
    assert not _try(clock, MINUTE + 6)
    assert _try(clock, MINUTE + 6, sender="client-b")
    clock.at = MINUTE + 6
    assert within_rate("client-a", scope="status", per_minute=LIMIT)


def test_a_refund_gives_the_attempt_back_even_after_the_slice_turned(clock: Clock) -> None:
    assert all(_try(clock, MINUTE + 9.5) for _ in range(LIMIT))
    clock.at = MINUTE + 10.5  # the next slice: the refunded attempt was counted in the one before
    refund_rate("client-a", scope="report")
    assert _try(clock, MINUTE + 11)
    assert not _try(clock, MINUTE + 12)


def test_nothing_is_kept_under_the_senders_own_name(clock: Clock) -> None:
    from django.core.cache import cache

    assert _try(clock, MINUTE + 1, sender="+16125550100")
    keys = [access._slice_key("+16125550100", "report", int((MINUTE + 1) // RATE_SLICE_SECONDS))]
    assert cache.get_many(keys) and all("6125550100" not in k for k in keys)
