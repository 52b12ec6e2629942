"""A real `celery worker` process for the tests and benchmarks that need one.

The worker runs in its own process group, so one signal reaches its pool children too, and
it is always killed by whoever started it (the `worker` fixtures, the pipeline benchmark).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

from tests.processes import ProcessGroup

# Seconds after which Redis hands an unacknowledged message to another consumer. Short in
# tests so that a restarted worker picks up what a killed one had reserved.
VISIBILITY_TIMEOUT = 3


def database_url_of(settings_dict: dict) -> str:
    """The DATABASE_URL of a Django connection's settings (the test database, say)."""
    auth = quote(settings_dict["USER"] or "")
    if settings_dict.get("PASSWORD"):
        auth += ":" + quote(settings_dict["PASSWORD"])
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


class Worker(ProcessGroup):
    """One `celery -A governance worker` subprocess consuming the given queues (None: no
    -Q at all, so the worker consumes every queue the app declares, as a bare worker does)."""

    log_tail = 4000

    def __init__(
        self,
        redis_url: str,
        log_path: Path,
        *,
        queues: str | None = "scoring,default",
        concurrency: int = 1,
        name: str = "worker",
        env: dict[str, str] | None = None,
    ):
        super().__init__(log_path)
        self.redis_url = redis_url
        self.queues = queues
        self.concurrency = concurrency
        self.name = name
        self.extra_env = env or {}

    def environment(self) -> dict[str, str]:
        """The worker's environment: ours, with the caller's `env` winning (the pipeline
        benchmark sets its own visibility timeout)."""
        environment = {
            **os.environ,
            "REDIS_URL": self.redis_url,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            **self.extra_env,
        }
        # A worker is a production process, not a test: CI's strictness is for the suite.
        environment.pop("CI", None)
        return environment

    def start(self, timeout: float = 30) -> None:
        environment = self.environment()
        # The log is read from the start of this run, even when a worker is restarted.
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.spawn(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "governance",
                "worker",
                *(["-Q", self.queues] if self.queues is not None else []),
                "-n",
                f"{self.name}@%h",
                "--concurrency",
                str(self.concurrency),
                "-P",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            environment,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited:\n{self.log()}")
            with self.log_path.open("rb") as log:
                log.seek(offset)
                if b" ready." in log.read():
                    return
            time.sleep(0.1)
        raise RuntimeError(f"worker {self.name} did not start within {timeout}s:\n{self.log()}")

    def signal(self, sig: int) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)


def wait_until(predicate, timeout: float, *, what: str, workers=()) -> None:
    """Poll until predicate() is true; on timeout, fail with the workers' logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    logs = "\n".join(f"--- {w.name}\n{w.log()}" for w in workers)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{logs}")
