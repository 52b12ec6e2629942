"""Scoring persistence: run the engine over locked assessments and store what it returns.

The Celery tasks (tasks.py) are thin wrappers around `score_one` and `rescore_many`. Both
work in bulk, so the number of queries does not grow with the number of questions, and
`rescore_many` reads and writes a whole batch of assessments with a fixed number of queries:
one for the assessments with their questionnaires and use cases, one for all answers, one for
the policies, one for existing results, one for existing findings, then bulk writes.

Idempotence comes from the data model: a result is unique per (assessment, input hash) and a
finding per (assessment, key), and every write for one assessment happens in one transaction
while its row is locked, so a redelivered or duplicated task can never store anything twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from governance.accounts.audit import audit_record
from governance.accounts.models import AuditEvent
from governance.accounts.versioning import data_changed
from governance.bulk import bulk_insert, bulk_update
from governance.scoring import (
    DefinitionError,
    InvalidAnswer,
    input_document,
    score,
    validate_policy,
)

from .models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    ScoreResult,
    ScoringPolicy,
)
from .selectors import compiled_questionnaires
from .services import RESCORABLE_STATUSES, policy_current, scoring_context

logger = logging.getLogger(__name__)

# The questionnaire is not joined: every row would carry its whole definition. Compiled
# questionnaires come from the process cache instead (selectors.compiled_questionnaires).
_RELATED = ("use_case", "vendor")
# Deliveries of one scoring task before it is given up (see score_one).
MAX_DELIVERIES = 5
_FINDING_CONTENT = ("question_key", "domain", "severity", "title", "text", "recommendation")


@dataclass
class _Scored:
    assessment: Assessment
    outcome: dict
    inputs: dict
    duration_ms: float
    policy_version: int
    result: ScoreResult | None = None
    created: bool = False


def _readable(exc: Exception) -> str:
    """A failure message an assessor can act on."""
    if isinstance(exc, InvalidAnswer):
        problems = "; ".join(f"{e.question}: {e.message}" for e in exc.errors[:10])
        more = f" (and {len(exc.errors) - 10} more)" if len(exc.errors) > 10 else ""
        return f"Some stored answers do not fit the questionnaire: {problems}{more}."
    if isinstance(exc, DefinitionError):
        return f"The questionnaire version cannot be scored: {' '.join(exc.problems[:5])}"
    if isinstance(exc, PolicyInvalid):
        return f"The organisation's scoring policy is invalid: {exc}"
    if isinstance(exc, ValueError):
        return f"The assessment's context cannot be scored: {exc}"
    return (
        f"Scoring failed unexpectedly ({type(exc).__name__}). Retry; if it fails again, "
        "report it to your administrator."
    )


class PolicyInvalid(ValueError):
    pass


def _policies(organisation_ids: set[int]) -> dict[int, ScoringPolicy]:
    latest: dict[int, ScoringPolicy] = {}
    for policy in ScoringPolicy.objects.filter(organisation_id__in=organisation_ids).order_by(
        "organisation_id", "-version"
    ):
        latest.setdefault(policy.organisation_id, policy)
    for organisation_id in organisation_ids - latest.keys():
        latest[organisation_id] = policy_current(organisation_id=organisation_id)
    return latest


def _compute(assessments: list[Assessment]) -> tuple[list[_Scored], dict[int, str]]:
    """Run the engine for every assessment: (scored, {assessment id: failure message})."""
    ids = [a.pk for a in assessments]
    answers: dict[int, dict[str, object]] = defaultdict(dict)
    for assessment_id, key, value in Answer.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "question_key", "value"
    ):
        if value is not None:
            answers[assessment_id][key] = value
    policies = _policies({a.organisation_id for a in assessments})
    compiled_by_id = compiled_questionnaires({a.questionnaire_id for a in assessments})
    checked: dict[int, list[str]] = {}
    scored: list[_Scored] = []
    failures: dict[int, str] = {}
    for assessment in assessments:
        policy = policies[assessment.organisation_id]
        try:
            if policy.pk not in checked:
                checked[policy.pk] = validate_policy(policy.body)
            if checked[policy.pk]:
                raise PolicyInvalid(" ".join(checked[policy.pk][:5]))
            compiled = compiled_by_id[assessment.questionnaire_id]
            context = scoring_context(assessment)
            given = answers.get(assessment.pk, {})
            started = time.perf_counter()
            outcome = score(compiled, given, context=context, policy=policy.body)
            duration = (time.perf_counter() - started) * 1000
            inputs = input_document(compiled, given, context, policy.body)
        except Exception as exc:  # one bad assessment must not sink the whole batch
            if not isinstance(exc, InvalidAnswer | DefinitionError | ValueError):
                logger.exception("Scoring assessment %s failed", assessment.pk)
            failures[assessment.pk] = _readable(exc)
            continue
        scored.append(_Scored(assessment, outcome.to_dict(), inputs, duration, policy.version))
    return scored, failures


def _store_results(scored: list[_Scored], reason: str) -> None:
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


def _store_findings(scored: list[_Scored], today: dt.date, now: dt.datetime) -> None:
    if not scored:
        return
    by_assessment: dict[int, dict[str, Finding]] = defaultdict(dict)
    for f in Finding.objects.filter(assessment_id__in=[s.assessment.pk for s in scored]):
        by_assessment[f.assessment_id][f.key] = f
    creates: list[Finding] = []
    full_updates: list[Finding] = []
    # Findings whose only change is the result that confirmed them: one UPDATE for all.
    repointed: list[Finding] = []
    result_of = {s.assessment.pk: s.result.pk for s in scored}
    stamp = f"{today.isoformat()}"
    for s in scored:
        a = s.assessment
        result = s.result
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
    scored: list[_Scored],
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
            AuditEvent(
                organisation_id=a.organisation_id,
                actor=None,
                actor_label="system",
                action="assessment.score",
                object_type=a._meta.label,
                object_id=str(a.pk),
                object_repr=str(a)[:300],
                after={
                    "result": s.result.pk,
                    "rating": s.result.rating,
                    "overall": s.result.overall,
                    "policy_version": s.policy_version,
                    "reason": reason,
                },
                created_at=now,
            )
        )
    for pk, message in failures.items():
        a = rows[pk]
        events.append(
            AuditEvent(
                organisation_id=a.organisation_id,
                actor=None,
                actor_label="system",
                action="assessment.score_failed",
                object_type=a._meta.label,
                object_id=str(a.pk),
                object_repr=str(a)[:300],
                after={"failure_message": message, "reason": reason},
                created_at=now,
            )
        )
    if events:
        AuditEvent.objects.bulk_create(events)
    # Results, findings and assessments were written in bulk, past the model signals.
    data_changed({a.organisation_id for a in rows.values()})


def _store(assessments: list[Assessment], *, reason: str, finishing: bool) -> dict[str, int]:
    """Score and store. Must run inside a transaction that holds the rows' locks.

    finishing=True moves scoring → scored (or failed); otherwise (rescoring) the lifecycle
    state is kept and only a scored assessment's next review date follows the new rating."""
    now = timezone.now()
    today = timezone.localdate(now)
    scored, failures = _compute(assessments)
    _store_results(scored, reason)
    _store_findings(scored, today, now)
    fields = ["latest_result", "scored_at", "next_review_date", "updated_at"]
    changed: list[Assessment] = []
    for s in scored:
        a = s.assessment
        a.latest_result = s.result
        a.scored_at = now
        if finishing:
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


