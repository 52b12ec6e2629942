"""The Redis circuit breaker: skip Redis for a while after a connection error, log the
outage once, and use Redis again as soon as a probe finds it answering."""

from __future__ import annotations

import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from governance import resilience
from governance.resilience import CircuitBreaker


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch, settings):
    settings.REDIS_BREAKER_SECONDS = 30
    clock = Clock()
    monkeypatch.setattr(resilience.time, "monotonic", clock)
    return clock


def down():
    raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_connection_error_opens_the_breaker_and_later_calls_skip_redis(clock, caplog):
    breaker = CircuitBreaker("Redis")
    assert breaker.call("throttle", down, "fallback") == "fallback"
    tried = []
    for _ in range(100):
        assert breaker.call("throttle", lambda: tried.append(1), True) is True
    assert tried == []  # skipped without trying while open
    assert warnings(caplog) == [
        "Redis unreachable (throttle: Error 111 connecting to 127.0.0.1:6379. "
        "Connection refused.); working without it for 30s at a time"
    ]


def test_after_its_time_the_breaker_probes_and_closes_when_redis_answers(clock, caplog):
    breaker = CircuitBreaker("Redis")
    breaker.call("throttle", down, None)
    clock.now += 29
    assert not breaker.available()
    clock.now += 1
    assert breaker.available()
    assert breaker.call("throttle", lambda: "counted", None) == "counted"
    assert breaker.available()
    assert warnings(caplog)[-1] == "Redis reachable again"


def test_a_failed_probe_keeps_it_open_without_another_warning(clock, caplog):
    breaker = CircuitBreaker("Redis")
    breaker.call("throttle", down, None)
    clock.now += 31
    breaker.call("list cache", down, None)
    assert not breaker.available()
    assert len(warnings(caplog)) == 1
    assert "still unreachable" in caplog.records[-1].getMessage()


def test_other_errors_are_not_an_outage(clock):
    breaker = CircuitBreaker("Redis")
    with pytest.raises(ValueError):
        breaker.call("throttle", lambda: int("x"), None)
    assert breaker.available()
