"""Reads of assessment data, always scoped to the user's organisations.

Another organisation's object raises DoesNotExist (a 404), never PermissionDenied, so ids
of other tenants cannot even be probed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.db.models import QuerySet
from django.utils import timezone

from governance.accounts.tenancy import organisation_ids
from governance.scoring import CompiledQuestionnaire, compile_questionnaire

from .models import Answer, Assessment, Evidence, Finding, ScoreResult, ScoringPolicy


def assessment_list(*, user, organisation_id: int | None = None) -> QuerySet[Assessment]:
    qs = Assessment.objects.for_user(user).select_related(
        "vendor", "offering", "use_case", "questionnaire", "latest_result"
    )
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs


def assessment_get(*, user, pk) -> Assessment:
    """The assessment if the user may see it; Assessment.DoesNotExist otherwise."""
    return assessment_list(user=user).get(pk=pk)


def answer_map(*, assessment: Assessment) -> dict[str, Answer]:
    """Question key → stored answer."""
    return {a.question_key: a for a in Answer.objects.filter(assessment=assessment)}


def answer_values(*, assessment: Assessment) -> dict[str, object]:
    """Question key → answer value, the shape the scoring engine takes."""
    rows = Answer.objects.filter(assessment=assessment).values_list("question_key", "value")
    return {key: value for key, value in rows if value is not None}


def finding_list(*, user, organisation_id: int | None = None) -> QuerySet[Finding]:
    qs = Finding.objects.for_user(user).select_related("assessment__vendor", "owner", "result")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs


def result_list(*, user, assessment: Assessment | None = None) -> QuerySet[ScoreResult]:
    qs = ScoreResult.objects.for_user(user)
    if assessment is not None:
        qs = qs.filter(assessment=assessment)
    return qs


def evidence_list(*, user, assessment: Assessment | None = None) -> QuerySet[Evidence]:
    qs = Evidence.objects.for_user(user)
    if assessment is not None:
        qs = qs.filter(assessment=assessment)
    return qs


def evidence_open(*, user, pk):
    """(Evidence, open binary file) for a member of the evidence's organisation.

    The caller streams the file and closes it (FileResponse does both)."""
    if not organisation_ids(user):
        raise Evidence.DoesNotExist("No such evidence file.")
    evidence = evidence_list(user=user).get(pk=pk)
    assert evidence.file.name is not None  # the file is required
    return evidence, evidence.file.storage.open(evidence.file.name, "rb")


# --- Compiled questionnaires ------------------------------------------------------------------
# A published questionnaire never changes, so its compiled form is keyed by content hash and
# shared by every request and task in the process. Compiling a 100-question definition costs
# about as much as scoring dozens of assessments, so bulk rescoring depends on this cache.
_CACHE_SIZE = 64
_compiled: OrderedDict[str, CompiledQuestionnaire] = OrderedDict()
_compiled_lock = threading.Lock()


def _cached(key: str) -> CompiledQuestionnaire | None:
    with _compiled_lock:
        hit = _compiled.get(key)
        if hit is not None:
            _compiled.move_to_end(key)
        return hit


def compiled_questionnaire(questionnaire) -> CompiledQuestionnaire:
    key = questionnaire.content_hash or f"row:{questionnaire.pk}"
    hit = _cached(key)
    if hit is not None:
        return hit
    # Compiled outside the lock: two threads may both compile on a miss, which is harmless.
    compiled = compile_questionnaire(
        questionnaire.definition, content_hash=questionnaire.content_hash or None
    )
    with _compiled_lock:
        _compiled[key] = compiled
        _compiled.move_to_end(key)
        while len(_compiled) > _CACHE_SIZE:
            _compiled.popitem(last=False)
    return compiled


def compiled_questionnaires(questionnaire_ids) -> dict[int, CompiledQuestionnaire]:
    """Questionnaire id → compiled form, for many assessments at once.

    Definitions are large (a 100-question one is ~60 kB of JSON), so only their hashes are
    read first and a definition is loaded only when its compiled form is not cached yet."""
    from governance.questionnaires.models import Questionnaire

    found: dict[int, CompiledQuestionnaire] = {}
    missing: list[int] = []
    for pk, content_hash in Questionnaire.objects.filter(pk__in=set(questionnaire_ids)).values_list(
        "pk", "content_hash"
    ):
        hit = _cached(content_hash or f"row:{pk}")
        if hit is None:
            missing.append(pk)
        else:
            found[pk] = hit
    if missing:
        for questionnaire in Questionnaire.objects.filter(pk__in=missing):
            found[questionnaire.pk] = compiled_questionnaire(questionnaire)
    return found


# --- What the scoring pipeline reads (as the system, for any organisation) -------------------


def latest_policies(organisation_ids) -> dict[int, ScoringPolicy]:
    """Organisation id → its newest stored policy version; one query for all. An
    organisation with none stored is left out (ScoringPolicy.product_default stores it)."""
    latest: dict[int, ScoringPolicy] = {}
    for policy in ScoringPolicy.objects.filter(organisation_id__in=set(organisation_ids)).order_by(
        "organisation_id", "-version"
    ):
        latest.setdefault(policy.organisation_id, policy)
    return latest


def scoring_context(assessment: Assessment) -> dict:
    """The engine's context: the as-of date for date questions and the use case facts.

    The as-of date is the submission date, so rescoring later (after a policy change) judges
    the answers as of when they were given and the input hash stays stable."""
    when = assessment.submitted_at or timezone.now()
    use_case = assessment.use_case
    return {
        "as_of": timezone.localdate(when).isoformat(),
        "use_case": use_case.scoring_context() if use_case is not None else None,
    }
