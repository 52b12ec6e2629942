"""A real gunicorn process serving the app, for tests that need production behaviour end to
end (its own settings from the environment, no test client shortcuts).

Like tests/worker.py, it runs in its own process group and is always killed by whoever
started it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from pathlib import Path

import requests

from tests.processes import ProcessGroup


def free_port() -> int:
    """A TCP port nothing listens on (bound, read and closed again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server(ProcessGroup):
    """`gunicorn governance.wsgi` on 127.0.0.1 with DEBUG off, as deployed, but plain HTTP."""

    def __init__(self, log_path: Path, *, env: dict[str, str]):
        super().__init__(log_path)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = env

    def environment(self) -> dict[str, str]:
        environment = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "test-server-key-long-enough-to-be-a-real-secret-7f3a9c1e5b",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            **self.extra_env,
        }
        environment.pop("CI", None)  # a server is a production process, not a test
        return environment

    def start(self, timeout: float = 30, *, ready_status: int = 200) -> None:
        """Start and wait until /healthz answers `ready_status` (a server without its
        database answers 500 there, and is still up)."""
        self.spawn(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "governance.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            self.environment(),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == ready_status:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"server did not start within {timeout}s:\n{self.log()}")


@contextlib.contextmanager
def black_hole():
    """A port that takes no new connections and refuses none: connecting hangs until the
    client's timeout, as with a host that went away. A listening socket whose accept queue
    is full drops further SYNs; it is never accepted from."""
    listener = socket.socket()
    fillers = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.2)
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
