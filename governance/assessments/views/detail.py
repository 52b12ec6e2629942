"""The result page and its actions: live status, decision, retry, reopen and finding edits."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from governance.accounts.models import Membership
from governance.accounts.tenancy import Capability, can
from governance.errors import StateConflict
from governance.reports import selectors as report_selectors
from governance.reports import services as report_services
from governance.reports.models import ReportKind, ReportStatus
from governance.scoring import DEFAULT_THRESHOLDS, DOMAIN_LABELS
from governance.scoring.domains import DECISION_FOR_RECOMMENDATION, FINDING_SEVERITY
from governance.screening.consistency import answer_conflicts, open_hits
from governance.screening.selectors import latest_screening
from governance.web import charts
from governance.web.access import apply_validation_error, get_or_404, page
from governance.web.requests import MemberRequest
from governance.web.wizard import saved_answers

from .. import selectors, services
from ..forms import (
    DecisionForm,
    FindingForm,
    RespondentLinkForm,
    progress,
)
from ..models import AssessmentStatus
from .common import assessment_for_request

TOP_DRIVERS = 6


# --- Status and result ---------------------------------------------------------------------------


def _report_for(request: MemberRequest, assessment):
    """The assessment report of the latest result, if one was requested."""
    if assessment.latest_result_id is None:
        return None
    return (
        report_selectors.report_list(user=request.user, assessment=assessment)
        .filter(kind=ReportKind.ASSESSMENT, result_id=assessment.latest_result_id)
        .first()
    )


def _report_download_url(report) -> str | None:
    if report is None or report.status != ReportStatus.READY:
        return None
    return reverse("reports:download", args=[report.pk])


@require_GET
@page()
def assessment_status(request: MemberRequest, pk):
    """Small JSON document the result page polls while scoring (and rendering) runs."""
    assessment = assessment_for_request(request, pk)
    report = _report_for(request, assessment)
    result = assessment.latest_result
    return JsonResponse(
        {
            "status": assessment.status,
            "status_label": assessment.get_status_display(),
            "in_flight": assessment.status in AssessmentStatus.IN_FLIGHT,
            "rating": result.rating if result else None,
            "overall": result.overall if result else None,
            "failure": assessment.failure_message or None,
            "report": (
                {"status": report.status, "download_url": _report_download_url(report)}
                if report
                else None
            ),
        }
    )


def _drivers_in_words(outcome: dict) -> list[dict]:
    words = []
    for driver in outcome.get("drivers", [])[:TOP_DRIVERS]:
        if not driver.get("overall_contribution"):
            continue
        status = driver.get("status")
        if status == "unanswered":
            said = "no answer, which counts as high risk"
        elif status == "unknown":
            said = "“Don't know”, which counts as high risk"
        else:
            said = f"“{driver.get('answer_label') or driver.get('answer')}”"
        words.append(
            {
                **driver,
                "said": said,
                "domain_label": DOMAIN_LABELS.get(driver.get("domain"), driver.get("domain")),
            }
        )
    return words


@page()
def assessment_detail(request: MemberRequest, pk):
    return _detail(request, assessment_for_request(request, pk))


def _detail(request: MemberRequest, assessment, *, decision_form=None, status=200):
    result = assessment.latest_result
    organisation_id = assessment.organisation_id
    can_edit = can(request.user, Capability.EDIT, organisation_id)
    can_decide = can(request.user, Capability.DECIDE, organisation_id)
    context = {
        "assessment": assessment,
        "in_flight": assessment.status in AssessmentStatus.IN_FLIGHT,
        "editable": assessment.status in AssessmentStatus.EDITABLE,
        "can_edit": can_edit,
        "can_decide": can_decide,
        "can_report": can(request.user, Capability.REPORT, organisation_id),
        "result": result,
    }
    if assessment.status in AssessmentStatus.EDITABLE:
        values, _ = saved_answers(assessment)
        context["progress"] = progress(assessment.questionnaire, values)
    if result is not None:
        outcome = result.outcome or {}
        thresholds = tuple(
            (result.inputs or {}).get("policy", {}).get("residual_thresholds", DEFAULT_THRESHOLDS)
        )
        members = _members(organisation_id)
        scoped = selectors.finding_list(user=request.user, organisation_id=organisation_id).filter(
            assessment=assessment
        )
        worst_first = FINDING_SEVERITY.worst_first
        findings = sorted(scoped, key=lambda f: (worst_first.get(f.severity, 9), f.title))
        context.update(
            {
                "outcome": outcome,
                "bars": charts.domain_bars(outcome, thresholds),
                "drivers": _drivers_in_words(outcome),
                "knockouts": outcome.get("knockouts", []),
                "findings": [
                    (
                        f,
                        FindingForm(
                            prefix=f"f{f.pk}",
                            members=members,
                            initial={
                                "status": f.status,
                                "owner": f.owner_id,
                                "due_date": f.due_date,
                                "note": f.note,
                            },
                        ),
                    )
                    for f in findings
                ],
                "decision_form": decision_form
                or DecisionForm(
                    initial={"decision": _suggested_decision(result.recommended_decision)}
                ),
                "report": _report_for(request, assessment),
            }
        )
        # Beside the decision: a reviewer should not decide blind to a listed party, nor to
        # an answer that says the vendor is not listed when the screening says otherwise.
        screening = latest_screening(user=request.user, vendor_id=assessment.vendor_id)
        context["screening"] = screening
        context["conflicts"] = answer_conflicts(
            assessment.questionnaire.definition,
            (result.inputs or {}).get("answers", {}),
            open_hits(screening),
        )
        context["report_download_url"] = _report_download_url(context["report"])
        # Asking again only does something when the decision came after the render (or the
        # render failed), so only then is there a button for it.
        context["report_outdated"] = bool(
            context["report"] and report_services.decided_after_render(context["report"])
        )
    if can_edit:
        from governance.respondents.selectors import respondent_link_list

        context["links"] = respondent_link_list(user=request.user, assessment=assessment)
        context["link_form"] = RespondentLinkForm()
    return render(request, "assessments/detail.html", context, status=status)


def _members(organisation_id: int) -> list[tuple[int, str]]:
    """The people a finding can be assigned to: the organisation's members."""
    return [
        (m.user_id, m.user.get_full_name() or m.user.get_username())
        for m in Membership.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("user__username")
    ]


