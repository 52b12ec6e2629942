"""Fixed-window request counting in the Django cache (Redis in production), so limits hold
across every web process. While Redis is unreachable the limit is not enforced: the
respondent's link keeps working (see governance/resilience.py)."""

from __future__ import annotations

import time

from django.core.cache import cache

from governance.resilience import redis_breaker


def hit(scope: str, ident: str, *, limit: int, window: int = 60) -> bool:
    """Count one request; False once `limit` requests were seen in the current window."""
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{ident}:{bucket}"
    return redis_breaker.call("rate limit", lambda: _count(key, limit, window), True)


def _count(key: str, limit: int, window: int) -> bool:
    # add() is a no-op when the key exists, so concurrent first hits never reset the count.
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit
