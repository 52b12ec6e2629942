"""Reads of vendor data, always scoped to the user's organisations."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Contact, Offering, UseCase, Vendor


def vendor_list(*, user, organisation_id: int | None = None) -> QuerySet[Vendor]:
    qs = Vendor.objects.for_user(user)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs


def vendor_get(*, user, pk) -> Vendor:
    """The vendor if the user may see it; Vendor.DoesNotExist otherwise (a 404, never a 403)."""
    return vendor_list(user=user).get(pk=pk)


def offering_list(*, user, vendor_id: int | None = None) -> QuerySet[Offering]:
    qs = Offering.objects.filter(vendor__in=Vendor.objects.for_user(user)).select_related("vendor")
    if vendor_id is not None:
        qs = qs.filter(vendor_id=vendor_id)
    return qs


def use_case_list(*, user, vendor_id: int | None = None) -> QuerySet[UseCase]:
    qs = UseCase.objects.for_user(user).select_related("offering__vendor")
    if vendor_id is not None:
        qs = qs.filter(offering__vendor_id=vendor_id)
    return qs


def contact_list(*, user, vendor_id: int | None = None) -> QuerySet[Contact]:
    qs = Contact.objects.filter(vendor__in=Vendor.objects.for_user(user))
    if vendor_id is not None:
        qs = qs.filter(vendor_id=vendor_id)
    return qs
