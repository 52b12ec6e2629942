"""The context of the assessment report: one stored ScoreResult.

`assessment_context` reads in named steps: the snapshot (what the report may show and up to
when), the questions part by part, the domain parts, the drivers, the findings, the audit
trail, and the policy tables of the appendix.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from governance.accounts.selectors import audit_trail
from governance.scoring.domains import DOMAIN, FINDING_SEVERITY, RATINGS

from .. import charts
from .frameworks import ADDRESSED_BELOW, framework_coverage
from .labels import (
    DECISION_LABELS,
    INHERENT_FACTOR_LABELS,
    RATING_LABELS,
    SEVERITY_ORDER,
    STATUS_LABELS,
    fmt_score,
    label_for,
    person_label,
)
from .questions import compiled_definition, driver_title, is_not_applicable, iter_questions
from .watchlist import screening_as_of

if TYPE_CHECKING:
    from governance.assessments.models import Assessment, ScoreResult


@dataclass(frozen=True)
class Snapshot:
    """What one report is rendered from: the stored result and the moment its data ends."""

    result: ScoreResult
    assessment: Assessment
    outcome: dict
    inputs: dict
    policy: dict
    answers: dict
    definition: dict
    thresholds: list
    decided: bool
    snapshot_at: datetime.datetime

    @property
    def findings(self) -> list[dict]:
        return self.outcome.get("findings") or []

    @property
    def drivers(self) -> list[dict]:
        return self.outcome.get("drivers") or []


def assessment_context(
    result: ScoreResult, *, generated_at: datetime.datetime | None = None
) -> dict:
    """Everything templates/reports/assessment.html shows, from one stored ScoreResult."""
    snap = snapshot_of(result)
    assessment, outcome, policy = snap.assessment, snap.outcome, snap.policy
    findings_by_question: dict[str, dict] = {}
    for finding in snap.findings:
        findings_by_question.setdefault(finding["question"], finding)

    answer_rows = {a.question_key: a for a in assessment.answers.all()}
    evidence_rows = evidence_until(snap)
    by_domain, question_status = question_parts(
        snap, answer_rows, evidence_rows, findings_by_question
    )
    domains = domain_parts(snap, by_domain)
    top_drivers = top_driver_rows(snap, findings_by_question)
    screening = screening_as_of(
        organisation_id=assessment.organisation_id,
        vendor_id=assessment.vendor_id,
        at=snap.snapshot_at,
        definition=snap.definition,
        answers=snap.answers,
    )
    inherent = outcome.get("inherent") or {}
    return {
        **header(snap, total_questions=sum(len(d["questions"]) for d in domains)),
        **ratings(snap),
        "inherent_factors": inherent_factor_rows(snap),
        **decision(snap),
        "scored_at": result.created_at,
        "snapshot_at": snap.snapshot_at,
        "generated_at": generated_at or timezone.now(),
        "next_review": next_review(snap),
        "review_interval_days": outcome.get("review_interval_days"),
        "domains": domains,
        "top_drivers": top_drivers[:8],
        "knockouts": outcome.get("knockouts") or [],
        "findings": findings_table(snap),
        "finding_counts": finding_counts(snap),
        "frameworks": framework_coverage(snap.definition, question_status),
        "evidence": evidence_rows,
        "screening": screening,
        "audit_events": audit_trail(
            organisation_id=assessment.organisation_id,
            objects=[
                assessment,
                *answer_rows.values(),
                *evidence_rows,
                result,
                *([screening["row"]] if screening is not None else []),
            ],
            until=snap.snapshot_at,
        ),
        **policy_tables(policy),
        "charts": {
            "domains": charts.domain_bars(domains, snap.thresholds),
            "matrix": charts.risk_matrix(
                policy["rating_matrix"], inherent.get("tier"), outcome.get("residual_band")
            ),
            "drivers": charts.driver_bars(top_drivers, limit=6),
        },
    }


def snapshot_of(result: ScoreResult) -> Snapshot:
    """The result's inputs, and when the report's snapshot ends.

    The snapshot ends when the result was computed or, once the reviewer has decided on this
    result, at the decision: both are fixed moments, so re-rendering gives the same audit
    trail and evidence list.
    """
    assessment = result.assessment
    inputs: dict = result.inputs
    policy: dict = inputs["policy"]
    snapshot_at = result.created_at
    decided = bool(assessment.decision) and assessment.latest_result_id == result.pk
    if decided and assessment.decided_at and assessment.decided_at > snapshot_at:
        snapshot_at = assessment.decided_at
    return Snapshot(
        result=result,
        assessment=assessment,
        outcome=result.outcome,
        inputs=inputs,
        policy=policy,
        answers=inputs["answers"],
        definition=assessment.questionnaire.definition,
        thresholds=policy["residual_thresholds"],
        decided=decided,
        snapshot_at=snapshot_at,
    )


def evidence_until(snap: Snapshot) -> list:
    """Evidence uploaded by the snapshot, numbered E1, E2, ... in question order."""
    rows = [
        e
        for e in snap.assessment.evidence.all().order_by("question_key", "uploaded_at", "id")
        if e.uploaded_at <= snap.snapshot_at
    ]
    for index, item in enumerate(rows, start=1):
        item.ref = f"E{index}"  # type: ignore[attr-defined]  # for the template only
    return rows


def question_parts(
    snap: Snapshot,
    answer_rows: Mapping[str, Any],
    evidence_rows: list,
    findings_by_question: Mapping[str, dict],
) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    """One part per domain, questions in questionnaire order, and each question's coverage
    of its framework references."""
    evidence_by_question: dict[str, list] = defaultdict(list)
    for item in evidence_rows:
        evidence_by_question[item.question_key].append(item)
    driver_by_question = {d["question"]: d for d in snap.drivers}
    compiled = compiled_definition(snap.assessment.questionnaire)
    shown = compiled.visible(snap.answers)
    question_status: dict[str, dict] = {}
    by_domain: dict[str, list[dict]] = defaultdict(list)
    for section, question in iter_questions(snap.definition):
        key = question["key"]
        value = snap.answers.get(key)
        driver = driver_by_question.get(key)
        status = question_state(question, value, driver, visible=key in shown)
        risk = driver["risk"] if driver else None
        question_status[key] = {"key": key, "coverage": coverage(status, risk, value)}
        answer = answer_rows.get(key)
        by_domain[question["domain"]].append(
            {
                "key": key,
                "section": section.get("title", ""),
                "text": question.get("text", ""),
                "type": question.get("type"),
                "weight": question.get("weight", 1),
                "answer": compiled.answer_label(key, value),
                "status": status,
                "status_label": STATUS_LABELS.get(status, status),
                "risk": risk,
                "band": charts.band_for(risk, snap.thresholds) if risk is not None else None,
                "domain_contribution": driver["domain_contribution"] if driver else None,
                "overall_contribution": driver["overall_contribution"] if driver else None,
                "comment": answer.comment if answer is not None else "",
                "evidence": evidence_by_question.get(key, []),
                "evidence_expected": question.get("evidence") or [],
                "finding": findings_by_question.get(key),
            }
        )
    return by_domain, question_status


def question_state(question: Mapping, value: Any, driver: Mapping | None, *, visible: bool) -> str:
    """How the question stands in the result: the engine's status when it scored it.
    `visible` is the compiled questionnaire's show_if verdict on the scored answers."""
    if driver is not None:
        return driver["status"]
    if question.get("type") == "text":
        return "informational"
    if not visible:
        return "hidden"
    options = {o["key"]: o for o in question.get("options") or ()}
    if is_not_applicable(value, options):
        return "not_applicable"
    return "optional"


