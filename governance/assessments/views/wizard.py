"""Starting an assessment, the list, and the wizard: answer, section, review and submit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance.accounts.tenancy import Capability, can
from governance.errors import AnswersInvalid, StateConflict
from governance.questionnaires.models import Questionnaire
from governance.screening.consistency import answer_conflicts, open_hits
from governance.screening.selectors import latest_screening
from governance.vendors import selectors as vendor_selectors
from governance.web.access import apply_validation_error, get_or_404, page
from governance.web.requests import MemberRequest
from governance.web.wizard import review_context, saved_answers, section_page

from .. import selectors, services
from ..forms import StartAssessmentForm, html_id, progress
from ..models import AssessmentStatus
from .common import assessment_for_request

# --- Start --------------------------------------------------------------------------------------


@page(Capability.EDIT)
def assessment_start(request: MemberRequest):
    vendor_id = request.POST.get("vendor") or request.GET.get("vendor")
    vendor = get_or_404(
        lambda **kw: vendor_selectors.vendor_list(
            user=request.user, organisation_id=request.organisation_id
        ).get(**kw),
        pk=vendor_id,
    )
    questionnaires = (
        Questionnaire.objects.for_user(request.user)
        .published()
        .filter(Q(organisation__isnull=True) | Q(organisation_id=request.organisation_id))
        .order_by("title", "-created_at")
    )
    form = StartAssessmentForm(
        request.POST or None,
        questionnaires=questionnaires,
        offerings=vendor_selectors.offering_list(user=request.user, vendor_id=vendor.pk),
        use_cases=vendor_selectors.use_case_list(user=request.user, vendor_id=vendor.pk),
        initial={"offering": request.GET.get("offering"), "use_case": request.GET.get("use_case")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(
                actor=request.user,
                organisation_id=request.organisation_id,
                vendor=vendor,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Assessment started. Answer one section at a time.")
            return redirect("assessments:answer", pk=assessment.pk)
    return render(
        request,
        "assessments/start.html",
        {"form": form, "vendor": vendor, "has_questionnaires": questionnaires.exists()},
    )


@page()
def assessment_list(request: MemberRequest):
    qs = selectors.assessment_list(user=request.user, organisation_id=request.organisation_id)
    status = request.GET.get("status", "")
    if status in AssessmentStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "assessments/list.html",
        {
            "assessments": qs.order_by("-updated_at")[:200],
            "status": status,
            "statuses": AssessmentStatus.choices,
        },
    )


# --- Wizard -----------------------------------------------------------------------------------


@page()
def assessment_answer(request: MemberRequest, pk):
    """Open the wizard at the first section that still has unanswered questions."""
    assessment = assessment_for_request(request, pk)
    values, _ = saved_answers(assessment)
    for section in progress(assessment.questionnaire, values)["sections"]:
        if section["done"] < section["total"]:
            return redirect("assessments:section", pk=pk, section=section["key"])
    return redirect("assessments:review", pk=pk)


def _assessor_urls(assessment):
    def url_for(name, section=None):
        if name == "section":
            return reverse("assessments:section", args=[assessment.pk, section])
        return reverse(f"assessments:{name}", args=[assessment.pk])

    return url_for


@page(Capability.EDIT)
def assessment_section(request: MemberRequest, pk, section):
    assessment = assessment_for_request(request, pk)
    return section_page(
        request,
        assessment=assessment,
        section_key=section,
        actor=request.user,
        actor_label=None,
        can_write=can(request.user, Capability.EDIT, assessment.organisation_id),
        url_for=_assessor_urls(assessment),
        base_template="base.html",
        # Internal: the vendor's respondents never see their own screening.
        extra={"screening": latest_screening(user=request.user, vendor_id=assessment.vendor_id)},
    )


def _review(request: MemberRequest, assessment, *, status=200, **extra):
    """The review page. Beside the answers it lists those the vendor's latest watchlist
    screening contradicts (internal: the vendor's respondents never see their screening)."""
    context = review_context(assessment, problems=extra.pop("problems", None))
    screening = latest_screening(user=request.user, vendor_id=assessment.vendor_id)
    context["conflicts"] = answer_conflicts(
        assessment.questionnaire.definition, context["answer_values"], open_hits(screening)
    )
    if assessment.status in AssessmentStatus.EDITABLE:
        for conflict in context["conflicts"]:
            # Straight to the question, where the answer can be corrected.
            conflict["url"] = (
                reverse("assessments:section", args=[assessment.pk, conflict["section"]])
                + "#"
                + html_id(conflict["question"])
            )
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "editable": assessment.status in AssessmentStatus.EDITABLE,
            **extra,
            **context,
        },
        status=status,
    )


@page()
def assessment_review(request: MemberRequest, pk):
    return _review(request, assessment_for_request(request, pk))


@require_POST
@page(Capability.EDIT)
def assessment_submit(request: MemberRequest, pk):
    assessment = assessment_for_request(request, pk)
    try:
        outcome = services.assessment_submit(actor=request.user, assessment=assessment)
    except AnswersInvalid as exc:
        problems = [
            {"question": e.get("question"), "message": e.get("message")} for e in exc.errors
        ]
        return _review(
            request,
            assessment,
            status=400,
            problems=problems,
            editable=True,
            submit_error=str(exc),
        )
    except StateConflict as exc:
        messages.error(request, str(exc))
    else:
        if outcome.enqueued or outcome.assessment.status not in AssessmentStatus.IN_FLIGHT:
            messages.success(request, "Submitted. Scoring has started.")
        else:
            messages.warning(
                request,
                "Submitted. The scoring service is busy; your assessment is queued and will "
                "be scored automatically.",
            )
    return redirect("assessments:detail", pk=pk)
