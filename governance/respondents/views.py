"""Vendor respondent pages, reached by a secret link instead of an account.

Every request resolves the token, checks the link's state and the rate limits, and is then
scoped to that one assessment. Answers are saved through answers_save under the link's label
("respondent:<id>"); the assessor reviews and submits.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from governance import ratelimit
from governance.accounts.tenancy import Capability
from governance.assessments import selectors as assessment_selectors
from governance.assessments.forms import RespondentLinkForm, progress
from governance.assessments.models import AssessmentStatus
from governance.errors import StateConflict
from governance.web.access import apply_validation_error, get_or_404, page
from governance.web.requests import MemberRequest, ViewRequest
from governance.web.wizard import review_context, section_page

from . import selectors, services
from .models import RespondentLink, RespondentLinkState


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "RESPONDENT_LINK_RATE_PER_MINUTE", 120),
        getattr(settings, "RESPONDENT_IP_RATE_PER_MINUTE", 240),
    )


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites
    # it, and trusting it would let anyone dodge the per-IP limit.
    return request.META.get("REMOTE_ADDR", "unknown")


def _refuse(request: HttpRequest, template: str, status: int, **context):
    response = render(request, f"respondents/{template}", context, status=status)
    add_never_cache_headers(response)
    return response


def token_page(view):
    """Resolve the token into a live link, or answer with a clear page: 404 unknown,
    403 revoked, 410 expired, 429 too many requests."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        per_link, per_ip = _limits()
        if not ratelimit.hit("respondent-ip", _client_ip(request), limit=per_ip):
            return _refuse(request, "rate_limited.html", 429)
        try:
            link = selectors.respondent_link_for_token(token=token)
        except RespondentLink.DoesNotExist:
            return _refuse(request, "invalid.html", 404)
        state = link.state()
        if state == RespondentLinkState.REVOKED:
            return _refuse(request, "revoked.html", 403, link=link)
        if state == RespondentLinkState.EXPIRED:
            return _refuse(request, "expired.html", 410, link=link)
        if not ratelimit.hit("respondent-link", str(link.pk), limit=per_link):
            return _refuse(request, "rate_limited.html", 429)
        services.respondent_link_touch(link=link)
        request.respondent_link = link
        response = view(request, link, *args, **kwargs)
        add_never_cache_headers(response)
        # The token is in the URL. The site-wide Referrer-Policy (same-origin) already keeps
        # it from other sites; "no-referrer" would make browsers send "Origin: null" on form
        # posts, which CSRF protection rightly refuses.
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _urls(token):
    def url_for(name, section=None):
        if name == "section":
            return reverse("respondents:section", args=[token, section])
        return reverse(f"respondents:{name}", args=[token])

    return url_for


@token_page
def respond_start(request: ViewRequest, link):
    assessment = link.assessment
    values = assessment_selectors.answer_values(assessment=assessment)
    return render(
        request,
        "respondents/start.html",
        {
            "link": link,
            "assessment": assessment,
            "progress": progress(assessment.questionnaire, values),
            "editable": assessment.status in AssessmentStatus.EDITABLE,
            "url_for": _urls(request.resolver_match.kwargs["token"]),
            "first_url": _urls(request.resolver_match.kwargs["token"])(
                "section",
                section=assessment.questionnaire.definition["sections"][0]["key"],
            ),
        },
    )


@token_page
def respond_section(request: ViewRequest, link, section):
    token = request.resolver_match.kwargs["token"]
    return section_page(
        request,
        assessment=link.assessment,
        section_key=section,
        actor=None,
        actor_label=link.actor_label,
        can_write=True,
        url_for=_urls(token),
        base_template="respondents/base.html",
        extra={"link": link},
        respondent=True,
    )


@token_page
def respond_review(request: ViewRequest, link):
    assessment = link.assessment
    token = request.resolver_match.kwargs["token"]
    return render(
        request,
        "respondents/review.html",
        {
            "link": link,
            "assessment": assessment,
            "editable": assessment.status in AssessmentStatus.EDITABLE,
            "url_for": _urls(token),
            "section_urls": {
                s["key"]: _urls(token)("section", section=s["key"])
                for s in assessment.questionnaire.definition["sections"]
            },
            **review_context(assessment, respondent=True),
        },
    )


# --- Assessor side: invite and revoke ---------------------------------------------------------


def _assessment(request: MemberRequest, pk):
    return get_or_404(
        lambda **kw: assessment_selectors.assessment_list(
            user=request.user, organisation_id=request.organisation_id
        ).get(**kw),
        pk=pk,
    )


@require_POST
@page(Capability.EDIT)
def link_create(request: MemberRequest, pk):
    assessment = _assessment(request, pk)
    form = RespondentLinkForm(request.POST)
    if form.is_valid():
        try:
            link, raw = services.respondent_link_create(
                actor=request.user, assessment=assessment, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except StateConflict as exc:
            form.add_error(None, str(exc))
        else:
            url = request.build_absolute_uri(reverse("respondents:start", args=[raw]))
            # Rendered, not redirected: the secret appears in this one response only.
            response = render(
                request,
                "respondents/link_created.html",
                {"assessment": assessment, "link": link, "url": url},
                status=201,
            )
            add_never_cache_headers(response)
            return response
    return render(
        request,
        "respondents/link_form.html",
        {"assessment": assessment, "form": form},
        status=400,
    )


@require_POST
@page(Capability.EDIT)
def link_revoke(request: MemberRequest, pk, link_pk):
    assessment = _assessment(request, pk)
    link = get_or_404(
        lambda **kw: selectors.respondent_link_list(user=request.user, assessment=assessment).get(
            **kw
        ),
        pk=link_pk,
    )
    services.respondent_link_revoke(actor=request.user, link=link)
    messages.success(request, f"The link for {link.contact_name} no longer works.")
    return redirect(f"{reverse('assessments:detail', args=[assessment.pk])}#respondents")
