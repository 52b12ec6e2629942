"""Reads of screenings, always scoped to the user's organisations."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from governance.assessments.models import Answer, Assessment

from .consistency import answer_conflicts, open_hits
from .models import Disposition, Screening, ScreeningStatus


def screening_list(*, user, vendor_id: int | None = None) -> QuerySet[Screening]:
    qs = Screening.objects.for_user(user).select_related("vendor", "screened_by", "disposed_by")
    if vendor_id is not None:
        qs = qs.filter(vendor_id=vendor_id)
    return qs


def screenings_kept_with_vendor(*, vendor_id: int) -> QuerySet[Screening]:
    """The vendor's screenings that are compliance records in their own right: a confirmed
    match, or a potential match nobody has judged yet. The vendor stays while any exist."""
    return Screening.objects.filter(vendor_id=vendor_id).filter(
        Q(disposition=Disposition.CONFIRMED)
        | Q(status=ScreeningStatus.POTENTIAL_MATCH, disposition=Disposition.OPEN)
    )


def latest_screening(*, user, vendor_id: int) -> Screening | None:
    return screening_list(user=user, vendor_id=vendor_id).first()


def _latest_per_vendor() -> QuerySet[Screening, Any]:
    """The id of the vendor's (OuterRef "vendor_id") latest screening."""
    return (
        Screening.objects.filter(vendor_id=OuterRef("vendor_id"))
        .order_by("-screened_at", "-id")
        .values("id")[:1]
    )


def screening_hits_to_review(*, organisation_id: int, limit: int = 8) -> list[Screening]:
    """Vendors whose latest screening is a potential match nobody has judged yet."""
    return list(
        Screening.objects.for_organisation(organisation_id)
        .filter(
            status=ScreeningStatus.POTENTIAL_MATCH,
            disposition="",
            id=Subquery(_latest_per_vendor()),
        )
        .select_related("vendor")
        .order_by("-screened_at")[:limit]
    )


def answers_contradicted_by_screening(*, organisation_id: int, limit: int = 8) -> list[dict]:
    """Current assessments with answers saying "not listed" that the vendor's latest
    screening contradicts. Only vendors with an uncleared hit are read, so the cost follows
    the number of hits, not the size of the portfolio: three queries in all."""
    screenings = {
        s.vendor_id: s
        for s in Screening.objects.for_organisation(organisation_id)
        .filter(status=ScreeningStatus.POTENTIAL_MATCH, id=Subquery(_latest_per_vendor()))
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
