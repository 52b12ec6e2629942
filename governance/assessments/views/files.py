"""Files of an assessment: requesting its report and downloading its evidence."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from governance.accounts.tenancy import Capability
from governance.errors import RateLimited, StateConflict
from governance.reports import services as report_services
from governance.reports.models import ReportStatus
from governance.web.access import get_or_404, page
from governance.web.requests import MemberRequest

from .. import selectors
from .common import assessment_for_request


@require_POST
@page(Capability.REPORT)
def report_request(request: MemberRequest, pk):
    assessment = assessment_for_request(request, pk)
    try:
        report = report_services.report_request(actor=request.user, assessment=assessment)
    except RateLimited as exc:
        messages.error(request, str(exc))
    except (StateConflict, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    else:
        # Without a broker the render has already run by now (after commit, in-process).
        report.refresh_from_db(fields=["status"])
        if report.status == ReportStatus.READY:
            messages.success(request, "The report is ready to download.")
        elif report.status == ReportStatus.FAILED:
            messages.error(request, "The report could not be rendered; see the reason below.")
        else:
            messages.success(request, "Report requested. It will be ready in a moment.")
    return redirect(f"{reverse('assessments:detail', args=[pk])}#report")


@require_GET
@page()
def evidence_download(request: MemberRequest, pk, evidence_pk):
    assessment = assessment_for_request(request, pk)
    evidence, handle = get_or_404(selectors.evidence_open, user=request.user, pk=evidence_pk)
    if evidence.assessment_id != assessment.pk:
        handle.close()
        raise Http404("No such file.")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
