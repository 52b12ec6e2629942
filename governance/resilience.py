"""Working on when Redis is away.

Redis holds nothing the product cannot do without: the cache (list pages, request
counters) and the job queue, whose work the database also records (a periodic sweep sends
it again). So a request that finds Redis unreachable goes on without it: throttles and rate
limits let the request through, the list cache computes the page, and enqueueing reports
False ("scoring delayed").

A circuit breaker keeps that cheap. After a connection error, callers skip Redis for
REDIS_BREAKER_SECONDS instead of each paying a connect timeout; the first call after that
probes Redis again and closes the breaker when it answers. The breaker is per process (each
gunicorn worker learns on its own, at the cost of one failed connection) and logs when it
opens and when Redis is back, not once per request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Redis being unreachable, as the cache client and the broker report it. Anything else (a
# wrong key type, a bug) is not an outage and still raises.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, BrokerError, OSError)

T = TypeVar("T")


class CircuitBreaker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._open_until = 0.0  # monotonic time until which calls skip; 0 when closed
        self._opened = False

    @property
    def seconds(self) -> float:
        return float(settings.REDIS_BREAKER_SECONDS)

    def available(self) -> bool:
        """False while the breaker is open: do not try Redis now."""
        return time.monotonic() >= self._open_until

    def failed(self, exc: BaseException, *, during: str) -> None:
        """Open the breaker after `exc`, raised while `during` (for the log)."""
        with self._lock:
            was_open = self._opened
            self._opened = True
            self._open_until = time.monotonic() + self.seconds
        if not was_open:
            logger.warning(
                "%s unreachable (%s: %s); working without it for %gs at a time",
                self.name,
                during,
                exc,
                self.seconds,
            )
        else:
            logger.info("%s still unreachable (%s: %s)", self.name, during, exc)

    def succeeded(self) -> None:
        if not self._opened:
            return
        with self._lock:
            was_open, self._opened, self._open_until = self._opened, False, 0.0
        if was_open:
            logger.warning("%s reachable again", self.name)

    def call(self, during: str, func: Callable[[], T], fallback: T) -> T:
        """func(), or `fallback` when the breaker is open or func finds Redis unreachable."""
        if not self.available():
            return fallback
        try:
            result = func()
        except UNREACHABLE as exc:
            self.failed(exc, during=during)
            return fallback
        self.succeeded()
        return result

    def reset(self) -> None:
        with self._lock:
            self._opened, self._open_until = False, 0.0


# The cache and the broker are the same Redis (REDIS_URL): what one finds, both skip.
redis_breaker = CircuitBreaker("Redis")
