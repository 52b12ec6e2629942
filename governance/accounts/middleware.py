from .selectors import remembered_organisation_id
from .tenancy import memberships_of

SESSION_KEY = "active_organisation_id"


class ActiveOrganisationMiddleware:
    """Pick the organisation the web pages work in: the one chosen in the switcher for this
    session if the user still belongs to it, else the one they chose last time (remembered
    on the membership), else the one they joined first. The API scopes to all of a user's
    organisations instead and names the organisation on each object."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation_id = None
        request.role = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            roles = memberships_of(user)
            chosen = request.session.get(SESSION_KEY)
            if chosen not in roles:
                if len(roles) > 1:
                    chosen = remembered_organisation_id(user=user)
                    request.session[SESSION_KEY] = chosen
                else:
                    chosen = next(iter(roles), None)
            request.organisation_id = chosen
            request.role = roles.get(chosen)
        return self.get_response(request)
