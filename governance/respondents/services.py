"""Writes on respondent links: create (the secret is returned once) and revoke."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.accounts.audit import audit_record, snapshot
from governance.accounts.tenancy import Capability, require
from governance.assessments.models import AssessmentStatus

from .models import RespondentLink, hash_link_token

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from governance.assessments.models import Assessment

MIN_DAYS = 1
MAX_DAYS = 60
DEFAULT_DAYS = 14


def respondent_link_create(
    *,
    actor: User,
    assessment: Assessment,
    contact_name: str,
    contact_email: str = "",
    expires_in_days: int = DEFAULT_DAYS,
) -> tuple[RespondentLink, str]:
    """Create a link for one assessment; returns the row and the raw token, which is never
    stored and cannot be shown again."""
    require(actor, Capability.EDIT, assessment.organisation_id)
    AssessmentStatus.require_state(
        assessment.status,
        AssessmentStatus.EDITABLE,
        "This assessment is no longer open for answers, so it cannot be shared.",
    )
    if not isinstance(expires_in_days, int) or not MIN_DAYS <= expires_in_days <= MAX_DAYS:
        raise ValidationError(
            {"expires_in_days": [f"Choose between {MIN_DAYS} and {MAX_DAYS} days."]}
        )
    raw = secrets.token_urlsafe(32)
    link = RespondentLink(
        organisation_id=assessment.organisation_id,
        assessment=assessment,
        token_hash=hash_link_token(raw),
        contact_name=(contact_name or "").strip(),
        contact_email=(contact_email or "").strip(),
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
        created_by=actor,
    )
    link.full_clean(exclude=["assessment", "organisation", "created_by"])
    with transaction.atomic():
        link.save()
        audit_record(
            actor=actor,
            organisation_id=link.organisation_id,
            action="respondent_link.create",
            obj=link,
            after=snapshot(link, exclude=("token_hash",)),
        )
    return link, raw


def respondent_link_revoke(*, actor: User, link: RespondentLink) -> RespondentLink:
    require(actor, Capability.EDIT, link.organisation_id)
    if link.revoked_at is not None:
        return link
    with transaction.atomic():
        # Conditional update: two revokes at once record one event.
        changed = RespondentLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        link.refresh_from_db()
        if changed:
            audit_record(
                actor=actor,
                organisation_id=link.organisation_id,
                action="respondent_link.revoke",
                obj=link,
                before={"revoked_at": None},
                after={"revoked_at": link.revoked_at},
            )
    return link


def respondent_link_touch(*, link: RespondentLink) -> None:
    """Record use without an audit event: use is frequent and the answers themselves are
    audited by answers_save under the link's label."""
    now = timezone.now()
    RespondentLink.objects.filter(pk=link.pk).update(last_used_at=now)
    link.last_used_at = now
