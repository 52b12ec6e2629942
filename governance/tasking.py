"""Handing work to Celery. A write commits first and enqueues after; when the broker is
unreachable the write stands and a periodic sweep finds the work and sends it again, so
sending never fails a request."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from governance.resilience import UNREACHABLE, redis_breaker

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Hand a task to the broker; False (and a log line) when the broker is unreachable.

    While the Redis breaker is open this returns False at once rather than wait on a
    connection timeout; in-process (eager) tasks need no broker and always run."""
    eager = task.app.conf.task_always_eager
    if not eager and not redis_breaker.available():
        logger.info("Broker unreachable: %s%r left for the sweep", task.name, args)
        return False
    try:
        task.apply_async(args=args)
    except UNREACHABLE as exc:
        redis_breaker.failed(exc, during=f"enqueue {task.name}")
        logger.info("Broker unreachable: %s%r left for the sweep", task.name, args)
        return False
    except Exception:  # the broker's failure modes are many; the database keeps the state
        logger.warning(
            "Could not enqueue %s%r; the sweep will retry", task.name, args, exc_info=True
        )
        return False
    if not eager:
        redis_breaker.succeeded()
    return True


# --- The one task policy -------------------------------------------------------------------
# Every task is idempotent (its row says where the job stands), acknowledged only once it
# has run (acks_late; a worker that dies puts the message back), retried with a growing
# delay on transient errors only, and stopped by a soft time limit. When it gives up (the
# retries are spent, the time limit struck, or any other error) its give-up service
# records why on the row, so a reader of the page or the API sees a readable message.

# Worth retrying: the database or Redis is briefly unreachable. Anything else is a bug or
# bad data, and retrying would only repeat it.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerError,
)
MAX_RETRIES = 5
# Seconds the hard limit leaves the soft one to record the failure before the child dies.
HARD_LIMIT_GRACE = 30


class JobTask(Task):
    """Base of every task: Celery's own retry policy, and give-up handled in `on_failure`."""

    autoretry_for = TRANSIENT_ERRORS
    max_retries = MAX_RETRIES
    # Retries after 2, 4, 8, 16 and 32 seconds (2 × 2ⁿ, at most a minute); no jitter, so
    # the delays are the same from run to run.
    retry_backoff = 2
    retry_backoff_max = 60
    retry_jitter = False
    acks_late = True
    reject_on_worker_lost = True
    # The service told why the task gave up: called with the task's arguments it names,
    # and `error`. None: nothing to record (the sweep catches up).
    give_up: Callable[..., None] | None = None

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        if self.give_up is None:
            return
        arguments = inspect.signature(self.run).bind(*args, **kwargs)
        arguments.apply_defaults()
        accepted = inspect.signature(self.give_up).parameters
        named = {k: v for k, v in arguments.arguments.items() if k in accepted}
        try:
            self.give_up(**named, error=exc)
        except TRANSIENT_ERRORS:
            # Still unreachable: the row keeps its state and the sweep picks it up later.
            logger.warning("Could not record that %s%r gave up", self.name, args, exc_info=True)


def task(
    *,
    name: str,
    time_limit: int | None = None,
    give_up: Callable[..., None] | None = None,
    retries: int = MAX_RETRIES,
    **options: Any,
) -> Callable[[Callable[..., Any]], Any]:
    """Declare a task with the house policy (JobTask). `time_limit` is the soft limit in
    seconds (default: the deployment's CELERY_TASK_TIME_LIMIT less the grace); the hard
    limit follows it by HARD_LIMIT_GRACE."""
    soft = time_limit or settings.CELERY_TASK_TIME_LIMIT - HARD_LIMIT_GRACE
    return shared_task(
        name=name,
        base=JobTask,
        soft_time_limit=soft,
        time_limit=soft + HARD_LIMIT_GRACE,
        max_retries=retries,
        give_up=staticmethod(give_up) if give_up is not None else None,
        **options,
    )
