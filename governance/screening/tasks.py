"""Celery tasks for continuous screening. Thin: they call the services.

A vendor is screened as the system when it is created or renamed (enqueued by the vendor
services after their commit) and by the periodic sweep, which also catches what a lost
message or a new list left out of date. Screening twice is harmless: the service screens
only a vendor whose latest screening is out of date.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)
MAX_RETRIES = 5


@shared_task(
    name="governance.screening.tasks.screen_vendor",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def screen_vendor(self, vendor_id: int) -> str:
    try:
        screening = services.vendor_screen_if_due(vendor_id=int(vendor_id))
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= MAX_RETRIES:
            # The sweep screens the vendor once the database is back.
            return "deferred"
        raise self.retry(exc=exc, countdown=min(2 ** (self.request.retries + 1), 60)) from exc
    return screening.status if screening is not None else "current"


@shared_task(name="governance.screening.tasks.sweep_screenings", acks_late=True)
def sweep_screenings() -> int:
    """Screen the vendors whose latest screening is out of date, a bounded batch per run."""
    due = services.vendors_due_for_screening(limit=settings.SCREENING_SWEEP_BATCH)
    for vendor_id in due:
        services.vendor_screen_if_due(vendor_id=vendor_id)
    if due:
        logger.info("Screened %d vendors whose screening was out of date", len(due))
    return len(due)
