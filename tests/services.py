"""Which real services a test needs, and what happens when one is missing: a skip on a
developer's machine, a failure under CI (CI must never pass by skipping)."""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 1):
            return True
    except OSError:
        return False


def require_service(name: str) -> str:
    problem = None
    value = ""
    if name == "redis":
        value = os.environ.get("REDIS_URL", "")
        if not value:
            problem = "REDIS_URL is not set"
        elif not _reachable(value):
            problem = f"Redis at {value} is not reachable"
    elif name == "postgres":
        value = os.environ.get("DATABASE_URL", "")
        if not value.startswith(("postgres://", "postgresql://")):
            problem = "DATABASE_URL does not point at PostgreSQL"
    elif name == "pdftoppm":
        value = shutil.which("pdftoppm") or ""
        if not value:
            problem = "pdftoppm is not installed (apt-get install poppler-utils)"
    elif name == "chromium":
        value = shutil.which("chromium") or os.environ.get("CHROMIUM_PATH", "")
        if not value:
            problem = "Chromium is not installed (apt-get install chromium)"
    else:  # pragma: no cover - a typo in a test
        raise ValueError(name)
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required under CI: {problem}")
        pytest.skip(f"{name} unavailable: {problem}")
    return value
