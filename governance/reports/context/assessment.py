"""The context of the assessment report: one stored ScoreResult."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Mapping

from django.utils import timezone

from governance.scoring import DOMAINS

from .. import charts
from .frameworks import ADDRESSED_BELOW, _framework_coverage
from .labels import (
    DECISION_LABELS,
    INHERENT_FACTOR_LABELS,
    RATING_LABELS,
    SEVERITY_ORDER,
    STATUS_LABELS,
    _label,
    _person,
    fmt_score,
)
from .questions import _is_not_applicable, _visible, answer_text, driver_title, iter_questions
from .watchlist import screening_as_of


def assessment_context(result, *, generated_at: datetime.datetime | None = None) -> dict:
    """Everything templates/reports/assessment.html shows, from one stored ScoreResult."""
    from governance.accounts.models import AuditEvent

    assessment = result.assessment
    outcome: dict = result.outcome
    inputs: dict = result.inputs
    policy: dict = inputs["policy"]
    answers: dict = inputs["answers"]
    definition: dict = assessment.questionnaire.definition
    thresholds = policy["residual_thresholds"]
    generated_at = generated_at or timezone.now()

    # The snapshot ends when the result was computed or, once the reviewer has decided on
    # this result, at the decision: both are fixed moments, so re-rendering gives the same
    # audit trail and evidence list.
    snapshot_at = result.created_at
    decided = bool(assessment.decision) and assessment.latest_result_id == result.pk
    if decided and assessment.decided_at and assessment.decided_at > snapshot_at:
        snapshot_at = assessment.decided_at

    drivers = outcome.get("drivers") or []
    findings = outcome.get("findings") or []
    findings_by_question: dict[str, dict] = {}
    for finding in findings:
        findings_by_question.setdefault(finding["question"], finding)
    driver_by_question = {d["question"]: d for d in drivers}

    answer_rows = {a.question_key: a for a in assessment.answers.all()}
    evidence_rows = [
        e
        for e in assessment.evidence.all().order_by("question_key", "uploaded_at", "id")
        if e.uploaded_at <= snapshot_at
    ]
    evidence_by_question: dict[str, list] = defaultdict(list)
    for index, item in enumerate(evidence_rows, start=1):
        item.ref = f"E{index}"
        evidence_by_question[item.question_key].append(item)

    # One part per domain, questions in questionnaire order.
    question_status: dict[str, dict] = {}
    by_domain: dict[str, list[dict]] = defaultdict(list)
    for section, question in iter_questions(definition):
        key = question["key"]
        value = answers.get(key)
        driver = driver_by_question.get(key)
        options = {o["key"]: o for o in question.get("options") or ()}
        if driver is not None:
            status = driver["status"]
        elif question.get("type") == "text":
            status = "informational"
        elif not _visible(question, answers):
            status = "hidden"
        elif _is_not_applicable(value, options):
            status = "not_applicable"
        else:
            status = "optional"
        risk = driver["risk"] if driver else None
        if status == "scored" and risk is not None and risk < ADDRESSED_BELOW:
            coverage = "addressed"
        elif status in ("scored", "unknown", "unanswered") or (
            status == "optional" and value is None
        ):
            coverage = "gap"
        else:
            coverage = "na"
        question_status[key] = {"key": key, "coverage": coverage}
        answer = answer_rows.get(key)
        by_domain[question["domain"]].append(
            {
                "key": key,
                "section": section.get("title", ""),
                "text": question.get("text", ""),
                "type": question.get("type"),
                "weight": question.get("weight", 1),
                "answer": answer_text(question, value),
                "status": status,
                "status_label": STATUS_LABELS.get(status, status),
                "risk": risk,
                "band": charts.band_for(risk, thresholds) if risk is not None else None,
                "domain_contribution": driver["domain_contribution"] if driver else None,
                "overall_contribution": driver["overall_contribution"] if driver else None,
                "comment": answer.comment if answer is not None else "",
                "evidence": evidence_by_question.get(key, []),
                "evidence_expected": question.get("evidence") or [],
                "finding": findings_by_question.get(key),
            }
        )

    domains = []
    for key, label in DOMAINS:
        data = (outcome.get("domains") or {}).get(key) or {}
        score_value = data.get("score")
        domains.append(
            {
                "key": key,
                "label": data.get("label") or label,
                "score": score_value,
                "score_text": fmt_score(score_value),
                "band": charts.band_for(score_value, thresholds),
                "weight": policy["domain_weights"].get(key, 0),
                "questions": by_domain.get(key, []),
                "counts": data,
                "findings": [f for f in findings if f["domain"] == key],
            }
        )

    domain_labels = dict(DOMAINS)
    top_drivers = []
    for driver in drivers:
        if driver.get("overall_contribution", 0) <= 0:
            continue
        title = driver_title(driver, findings_by_question)
        top_drivers.append(
            {
                **driver,
                "title": title,
                "domain_label": domain_labels.get(driver["domain"], driver["domain"]),
                "band": charts.band_for(driver.get("risk"), thresholds),
                "sentence": (
                    f"{title} ({domain_labels.get(driver['domain'], driver['domain']).lower()}, "
                    f"+{driver['overall_contribution']:.1f} points)"
                ),
            }
        )

    # Remediation columns come from the Finding rows (they move on after the result);
    # what was found comes from the stored outcome.
    finding_rows = {f.key: f for f in assessment.findings.select_related("owner").all()}
    findings_table = []
    for finding in sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["key"])):
        row = finding_rows.get(finding["key"])
        due = (
            row.due_date
            if row and row.due_date
            else (result.created_at.date() + datetime.timedelta(days=finding.get("due_days") or 0))
        )
        findings_table.append(
            {
                **finding,
                "domain_label": domain_labels.get(finding["domain"], finding["domain"]),
                "owner": _person(row.owner) if row else "",
                "due_date": due,
                "status": row.get_status_display() if row else "Open",
            }
        )

    screening = screening_as_of(
        organisation_id=assessment.organisation_id,
        vendor_id=assessment.vendor_id,
        at=snapshot_at,
        definition=definition,
        answers=answers,
    )

    audit_keys = [("assessments.Assessment", str(assessment.pk))]
    audit_keys += [("assessments.Answer", str(a.pk)) for a in answer_rows.values()]
    audit_keys += [("assessments.Evidence", str(e.pk)) for e in evidence_rows]
    audit_keys += [("assessments.ScoreResult", str(result.pk))]
    if screening is not None:
        audit_keys += [(screening["row"]._meta.label, str(screening["row"].pk))]
    from django.db.models import Q

    condition = Q(pk__in=[])
    by_type: dict[str, list[str]] = defaultdict(list)
    for object_type, object_id in audit_keys:
        by_type[object_type].append(object_id)
    for object_type, ids in by_type.items():
        condition |= Q(object_type=object_type, object_id__in=ids)
    audit_events = list(
        AuditEvent.objects.filter(organisation_id=assessment.organisation_id)
        .filter(condition, created_at__lte=snapshot_at)
        .order_by("created_at", "id")
    )

    inherent = outcome.get("inherent") or {}
    use_case_ctx = (inputs.get("context") or {}).get("use_case")
    inherent_factors = [
        {
            "key": k,
            "label": INHERENT_FACTOR_LABELS[k],
            "points": inherent.get("factors", {}).get(k),
            "weight": policy["inherent_weights"].get(k),
        }
        for k in INHERENT_FACTOR_LABELS
        if k in (inherent.get("factors") or {})
    ]

    review_days = outcome.get("review_interval_days")
    next_review = assessment.next_review_date if decided else None
    if next_review is None and review_days:
        next_review = (result.created_at + datetime.timedelta(days=review_days)).date()

    rating = outcome["rating"]
    vendor = assessment.vendor
    total_questions = sum(len(d["questions"]) for d in domains)
    return {
        "result": result,
        "assessment": assessment,
        "vendor": vendor,
        "offering": assessment.offering,
        "use_case": assessment.use_case,
        "use_case_context": use_case_ctx,
        "questionnaire": {
            "key": inputs["questionnaire"]["key"],
            "version": inputs["questionnaire"]["version"],
            "content_hash": inputs["questionnaire"]["content_hash"],
            "title": definition.get("title", ""),
            "question_count": total_questions,
        },
        "policy": policy,
        "policy_version": result.policy_version,
        "engine_version": outcome.get("engine_version"),
        "input_hash": outcome.get("input_hash") or result.input_hash,
        "as_of": (inputs.get("context") or {}).get("as_of"),
        "outcome": outcome,
        "rating": rating,
        "rating_label": RATING_LABELS.get(rating, rating),
        "overall_text": fmt_score(outcome.get("overall")),
        "residual_band": outcome.get("residual_band"),
        "residual_band_label": RATING_LABELS.get(outcome.get("residual_band") or "", "—"),
        "inherent": inherent,
        "inherent_text": fmt_score(inherent.get("score")),
        "inherent_level_label": RATING_LABELS.get(inherent.get("level") or "", "—"),
        "inherent_factors": inherent_factors,
        "recommended_decision": _label(outcome.get("recommended_decision"), DECISION_LABELS),
        "decision": _label(assessment.decision, DECISION_LABELS) if decided else "",
        "decision_conditions": assessment.decision_conditions if decided else "",
        "decision_rationale": assessment.decision_rationale if decided else "",
        "decided_at": assessment.decided_at if decided else None,
        "assessor": _person(assessment.submitted_by) or _person(assessment.created_by),
        "reviewer": _person(assessment.decided_by) if decided else "",
        "scored_at": result.created_at,
        "snapshot_at": snapshot_at,
        "generated_at": generated_at,
        "next_review": next_review,
        "review_interval_days": review_days,
        "domains": domains,
        "top_drivers": top_drivers[:8],
        "knockouts": outcome.get("knockouts") or [],
        "findings": findings_table,
        "finding_counts": [
            {"severity": s, "label": s.capitalize(), "count": n}
            for s, n in sorted(
                Counter(f["severity"] for f in findings).items(),
                key=lambda item: SEVERITY_ORDER.get(item[0], 9),
            )
        ],
        "frameworks": _framework_coverage(definition, question_status),
        "evidence": evidence_rows,
        "screening": screening,
        "audit_events": audit_events,
        "rating_matrix_rows": _matrix_rows(policy),
        "inherent_policy_rows": [
            {
                "label": INHERENT_FACTOR_LABELS.get(key, key),
                "weight": policy["inherent_weights"].get(key),
                "points": [(v.replace("_", " "), p) for v, p in points.items()],
            }
            for key, points in policy["inherent_points"].items()
        ],
        "decision_rows": [
            {
                "rating": RATING_LABELS.get(r, r),
                "decision": _label(policy["decisions"].get(r), DECISION_LABELS),
                "review_days": policy["review_interval_days"].get(r),
            }
            for r in charts.RATINGS
        ],
        "charts": {
            "domains": charts.domain_bars(domains, thresholds),
            "matrix": charts.risk_matrix(
                policy["rating_matrix"], inherent.get("tier"), outcome.get("residual_band")
            ),
            "drivers": charts.driver_bars(top_drivers, limit=6),
        },
    }


def _matrix_rows(policy: Mapping) -> list[dict]:
    rows = []
    for tier in range(4, 0, -1):
        rows.append(
            {
                "tier": tier,
                "label": RATING_LABELS[charts.RATINGS[tier - 1]],
                "cells": [
                    {"rating": r, "label": RATING_LABELS[r]}
                    for r in policy["rating_matrix"][tier - 1]
                ],
            }
        )
    return rows
