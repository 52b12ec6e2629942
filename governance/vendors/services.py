"""Writes on vendor profiles. Each is atomic, validated and audited (see accounts.services)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from governance.accounts.services import tenant_create, tenant_delete, tenant_update
from governance.accounts.tenancy import Capability, require
from governance.errors import StateConflict
from governance.tasking import enqueue

from .models import Contact, Offering, UseCase, Vendor

if TYPE_CHECKING:
    from django.contrib.auth.models import User

VENDOR_FIELDS = (
    "name",
    "legal_name",
    "website",
    "headquarters_country",
    "parent_company",
    "parent_country",
    "ownership_type",
    "description",
    "status",
    "tags",
)
OFFERING_FIELDS = (
    "name",
    "kind",
    "deployment",
    "licence_type",
    "licence_name",
    "processing_regions",
    "pricing_model",
    "description",
)
USE_CASE_FIELDS = (
    "offering",
    "name",
    "purpose",
    "data_categories",
    "business_criticality",
    "eu_ai_act_class",
    "people_affected",
    "exposure",
    "business_owner",
)
CONTACT_FIELDS = ("name", "email", "title", "phone")


def _pick(data: dict, fields: tuple[str, ...]) -> dict:
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in unknown})
    return dict(data)


def _check_unique_name(vendor: Vendor) -> None:
    # The database constraint is on lower(name); checking here too gives the user a field
    # error instead of a generic conflict.
    clash = Vendor.objects.filter(
        organisation_id=vendor.organisation_id, name__iexact=(vendor.name or "").strip()
    ).exclude(pk=vendor.pk)
    if clash.exists():
        raise ValidationError(
            {"name": ["A vendor with this name already exists in your organisation."]}
        )


def _screen_on_commit(vendor_id: int) -> None:
    """Watchlist screening follows every new or changed vendor: the task screens it as the
    system when its latest screening no longer covers its names (or the list in force)."""
    # The screening app builds on this one, so it is imported where it is used.
    from governance.screening.tasks import screen_vendor

    transaction.on_commit(lambda: enqueue(screen_vendor, vendor_id), robust=True)


def vendor_create(*, actor: User, organisation_id: int, data: dict) -> Vendor:
    vendor = Vendor(organisation_id=organisation_id, **_pick(data, VENDOR_FIELDS))
    vendor.name = (vendor.name or "").strip()
    _check_unique_name(vendor)
    vendor = tenant_create(
        actor=actor, organisation_id=organisation_id, obj=vendor, action="vendor.create"
    )
    _screen_on_commit(vendor.pk)
    return vendor


def vendor_update(*, actor: User, vendor: Vendor, data: dict) -> Vendor:
    data = _pick(data, VENDOR_FIELDS)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        probe = Vendor(pk=vendor.pk, organisation_id=vendor.organisation_id, name=data["name"])
        _check_unique_name(probe)
    vendor = tenant_update(
        actor=actor,
        organisation_id=vendor.organisation_id,
        obj=vendor,
        data=data,
        action="vendor.update",
    )
    _screen_on_commit(vendor.pk)
    return vendor


VENDOR_SCREENINGS_KEPT = (
    "{vendor} has a confirmed watchlist match or screening hits still under review, and its "
    "screenings are kept as compliance records. Set its status to Offboarded instead of "
    "deleting it."
)


def vendor_delete(*, actor: User, vendor: Vendor) -> None:
    """Delete the vendor, unless assessments or screenings that must be kept refer to it."""
    # The screening app builds on this one, so it is imported where it is used.
    from governance.screening.models import Screening
    from governance.screening.selectors import screenings_kept_with_vendor

    require(actor, Capability.EDIT, vendor.organisation_id)
    with transaction.atomic():
        # Locked, so no screening is recorded (its insert waits on the vendor row) or judged
        # between the check and the delete.
        list(Vendor.objects.select_for_update().filter(pk=vendor.pk).values_list("pk"))
        list(Screening.objects.select_for_update().filter(vendor_id=vendor.pk).values_list("pk"))
        if screenings_kept_with_vendor(vendor_id=vendor.pk).exists():
            raise StateConflict(VENDOR_SCREENINGS_KEPT.format(vendor=vendor))
        tenant_delete(
            actor=actor, organisation_id=vendor.organisation_id, obj=vendor, action="vendor.delete"
        )


def offering_create(*, actor: User, vendor: Vendor, data: dict) -> Offering:
    offering = Offering(vendor=vendor, **_pick(data, OFFERING_FIELDS))
    return tenant_create(
        actor=actor,
        organisation_id=vendor.organisation_id,
        obj=offering,
        action="offering.create",
    )


def offering_update(*, actor: User, offering: Offering, data: dict) -> Offering:
    return tenant_update(
        actor=actor,
        organisation_id=offering.vendor.organisation_id,
        obj=offering,
        data=_pick(data, OFFERING_FIELDS),
        action="offering.update",
    )


def offering_delete(*, actor: User, offering: Offering) -> None:
    tenant_delete(
        actor=actor,
        organisation_id=offering.vendor.organisation_id,
        obj=offering,
        action="offering.delete",
    )


def use_case_create(*, actor: User, organisation_id: int, data: dict) -> UseCase:
    use_case = UseCase(organisation_id=organisation_id, **_pick(data, USE_CASE_FIELDS))
    return tenant_create(
        actor=actor, organisation_id=organisation_id, obj=use_case, action="use_case.create"
    )


def use_case_update(*, actor: User, use_case: UseCase, data: dict) -> UseCase:
    return tenant_update(
        actor=actor,
        organisation_id=use_case.organisation_id,
        obj=use_case,
        data=_pick(data, USE_CASE_FIELDS),
        action="use_case.update",
    )


def use_case_delete(*, actor: User, use_case: UseCase) -> None:
    tenant_delete(
        actor=actor,
        organisation_id=use_case.organisation_id,
        obj=use_case,
        action="use_case.delete",
    )


def contact_create(*, actor: User, vendor: Vendor, data: dict) -> Contact:
    contact = Contact(vendor=vendor, **_pick(data, CONTACT_FIELDS))
    return tenant_create(
        actor=actor, organisation_id=vendor.organisation_id, obj=contact, action="contact.create"
    )


def contact_delete(*, actor: User, contact: Contact) -> None:
    tenant_delete(
        actor=actor,
        organisation_id=contact.vendor.organisation_id,
        obj=contact,
        action="contact.delete",
    )