def coverage(status: str, risk: float | None, value: Any) -> str:
    """Whether a question addresses its framework references, leaves a gap, or does not
    apply."""
    if status == "scored" and risk is not None and risk < ADDRESSED_BELOW:
        return "addressed"
    if status in ("scored", "unknown", "unanswered") or (status == "optional" and value is None):
        return "gap"
    return "na"


def domain_parts(snap: Snapshot, by_domain: Mapping[str, list[dict]]) -> list[dict]:
    domains = []
    for key, label in DOMAIN.choices:
        data = (snap.outcome.get("domains") or {}).get(key) or {}
        score_value = data.get("score")
        domains.append(
            {
                "key": key,
                "label": data.get("label") or label,
                "score": score_value,
                "score_text": fmt_score(score_value),
                "band": charts.band_for(score_value, snap.thresholds),
                "weight": snap.policy["domain_weights"].get(key, 0),
                "questions": by_domain.get(key, []),
                "counts": data,
                "findings": [f for f in snap.findings if f["domain"] == key],
            }
        )
    return domains


def top_driver_rows(snap: Snapshot, findings_by_question: Mapping[str, dict]) -> list[dict]:
    """The drivers that raised the overall score, largest first, each in a sentence."""
    rows = []
    for driver in snap.drivers:
        if driver.get("overall_contribution", 0) <= 0:
            continue
        title = driver_title(driver, findings_by_question)
        domain_label = DOMAIN.labels.get(driver["domain"], driver["domain"])
        rows.append(
            {
                **driver,
                "title": title,
                "domain_label": domain_label,
                "band": charts.band_for(driver.get("risk"), snap.thresholds),
                "sentence": (
                    f"{title} ({domain_label.lower()}, "
                    f"+{driver['overall_contribution']:.1f} points)"
                ),
            }
        )
    return rows


