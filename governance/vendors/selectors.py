"""Reads of vendor data, always scoped to the user's organisations."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from governance.assessments.models import Assessment, ScoreResult
from governance.scoring.domains import RATING_RANK
from governance.screening.models import Screening

from .models import Contact, Offering, UseCase, Vendor


def vendor_list(*, user, organisation_id: int | None = None) -> QuerySet[Vendor]:
    qs = Vendor.objects.for_user(user)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs


def vendor_get(*, user, pk, organisation_id: int | None = None) -> Vendor:
    """The vendor if the user may see it (in `organisation_id`, when given);
    Vendor.DoesNotExist otherwise (a 404, never a 403)."""
    return vendor_list(user=user, organisation_id=organisation_id).get(pk=pk)


def _latest_scored() -> QuerySet[Assessment]:
    """The vendor's (OuterRef "pk") assessments that carry a score, most recently scored
    first."""
    return Assessment.objects.filter(vendor=OuterRef("pk"), latest_result__isnull=False).order_by(
        "-latest_result__created_at", "-latest_result_id"
    )


def vendors_with_rating(*, user, organisation_id: int | None = None) -> QuerySet[Vendor]:
    """The user's vendors annotated with `rating`, the rating of the most recently scored
    assessment: one correlated subquery in the same SELECT, never a query per row."""
    return vendor_list(user=user, organisation_id=organisation_id).annotate(
        rating=Subquery(_latest_scored().values("latest_result__rating")[:1])
    )


def with_rating_rank(vendors: QuerySet[Vendor]) -> QuerySet[Vendor]:
    """`vendors` annotated with `rating_rank` (1 low … 4 critical, 0 unrated) for sorting by
    severity. It is its own subquery, with the CASE inside it: a CASE over the `rating`
    annotation would repeat that subquery once per WHEN. Only sorting needs it, so only the
    vendor filter's ordering asks for it."""
    rank = Case(
        *[
            # One above the vocabulary's rank, so 0 is left for "not rated".
            When(latest_result__rating=key, then=Value(value + 1))
            for key, value in RATING_RANK.items()
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    ranked = _latest_scored().annotate(rank=rank).values("rank")[:1]
    return vendors.annotate(rating_rank=Coalesce(Subquery(ranked), Value(0)))


def vendor_table(*, user, organisation_id: int) -> QuerySet[Vendor]:
    """The vendor page's rows: each vendor with its latest rating, its number of
    assessments and the outcome of its latest screening. The vendor filter searches, filters
    and sorts it."""
    latest_screening = Screening.objects.filter(vendor_id=OuterRef("pk")).order_by(
        "-screened_at", "-id"
    )
    return vendors_with_rating(user=user, organisation_id=organisation_id).annotate(
        assessment_count=Count("assessments", distinct=True),
        screening_status=Subquery(latest_screening.values("status")[:1]),
        screening_disposition=Subquery(latest_screening.values("disposition")[:1]),
    )


def vendor_results(*, user, vendor: Vendor) -> list[ScoreResult]:
    """Every score of the vendor's assessments, oldest first, for the rating trend."""
    return list(
        ScoreResult.objects.for_user(user)
        .filter(organisation_id=vendor.organisation_id, assessment__vendor=vendor)
        .select_related("assessment")
        .order_by("created_at", "id")
    )


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
