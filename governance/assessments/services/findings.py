"""Remediation of findings: status, owner, due date and note."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from governance.accounts.audit import audit_record, snapshot
from governance.accounts.models import Membership
from governance.accounts.tenancy import Capability, can, require

from ..models import Finding, FindingStatus
from .common import refresh_caller_copy

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FINDING_FIELDS = ("status", "owner", "due_date", "note")


def finding_update(*, actor: User, finding: Finding, data: dict) -> Finding:
    organisation_id = finding.organisation_id
    if not (
        can(actor, Capability.EDIT, organisation_id)
        or can(actor, Capability.DECIDE, organisation_id)
    ):
        raise PermissionDenied("Your role does not allow this (edit).")
    unknown = sorted(set(data) - set(FINDING_FIELDS))
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in unknown})
    data = dict(data)
    if "status" in data:
        if data["status"] not in FindingStatus.values:
            raise ValidationError(
                {"status": [f"Choose one of: {', '.join(FindingStatus.values)}."]}
            )
        if data["status"] == FindingStatus.ACCEPTED and finding.status != FindingStatus.ACCEPTED:
            # Accepting a risk is a decision, not an edit.
            require(actor, Capability.DECIDE, organisation_id)
    if "owner" in data and data["owner"] is not None:
        owner = data["owner"]
        owner_id = getattr(owner, "pk", owner)
        if not Membership.objects.filter(
            user_id=owner_id, organisation_id=organisation_id
        ).exists():
            raise ValidationError({"owner": ["The owner must be a member of your organisation."]})
        data["owner_id"] = owner_id
        del data["owner"]
    elif "owner" in data:
        data["owner_id"] = None
        del data["owner"]
    if "due_date" in data and isinstance(data["due_date"], str):
        try:
            data["due_date"] = dt.date.fromisoformat(data["due_date"]) if data["due_date"] else None
        except ValueError as exc:
            raise ValidationError({"due_date": ["Enter a date as YYYY-MM-DD."]}) from exc
    if "note" in data and data["note"] is None:
        data["note"] = ""
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        before = snapshot(locked)
        for field, value in data.items():
            setattr(locked, field, value)
        if "status" in data and data["status"] != FindingStatus.CLOSED:
            locked.closed_automatically = False
        locked.full_clean()
        locked.save()
        audit_record(
            actor=actor,
            organisation_id=organisation_id,
            action="finding.update",
            obj=locked,
            before=before,
            after=snapshot(locked),
        )
    refresh_caller_copy(finding, locked)
    return finding
