"""The template context of a report, built from stored data only.

An assessment report shows what a stored ScoreResult says (`outcome` and `inputs`) plus data
that no longer changes once the result exists: the pinned questionnaire definition, the
answers' comments (answers are frozen after submission), the evidence uploaded and the audit
events up to the snapshot time. Nothing is rescored here, so rendering the same result next
year gives the same figures. The only live data are the remediation columns of the findings
(owner, due date, status), which the report labels with the date they were read.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone

from governance.scoring import DOMAINS

from . import charts

RATING_LABELS = charts.RATING_LABELS
DECISION_LABELS = {
    "approve": "Approve",
    "approve_with_conditions": "Approve with conditions",
    "reject": "Reject",
    "approved": "Approved",
    "approved_with_conditions": "Approved with conditions",
    "rejected": "Rejected",
}
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
STATUS_LABELS = {
    "scored": "Answered",
    "unknown": "Don't know",
    "unanswered": "Not answered",
    "not_applicable": "Not applicable",
    "hidden": "Not asked (condition not met)",
    "informational": "Informational",
    "optional": "Not answered (optional)",
}
FRAMEWORKS = (
    ("nist_ai_rmf", "NIST AI RMF 1.0"),
    ("iso_42001", "ISO/IEC 42001:2023"),
    ("eu_ai_act", "EU AI Act (Regulation (EU) 2024/1689)"),
    ("gdpr", "GDPR (Regulation (EU) 2016/679)"),
    ("nist_ai_600_1", "NIST AI 600-1 (Generative AI Profile)"),
)
INHERENT_FACTOR_LABELS = {
    "data": "Data sensitivity",
    "criticality": "Business criticality",
    "ai_act": "EU AI Act risk class",
    "people": "People affected",
    "exposure": "Exposure",
}
# A question "addresses" its framework references when it was answered with a risk below
# the level at which the questionnaire must raise a finding (the format: finding at >= 50).
ADDRESSED_BELOW = 50


def fmt_score(value: float | None) -> str:
    """How a 0–100 figure is printed everywhere in the report (and read back by verify)."""
    return "not scored" if value is None else f"{value:.1f}"


def _label(key: str | None, labels: Mapping[str, str]) -> str:
    if not key:
        return ""
    return labels.get(key, key.replace("_", " ").capitalize())


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def iter_questions(definition: Mapping) -> Iterable[tuple[Mapping, Mapping]]:
    for section in definition.get("sections") or ():
        for question in section.get("questions") or ():
            yield section, question


def answer_text(question: Mapping, value: Any) -> str:
    """The answer as a reader understands it: option labels, not keys."""
    if value is None:
        return ""
    options = {o["key"]: o.get("label", o["key"]) for o in question.get("options") or ()}
    qtype = question.get("type")
    if qtype == "multiple_choice" and isinstance(value, list):
        return "; ".join(options.get(v, str(v)) for v in value)
    if qtype in ("single_choice", "yes_no"):
        return options.get(value, str(value))
    if qtype == "number":
        unit = (question.get("number") or {}).get("unit") or ""
        return f"{value} {unit}".strip()
    return str(value)


def _visible(question: Mapping, answers: Mapping[str, Any]) -> bool:
    condition = question.get("show_if")
    if not condition:
        return True
    value = answers.get(condition["question"])
    if value is None:
        return False
    allowed = set(condition.get("in") or ())
    if isinstance(value, list):
        return bool(allowed.intersection(value))
    return value in allowed


def _is_not_applicable(value: Any, options: Mapping[str, Mapping]) -> bool:
    chosen = value if isinstance(value, list) else [value]
    return bool(chosen) and all(
        isinstance(v, str) and (options.get(v) or {}).get("special") == "not_applicable"
        for v in chosen
    )


def driver_title(driver: Mapping, findings_by_question: Mapping[str, Mapping]) -> str:
    """A driver in plain words: the finding it raised, else the question and its answer."""
    finding = findings_by_question.get(driver["question"])
    if finding and not finding["key"].endswith((":unknown", ":unanswered")):
        return finding["title"]
    if driver.get("status") == "unanswered":
        return f"Not answered: {driver['text']}"
    if driver.get("status") == "unknown":
        return f"Unknown: {driver['text']}"
    return f"{driver['text']} — {driver.get('answer_label') or ''}".rstrip(" —")


def _framework_coverage(definition: Mapping, question_status: Mapping[str, dict]) -> list[dict]:
    frameworks = []
    for key, label in FRAMEWORKS:
        refs: dict[str, list[dict]] = defaultdict(list)
        for _section, question in iter_questions(definition):
            for ref in (question.get("references") or {}).get(key) or ():
                refs[ref].append(question_status[question["key"]])
        if not refs:
            continue
        rows = []
        for ref in sorted(refs, key=_natural_key):
            entries = refs[ref]
            considered = [e for e in entries if e["coverage"] != "na"]
            if not considered:
                state = "na"
            elif all(e["coverage"] == "addressed" for e in considered):
                state = "addressed"
            else:
                state = "gap"
            rows.append(
                {
                    "reference": ref,
                    "state": state,
                    "questions": [e["key"] for e in entries],
                    "gaps": [e["key"] for e in entries if e["coverage"] == "gap"],
                }
            )
        counts = Counter(r["state"] for r in rows)
        frameworks.append(
            {
                "key": key,
                "label": label,
                "rows": rows,
                "addressed": counts["addressed"],
                "gaps": counts["gap"],
                "not_applicable": counts["na"],
                "total": len(rows),
            }
        )
    return frameworks


def _natural_key(text: str) -> list:
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


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

    audit_keys = [("assessments.Assessment", str(assessment.pk))]
    audit_keys += [("assessments.Answer", str(a.pk)) for a in answer_rows.values()]
    audit_keys += [("assessments.Evidence", str(e.pk)) for e in evidence_rows]
    audit_keys += [("assessments.ScoreResult", str(result.pk))]
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


WATCHLIST_STATES = {
    "confirmed": ("Confirmed match", "state-gap"),
    "potential_match": ("Potential match, to review", "state-gap"),
    "false_positive": ("Cleared (false positive)", "state-addressed"),
    "clear": ("No match", "state-addressed"),
    None: ("Not screened", "state-na"),
}


def latest_screenings(organisation) -> dict:
    """Each vendor's latest watchlist screening, by vendor id."""
    from governance.screening.models import Screening

    latest: dict = {}
    for screening in (
        Screening.objects.filter(organisation=organisation)
        .order_by("vendor_id", "-screened_at", "-id")
        .only("vendor_id", "status", "disposition", "screened_at", "list_label")
    ):
        latest.setdefault(screening.vendor_id, screening)
    return latest


