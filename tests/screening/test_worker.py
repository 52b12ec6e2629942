"""Continuous screening by a real Celery worker process, with Redis and PostgreSQL."""

from __future__ import annotations

import pytest

from governance.screening import tasks
from governance.screening.models import Screening
from governance.vendors.services import vendor_create
from tests.screening.factories import BLOCKED, OTHER, ZHIPU, load_list
from tests.worker import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_screens_a_new_vendor_and_the_sweep_catches_a_new_list(people, celery_workers):
    worker = celery_workers(queues="default", name="screening")
    worker.start()
    load_list([OTHER], label="First list")

    # Created outside any transaction: the screening is enqueued as soon as it commits.
    vendor = vendor_create(
        actor=people.admin,
        organisation_id=people.org.pk,
        data={"name": "Zhipu AI", "headquarters_country": "CN"},
    )
    wait_until(
        lambda: Screening.objects.filter(vendor=vendor).exists(),
        30,
        what="the new vendor to be screened",
        workers=[worker],
    )
    first = Screening.objects.get(vendor=vendor)
    assert (first.status, first.list_label, first.screened_by) == ("clear", "First list", None)

    # A new list in force: the sweep, sent as beat sends it, screens the vendor again.
    load_list([ZHIPU, BLOCKED, OTHER], label="Newer list")
    tasks.sweep_screenings.apply_async()
    wait_until(
        lambda: Screening.objects.filter(vendor=vendor, list_label="Newer list").exists(),
        30,
        what="the sweep to screen against the new list",
        workers=[worker],
    )
    latest = Screening.objects.get(vendor=vendor, list_label="Newer list")
    assert latest.status == "potential_match"
    assert Screening.objects.filter(vendor=vendor).count() == 2
