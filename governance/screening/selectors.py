"""Reads of screenings, always scoped to the user's organisations."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Screening


def screening_list(*, user, vendor_id: int | None = None) -> QuerySet[Screening]:
    qs = Screening.objects.for_user(user).select_related("vendor", "screened_by", "disposed_by")
    if vendor_id is not None:
        qs = qs.filter(vendor_id=vendor_id)
    return qs


def screening_get(*, user, pk) -> Screening:
    """The screening if the user may see it; Screening.DoesNotExist otherwise (a 404)."""
    return screening_list(user=user).get(pk=pk)


def latest_screening(*, user, vendor_id: int) -> Screening | None:
    return screening_list(user=user, vendor_id=vendor_id).first()
