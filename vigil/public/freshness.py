"""How fresh public pages are: each web process keeps rendered public pages for at most CACHE_SECONDS, under a key
that changes whenever something is published (a debunk, a rights page). The publication's generation number lives
in the shared cache; a process reads it at most every GENERATION_SECONDS. So a debunk shows at once in the process
that published it and within GENERATION_SECONDS in every other (well under the minute the public side promises),
and a page served from memory costs no database read: a rumour going viral cannot take the hotline down."""

from __future__ import annotations

from time import monotonic

from django.core.cache import cache

CACHE_SECONDS = 30
GENERATION_SECONDS = 5.0
_KEY = "vigil:public:generation"

# (monotonic time until which it holds, the generation read from the shared cache); one per process.
_kept: tuple[float, int] | None = None


def generation() -> int:
    global _kept
    kept = _kept
    now = monotonic()
    if kept is not None and now < kept[0]:
        return kept[1]
    value = cache.get(_KEY)
    number = int(value) if isinstance(value, int) else 0
    _kept = (now + GENERATION_SECONDS, number)
    return number


def forget() -> None:
    """Read the generation from the shared cache again next time."""
    global _kept
    _kept = None


def bump() -> None:
    try:
        cache.incr(_KEY)
    except ValueError:
        cache.set(_KEY, 1, None)
    forget()
