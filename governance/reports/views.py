"""Download of rendered reports: members of the report's organisation only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from governance.web.requests import ViewRequest

from .models import Report, ReportStatus
from .selectors import report_get


@login_required
@require_GET
def report_download(request: ViewRequest, pk: int):
    try:
        report = report_get(user=request.user, pk=pk)
    except Report.DoesNotExist:
        raise Http404("No such report.") from None
    if report.status != ReportStatus.READY or not report.file:
        raise Http404("This report is not ready yet.")
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.download_name,
        content_type="application/pdf",
    )
    # The PDF is confidential: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
