"""Rescoring after a policy change."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction

from governance.accounts.audit import audit_record
from governance.accounts.models import Organisation
from governance.accounts.tenancy import Capability, require
from governance.tasking import enqueue

from ..models import (
    Assessment,
    AssessmentStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rescore_request(
    *, actor: User | None = None, organisation_id: int | None = None, batch_size: int = 200
) -> int:
    """Enqueue rescoring of every scored or decided assessment (of one organisation, or of
    all when called by the system) in batches. Returns how many were enqueued. Earlier
    results stay in the history; the new ones use the current policy."""
    if actor is not None:
        require(actor, Capability.MANAGE, organisation_id)
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    from ..tasks import rescore_batch

    qs = Assessment.objects.filter(
        status__in=AssessmentStatus.RESCORABLE, latest_result__isnull=False
    )
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        if organisation_id is not None:
            audit_record(
                actor=actor,
                organisation_id=organisation_id,
                action="assessment.rescore_request",
                obj=Organisation.objects.get(pk=organisation_id),
                after={"assessments": len(ids), "batch_size": batch_size},
            )
        for chunk in _chunks(ids, batch_size):
            transaction.on_commit(partial(enqueue, rescore_batch, chunk), robust=True)
    return len(ids)
