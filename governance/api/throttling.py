import time

from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from governance.resilience import redis_breaker

# Throttles count in Redis. While it is unreachable they let every request through (and the
# breaker logs it): an outage of the counter must not become an outage of the API.


class TokenRateThrottle(SimpleRateThrottle):
    """Throttle per API token (or per user for session requests, per IP when anonymous).

    A fixed-window counter: one atomic increment per request. DRF's sliding window keeps
    every request's timestamp of the last period in one cache value and reads and rewrites
    that whole list on each request, which at thousands of requests a minute cost more than
    the request itself. A window lets up to twice the rate through across its boundary,
    which is fine for a guard against runaway scripts.
    """

    scope = "token"
    # Set from the rate by SimpleRateThrottle.__init__.
    num_requests: int
    duration: int

    def get_cache_key(self, request, view):
        auth = getattr(request, "auth", None)
        if auth is not None and getattr(auth, "pk", None) is not None:
            ident = f"token-{auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        self.wait_seconds = (window + 1) * self.duration - now
        window_key = f"{key}:{window}"
        return redis_breaker.call("throttle", lambda: self._count(window_key), True)

    def _count(self, window_key: str) -> bool:
        # incr() is atomic on Redis and within a process; it fails on a key that does not
        # exist, the first request of a window, which add() then creates (atomically: of two
        # racing first requests, the one whose add() fails counts with incr() after all).
        try:
            count = cache.incr(window_key)
        except ValueError:
            if cache.add(window_key, 1, self.duration + 1):
                return True
            count = cache.incr(window_key)
        return count <= self.num_requests

    def wait(self):
        return getattr(self, "wait_seconds", None)


class AuthRateThrottle(ScopedRateThrottle):
    """The token endpoint's throttle (scope "auth"): DRF's sliding window, failing open."""

    def allow_request(self, request, view):
        return redis_breaker.call(
            "throttle", lambda: super(AuthRateThrottle, self).allow_request(request, view), True
        )
