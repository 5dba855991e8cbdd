"""How fresh public pages are: the site keeps rendered public pages for at most CACHE_SECONDS, under a key that
changes whenever something is published (a debunk, a rights page), so a debunk shows at once in the process that
published it and within CACHE_SECONDS everywhere (the cache is shared in production)."""

from __future__ import annotations

from django.core.cache import cache

CACHE_SECONDS = 30
_KEY = "vigil:public:generation"


def generation() -> int:
    value = cache.get(_KEY)
    return int(value) if isinstance(value, int) else 0


def bump() -> None:
    try:
        cache.incr(_KEY)
    except ValueError:
        cache.set(_KEY, 1, None)
