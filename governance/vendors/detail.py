"""The vendor page's lookup and content. The vendor views use them, and so do the screening
actions on the vendor page (which re-render it with a form's errors), so they live beside
the views rather than in them: no app's views import another app's views."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from governance.accounts.tenancy import Capability, can
from governance.assessments.models import Assessment
from governance.screening import selectors as screening_selectors
from governance.screening import services as screening_services
from governance.screening.forms import DispositionForm
from governance.screening.models import ScreeningStatus
from governance.web import charts
from governance.web.access import get_or_404
from governance.web.requests import MemberRequest

from . import selectors
from .forms import ContactForm
from .models import Vendor

SCREENING_HISTORY = 5


def vendor_for_request(request: MemberRequest, pk) -> Vendor:
    """The vendor of the active organisation, or a 404."""
    return get_or_404(
        selectors.vendor_get, user=request.user, organisation_id=request.organisation_id, pk=pk
    )


def screening_context(request: MemberRequest, vendor: Vendor) -> dict:
    """What the vendor page shows of screening: the latest outcome and a few before it."""
    screenings = list(
        screening_selectors.screening_list(user=request.user, vendor_id=vendor.pk)[
            :SCREENING_HISTORY
        ]
    )
    latest = screenings[0] if screenings else None
    return {
        "screening": latest,
        "earlier_screenings": screenings[1:],
        "watchlist": screening_services.current_watchlist(),
        "can_dispose": latest is not None
        and latest.status == ScreeningStatus.POTENTIAL_MATCH
        and can(request.user, Capability.DECIDE, vendor.organisation_id),
        "disposition_form": DispositionForm(prefix="screening"),
    }


def render_vendor_detail(
    request: MemberRequest, vendor: Vendor, *, status: int = 200, **extra
) -> HttpResponse:
    """The vendor page; `extra` replaces parts of its context (e.g. a bound form)."""
    offerings = selectors.offering_list(user=request.user, vendor_id=vendor.pk)
    use_cases = selectors.use_case_list(user=request.user, vendor_id=vendor.pk)
    contacts = selectors.contact_list(user=request.user, vendor_id=vendor.pk)
    assessments = (
        Assessment.objects.for_user(request.user)
        .filter(vendor=vendor)
        .select_related("offering", "use_case", "questionnaire", "latest_result")
        .order_by("-created_at")
    )
    results = selectors.vendor_results(user=request.user, vendor=vendor)
    context = {
        "vendor": vendor,
        "offerings": offerings,
        "use_cases": use_cases,
        "contacts": contacts,
        "assessments": assessments,
        "trend": charts.trend(results),
        "contact_form": ContactForm(prefix="contact"),
        **screening_context(request, vendor),
        **extra,
    }
    return render(request, "vendors/detail.html", context, status=status)
