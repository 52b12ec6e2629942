"""Continuous screening: new and renamed vendors, and a new list, are screened as the system."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.accounts.models import AuditEvent
from governance.screening import services, tasks
from governance.screening.models import Screening
from governance.vendors.services import vendor_create, vendor_update
from tests.screening.factories import BLOCKED, OTHER, ZHIPU, load_list

pytestmark = pytest.mark.django_db


def create(people, name="Zhipu AI", **data):
    return vendor_create(
        actor=people.admin,
        organisation_id=people.org.pk,
        data={"name": name, "headquarters_country": "CN", **data},
    )


def test_without_a_list_nothing_is_screened(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        vendor = create(people)
    assert not Screening.objects.exists()
    assert services.vendor_screen_if_due(vendor_id=vendor.pk) is None
    assert services.vendors_due_for_screening(limit=10) == []


def test_a_new_vendor_is_screened_as_the_system(people, django_capture_on_commit_callbacks):
    load_list()
    with django_capture_on_commit_callbacks(execute=True):
        vendor = create(people)
    (screening,) = Screening.objects.filter(vendor=vendor)
    assert screening.status == "potential_match"
    assert screening.screened_by is None
    event = AuditEvent.objects.get(action="vendor.screen", object_id=str(screening.pk))
    assert event.actor_label == "system"


def test_a_rename_is_screened_and_other_edits_or_a_redelivery_are_not(
    people, django_capture_on_commit_callbacks
):
    load_list()
    with django_capture_on_commit_callbacks(execute=True):
        vendor = create(people, name="Northwind Analytics")
    assert Screening.objects.get(vendor=vendor).status == "clear"

    with django_capture_on_commit_callbacks(execute=True):
        vendor_update(actor=people.admin, vendor=vendor, data={"description": "Translation."})
    assert Screening.objects.filter(vendor=vendor).count() == 1
    # The same message delivered twice screens once.
    assert tasks.screen_vendor.apply(args=(vendor.pk,)).get() == "current"

    with django_capture_on_commit_callbacks(execute=True):
        vendor_update(
            actor=people.admin,
            vendor=vendor,
            data={"legal_name": "Beijing Zhipu Huazhang Technology Co., Ltd."},
        )
    latest = Screening.objects.filter(vendor=vendor).order_by("-screened_at", "-id").first()
    assert latest.status == "potential_match"
    assert ["legal name", "Beijing Zhipu Huazhang Technology Co., Ltd."] in latest.names
    assert Screening.objects.filter(vendor=vendor).count() == 2


def test_the_sweep_screens_what_is_out_of_date_never_screened_first(people):
    load_list([OTHER])
    # Created without their commit hooks running: as if the broker had been down.
    old = create(people, name="Example Blocked Trading")
    services.vendor_screen(actor=None, vendor=old)
    never = create(people, name="Zhipu AI")
    other_org = vendor_create(
        actor=people.outsider,
        organisation_id=people.other_org.pk,
        data={"name": "Zhipu AI", "headquarters_country": "CN"},
    )
    assert services.vendors_due_for_screening(limit=10) == [never.pk, other_org.pk]
    assert services.vendors_due_for_screening(limit=1) == [never.pk]

    # A new list puts every vendor out of date; the sweep works through a batch per run.
    load_list([ZHIPU, BLOCKED, OTHER], label="Newer list")
    due = services.vendors_due_for_screening(limit=10)
    assert due == [never.pk, other_org.pk, old.pk]
    assert tasks.sweep_screenings.apply().get() == 3
    assert services.vendors_due_for_screening(limit=10) == []
    assert Screening.objects.get(vendor=old, list_label="Newer list").status == "potential_match"
    assert tasks.sweep_screenings.apply().get() == 0


def test_finding_what_is_due_costs_the_same_few_queries_for_any_number_of_vendors(people):
    load_list()
    for index in range(3):
        create(people, name=f"Vendor {index}")
    services.vendor_screen(actor=None, vendor=create(people, name="Screened vendor"))
    with CaptureQueriesContext(connection) as few:
        services.vendors_due_for_screening(limit=100)
    for index in range(3, 30):
        services.vendor_screen(actor=None, vendor=create(people, name=f"Vendor {index}"))
    with CaptureQueriesContext(connection) as many:
        services.vendors_due_for_screening(limit=100)
    assert len(many) == len(few) == 3  # the list in force, the vendors, their screenings
