"""Handing work to Celery. A write commits first and enqueues after; when the broker is
unreachable the write stands and a periodic sweep finds the work and sends it again, so
sending never fails a request."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Hand a task to the broker; False (and a log line) when the broker is unreachable."""
    try:
        task.apply_async(args=args)
    except Exception:  # the broker's failure modes are many; the database keeps the state
        logger.warning(
            "Could not enqueue %s%r; the sweep will retry", task.name, args, exc_info=True
        )
        return False
    return True