def _suggested_decision(recommended: str) -> str:
    return DECISION_FOR_RECOMMENDATION.get(recommended, "")


@require_POST
@page(Capability.EDIT)
def assessment_retry(request: MemberRequest, pk):
    assessment = assessment_for_request(request, pk)
    try:
        services.assessment_retry(actor=request.user, assessment=assessment)
    except StateConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Scoring restarted.")
    return redirect("assessments:detail", pk=pk)


@require_POST
@page(Capability.EDIT)
def assessment_reopen(request: MemberRequest, pk):
    assessment = assessment_for_request(request, pk)
    try:
        revision = services.assessment_reopen(actor=request.user, assessment=assessment)
    except StateConflict as exc:
        messages.error(request, str(exc))
        return redirect("assessments:detail", pk=pk)
    messages.success(request, f"Revision {revision.revision} opened with the previous answers.")
    return redirect("assessments:answer", pk=revision.pk)


@require_POST
@page(Capability.DECIDE)
def assessment_decide(request: MemberRequest, pk):
    assessment = assessment_for_request(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_decide(
                actor=request.user, assessment=assessment, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except (PermissionDenied, StateConflict) as exc:
            # e.g. the submitter may not approve their own assessment: say so on the form.
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Decision recorded.")
            return redirect("assessments:detail", pk=pk)
    assessment.refresh_from_db()
    return _detail(request, assessment, decision_form=form, status=400)


@require_POST
@page((Capability.EDIT, Capability.DECIDE))
def finding_edit(request: MemberRequest, pk, finding_pk):
    assessment = assessment_for_request(request, pk)
    finding = get_or_404(
        lambda **kw: (
            selectors.finding_list(user=request.user, organisation_id=request.organisation_id)
            .filter(assessment=assessment)
            .get(**kw)
        ),
        pk=finding_pk,
    )
    form = FindingForm(
        request.POST, prefix=f"f{finding.pk}", members=_members(assessment.organisation_id)
    )
    if form.is_valid():
        try:
            services.finding_update(actor=request.user, finding=finding, data=form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"{finding.title}: {message}")
        else:
            messages.success(request, f"Finding “{finding.title}” updated.")
    else:
        for field, errs in form.errors.items():
            for error in errs:
                messages.error(request, f"{finding.title} – {field}: {error}")
    return redirect(f"{reverse('assessments:detail', args=[pk])}#finding-{finding.pk}")
