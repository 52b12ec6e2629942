"""Download of rendered reports: members of the report's organisation only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from .models import Report, ReportKind, ReportStatus
from .selectors import report_get


def download_name(report: Report) -> str:
    if report.kind == ReportKind.PORTFOLIO:
        stem = f"portfolio-report-{report.created_at:%Y-%m-%d}"
    else:
        vendor = slugify(report.assessment.vendor.name)[:60] if report.assessment else ""
        stem = f"assessment-report-{vendor or 'vendor'}-{report.pk}"
    return f"{stem}.pdf"


@login_required
@require_GET
def report_download(request, pk: int):
    try:
        report = report_get(user=request.user, pk=pk)
    except Report.DoesNotExist:
        raise Http404("No such report.") from None
    if report.status != ReportStatus.READY or not report.file:
        raise Http404("This report is not ready yet.")
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=download_name(report),
        content_type="application/pdf",
    )
    # The PDF is confidential: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
