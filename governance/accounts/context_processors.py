from .models import Membership
from .tenancy import CAPABILITIES


def organisation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def memberships():
        return list(Membership.objects.filter(user=user).select_related("organisation"))

    role = getattr(request, "role", None)
    return {
        "active_organisation_id": getattr(request, "organisation_id", None),
        "active_role": role,
        "capabilities": CAPABILITIES.get(role, frozenset()) if role else frozenset(),
        # Evaluated only when a template asks, so pages that don't show it pay nothing.
        "memberships": memberships,
    }
