"""Celery tasks for continuous screening. Thin: they call the services; the retry policy
and the time limits are governance.tasking's.

A vendor is screened as the system when it is created or renamed (enqueued by the vendor
services after their commit) and by the periodic sweep, which also catches what a lost
message or a new list left out of date. Screening twice is harmless: the service screens
only a vendor whose latest screening is out of date.
"""

from __future__ import annotations

import logging

from django.conf import settings

from governance.tasking import task

from . import services

logger = logging.getLogger(__name__)


# Nothing to record on giving up: the sweep screens the vendor once the database is back.
@task(name="governance.screening.tasks.screen_vendor")
def screen_vendor(vendor_id: int) -> str:
    screening = services.vendor_screen_if_due(vendor_id=int(vendor_id))
    return screening.status if screening is not None else "current"


# The next beat run is the sweep's retry.
@task(name="governance.screening.tasks.sweep_screenings", retries=0)
def sweep_screenings() -> int:
    """Screen the vendors whose latest screening is out of date, a bounded batch per run."""
    due = services.vendors_due_for_screening(limit=settings.SCREENING_SWEEP_BATCH)
    for vendor_id in due:
        services.vendor_screen_if_due(vendor_id=vendor_id)
    if due:
        logger.info("Screened %d vendors whose screening was out of date", len(due))
    return len(due)
