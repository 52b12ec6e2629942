"""What a view's request carries beyond Django's HttpRequest, for the type checker.

Nothing here is instantiated: Django builds the request, ActiveOrganisationMiddleware adds
the active organisation and role, and the page guard (governance.web.access.page) admits
only a signed-in member of that organisation. Views annotate their request with the type
that holds where they run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.urls import ResolverMatch


class ViewRequest(HttpRequest):
    """Any request a view receives: resolved to its URL pattern, with the active
    organisation and role when the user is a member of one."""

    resolver_match: ResolverMatch
    organisation_id: int | None
    role: str | None


class SignedInRequest(ViewRequest):
    """A request login_required let through: a signed-in user, perhaps of no organisation."""

    user: User


class MemberRequest(SignedInRequest):
    """A request the page guard let through: a signed-in member of the active organisation."""

    organisation_id: int
    role: str
