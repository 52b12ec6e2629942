"""The pipeline with a real Celery worker process, Redis and PostgreSQL.

The worker is a subprocess pointed at the test database; every test kills it (and its pool
children) at the end, whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models import Count

from governance.assessments import services
from governance.assessments.models import Assessment, AssessmentStatus, Finding, ScoreResult
from tests.assessments.factories import HIGH_RISK, LOW_RISK, answered, make_questionnaire
from tests.services import require_service

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
# Seconds after which Redis hands an unacknowledged message to another consumer. Short
# here so that a restarted worker picks up what the killed one had reserved.
VISIBILITY_TIMEOUT = 3


def database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    host = s["HOST"] or "127.0.0.1"
    port = s["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


class Worker:
    def __init__(self, redis_url: str, log_path: Path):
        self.redis_url = redis_url
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        env = dict(
            os.environ,
            DATABASE_URL=database_url(),
            REDIS_URL=self.redis_url,
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        )
        env.pop("CI", None)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "governance",
                "worker",
                "-Q",
                "scoring,default",
                "--concurrency",
                "1",
                "-P",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: one signal reaches the pool too
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited:\n{self.log()}")
            if b" ready." in self.log_path.read_bytes():
                return
            time.sleep(0.1)
        raise AssertionError(f"worker did not start within {timeout}s:\n{self.log()}")

    def signal(self, sig: int) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


@pytest.fixture
def worker(tmp_path):
    redis_url = require_service("redis")
    require_service("postgres")
    import redis

    # This suite's own Redis database: leftovers of an earlier run must not be consumed.
    redis.Redis.from_url(redis_url).flushdb()
    started = Worker(redis_url, tmp_path / "worker.log")
    yield started
    started.kill()
    redis.Redis.from_url(redis_url).flushdb()


def wait_until(predicate, timeout: float, worker: Worker, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}\n{worker.log()}")


def test_submit_is_scored_by_a_worker(people, worker):
    worker.start()
    assessment = answered(people, HIGH_RISK)
    outcome = services.assessment_submit(actor=people.assessor, assessment=assessment)
    assert outcome.enqueued is True

    def scored():
        assessment.refresh_from_db()
        return assessment.status == AssessmentStatus.SCORED

    wait_until(scored, 30, worker, "the assessment to be scored")
    assert ScoreResult.objects.filter(assessment=assessment).count() == 1
    assert Finding.objects.filter(assessment=assessment).exists()
    assert assessment.next_review_date is not None


def test_a_worker_killed_mid_task_leaves_every_assessment_scored_once(people, worker):
    questionnaire = make_questionnaire()
    count = 60
    ids = []
    for n in range(count):
        assessment = answered(
            people,
            HIGH_RISK if n % 2 else LOW_RISK,
            questionnaire=questionnaire,
            vendor_name=f"Vendor {n}",
        )
        services.assessment_submit(actor=people.assessor, assessment=assessment)
        ids.append(assessment.pk)
    worker.start()
    wait_until(
        lambda: ScoreResult.objects.count() >= 10, 30, worker, "the first results to be stored"
    )

    # Freeze the worker until one assessment is caught mid-task: claimed (committed as
    # scoring) but with its result not yet committed. Then kill it without warning.
    in_flight = None
    for _ in range(200):
        worker.signal(signal.SIGSTOP)
        in_flight = Assessment.objects.filter(status=AssessmentStatus.SCORING).first()
        if in_flight is not None:
            break
        worker.signal(signal.SIGCONT)
        time.sleep(0.005)
    worker.kill()
    assert in_flight is not None, "never caught a task in flight"
    remaining = Assessment.objects.filter(pk__in=ids).exclude(status=AssessmentStatus.SCORED)
    assert remaining.exists(), "the worker finished everything before it was killed"

    # A new worker restores the killed one's unacknowledged messages once their visibility
    # timeout has passed, and takes over the half-done claim.
    time.sleep(VISIBILITY_TIMEOUT + 0.5)
    worker.start()
    wait_until(
        lambda: (
            not Assessment.objects.filter(pk__in=ids)
            .exclude(status=AssessmentStatus.SCORED)
            .exists()
        ),
        90,
        worker,
        "every assessment to be scored",
    )
    per_assessment = dict(
        ScoreResult.objects.filter(assessment_id__in=ids)
        .values_list("assessment_id")
        .annotate(n=Count("id"))
    )
    assert per_assessment == dict.fromkeys(ids, 1)
    duplicates = (
        Finding.objects.values("assessment_id", "key").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not duplicates.exists()
    in_flight.refresh_from_db()
    assert in_flight.latest_result_id is not None
