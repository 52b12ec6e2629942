"""Read-only queries behind the dashboard and the vendor table, always scoped to one
organisation the user belongs to."""

from __future__ import annotations

import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from governance.accounts.models import AuditEvent
from governance.accounts.tenancy import memberships_of
from governance.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    Rating,
    ScoreResult,
    Severity,
)
from governance.assessments.selectors import vendors_with_rating
from governance.vendors.models import Vendor

REVIEW_HORIZON_DAYS = 30

SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "country": ("headquarters_country", "name"),
    "status": ("status", "name"),
    "rating": ("rating_rank", "name"),
    "-rating": ("-rating_rank", "name"),
    "-updated": ("-updated_at",),
}


def _require_member(user, organisation_id: int) -> None:
    if organisation_id not in memberships_of(user):
        raise PermissionError("Not a member of this organisation.")


def vendor_table(
    *,
    user,
    organisation_id: int,
    search: str = "",
    status: str = "",
    ownership: str = "",
    country: str = "",
    rating: str = "",
    sort: str = "name",
) -> QuerySet[Vendor]:
    """Vendors with their latest rating, searched, filtered and sorted."""
    from governance.screening.models import Screening

    latest_screening = Screening.objects.filter(vendor_id=OuterRef("pk")).order_by(
        "-screened_at", "-id"
    )
    qs = vendors_with_rating(
        user=user, organisation_id=organisation_id, ranked=sort in ("rating", "-rating")
    ).annotate(
        assessment_count=Count("assessments", distinct=True),
        screening_status=Subquery(latest_screening.values("status")[:1]),
        screening_disposition=Subquery(latest_screening.values("disposition")[:1]),
    )
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(legal_name__icontains=search)
            | Q(parent_company__icontains=search)
            | Q(description__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if ownership:
        qs = qs.filter(ownership_type=ownership)
    if country:
        qs = qs.filter(Q(headquarters_country=country) | Q(parent_country=country))
    if rating == "none":
        qs = qs.filter(rating__isnull=True)
    elif rating:
        qs = qs.filter(rating=rating)
    return qs.order_by(*SORTS.get(sort, SORTS["name"]))


def dashboard_data(*, user, organisation_id: int) -> dict:
    _require_member(user, organisation_id)
    today = timezone.localdate()
    vendors = vendor_table(user=user, organisation_id=organisation_id)
    by_rating = {key: 0 for key in Rating.values}
    unrated = 0
    for value in vendors.values_list("rating", flat=True):
        if value in by_rating:
            by_rating[value] += 1
        else:
            unrated += 1

    # The heatmap counts the current result of each assessment line: the newest revision
    # that has been scored, so reopened assessments are not counted twice.
    current = (
        Assessment.objects.for_organisation(organisation_id)
        .filter(latest_result__isnull=False, next_revision__isnull=True)
        .values_list("latest_result__inherent_tier", "latest_result__residual_band")
    )
    bands = Rating.values
    heat = {(tier, band): 0 for tier in range(1, 5) for band in bands}
    for tier, band in current:
        if (tier, band) in heat:
            heat[(tier, band)] += 1
    heat_max = max(heat.values()) or 1
    heatmap = [
        {
            "tier": tier,
            "label": Rating.values[tier - 1],
            "cells": [
                {
                    "band": band,
                    "count": heat[(tier, band)],
                    "level": _heat_level(heat[(tier, band)], heat_max),
                }
                for band in bands
            ],
        }
        for tier in range(4, 0, -1)
    ]

    reviews = (
        Assessment.objects.for_organisation(organisation_id)
        .filter(
            status=AssessmentStatus.DECIDED,
            next_revision__isnull=True,
            next_review_date__isnull=False,
            next_review_date__lte=today + datetime.timedelta(days=REVIEW_HORIZON_DAYS),
        )
        .select_related("vendor", "latest_result")
        .order_by("next_review_date")[:10]
    )
    findings = dict(
        Finding.objects.for_organisation(organisation_id)
        .filter(status__in=FindingStatus.UNRESOLVED)
        .values_list("severity")
        .annotate(n=Count("id"))
        .values_list("severity", "n")
    )
    findings_by_severity = [
        {"key": key, "label": label, "count": findings.get(key, 0)}
        for key, label in reversed(Severity.choices)
    ]
    overdue_findings = (
        Finding.objects.for_organisation(organisation_id)
        .filter(status__in=FindingStatus.UNRESOLVED, due_date__lt=today)
        .count()
    )
    in_flight = (
        Assessment.objects.for_organisation(organisation_id)
        .exclude(status=AssessmentStatus.DECIDED)
        .filter(next_revision__isnull=True)
        .select_related("vendor")
        .order_by("-updated_at")[:8]
    )
    screening_hits = _screening_hits_to_review(organisation_id)
    screening_conflicts = _answers_contradicted_by_screening(organisation_id)
    activity = AuditEvent.objects.filter(organisation_id=organisation_id).order_by(
        "-created_at", "-id"
    )[:8]
    return {
        "vendor_total": sum(by_rating.values()) + unrated,
        "by_rating": [
            {"key": key, "label": label, "count": by_rating[key]} for key, label in Rating.choices
        ],
        "unrated": unrated,
        "heatmap": heatmap,
        "bands": Rating.choices,
        "reviews": list(reviews),
        "today": today,
        "findings_by_severity": findings_by_severity,
        "open_findings": sum(findings.values()),
        "overdue_findings": overdue_findings,
        "in_flight": list(in_flight),
        "screening_hits": screening_hits,
        "screening_conflicts": screening_conflicts,
        "activity": list(activity),
    }


def _screening_hits_to_review(organisation_id: int) -> list:
    """Vendors whose latest screening is a potential match nobody has judged yet."""
    from governance.screening.models import Screening, ScreeningStatus

    latest = (
        Screening.objects.filter(vendor_id=OuterRef("vendor_id"))
        .order_by("-screened_at", "-id")
        .values("id")[:1]
    )
    return list(
        Screening.objects.for_organisation(organisation_id)
        .filter(status=ScreeningStatus.POTENTIAL_MATCH, disposition="", id=Subquery(latest))
        .select_related("vendor")
        .order_by("-screened_at")[:8]
    )


def _answers_contradicted_by_screening(organisation_id: int, limit: int = 8) -> list[dict]:
    """Current assessments with answers saying "not listed" that the vendor's latest
    screening contradicts. Only vendors with an uncleared hit are read, so the cost follows
    the number of hits, not the size of the portfolio: three queries in all."""
    from governance.screening.consistency import answer_conflicts, open_hits
    from governance.screening.models import Disposition, Screening, ScreeningStatus

    latest = (
        Screening.objects.filter(vendor_id=OuterRef("vendor_id"))
        .order_by("-screened_at", "-id")
        .values("id")[:1]
    )
    screenings = {
        s.vendor_id: s
        for s in Screening.objects.for_organisation(organisation_id)
        .filter(status=ScreeningStatus.POTENTIAL_MATCH, id=Subquery(latest))
        .exclude(disposition=Disposition.FALSE_POSITIVE)
        .only("vendor_id", "status", "disposition", "hits")
    }
    if not screenings:
        return []
    assessments = list(
        Assessment.objects.for_organisation(organisation_id)
        .filter(vendor_id__in=screenings, next_revision__isnull=True)
        .select_related("vendor", "questionnaire")
        .order_by("-updated_at", "-id")
    )
    values: dict[int, dict] = {a.pk: {} for a in assessments}
    for assessment_id, key, value in Answer.objects.filter(assessment_id__in=values).values_list(
        "assessment_id", "question_key", "value"
    ):
        if value is not None:
            values[assessment_id][key] = value
    flagged = []
    for assessment in assessments:
        conflicts = answer_conflicts(
            assessment.questionnaire.definition,
            values[assessment.pk],
            open_hits(screenings[assessment.vendor_id]),
        )
        if conflicts:
            flagged.append({"assessment": assessment, "conflicts": conflicts})
    return flagged[:limit]


def _heat_level(count: int, top: int) -> int:
    """0–4 shade steps for the heatmap cell colour."""
    if count == 0:
        return 0
    return max(1, min(4, round(4 * count / top)))


def vendor_results(*, vendor) -> list[ScoreResult]:
    """Every score of the vendor's assessments, oldest first, for the rating trend."""
    return list(
        ScoreResult.objects.filter(
            organisation_id=vendor.organisation_id, assessment__vendor=vendor
        )
        .select_related("assessment")
        .order_by("created_at", "id")
    )
