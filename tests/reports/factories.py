"""Scored assessments for report tests and the benchmark, built with the real engine.

`scored_assessment()` creates a published questionnaire, a vendor with an offering and a use
case, an assessment with answers, comments, evidence rows, findings, audit events, and a
ScoreResult computed by governance.scoring exactly as the pipeline stores it (`outcome` =
to_dict(), `inputs` = input_document()).
"""

from __future__ import annotations

import datetime
import hashlib
import random
from pathlib import Path
from typing import Any

from django.utils import timezone

from governance.scoring import (
    DEFAULT_POLICY,
    DOMAINS,
    compile_questionnaire,
    definition_content_hash,
    input_document,
    score,
)

LIBRARY = Path(__file__).resolve().parents[2] / "governance/questionnaires/library"
AS_OF = "2026-11-29"

_REFS = {
    "privacy": {
        "nist_ai_rmf": ["GOVERN 6.1", "MAP 4.1"],
        "iso_42001": ["A.7.5"],
        "gdpr": ["Art. 28(3)"],
        "eu_ai_act": ["Art. 10"],
    },
    "geopolitics": {"nist_ai_rmf": ["GOVERN 6.2"], "iso_42001": ["A.10.3"]},
    "lock_in": {"nist_ai_rmf": ["MANAGE 3.1"], "iso_42001": ["A.10.2"]},
    "security": {
        "nist_ai_rmf": ["MEASURE 2.7"],
        "iso_42001": ["A.6.2.6"],
        "nist_ai_600_1": ["Information security"],
    },
    "regulatory": {
        "eu_ai_act": ["Art. 26", "Art. 50"],
        "gdpr": ["Art. 35"],
        "nist_ai_rmf": ["GOVERN 1.1"],
    },
    "cost": {"iso_42001": ["A.4.2"]},
}


def _finding(title: str) -> dict[str, str]:
    return {
        "title": title,
        "text": f"{title}. The vendor's answer leaves a material risk open.",
        "recommendation": f"Agree a contractual control for: {title.lower()}; verify it "
        "before go-live and record the evidence.",
    }


def _choice(
    key: str, domain: str, text: str, *, weight: int = 2, knockout: bool = False, refs: bool = True
) -> dict[str, Any]:
    options = [
        {"key": "strong", "label": "Yes — documented and contractually committed", "risk": 0},
        {"key": "partial", "label": "Partly — documented but not contractual", "risk": 40},
        {
            "key": "weak",
            "label": "No — not offered",
            "risk": 80,
            "finding": _finding(f"{text.rstrip('?')} — not offered"),
        },
        {"key": "unknown", "label": "Don't know", "risk": 75, "special": "unknown"},
        {
            "key": "not_applicable",
            "label": "Not applicable",
            "risk": 0,
            "special": "not_applicable",
        },
    ]
    if knockout:
        options.insert(
            3,
            {
                "key": "blocked",
                "label": "Vendor or parent is on a sanctions list",
                "risk": 100,
                "knockout": "critical",
                "finding": _finding("Vendor or parent on a sanctions list"),
            },
        )
    question: dict[str, Any] = {
        "key": key,
        "text": text,
        "help": "",
        "type": "single_choice",
        "domain": domain,
        "weight": weight,
        "evidence": ["Contract clause", "Security whitepaper"],
        "options": options,
    }
    if refs:
        question["references"] = _REFS[domain]
    if knockout:
        # "Yes, clear of the lists" is what a watchlist hit contradicts.
        question["screening"] = {"no_match": ["strong"]}
    return question


CORE_QUESTIONS = [
    (
        "privacy.training_opt_out",
        "privacy",
        "Does the vendor contractually exclude customer data from model training?",
    ),
    ("privacy.retention", "privacy", "Are prompts and outputs deleted within 30 days?"),
    ("privacy.dpa", "privacy", "Is a GDPR Art. 28 data processing agreement in place?"),
    (
        "geopolitics.sanctions",
        "geopolitics",
        "Is the vendor and its ultimate parent clear of sanctions and entity lists?",
    ),
    (
        "geopolitics.data_location",
        "geopolitics",
        "Is processing confined to jurisdictions with adequate data protection?",
    ),
    ("lock_in.export", "lock_in", "Can all data, prompts and fine-tunes be exported?"),
    ("lock_in.portability", "lock_in", "Is the integration built on open interfaces?"),
    ("security.certification", "security", "Does the vendor hold ISO/IEC 27001 or SOC 2?"),
    ("security.red_team", "security", "Are models red-teamed before each release?"),
    ("regulatory.ai_act", "regulatory", "Does the vendor meet its EU AI Act provider obligations?"),
    ("regulatory.transparency", "regulatory", "Are AI interactions disclosed to users?"),
    ("cost.pricing", "cost", "Are prices fixed for the contract term?"),
]


