"""A Redis cache that falls back to local memory when Redis does not answer (docs/design.md
rule 11).

Rate limits (allauth, DRF throttles, the tracking page) and caches all go through Django's
cache, so keeping the fallback at this layer means no caller has to know about it: when Redis
times out or refuses, the call is answered from a per-process LocMemCache and Redis is left
alone for CACHE_REDIS_RETRY_SECONDS (a circuit breaker), so a dead Redis costs one short
timeout per process and period, not one per request. Counters kept locally during an outage
are per process: rate limits are looser for that time, never an error page.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.RedisError, OSError)


class FallbackRedisCache(BaseCache):
    """RedisCache with short socket timeouts, backed by LocMemCache while Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        options = dict(params.get("OPTIONS", {}))
        timeout = float(options.pop("REDIS_TIMEOUT", 0.25))
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 10.0))
        options.setdefault("socket_connect_timeout", timeout)
        options.setdefault("socket_timeout", timeout)
        primary_params = {**params, "OPTIONS": options}
        self.primary = RedisCache(server, primary_params)
        self.fallback = LocMemCache(f"fallback-{server}", {**params, "OPTIONS": {}})
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def redis_down(self) -> bool:
        """Whether calls currently skip Redis (it failed less than RETRY_SECONDS ago)."""
        return time.monotonic() < self._down_until

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self._either(
            lambda: getattr(self.primary, method)(*args, **kwargs),
            lambda: getattr(self.fallback, method)(*args, **kwargs),
        )

    def _either(self, on_redis: Callable[[], Any], on_local: Callable[[], Any]) -> Any:
        """Run on_redis, or on_local while Redis is down (and from the failure on)."""
        if not self.redis_down:
            try:
                return on_redis()
            except _redis_errors() as exc:
                with self._lock:
                    if not self.redis_down:
                        log.warning("cache: Redis unavailable, using local memory: %s", exc)
                    self._down_until = time.monotonic() + self.retry_seconds
        return on_local()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def window_count(self, current: str, earlier: list[str], *, add: int, timeout: int) -> int:
        """Add `add` to counter `current`; return it plus the counters `earlier` (rate limits).

        One round trip to Redis (a pipeline) instead of four through add/incr/get_many.
        """
        return int(
            self._either(
                lambda: self._window_count_redis(current, earlier, add=add, timeout=timeout),
                lambda: window_count(self.fallback, current, earlier, add=add, timeout=timeout),
            )
        )

    def _window_count_redis(
        self, current: str, earlier: list[str], *, add: int, timeout: int
    ) -> int:
        cache = self.primary
        key = cache.make_and_validate_key(current)
        others = [cache.make_and_validate_key(k) for k in earlier]
        client = cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline(transaction=False)
        if add:
            pipe.incrby(key, add)
            pipe.expire(key, timeout)
        else:
            others.append(key)
        pipe.mget(others)
        answers = pipe.execute()
        # Django's Redis serializer keeps integers as plain numbers, so INCRBY and get agree.
        total = int(answers[0]) if add else 0
        return total + sum(int(v) for v in answers[-1] if v is not None)

    def clear(self):
        self.fallback.clear()
        return self._call("clear")

    def close(self, **kwargs):
        try:
            self.primary.close(**kwargs)
        except _redis_errors():
            pass


def window_count(
    cache: BaseCache, current: str, earlier: list[str], *, add: int, timeout: int
) -> int:
    """window_count of FallbackRedisCache through any Django cache (tests' LocMemCache)."""
    total = 0
    if add:
        cache.add(current, 0, timeout=timeout)
        total = int(cache.incr(current, add))
    else:
        earlier = [*earlier, current]
    return total + sum(int(v or 0) for v in cache.get_many(earlier).values())
