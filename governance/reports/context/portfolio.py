"""The context of the portfolio report: every vendor of an organisation."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.utils import timezone

from governance.scoring.domains import FINDING_SEVERITY, RATING_RANK, RATINGS

from .. import charts
from .labels import DECISION_LABELS, RATING_LABELS, fmt_score, label_for
from .watchlist import latest_screenings, watchlist_state


def portfolio_context(organisation, *, generated_at: datetime.datetime | None = None) -> dict:
    """The organisation's vendors, each with the result of its latest scored assessment."""
    from governance.assessments.models import Assessment, Finding, FindingStatus
    from governance.vendors.models import Vendor

    generated_at = generated_at or timezone.now()
    today = timezone.localdate(generated_at)
    vendors = list(Vendor.objects.filter(organisation=organisation).order_by("name"))
    latest: dict[int, Assessment] = {}
    scored = (
        Assessment.objects.filter(organisation=organisation, latest_result__isnull=False)
        .select_related("latest_result", "offering", "use_case", "vendor")
        .order_by("vendor_id", "-latest_result__created_at", "-id")
    )
    for candidate in scored:
        latest.setdefault(candidate.vendor_id, candidate)

    screenings = latest_screenings(organisation)

    rows = []
    distribution: Counter = Counter()
    heat = [[0] * 4 for _ in range(4)]
    matrix = None
    reviews = []
    for vendor in vendors:
        assessment = latest.get(vendor.pk)
        result = assessment.latest_result if assessment else None
        row: dict[str, Any] = {
            "vendor": vendor,
            "assessment": assessment,
            "result": result,
            "watchlist": watchlist_state(screenings.get(vendor.pk)),
        }
        if assessment is not None and result is not None:
            outcome = result.outcome
            policy = result.inputs.get("policy") or {}
            matrix = matrix or policy.get("rating_matrix")
            distribution[result.rating] += 1
            band = outcome.get("residual_band")
            if band in RATING_RANK:
                heat[result.inherent_tier - 1][RATING_RANK[band]] += 1
            next_review = (
                assessment.next_review_date
                or (
                    result.created_at + datetime.timedelta(days=outcome["review_interval_days"])
                ).date()
            )
            row.update(
                rating=result.rating,
                rating_label=RATING_LABELS.get(result.rating, result.rating),
                overall_text=fmt_score(result.overall),
                inherent_label=RATING_LABELS[RATINGS[result.inherent_tier - 1]],
                decision=label_for(assessment.decision, DECISION_LABELS)
                or f"Pending ({label_for(result.recommended_decision, DECISION_LABELS).lower()} "
                "recommended)",
                scored_at=result.created_at,
                next_review=next_review,
            )
            days = (next_review - today).days
            if days <= 30:
                reviews.append(
                    {
                        "vendor": vendor,
                        "next_review": next_review,
                        "days": days,
                        "overdue": days < 0,
                        "rating_label": row["rating_label"],
                        "rating": result.rating,
                    }
                )
        rows.append(row)
    reviews.sort(key=lambda r: r["next_review"])

    open_findings = list(
        Finding.objects.filter(organisation=organisation, status__in=FindingStatus.UNRESOLVED)
        .select_related("assessment__vendor", "owner")
        .order_by("due_date", "id")
    )
    by_severity = Counter(f.severity for f in open_findings)
    overdue_findings = [f for f in open_findings if f.due_date and f.due_date < today]

    from governance.scoring import DEFAULT_POLICY

    matrix = matrix or DEFAULT_POLICY["rating_matrix"]
    return {
        "organisation": organisation,
        "generated_at": generated_at,
        "today": today,
        "rows": rows,
        "vendor_count": len(vendors),
        "assessed_count": sum(1 for r in rows if r["result"] is not None),
        "distribution": [
            {"rating": r, "label": RATING_LABELS[r], "count": distribution[r]} for r in RATINGS
        ],
        "reviews": reviews,
        "findings_by_severity": [
            {"severity": s, "label": FINDING_SEVERITY.labels[s], "count": by_severity[s]}
            for s in FINDING_SEVERITY.worst_first
        ],
        "open_findings": open_findings,
        "overdue_findings": overdue_findings,
        "watchlist_to_review": sum(1 for r in rows if r["watchlist"]["key"] == "potential_match"),
        "watchlist_confirmed": sum(1 for r in rows if r["watchlist"]["key"] == "confirmed"),
        "charts": {
            "distribution": charts.rating_distribution(distribution),
            "heatmap": charts.risk_matrix(matrix, None, None, counts=heat),
        },
    }
