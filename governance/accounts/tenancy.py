"""Organisation scoping and role checks: the one place that decides who may see and do what.

Every read of tenant data goes through `TenantQuerySet.for_user()` (or a selector built on
it), so a view can never fetch another organisation's row by guessing its id.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models

from .models import Membership, Role


class Capability:
    VIEW = "view"
    EDIT = "edit"  # vendors, offerings, use cases, assessments, answers, evidence
    DECIDE = "decide"  # approve / reject scored assessments
    MANAGE = "manage"  # members, scoring policy, questionnaire imports
    # Start a report rendering (assessment or portfolio). Reading a rendered report is VIEW;
    # rendering costs a worker's minutes, so it belongs to those who work on assessments.
    REPORT = "report"


CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            Capability.VIEW,
            Capability.EDIT,
            Capability.DECIDE,
            Capability.MANAGE,
            Capability.REPORT,
        }
    ),
    Role.ASSESSOR: frozenset({Capability.VIEW, Capability.EDIT, Capability.REPORT}),
    Role.REVIEWER: frozenset({Capability.VIEW, Capability.DECIDE, Capability.REPORT}),
    Role.VIEWER: frozenset({Capability.VIEW}),
}


def remember_memberships(user, rows) -> None:
    """Keep (organisation id, role, data version) rows on the user for the request, for
    callers that read them along with something else (the API token lookup does)."""
    user._membership_roles = {}
    user._data_versions = {}
    for organisation_id, role, version in rows:
        user._membership_roles[organisation_id] = role
        user._data_versions[organisation_id] = version


def forget_memberships(user) -> None:
    """Drop the request's cached memberships after the user joined or left an organisation."""
    user._membership_roles = None
    user._data_versions = None


def _load_memberships(user) -> None:
    remember_memberships(
        user,
        Membership.objects.filter(user=user).values_list(
            "organisation_id", "role", "organisation__data_version"
        ),
    )


def memberships_of(user) -> dict[int, str]:
    """Map organisation id → role for the user, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return {}
    if getattr(user, "_membership_roles", None) is None:
        _load_memberships(user)
    return user._membership_roles


def data_versions_of(user) -> dict[int, int]:
    """Map organisation id → data version (see versioning.py) for the user's organisations,
    read by the same query as the memberships."""
    if user is None or not user.is_authenticated:
        return {}
    if getattr(user, "_data_versions", None) is None:
        _load_memberships(user)
    return user._data_versions


def organisation_ids(user) -> list[int]:
    return list(memberships_of(user))


def role_in(user, organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    return memberships_of(user).get(organisation_id)


def can(user, capability: str, organisation_id: int | None) -> bool:
    role = role_in(user, organisation_id)
    return role is not None and capability in CAPABILITIES[role]


def require(user, capability: str, organisation_id: int | None) -> None:
    """Raise PermissionDenied unless the user holds `capability` in that organisation."""
    if not can(user, capability, organisation_id):
        raise PermissionDenied(f"Your role does not allow this ({capability}).")


class TenantQuerySet(models.QuerySet):
    def for_user(self, user) -> TenantQuerySet:
        return self.filter(organisation_id__in=organisation_ids(user))

    def for_organisation(self, organisation_id: int) -> TenantQuerySet:
        return self.filter(organisation_id=organisation_id)


class TenantModel(models.Model):
    """Base for every row that belongs to one organisation."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="organisation",
        help_text="The organisation that owns this record.",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
