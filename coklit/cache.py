"""Django's Redis cache, made non-fatal: with Redis down, every key reads as missing.

The cache holds only rate-limit counters (allauth's failed logins, the public officer check),
so an outage must not take sign-in, the field pages or the outcome queue down with it. While
Redis does not answer, each call behaves as a cache miss (`get` → default, `add` → True,
`incr` → ValueError as for a missing key, writes are dropped): the limits fail open. Failing
closed would lock every officer out for the length of the outage; failing open leaves only
the password hasher and /healthz's alarm between an attacker and the form, for that long.

After a failure the cache is not tried again for a few seconds, so a request pays at most one
connection attempt, and the log gets one warning per outage window, not one per call.

`clear()` deletes only the keys under this deployment's KEY_PREFIX (settings.REDIS_KEY_PREFIX):
Django's own clear() is a FLUSHDB, which would wipe whatever else shares the Redis database.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0  # monotonic time before which Redis is not tried again

    def _guard(self, method, miss, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return miss()
        try:
            return getattr(super(), method)(*args, **kwargs)
        except RedisError as exc:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("Cache unavailable, %s treated as a miss: %s", method, exc)
            return miss()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", lambda: True, key, value, timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._guard("get", lambda: default, key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set", lambda: None, key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", lambda: False, key, timeout, version=version)

    def delete(self, key, version=None):
        return self._guard("delete", lambda: False, key, version=version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", dict, keys, version=version)

    def has_key(self, key, version=None):
        return self._guard("has_key", lambda: False, key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._guard("incr", _missing(key), key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set_many", lambda: list(data), data, timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", lambda: None, keys, version=version)

    def clear(self):
        if time.monotonic() < self._down_until:
            return False
        try:
            return redis_delete_prefixed(self._cache.get_client(write=True), self.key_prefix)
        except RedisError as exc:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("Cache unavailable, clear treated as done: %s", exc)
            return False


def redis_delete_prefixed(client, prefix: str) -> bool:
    """Delete every key that starts with `prefix:` (and nothing else); True if any was deleted."""
    if not prefix:
        raise ValueError("refusing to clear Redis keys without a prefix")
    escaped = "".join(f"\\{c}" if c in "*?[]\\" else c for c in prefix)
    deleted, batch = 0, []
    for key in client.scan_iter(match=f"{escaped}:*", count=1000):
        batch.append(key)
        if len(batch) == 500:
            deleted += client.unlink(*batch)
            batch = []
    if batch:
        deleted += client.unlink(*batch)
    return bool(deleted)


def _missing(key):
    def miss():
        raise ValueError(f"Key '{key}' not found (cache unavailable)")

    return miss
