"""The organisation's scoring policy: weights, thresholds and bands, versioned."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance.accounts.audit import audit_record
from governance.accounts.tenancy import Capability, require
from governance.scoring import validate_policy

from ..models import (
    ScoringPolicy,
)
from ..selectors import latest_policies

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def policy_current(*, organisation_id: int) -> ScoringPolicy:
    """The organisation's newest policy version, storing version 1 (the product default)
    the first time it is needed."""
    policy = latest_policies({organisation_id}).get(organisation_id)
    return policy or ScoringPolicy.product_default(organisation_id)


def policy_update(
    *, actor: User, organisation_id: int, body: dict, note: str = ""
) -> ScoringPolicy:
    """Save a new version of the policy. Existing results keep naming the version they used;
    rescoring (rescore_request) applies the new one."""
    require(actor, Capability.MANAGE, organisation_id)
    if not isinstance(body, dict):
        raise ValidationError({"body": ["The policy must be an object."]})
    body = copy.deepcopy(body)
    current = policy_current(organisation_id=organisation_id)
    body["version"] = current.version + 1
    problems = validate_policy(body)
    if problems:
        raise ValidationError({"body": problems})
    policy = ScoringPolicy(
        organisation_id=organisation_id,
        version=current.version + 1,
        body=body,
        note=(note or "").strip(),
        created_by=actor,
    )
    policy.full_clean(exclude=["version"])
    try:
        with transaction.atomic():
            policy.save()
            audit_record(
                actor=actor,
                organisation_id=organisation_id,
                action="policy.update",
                obj=policy,
                before={"version": current.version, "body": current.body},
                after={"version": policy.version, "body": policy.body},
            )
    except IntegrityError as exc:
        raise ValidationError(
            "Someone else saved the policy at the same time; reload and try again."
        ) from exc
    return policy
