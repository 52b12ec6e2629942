"""Celery tasks for reports. Thin: they parse the primary key and call the service; the
retry policy, the time limits and giving up are governance.tasking's.

Each task may run twice (acks_late redelivery, the sweep): the service claims the row with
a conditional update, so a second run finds nothing to do.
"""

from __future__ import annotations

import logging

from django.conf import settings

from governance.tasking import task

from . import services

logger = logging.getLogger(__name__)


@task(
    name="governance.reports.tasks.render_report",
    time_limit=settings.REPORT_TIME_LIMIT,
    give_up=services.report_give_up,
)
def render_report(report_id: int) -> str:
    return services.report_render(report_id=int(report_id))


# The next beat run is the sweep's retry.
@task(name="governance.reports.tasks.sweep_stale_reports", retries=0)
def sweep_stale_reports() -> int:
    count = services.report_sweep_stale()
    if count:
        logger.info("Re-enqueued %s stale report(s)", count)
    return count
