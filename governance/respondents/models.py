"""Links that let a vendor contact answer one assessment without an account."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from governance.accounts.tenancy import TenantModel
from governance.assessments.models import RESPONDENT_LABEL_PREFIX


def hash_link_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class RespondentLinkState(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class RespondentLink(TenantModel):
    """A secret link scoped to one assessment. Only the SHA-256 of the token is stored, so
    the link can be shown once and never recovered from the database."""

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="respondent_links",
        verbose_name="assessment",
        help_text="The one assessment this link may answer.",
    )
    token_hash = models.CharField(
        "token hash", max_length=64, unique=True, help_text="SHA-256 of the secret token."
    )
    contact_name = models.CharField(
        "contact name", max_length=200, help_text="The vendor person invited to answer."
    )
    contact_email = models.EmailField(
        "contact e-mail", blank=True, help_text="Where the link was sent."
    )
    expires_at = models.DateTimeField("expires", help_text="The link stops working after this.")
    revoked_at = models.DateTimeField(
        "revoked", null=True, blank=True, help_text="A revoked link is refused at once."
    )
    last_used_at = models.DateTimeField("last used", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="created by",
        help_text="The assessor who sent the invitation.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "respondent link"

    def __str__(self) -> str:
        return f"Link for {self.contact_name} (#{self.pk})"

    @property
    def actor_label(self) -> str:
        return f"{RESPONDENT_LABEL_PREFIX}{self.pk}"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return RespondentLinkState.REVOKED
        if self.expires_at <= now:
            return RespondentLinkState.EXPIRED
        return RespondentLinkState.ACTIVE
