"""The dashboard's reads: it composes every app's figures for one organisation the user
belongs to. Each app's own queries live in its selectors; this module only puts them
together."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone

from governance.accounts.models import AuditEvent
from governance.accounts.tenancy import memberships_of
from governance.assessments.models import (
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    Rating,
    Severity,
)
from governance.screening import selectors as screening_selectors
from governance.vendors.selectors import vendors_with_rating

REVIEW_HORIZON_DAYS = 30


def _require_member(user, organisation_id: int) -> None:
    if organisation_id not in memberships_of(user):
        raise PermissionDenied("Not a member of this organisation.")


def dashboard_data(*, user, organisation_id: int) -> dict:
    _require_member(user, organisation_id)
    today = timezone.localdate()
    vendors = vendors_with_rating(user=user, organisation_id=organisation_id)
    by_rating = {key: 0 for key in Rating.values}
    unrated = 0
    # `rating` is vendors_with_rating's annotation, which the plugin cannot see.
    for value in vendors.values_list("rating", flat=True):  # type: ignore[misc]
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
    screening_hits = screening_selectors.screening_hits_to_review(organisation_id=organisation_id)
    screening_conflicts = screening_selectors.answers_contradicted_by_screening(
        organisation_id=organisation_id
    )
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


def _heat_level(count: int, top: int) -> int:
    """0–4 shade steps for the heatmap cell colour."""
    if count == 0:
        return 0
    return max(1, min(4, round(4 * count / top)))
