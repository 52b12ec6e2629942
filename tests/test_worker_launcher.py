"""The worker launcher shared by the worker tests and the pipeline benchmark."""

from __future__ import annotations

from pathlib import Path

from tests.worker import VISIBILITY_TIMEOUT, Worker


def test_the_caller_s_environment_wins_over_the_launcher_s_defaults(monkeypatch):
    monkeypatch.setenv("CI", "true")
    worker = Worker(
        "redis://127.0.0.1:6379/9",
        Path("unused.log"),
        env={"CELERY_VISIBILITY_TIMEOUT": "4", "LOG_LEVEL": "WARNING"},
    )

    environment = worker.environment()

    assert environment["CELERY_VISIBILITY_TIMEOUT"] == "4"
    assert environment["LOG_LEVEL"] == "WARNING"
    assert environment["REDIS_URL"] == "redis://127.0.0.1:6379/9"
    assert "CI" not in environment  # a worker is a production process
    default = Worker("redis://127.0.0.1:6379/9", Path("unused.log")).environment()
    assert default["CELERY_VISIBILITY_TIMEOUT"] == str(VISIBILITY_TIMEOUT)