def core_definition(*, extra_questions: int = 0) -> dict[str, Any]:
    """Twelve questions over the six domains (plus `extra_questions` more, for bulk)."""
    sections: dict[str, list[dict[str, Any]]] = {key: [] for key, _ in DOMAINS}
    for key, domain, text in CORE_QUESTIONS:
        sections[domain].append(
            _choice(
                key,
                domain,
                text,
                weight=3 if domain == "privacy" else 2,
                knockout=key == "geopolitics.sanctions",
            )
        )
    domain_keys = [key for key, _ in DOMAINS]
    for index in range(extra_questions):
        domain = domain_keys[index % len(domain_keys)]
        sections[domain].append(
            _choice(
                f"{domain}.control_{index:03d}",
                domain,
                f"Control {index + 1}: does the vendor operate and evidence control "
                f"{index + 1} of its {dict(DOMAINS)[domain].lower()} programme?",
                weight=1 + index % 3,
                refs=index % 4 == 0,
            )
        )
    sections["privacy"].append(
        {
            "key": "privacy.notes",
            "text": "Anything else the committee should know?",
            "help": "",
            "type": "text",
            "domain": "privacy",
            "required": False,
        }
    )
    return {
        "key": "report-test" if not extra_questions else "report-bench",
        "version": "1.0.0",
        "title": "AI Vendor Core Assessment",
        "description": "Questions over the six risk domains.",
        "status": "published",
        "sections": [
            {"key": key, "title": label, "description": "", "questions": sections[key]}
            for key, label in DOMAINS
        ],
    }


def library_definition() -> dict[str, Any] | None:
    """The real library questionnaire, once the questionnaire loader and content exist."""
    path = LIBRARY / "ai-vendor-core.yaml"
    if not path.exists():
        return None
    try:
        from governance.questionnaires.definition import canonical_definition, load_definition_file

        return canonical_definition(load_definition_file(path))
    except Exception:  # the library is being written concurrently; fall back to ours
        return None


def default_answers(definition: dict[str, Any], *, seed: int = 7) -> dict[str, Any]:
    """A realistic mix: mostly good answers, some partial, a few weak and unknown."""
    rng = random.Random(seed)
    answers: dict[str, Any] = {}
    for section in definition["sections"]:
        for question in section["questions"]:
            options = [o["key"] for o in question.get("options") or ()]
            if question["type"] in ("single_choice", "yes_no") and options:
                plain = [
                    o["key"]
                    for o in question["options"]
                    if not o.get("special") and not o.get("knockout")
                ]
                pick = rng.random()
                if pick < 0.5:
                    value = plain[0]
                elif pick < 0.75:
                    value = plain[min(1, len(plain) - 1)]
                elif pick < 0.92:
                    value = plain[-1]
                else:
                    value = "unknown" if "unknown" in options else plain[-1]
                answers[question["key"]] = value
            elif question["type"] == "multiple_choice" and options:
                plain = [o["key"] for o in question["options"] if not o.get("special")]
                answers[question["key"]] = sorted(plain[:1])
            elif question["type"] == "number":
                spec = question.get("number") or {}
                answers[question["key"]] = spec.get("min", 0)
            elif question["type"] == "date":
                answers[question["key"]] = "2026-06-01"
    # The core test questionnaire has a known weak spot, so every report shows a finding.
    if "privacy.training_opt_out" in answers:
        answers["privacy.training_opt_out"] = "weak"
    if "geopolitics.sanctions" in answers:
        answers["geopolitics.sanctions"] = "strong"
    return answers


