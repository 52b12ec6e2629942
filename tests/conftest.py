"""Shared fixtures. Named people make permission tests one-liners:

people.admin / .assessor / .reviewer / .viewer  — members of `people.org`
people.outsider                                 — an assessor of another organisation
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass

import pytest

from tests.services import require_service


@dataclass
class People:
    org: object
    other_org: object
    admin: object
    assessor: object
    reviewer: object
    viewer: object
    outsider: object
    password: str = "correct-horse-battery"

    def by_role(self, role: str):
        return getattr(self, role)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """`people` hashes five passwords per test; the production hasher's deliberate cost
    (about half a second each here) would dominate the suite without testing anything.
    Log-in tests work the same with any hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(db, django_user_model):
    from governance.accounts.models import Membership, Organisation

    org = Organisation.objects.create(name="Acme Bank")
    other = Organisation.objects.create(name="Other Corp")
    made = {}
    for role in ("admin", "assessor", "reviewer", "viewer"):
        user = django_user_model.objects.create_user(username=role, password=People.password)
        Membership.objects.create(user=user, organisation=org, role=role)
        made[role] = user
    outsider = django_user_model.objects.create_user(username="outsider", password=People.password)
    Membership.objects.create(user=outsider, organisation=other, role="admin")
    return People(org=org, other_org=other, outsider=outsider, **made)


@pytest.fixture
def redis_url():
    return require_service("redis")


@pytest.fixture
def postgres_db():
    return require_service("postgres")


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium") or os.environ.get("CHROMIUM_PATH")
    if not path:
        require_service("chromium")
    return path


@pytest.fixture
def artifacts_dir():
    from pathlib import Path

    path = Path(
        os.environ.get("ARTIFACTS_DIR", Path(__file__).resolve().parent.parent / "artifacts")
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _in_process_tasks(request):
    """Unless a test drives a real worker, tasks run in-process right after commit, so the
    suite behaves the same with or without REDIS_URL. Cache is emptied between tests."""
    from django.core.cache import cache

    from governance.celery import app

    eager = app.conf.task_always_eager
    if request.node.get_closest_marker("worker") is None:
        app.conf.task_always_eager = True
    # A missing Redis is reported by the tests that need it, not by every test.
    with contextlib.suppress(Exception):
        cache.clear()
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _redis_breaker_closed():
    """The Redis circuit breaker is per process: one test's outage must not carry over."""
    from governance.resilience import redis_breaker

    redis_breaker.reset()
    yield
    redis_breaker.reset()


@pytest.fixture
def celery_workers(tmp_path):
    """celery_workers(queues=..., name=...) → a real Celery worker process (not yet started)
    on Redis and the test database. Every worker made is killed at the end of the test, and
    the suite's Redis database is emptied before and after, so no test consumes another's
    leftovers. Tests using it are marked `worker` and `django_db(transaction=True)`: the
    worker reads what the test committed."""
    from django.db import connection

    from tests.worker import Worker, database_url_of

    redis_url = require_service("redis")
    require_service("postgres")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    made: list[Worker] = []

    def make(*, queues: str | None = "scoring,default", name: str = "worker", **env) -> Worker:
        environment = {"DATABASE_URL": database_url_of(connection.settings_dict), **env}
        worker = Worker(
            redis_url, tmp_path / f"{name}.log", queues=queues, name=name, env=environment
        )
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.kill()
    redis.Redis.from_url(redis_url).flushdb()
