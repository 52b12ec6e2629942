"""Reads of reports, always scoped to the organisations the user belongs to."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Report


def report_list(*, user, assessment=None) -> QuerySet[Report]:
    reports = Report.objects.for_user(user).select_related("assessment__vendor", "result")
    if assessment is not None:
        reports = reports.filter(assessment=assessment)
    return reports.order_by("-created_at", "-id")


def report_get(*, user, pk) -> Report:
    """Another organisation's report raises DoesNotExist, exactly like a missing one."""
    return report_list(user=user).get(pk=pk)