def scored_assessment(
    people,
    *,
    vendor_name: str = "Northwind AI",
    definition: dict[str, Any] | None = None,
    answers: dict[str, Any] | None = None,
    comment: str | None = None,
    comment_on: str | None = None,
    notes: str | None = None,
    long_comments: bool = False,
    use_case: bool = True,
    decided: bool = True,
):
    """A scored (and by default decided) assessment; returns its ScoreResult."""
    from governance.accounts.audit import audit_record
    from governance.assessments.models import (
        Answer,
        Assessment,
        AssessmentStatus,
        Evidence,
        Finding,
        ScoreResult,
        ScoringPolicy,
    )
    from governance.questionnaires.models import Questionnaire
    from governance.vendors.models import Offering, UseCase, Vendor

    org = people.org
    definition = definition or core_definition()
    content_hash = definition_content_hash(definition)
    questionnaire, _ = Questionnaire.objects.get_or_create(
        organisation=None,
        key=definition["key"],
        version=definition["version"],
        defaults={
            "title": definition["title"],
            "description": definition.get("description", ""),
            "status": "published",
            "content_hash": content_hash,
            "definition": definition,
            "version_order": [int(p) for p in definition["version"].split(".")],
            "question_count": sum(len(s["questions"]) for s in definition["sections"]),
            "published_at": timezone.now(),
        },
    )
    policy_row = ScoringPolicy.objects.filter(organisation=org).first()
    if policy_row is None:
        policy_row = ScoringPolicy.objects.create(
            organisation=org, version=1, body=DEFAULT_POLICY, note="Default"
        )
    vendor = Vendor.objects.create(
        organisation=org,
        name=vendor_name,
        legal_name=f"{vendor_name[:80]} Ltd.",
        headquarters_country="IE",
        status="active",
    )
    offering = Offering.objects.create(
        vendor=vendor,
        name="Assistant API",
        kind="hosted_api",
        deployment="vendor_cloud",
        pricing_model="usage_based",
    )
    case = None
    if use_case:
        case = UseCase.objects.create(
            organisation=org,
            offering=offering,
            name="Customer-support reply drafts",
            purpose="Draft replies to customer e-mails for agents to review.",
            data_categories=["personal", "internal"],
            business_criticality="high",
            eu_ai_act_class="limited",
            people_affected="very_many",
            exposure="customer_facing",
        )
    assessment = Assessment.objects.create(
        organisation=org,
        vendor=vendor,
        offering=offering,
        use_case=case,
        questionnaire=questionnaire,
        created_by=people.assessor,
        submitted_by=people.assessor,
        submitted_at=timezone.now(),
        status=AssessmentStatus.SCORED,
    )
    audit_record(
        actor=people.assessor, organisation_id=org.pk, action="assessment.create", obj=assessment
    )
    answers = default_answers(definition) if answers is None else answers
    if notes is not None:
        answers["privacy.notes"] = notes

    rows = []
    for index, (key, value) in enumerate(sorted(answers.items())):
        text = comment if comment_on in (None, key) else ""
        if comment is None:
            text = (
                "Confirmed in the vendor's enterprise terms, section 4.2; the account team "
                "sent the signed addendum on request."
                if long_comments or index % 3 == 0
                else ""
            )
            if long_comments:
                text = (text + " ") * 4
        rows.append(
            Answer(
                assessment=assessment,
                question_key=key,
                value=value,
                comment=text,
                updated_by_label=people.assessor.username,
            )
        )
    Answer.objects.bulk_create(rows)
    for answer in Answer.objects.filter(assessment=assessment)[:5]:
        audit_record(
            actor=people.assessor, organisation_id=org.pk, action="answer.save", obj=answer
        )
    for name in ("DPA signed 2026.pdf", "SOC2 Type II report.pdf"):
        digest = hashlib.sha256(name.encode()).hexdigest()
        Evidence.objects.create(
            organisation=org,
            assessment=assessment,
            question_key="privacy.dpa" if "DPA" in name else "security.certification",
            file=f"evidence/{org.pk}/{digest[:2]}/{digest}",
            original_name=name,
            content_type="application/pdf",
            size=183_204,
            sha256=digest,
            uploaded_by_label=people.assessor.username,
        )
    audit_record(
        actor=people.assessor, organisation_id=org.pk, action="assessment.submit", obj=assessment
    )

    compiled = compile_questionnaire(definition, content_hash=content_hash)
    context = {
        "as_of": AS_OF,
        "use_case": case.scoring_context() if case is not None else None,
    }
    policy = dict(policy_row.body)
    outcome = score(compiled, answers, context=context, policy=policy)
    doc = input_document(compiled, answers, context, policy)
    data = outcome.to_dict()
    result = ScoreResult.objects.create(
        organisation=org,
        assessment=assessment,
        input_hash=data["input_hash"],
        engine_version=data["engine_version"],
        policy_version=policy_row.version,
        questionnaire_key=compiled.key,
        questionnaire_version=compiled.version,
        overall=data["overall"] if data["overall"] is not None else 0.0,
        residual_band=data["residual_band"] or "critical",
        inherent_tier=data["inherent"]["tier"],
        inherent_score=data["inherent"]["score"],
        rating=data["rating"],
        recommended_decision=data["recommended_decision"],
        domain_scores={k: v["score"] for k, v in data["domains"].items()},
        outcome=data,
        inputs=doc,
        duration_ms=1.0,
    )
    for finding in data["findings"]:
        Finding.objects.create(
            organisation=org,
            assessment=assessment,
            result=result,
            key=finding["key"],
            question_key=finding["question"],
            domain=finding["domain"],
            severity=finding["severity"],
            title=finding["title"][:300],
            text=finding["text"],
            recommendation=finding["recommendation"],
            owner=people.assessor if finding["severity"] in ("critical", "high") else None,
            due_date=datetime.date(2026, 12, 1) + datetime.timedelta(days=finding["due_days"]),
        )
    updates = {"latest_result": result, "scored_at": timezone.now()}
    if decided:
        updates.update(
            status=AssessmentStatus.DECIDED,
            decision="approved_with_conditions",
            decision_conditions="Training opt-out confirmed in writing before go-live.",
            decision_rationale="Residual risk acceptable with the contractual control.",
            decided_by=people.reviewer,
            decided_at=timezone.now(),
            next_review_date=datetime.date(2027, 2, 27),
        )
    Assessment.objects.filter(pk=assessment.pk).update(**updates)
    assessment.refresh_from_db()
    if decided:
        audit_record(
            actor=people.reviewer,
            organisation_id=org.pk,
            action="assessment.decide",
            obj=assessment,
        )
    return ScoreResult.objects.select_related(
        "assessment__vendor",
        "assessment__offering",
        "assessment__use_case",
        "assessment__questionnaire",
        "assessment__organisation",
    ).get(pk=result.pk)
