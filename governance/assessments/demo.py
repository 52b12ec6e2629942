"""Scored demo assessments for the illustrative demo organisation.

Answers are built from a per-vendor profile of public facts (see vendors/demo_data.py)
applied to the library questionnaire, then go through the real services: answers_save,
assessment_submit, scoring, decisions and finding updates. Idempotent: an assessment whose
title already exists in the organisation is left alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from governance.accounts.models import Membership
from governance.questionnaires.models import Questionnaire, QuestionnaireStatus
from governance.scoring import validate_answers
from governance.vendors.models import Offering, UseCase

from . import pipeline, services
from .models import Assessment, AssessmentStatus, Finding, FindingStatus
from .selectors import compiled_questionnaire

logger = logging.getLogger(__name__)

QUESTIONNAIRE_KEY = "ai-vendor-core"

US_VENDOR = {
    "geopolitics.contracting_entity_jurisdiction": "eu_or_adequate",
    "geopolitics.parent_jurisdiction": "united_states",
    "geopolitics.compelled_access_exposure": "us_with_safeguards",
    "geopolitics.data_leaves_jurisdiction": "yes",
    "geopolitics.transfer_mechanism": "adequacy",
    "lock_in.open_weights": "hosted_only",
    "lock_in.api_compatibility": "proprietary_with_adapters",
    "privacy.data_residency": "storage_only",
}
PRC_HOSTED = {
    "geopolitics.contracting_entity_jurisdiction": "compelled_cooperation",
    "geopolitics.parent_jurisdiction": "compelled_cooperation",
    "geopolitics.beneficial_ownership": "partial",
    "geopolitics.compelled_access_exposure": "compelled_without_safeguards",
    "geopolitics.data_leaves_jurisdiction": "yes",
    "geopolitics.transfer_mechanism": "none",
    "geopolitics.eu_representative": "missing",
    "geopolitics.state_content_controls": "undisclosed_effects",
    "privacy.data_residency": "no_choice",
    "privacy.subprocessors": "incomplete_list",
    "lock_in.open_weights": "hosted_only",
    # Not on a sanctions list; export-control listings are a separate question.
    "geopolitics.sanctions_screening": "clear",
}


@dataclass
class DemoAssessment:
    title: str
    vendor: str
    offering: str
    use_case: str | None
    # "good" picks the safest option most of the time; "mixed" drifts to middling answers.
    baseline: str
    overrides: dict = field(default_factory=dict)
    decision: str | None = None  # None: scored, awaiting a reviewer
    conditions: str = ""
    rationale: str = ""
    submit: bool = True


DEMO_ASSESSMENTS = [
    DemoAssessment(
        title="ChatGPT Enterprise — staff writing assistant",
        vendor="OpenAI",
        offering="ChatGPT Enterprise",
        use_case="Staff writing assistant",
        baseline="good",
        overrides={**US_VENDOR, "privacy.prompt_retention_days": 30},
        decision="approved",
        rationale="Low residual risk for internal drafting; US transfer covered by adequacy.",
    ),
    DemoAssessment(
        title="Claude API — complaint triage",
        vendor="Anthropic",
        offering="Claude API",
        use_case="Complaint triage",
        baseline="good",
        overrides={
            **US_VENDOR,
            "geopolitics.transfer_mechanism": "sccs_with_tia",
            "geopolitics.supplementary_measures": "contractual_organisational",
            "regulatory.transparency_duties": "customer_implemented",
            "privacy.zero_data_retention": "available_not_enabled",
        },
    ),
    DemoAssessment(
        title="Mistral La Plateforme — multilingual chatbot",
        vendor="Mistral AI",
        offering="Mistral La Plateforme API",
        use_case="Multilingual chatbot",
        baseline="good",
        overrides={
            "geopolitics.data_leaves_jurisdiction": "no",
            "lock_in.open_weights": "custom_licence_open_weights",
            "privacy.data_residency": "pinned_contractual",
        },
        decision="approved_with_conditions",
        conditions="Use the EU-only endpoint; label the chatbot as AI on every page.",
        rationale="EU processing pinned by contract; public exposure needs the AI label.",
    ),
    DemoAssessment(
        title="DeepSeek API — credit memo summaries",
        vendor="DeepSeek",
        offering="DeepSeek API",
        use_case="Credit memo summaries",
        baseline="mixed",
        overrides={
            **PRC_HOSTED,
            "privacy.training_on_customer_data": "default_on_opt_out",
            "privacy.deletion": "no_commitment",
            "privacy.dpia_support": "refuses",
            "privacy.prompt_retention_days": 400,
            "geopolitics.regulator_actions": "active_order_in_market",
            "security.certifications": ["none"],
            "regulatory.audit_rights": "none",
        },
        decision="rejected",
        rationale="Personal and confidential data would be stored in the PRC with no transfer "
        "mechanism; Italy's regulator ordered the app blocked.",
    ),
    DemoAssessment(
        title="GLM API — market research translation",
        vendor="Zhipu AI",
        offering="GLM API",
        use_case="Market research translation",
        baseline="mixed",
        overrides={
            **PRC_HOSTED,
            "geopolitics.export_control_lists": "vendor_or_parent_listed",
            "geopolitics.military_surveillance_ties": "vendor_designated",
        },
    ),
    DemoAssessment(
        title="Qwen3 open weights — self-hosted code assistant",
        vendor="Alibaba Cloud / Qwen",
        offering="Qwen3 open weights",
        use_case="Self-hosted code assistant",
        baseline="good",
        overrides={
            "privacy.processing_role": "not_applicable",
            "privacy.prompt_retention_days": 0,
            "geopolitics.parent_jurisdiction": "compelled_cooperation",
            "geopolitics.state_influence": "minority_passive",
            "geopolitics.data_leaves_jurisdiction": "no",
            "geopolitics.state_content_controls": "documented_evaluated",
            "lock_in.open_weights": "permissive_open_weights",
            "security.supply_chain_integrity": "checksums_only",
            "cost.self_hosting_cost": "rough",
        },
        decision="approved_with_conditions",
        conditions="Run only inside the isolated GPU cluster; verify weight checksums on "
        "every upgrade; re-test content filtering of generated code.",
        rationale="No data leaves our infrastructure; the residual risk sits in the weights.",
    ),
    DemoAssessment(
        title="Kimi API — first look",
        vendor="Moonshot AI",
        offering="Kimi API",
        use_case=None,
        baseline="mixed",
        overrides=PRC_HOSTED,
        submit=False,
    ),
]


def _option_keys(question) -> list[str]:
    # Knock-outs and severe answers come only from a vendor's profile, never by chance.
    plain = [
        o for o in question.options if o.special is None and o.knockout is None and o.risk < 75
    ]
    return [o.key for o in sorted(plain, key=lambda o: (o.risk, o.position))]


def _pick(question, baseline: str, rng: random.Random):
    """A plausible answer when the profile says nothing specific about a question."""
    if question.type == "text":
        return None
    if question.type == "number":
        low = question.number_min if question.number_min is not None else 0
        safest = min(question.bands, key=lambda b: b.risk)
        value = safest.max if safest.max is not None else (low + 1) * 10
        if baseline == "mixed" and rng.random() < 0.4:
            value = question.bands[min(1, len(question.bands) - 1)].max or value
        if question.number_max is not None:
            value = min(value, question.number_max)
        return max(value, low)
    if question.type == "date":
        days = 200 if baseline == "good" else rng.choice([200, 500, 900])
        return (timezone.localdate() - dt.timedelta(days=days)).isoformat()
    keys = _option_keys(question)
    if not keys:
        return None
    weights = [0.75, 0.25] if baseline == "good" else [0.4, 0.35, 0.25]
    choice = rng.choices(keys[: len(weights)], weights[: len(keys)])[0]
    if question.type == "multiple_choice":
        return [choice]
    return choice


def build_answers(compiled, spec: DemoAssessment) -> dict:
    """Answers for every visible question, following show_if in questionnaire order."""
    rng = random.Random(spec.title)
    answers: dict = {}
    for question in compiled.questions:
        # Only earlier answers decide whether a question is asked, and they are all in.
        if question.key in compiled.hidden(answers):
            continue
        value = spec.overrides.get(question.key)
        if value is None or (question.options and not _valid(question, value)):
            value = _pick(question, spec.baseline, rng)
        if value is not None:
            answers[question.key] = value
    # The library may evolve: drop anything that no longer fits rather than fail the demo.
    for problem in validate_answers(compiled, answers):
        answers.pop(problem.question, None)
    return answers


def _valid(question, value) -> bool:
    values = value if isinstance(value, list) else [value]
    return all(v in question.option_map for v in values)


def _library_questionnaire() -> Questionnaire | None:
    found = (
        Questionnaire.objects.filter(
            organisation__isnull=True, key=QUESTIONNAIRE_KEY, status=QuestionnaireStatus.PUBLISHED
        )
        .order_by("-version_order")
        .first()
    )
    if found is not None:
        return found
    try:
        from governance.questionnaires.services import library_paths, questionnaire_load_file
    except ImportError:  # the library is not installed in this build
        return None
    for path in library_paths():
        try:
            questionnaire_load_file(path)
        except Exception:
            logger.warning("Could not load questionnaire file %s", path, exc_info=True)
    return (
        Questionnaire.objects.filter(
            organisation__isnull=True, key=QUESTIONNAIRE_KEY, status=QuestionnaireStatus.PUBLISHED
        )
        .order_by("-version_order")
        .first()
    )


def _member(organisation, role: str):
    membership = (
        Membership.objects.filter(organisation=organisation, role=role)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


def _follow_up_findings(assessment: Assessment, owner, reviewer) -> None:
    """Give the riskiest findings an owner and a status, as a team working on them would."""
    findings = list(Finding.objects.filter(assessment=assessment).order_by("-severity", "key")[:4])
    for n, finding in enumerate(findings):
        data = {"owner": owner, "note": "Raised with the vendor's account team."}
        if n == 1:
            data["status"] = FindingStatus.MITIGATING
        services.finding_update(actor=owner, finding=finding, data=data)
    if reviewer is not None and len(findings) > 2:
        services.finding_update(
            actor=reviewer,
            finding=findings[2],
            data={"status": FindingStatus.ACCEPTED, "note": "Accepted for this use case."},
        )


def load_demo_assessments(organisation) -> int:
    """Create the demo assessments that do not exist yet; returns how many were created."""
    questionnaire = _library_questionnaire()
    if questionnaire is None:
        logger.warning("No published '%s' questionnaire; no demo assessments", QUESTIONNAIRE_KEY)
        return 0
    assessor = _member(organisation, "assessor")
    reviewer = _member(organisation, "reviewer")
    if assessor is None:
        return 0
    compiled = compiled_questionnaire(questionnaire)
    created = 0
    for spec in DEMO_ASSESSMENTS:
        if Assessment.objects.filter(organisation=organisation, title=spec.title).exists():
            continue
        offering = Offering.objects.filter(
            vendor__organisation=organisation, vendor__name=spec.vendor, name=spec.offering
        ).first()
        if offering is None:
            continue
        use_case = (
            UseCase.objects.filter(organisation=organisation, name=spec.use_case).first()
            if spec.use_case
            else None
        )
        with transaction.atomic():
            assessment = services.assessment_create(
                actor=assessor,
                organisation_id=organisation.pk,
                vendor=offering.vendor,
                questionnaire=questionnaire,
                offering=offering,
                use_case=use_case,
                title=spec.title,
            )
            answers = build_answers(compiled, spec)
            if not spec.submit:
                # Half-way through: the first sections only.
                keep = list(answers)[: len(answers) // 2]
                answers = {k: answers[k] for k in keep}
            services.answers_save(
                actor=assessor,
                assessment=assessment,
                answers=[{"question": k, "value": v} for k, v in answers.items()],
            )
            created += 1
            if not spec.submit:
                continue
            services.assessment_submit(actor=assessor, assessment=assessment)
            # Scored here rather than by the enqueued task, so that the decision below can
            # follow in the same run; the task then finds nothing left to do.
            pipeline.score_one(assessment.pk)
            assessment.refresh_from_db()
            if assessment.status != AssessmentStatus.SCORED:
                logger.warning("Demo assessment %s: %s", spec.title, assessment.failure_message)
                continue
            _follow_up_findings(assessment, assessor, reviewer)
            if spec.decision and reviewer is not None:
                services.assessment_decide(
                    actor=reviewer,
                    assessment=assessment,
                    decision=spec.decision,
                    conditions=spec.conditions,
                    rationale=spec.rationale,
                )
    return created