def watchlist_state(screening) -> dict:
    key = None
    if screening is not None:
        key = screening.disposition or screening.status
    label, css = WATCHLIST_STATES[key]
    return {
        "key": key,
        "label": label,
        "css": css,
        "screened_at": screening.screened_at if screening else None,
    }


def portfolio_context(organisation, *, generated_at: datetime.datetime | None = None) -> dict:
    """The organisation's vendors, each with the result of its latest scored assessment."""
    from governance.assessments.models import Assessment, Finding, FindingStatus
    from governance.vendors.models import Vendor

    generated_at = generated_at or timezone.now()
    today = timezone.localdate(generated_at)
    vendors = list(Vendor.objects.filter(organisation=organisation).order_by("name"))
    latest: dict[int, Assessment] = {}
    scored = (
        Assessment.objects.filter(organisation=organisation, latest_result__isnull=False)
        .select_related("latest_result", "offering", "use_case", "vendor")
        .order_by("vendor_id", "-latest_result__created_at", "-id")
    )
    for assessment in scored:
        latest.setdefault(assessment.vendor_id, assessment)

    screenings = latest_screenings(organisation)

    rows = []
    distribution: Counter = Counter()
    heat = [[0] * 4 for _ in range(4)]
    matrix = None
    reviews = []
    for vendor in vendors:
        assessment = latest.get(vendor.pk)
        result = assessment.latest_result if assessment else None
        row: dict[str, Any] = {
            "vendor": vendor,
            "assessment": assessment,
            "result": result,
            "watchlist": watchlist_state(screenings.get(vendor.pk)),
        }
        if result is not None:
            outcome = result.outcome
            policy = result.inputs.get("policy") or {}
            matrix = matrix or policy.get("rating_matrix")
            distribution[result.rating] += 1
            band = outcome.get("residual_band")
            if band in charts.RATINGS:
                heat[result.inherent_tier - 1][charts.RATINGS.index(band)] += 1
            next_review = (
                assessment.next_review_date
                or (
                    result.created_at + datetime.timedelta(days=outcome["review_interval_days"])
                ).date()
            )
            row.update(
                rating=result.rating,
                rating_label=RATING_LABELS.get(result.rating, result.rating),
                overall_text=fmt_score(result.overall),
                inherent_label=RATING_LABELS[charts.RATINGS[result.inherent_tier - 1]],
                decision=_label(assessment.decision, DECISION_LABELS)
                or f"Pending ({_label(result.recommended_decision, DECISION_LABELS).lower()} "
                "recommended)",
                scored_at=result.created_at,
                next_review=next_review,
            )
            days = (next_review - today).days
            if days <= 30:
                reviews.append(
                    {
                        "vendor": vendor,
                        "next_review": next_review,
                        "days": days,
                        "overdue": days < 0,
                        "rating_label": row["rating_label"],
                        "rating": result.rating,
                    }
                )
        rows.append(row)
    reviews.sort(key=lambda r: r["next_review"])

    open_statuses = [FindingStatus.OPEN, FindingStatus.MITIGATING]
    open_findings = list(
        Finding.objects.filter(organisation=organisation, status__in=open_statuses)
        .select_related("assessment__vendor", "owner")
        .order_by("due_date", "id")
    )
    by_severity = Counter(f.severity for f in open_findings)
    overdue_findings = [f for f in open_findings if f.due_date and f.due_date < today]

    from governance.scoring import DEFAULT_POLICY

    matrix = matrix or DEFAULT_POLICY["rating_matrix"]
    return {
        "organisation": organisation,
        "generated_at": generated_at,
        "today": today,
        "rows": rows,
        "vendor_count": len(vendors),
        "assessed_count": sum(1 for r in rows if r["result"] is not None),
        "distribution": [
            {"rating": r, "label": RATING_LABELS[r], "count": distribution[r]}
            for r in charts.RATINGS
        ],
        "reviews": reviews,
        "findings_by_severity": [
            {"severity": s, "label": s.capitalize(), "count": by_severity[s]}
            for s in ("critical", "high", "medium", "low")
        ],
        "open_findings": open_findings,
        "overdue_findings": overdue_findings,
        "watchlist_to_review": sum(1 for r in rows if r["watchlist"]["key"] == "potential_match"),
        "watchlist_confirmed": sum(1 for r in rows if r["watchlist"]["key"] == "confirmed"),
        "charts": {
            "distribution": charts.rating_distribution(distribution),
            "heatmap": charts.risk_matrix(matrix, None, None, counts=heat),
        },
    }
