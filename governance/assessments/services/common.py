"""What every write on assessments shares: who may write, the row lock, and handing
work to Celery once the transaction has committed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model

from governance.accounts.tenancy import Capability, require
from governance.tasking import enqueue

from ..models import Assessment, AssessmentStatus, by_respondent
from ..selectors import compiled_questionnaire

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from governance.scoring import CompiledQuestionnaire


@dataclass
class SubmitOutcome:
    """What a submission achieved. `enqueued` is False when the broker could not be reached:
    the submission is saved and the periodic sweep scores it later ("scoring delayed").

    It is filled in when the transaction commits; a caller that wraps the service in its own
    transaction sees the final value only after that commits."""

    assessment: Assessment
    enqueued: bool = False


def actor_display(actor: User | None, actor_label: str | None) -> str:
    if actor_label:
        return actor_label
    return actor.get_username() if actor is not None else "system"


def require_writer(actor: User | None, actor_label: str | None, organisation_id: int) -> None:
    # A vendor respondent acts through a link, without an account; the view that resolved
    # the link has already checked it, and says so with actor=None plus the link's label.
    if actor is None:
        if not actor_label or not by_respondent(actor_label):
            raise PermissionDenied("Sign in to change this assessment.")
        return
    require(actor, Capability.EDIT, organisation_id)


def lock_editable(assessment: Assessment, refusal: str) -> Assessment:
    """`lock_assessment`, then refuse unless the assessment is still editable. `refusal` says why in
    the caller's words, with `{status}` standing for the current status."""
    locked = lock_assessment(assessment)
    AssessmentStatus.require_state(locked.status, AssessmentStatus.EDITABLE, refusal)
    return locked


def lock_assessment(assessment: Assessment) -> Assessment:
    """Reload the row under a lock so that a concurrent submit and save cannot interleave."""
    # The questionnaire comes along in the same query, so a save costs the same number of
    # queries whether or not its compiled form is already cached.
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("questionnaire", "vendor")
        .get(pk=assessment.pk)
    )


def compiled_for(assessment: Assessment) -> CompiledQuestionnaire:
    return compiled_questionnaire(assessment.questionnaire)


def refresh_caller_copy(target: Model, source: Model) -> None:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def enqueue_scoring_on_commit(outcome: SubmitOutcome, reason: str) -> None:
    from ..tasks import score_assessment

    pk = outcome.assessment.pk

    def send() -> None:
        outcome.enqueued = enqueue(score_assessment, pk, reason)

    # robust: even if sending raised past our own guard, the committed submission stands.
    transaction.on_commit(send, robust=True)