def claim(assessment_id: int) -> bool:
    """Move submitted → scoring (or take over a claim older than the time limit)."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.SCORING_TIME_LIMIT)
    return bool(
        Assessment.objects.filter(pk=assessment_id)
        .filter(
            Q(status=AssessmentStatus.SUBMITTED)
            | Q(status=AssessmentStatus.SCORING, scoring_started_at__lt=stale)
            | Q(status=AssessmentStatus.SCORING, scoring_started_at__isnull=True)
        )
        .update(status=AssessmentStatus.SCORING, scoring_started_at=now, updated_at=now)
    )


def score_one(assessment_id: int, *, reason: str = "submit") -> str:
    """Score one submitted assessment. Returns what happened, for the worker log.

    The claim is committed on its own, so the sweep and the pages see "scoring". The work
    then happens under a row lock taken with SKIP LOCKED: a duplicate task (a redelivery, or
    one the sweep re-enqueued) finds the row locked while a live worker holds it and leaves.
    When the worker that claimed it died, its transaction and lock died with it, so the
    duplicate takes over at once instead of waiting for the time limit."""
    claim(assessment_id)
    # Counted and committed before the work, so the count survives a crash: a task that
    # kills its worker (out of memory, a fault in a C library) is redelivered by acks_late
    # and reject_on_worker_lost, and without a limit it would be for ever.
    Assessment.objects.filter(pk=assessment_id, status=AssessmentStatus.SCORING).update(
        scoring_attempts=F("scoring_attempts") + 1
    )
    with transaction.atomic():
        row = (
            Assessment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(*_RELATED)
            .filter(pk=assessment_id, status=AssessmentStatus.SCORING)
            .first()
        )
        if row is None:
            return "skipped"
        if row.scoring_attempts > MAX_DELIVERIES:
            _give_up(row)
            return "failed"
        stats = _store([row], reason=reason, finishing=True)
    return "failed" if stats["failed"] else "scored"


def _give_up(row: Assessment) -> None:
    row.status = AssessmentStatus.FAILED
    row.failure_message = (
        f"Scoring stopped its worker {row.scoring_attempts - 1} times and was given up. "
        "Check the answers for unusual content and retry; if it happens again, contact support."
    )
    row.scoring_attempts = 0
    row.save(update_fields=["status", "failure_message", "scoring_attempts", "updated_at"])
    audit_record(
        actor=None,
        organisation_id=row.organisation_id,
        action="assessment.score_failed",
        obj=row,
        after={"failure_message": row.failure_message, "reason": "worker lost"},
    )
    logger.error("Gave up scoring assessment %s after repeated worker losses", row.pk)


def rescore_many(assessment_ids: list[int], *, reason: str = "rescore") -> dict[str, int]:
    with transaction.atomic():
        rows = list(
            Assessment.objects.select_for_update(of=("self",))
            .select_related(*_RELATED)
            .filter(pk__in=assessment_ids, status__in=RESCORABLE_STATUSES)
            .order_by("pk")
        )
        return _store(rows, reason=reason, finishing=False)


def mark_failed(assessment_id: int, message: str) -> bool:
    """Record a failure that happened outside the engine (time limit, lost database...)."""
    with transaction.atomic():
        updated = Assessment.objects.filter(
            pk=assessment_id,
            status__in=[AssessmentStatus.SUBMITTED, AssessmentStatus.SCORING],
        ).update(
            status=AssessmentStatus.FAILED,
            failure_message=message,
            scoring_attempts=0,
            updated_at=timezone.now(),
        )
    return bool(updated)


def stale_assessment_ids(limit: int = 1000) -> list[int]:
    """Assessments a worker should have picked up by now: submitted more than a minute ago,
    or claimed longer ago than the scoring time limit."""
    now = timezone.now()
    return list(
        Assessment.objects.filter(
            Q(status=AssessmentStatus.SUBMITTED, submitted_at__lt=now - dt.timedelta(minutes=1))
            | Q(
                status=AssessmentStatus.SCORING,
                scoring_started_at__lt=now - dt.timedelta(seconds=settings.SCORING_TIME_LIMIT),
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
