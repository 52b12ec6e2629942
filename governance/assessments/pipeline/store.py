"""Storing what the engine returned: results, findings, the audit trail and assessment rows."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.utils import timezone

from governance.accounts.audit import audit_event
from governance.accounts.models import AuditEvent
from governance.accounts.versioning import data_changed
from governance.bulk import bulk_insert, bulk_update

from ..models import (
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    ScoreResult,
)
from .compute import Scored, compute_scores

logger = logging.getLogger(__name__)

_FINDING_CONTENT = ("question_key", "domain", "severity", "title", "text", "recommendation")


def _store_results(scored: list[Scored], reason: str) -> None:
    if not scored:
        return
    ids = [s.assessment.pk for s in scored]
    hashes = {s.outcome["input_hash"] for s in scored}
    existing = {
        (r.assessment_id, r.input_hash): r
        for r in ScoreResult.objects.filter(assessment_id__in=ids, input_hash__in=hashes)
    }
    new: list[ScoreResult] = []
    for s in scored:
        found = existing.get((s.assessment.pk, s.outcome["input_hash"]))
        if found is not None:
            s.result = found
            continue
        o = s.outcome
        compiled_ref = s.inputs["questionnaire"]
        s.result = ScoreResult(
            organisation_id=s.assessment.organisation_id,
            assessment_id=s.assessment.pk,
            input_hash=o["input_hash"],
            engine_version=o["engine_version"],
            policy_version=s.policy_version,
            questionnaire_key=compiled_ref["key"][:100],
            questionnaire_version=compiled_ref["version"][:32],
            overall=o["overall"] if o["overall"] is not None else 0.0,
            residual_band=o["residual_band"] or o["rating"],
            inherent_tier=o["inherent"]["tier"],
            inherent_score=o["inherent"]["score"],
            rating=o["rating"],
            recommended_decision=o["recommended_decision"],
            domain_scores={k: d["score"] for k, d in o["domains"].items()},
            outcome=o,
            inputs=s.inputs,
            duration_ms=round(s.duration_ms, 3),
            reason=reason[:32],
        )
        s.created = True
        new.append(s.result)
    if new:
        bulk_insert(ScoreResult, new)


def _store_findings(scored: list[Scored], today: dt.date, now: dt.datetime) -> None:
    if not scored:
        return
    by_assessment: dict[int, dict[str, Finding]] = defaultdict(dict)
    for f in Finding.objects.filter(assessment_id__in=[s.assessment.pk for s in scored]):
        by_assessment[f.assessment_id][f.key] = f
    creates: list[Finding] = []
    full_updates: list[Finding] = []
    # Findings whose only change is the result that confirmed them: one UPDATE for all.
    repointed: list[Finding] = []
    result_of = {s.assessment.pk: s.stored_result.pk for s in scored}
    stamp = f"{today.isoformat()}"
    for s in scored:
        a = s.assessment
        result = s.stored_result
        existing = by_assessment.get(a.pk, {})
        raised = {f["key"]: f for f in s.outcome["findings"]}
        for key, f in raised.items():
            values = {
                "question_key": f["question"][:200],
                "domain": f["domain"][:20],
                "severity": f["severity"],
                "title": f["title"][:300],
                "text": f["text"],
                "recommendation": f["recommendation"],
            }
            current = existing.get(key)
            if current is None:
                creates.append(
                    Finding(
                        organisation_id=a.organisation_id,
                        assessment_id=a.pk,
                        result=result,
                        key=key[:250],
                        status=FindingStatus.OPEN,
                        due_date=today + dt.timedelta(days=f["due_days"]),
                        created_at=now,
                        updated_at=now,
                        **values,
                    )
                )
                continue
            changed = False
            for field, value in values.items():
                if getattr(current, field) != value:
                    setattr(current, field, value)
                    changed = True
            if current.status == FindingStatus.CLOSED and current.closed_automatically:
                current.status = FindingStatus.OPEN
                current.closed_automatically = False
                current.note = _append(
                    current.note, f"Reopened on {stamp}: rescoring raised it again."
                )
                changed = True
            if current.due_date is None:
                current.due_date = today + dt.timedelta(days=f["due_days"])
                changed = True
            if changed:
                current.result_id = result.pk
                current.updated_at = now
                full_updates.append(current)
            elif current.result_id != result.pk:
                repointed.append(current)
        for key, current in existing.items():
            if key in raised or current.status == FindingStatus.CLOSED:
                continue
            current.status = FindingStatus.CLOSED
            current.closed_automatically = True
            current.note = _append(
                current.note,
                f"Closed automatically on {stamp}: rescoring (policy v{s.policy_version}) no "
                "longer raises it.",
            )
            current.updated_at = now
            full_updates.append(current)
    if creates:
        bulk_insert(Finding, creates)
    if full_updates:
        bulk_update(
            Finding,
            full_updates,
            [
                *_FINDING_CONTENT,
                "result",
                "status",
                "closed_automatically",
                "note",
                "due_date",
                "updated_at",
            ],
        )
    if repointed:
        for finding in repointed:
            finding.result_id = result_of[finding.assessment_id]
            finding.updated_at = now
        bulk_update(Finding, repointed, ["result", "updated_at"])


def _append(note: str, line: str) -> str:
    return f"{note}\n{line}" if note else line


def _audit(
    scored: list[Scored],
    failures: dict[int, str],
    rows: dict[int, Assessment],
    reason: str,
    now: dt.datetime,
) -> None:
    events = []
    for s in scored:
        if not s.created:
            continue
        a = s.assessment
        events.append(
            audit_event(
                actor=None,
                organisation_id=a.organisation_id,
                action="assessment.score",
                obj=a,
                after={
                    "result": s.stored_result.pk,
                    "rating": s.stored_result.rating,
                    "overall": s.stored_result.overall,
                    "policy_version": s.policy_version,
                    "reason": reason,
                },
                created_at=now,
            )
        )
    for pk, message in failures.items():
        a = rows[pk]
        events.append(
            audit_event(
                actor=None,
                organisation_id=a.organisation_id,
                action="assessment.score_failed",
                obj=a,
                after={"failure_message": message, "reason": reason},
                created_at=now,
            )
        )
    if events:
        AuditEvent.objects.bulk_create(events)
    # Results, findings and assessments were written in bulk, past the model signals.
    data_changed({a.organisation_id for a in rows.values()})


def score_and_store(
    assessments: list[Assessment], *, reason: str, finishing: bool
) -> dict[str, int]:
    """Score and store. Must run inside a transaction that holds the rows' locks.

    finishing=True moves scoring → scored (or failed); otherwise (rescoring) the lifecycle
    state is kept and only a scored assessment's next review date follows the new rating."""
    now = timezone.now()
    today = timezone.localdate(now)
    scored, failures = compute_scores(assessments)
    _store_results(scored, reason)
    _store_findings(scored, today, now)
    fields = ["latest_result", "scored_at", "next_review_date", "updated_at"]
    changed: list[Assessment] = []
    for s in scored:
        a = s.assessment
        a.latest_result = s.result
        a.scored_at = now
        if finishing:
            AssessmentStatus.require_transition(a.status, AssessmentStatus.SCORED)
            a.status = AssessmentStatus.SCORED
            a.failure_message = ""
        if a.status == AssessmentStatus.SCORED:
            a.next_review_date = today + dt.timedelta(days=s.outcome["review_interval_days"])
        a.updated_at = now
        changed.append(a)
    rows = {a.pk: a for a in assessments}
    if finishing:
        fields += ["status", "failure_message", "scoring_attempts"]
        for a in assessments:
            a.scoring_attempts = 0
        for pk, message in failures.items():
            a = rows[pk]
            AssessmentStatus.require_transition(a.status, AssessmentStatus.FAILED)
            a.status = AssessmentStatus.FAILED
            a.failure_message = message
            a.updated_at = now
            changed.append(a)
    elif failures:
        logger.warning("Rescoring left %d assessment(s) unchanged: %s", len(failures), failures)
    if changed:
        bulk_update(Assessment, changed, fields)
    _audit(scored, failures if finishing else {}, rows, reason, now)
    return {
        "scored": len(scored),
        "created": sum(1 for s in scored if s.created),
        "failed": len(failures),
    }
