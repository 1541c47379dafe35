"""Fixed-window request counters in the shared cache: how public pages limit each address.

Counted in the cache (Redis in production, shared by every process), so a limit holds across
web servers; with Redis down the counter reads as missing and the limit fails open
(coklit/cache.py says why).
"""

import time

from django.core.cache import cache


def limit_exceeded(name: str, subject: str, limit: int, window_seconds: int) -> bool:
    """Count one hit of `subject` (an address, a building) against `name`'s limit and say
    whether it goes past `limit` hits in the current window of `window_seconds`."""
    key = f"{name}:{subject}:{int(time.time() // window_seconds)}"
    cache.add(key, 0, timeout=window_seconds + 10)
    try:
        return cache.incr(key) > limit
    except ValueError:  # the key expired between add and incr
        return False
