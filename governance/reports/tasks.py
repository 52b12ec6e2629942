"""Celery tasks for reports. Thin: they parse the primary key and call the service.

Each task may run twice (acks_late redelivery, the sweep): the service claims the row with
a conditional update, so a second run finds nothing to do.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)

# Worth retrying: the database is briefly unreachable. Anything else (a template error, bad
# data) would fail the same way again, so the row is marked failed with the reason.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
MAX_RETRIES = 5
_LIMIT = settings.REPORT_TIME_LIMIT


@shared_task(
    name="governance.reports.tasks.render_report",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # The soft limit raises inside the render so the row is marked failed; the hard limit
    # kills a child that ignores it.
    soft_time_limit=_LIMIT,
    time_limit=_LIMIT + 30,
    max_retries=MAX_RETRIES,
)
def render_report(self, report_id: int) -> str:
    try:
        return services.report_render(report_id=int(report_id))
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= MAX_RETRIES:
            services.report_mark_failed(
                report_id=report_id,
                message="The report could not reach the database after several attempts. "
                "Request it again in a few minutes.",
            )
            return "failed"
        raise self.retry(exc=exc, countdown=min(2 ** (self.request.retries + 1), 60)) from exc
    except SoftTimeLimitExceeded:
        services.report_mark_failed(
            report_id=report_id,
            message=f"Rendering took longer than {_LIMIT} seconds and was stopped.",
        )
        return "failed"


@shared_task(name="governance.reports.tasks.sweep_stale_reports", acks_late=True)
def sweep_stale_reports() -> int:
    count = services.report_sweep_stale()
    if count:
        logger.info("Re-enqueued %s stale report(s)", count)
    return count