def findings_table(snap: Snapshot) -> list[dict]:
    """The findings, most severe first.

    Remediation columns come from the Finding rows (they move on after the result); what was
    found comes from the stored outcome.
    """
    finding_rows = {f.key: f for f in snap.assessment.findings.select_related("owner").all()}
    created = snap.result.created_at.date()
    table = []
    for finding in sorted(
        snap.findings, key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["key"])
    ):
        row = finding_rows.get(finding["key"])
        due = (
            row.due_date
            if row and row.due_date
            else created + datetime.timedelta(days=finding.get("due_days") or 0)
        )
        table.append(
            {
                **finding,
                "domain_label": DOMAIN.labels.get(finding["domain"], finding["domain"]),
                "owner": person_label(row.owner) if row else "",
                "due_date": due,
                "status": row.get_status_display() if row else "Open",
            }
        )
    return table


def finding_counts(snap: Snapshot) -> list[dict]:
    counts = Counter(f["severity"] for f in snap.findings)
    return [
        {"severity": s, "label": FINDING_SEVERITY.labels.get(s, s.capitalize()), "count": n}
        for s, n in sorted(counts.items(), key=lambda item: SEVERITY_ORDER.get(item[0], 9))
    ]


def header(snap: Snapshot, *, total_questions: int) -> dict:
    """Who and what was assessed, with which questionnaire, policy and inputs."""
    assessment, inputs, outcome = snap.assessment, snap.inputs, snap.outcome
    return {
        "result": snap.result,
        "assessment": assessment,
        "vendor": assessment.vendor,
        "offering": assessment.offering,
        "use_case": assessment.use_case,
        "use_case_context": (inputs.get("context") or {}).get("use_case"),
        "questionnaire": {
            "key": inputs["questionnaire"]["key"],
            "version": inputs["questionnaire"]["version"],
            "content_hash": inputs["questionnaire"]["content_hash"],
            "title": snap.definition.get("title", ""),
            "question_count": total_questions,
        },
        "policy": snap.policy,
        "policy_version": snap.result.policy_version,
        "engine_version": outcome.get("engine_version"),
        "input_hash": outcome.get("input_hash") or snap.result.input_hash,
        "as_of": (inputs.get("context") or {}).get("as_of"),
        "outcome": outcome,
    }


def ratings(snap: Snapshot) -> dict:
    """The rating with the residual and inherent figures it combines."""
    outcome = snap.outcome
    rating = outcome["rating"]
    inherent = outcome.get("inherent") or {}
    return {
        "rating": rating,
        "rating_label": RATING_LABELS.get(rating, rating),
        "overall_text": fmt_score(outcome.get("overall")),
        "residual_band": outcome.get("residual_band"),
        "residual_band_label": RATING_LABELS.get(outcome.get("residual_band") or "", "—"),
        "inherent": inherent,
        "inherent_text": fmt_score(inherent.get("score")),
        "inherent_level_label": RATING_LABELS.get(inherent.get("level") or "", "—"),
    }


def inherent_factor_rows(snap: Snapshot) -> list[dict]:
    factors = (snap.outcome.get("inherent") or {}).get("factors") or {}
    return [
        {
            "key": k,
            "label": INHERENT_FACTOR_LABELS[k],
            "points": factors.get(k),
            "weight": snap.policy["inherent_weights"].get(k),
        }
        for k in INHERENT_FACTOR_LABELS
        if k in factors
    ]


def decision(snap: Snapshot) -> dict:
    """The recommendation, and the reviewer's decision once it is on this result."""
    assessment, decided = snap.assessment, snap.decided
    return {
        "recommended_decision": label_for(
            snap.outcome.get("recommended_decision"), DECISION_LABELS
        ),
        "decision": label_for(assessment.decision, DECISION_LABELS) if decided else "",
        "decision_conditions": assessment.decision_conditions if decided else "",
        "decision_rationale": assessment.decision_rationale if decided else "",
        "decided_at": assessment.decided_at if decided else None,
        "assessor": person_label(assessment.submitted_by) or person_label(assessment.created_by),
        "reviewer": person_label(assessment.decided_by) if decided else "",
    }


def next_review(snap: Snapshot) -> datetime.date | None:
    """The decided review date, else the policy's interval from the result."""
    review = snap.assessment.next_review_date if snap.decided else None
    review_days = snap.outcome.get("review_interval_days")
    if review is None and review_days:
        review = (snap.result.created_at + datetime.timedelta(days=review_days)).date()
    return review


def policy_tables(policy: Mapping) -> dict:
    """The appendix: the policy's rating matrix, inherent-risk points and decisions."""
    return {
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
                "decision": label_for(policy["decisions"].get(r), DECISION_LABELS),
                "review_days": policy["review_interval_days"].get(r),
            }
            for r in RATINGS
        ],
    }


def _matrix_rows(policy: Mapping) -> list[dict]:
    rows = []
    for tier in range(4, 0, -1):
        rows.append(
            {
                "tier": tier,
                "label": RATING_LABELS[RATINGS[tier - 1]],
                "cells": [
                    {"rating": r, "label": RATING_LABELS[r]}
                    for r in policy["rating_matrix"][tier - 1]
                ],
            }
        )
    return rows
